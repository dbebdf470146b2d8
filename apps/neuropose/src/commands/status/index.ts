import type { CommandModule } from "yargs";
import { dataDirOption, lazyRunByQueue, queueOption } from "../_shared/options.js";

/** `neuropose status`: the jobs of the data dir as a table or JSON. */
export const statusCommand: CommandModule = {
  command: "status",
  describe: "show the jobs of the data dir (queued, processing, completed, failed) and whether a daemon runs",
  builder: (y) =>
    queueOption(
      dataDirOption(y).option("json", { type: "boolean", default: false, describe: "print JSON on stdout" }),
      "show the jobs of this Redis queue instead",
    ),
  handler: lazyRunByQueue(
    async () => (await import("./queue.js")).runQueueStatus,
    async () => (await import("./run.js")).runStatus,
  ),
};
