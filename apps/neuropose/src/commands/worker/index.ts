import type { CommandModule } from "yargs";
import { lazyRun, modelOptions } from "../_shared/options.js";

/** `neuropose worker`: take jobs from the Redis queue. Its code is loaded only when the command runs. */
export const workerCommand: CommandModule = {
  command: "worker",
  describe: "run a queue worker: take jobs from Redis, write results to the shared output folder",
  builder: (y) =>
    modelOptions(y)
      .option("queue", {
        type: "string",
        describe: "Redis URL (default: settings queueUrl, NEUROPOSE_QUEUE_URL)",
      })
      .option("concurrency", {
        type: "number",
        default: 1,
        describe: "jobs at once (one model loaded per slot)",
      })
      .option("stall-seconds", {
        type: "number",
        default: 30,
        describe: "a job whose worker stops answering this long is given to another worker",
      })
      .option("data-dir", { type: "string", describe: "data dir (default: settings dataDir)" })
      .example("$0 worker --queue redis://gpu1:6379 --device cuda", "one worker per GPU box"),
  handler: lazyRun(async () => (await import("./run.js")).runWorker),
};
