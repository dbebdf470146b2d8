import type { CommandModule } from "yargs";
import { lazyRun } from "../_shared/options.js";

/** `neuropose submit`: enqueue jobs on the Redis queue. Its code is loaded only when the command runs. */
export const submitCommand: CommandModule = {
  command: "submit <inputs..>",
  describe:
    "enqueue job folders or videos (on storage every worker reads) on the Redis queue; prints job ids",
  builder: (y) =>
    y
      .positional("inputs", { type: "string", array: true, describe: "job folders (one job each) or videos" })
      .option("queue", {
        type: "string",
        describe: "Redis URL (default: settings queueUrl, NEUROPOSE_QUEUE_URL)",
      })
      .option("out", {
        type: "string",
        describe: "shared folder for the results (<out>/<job id>/results.json; default <data dir>/out)",
      })
      .option("data-dir", { type: "string", describe: "data dir (default: settings dataDir)" })
      .option("attempts", {
        type: "number",
        default: 3,
        describe: "tries for transient errors (bad videos: one)",
      })
      .option("json", { type: "boolean", default: false, describe: "print the jobs as JSON" })
      .example(
        "$0 submit /shared/cohort/* --queue redis://gpu1:6379 --out /shared/results",
        "one job per folder",
      ),
  handler: lazyRun(async () => (await import("./run.js")).runSubmit),
};
