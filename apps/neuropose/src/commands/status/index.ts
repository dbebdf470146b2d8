import type { CommandModule } from "yargs";
import { dataDirOption } from "../_shared/options.js";

/** `neuropose status`: the jobs of the data dir as a table or JSON. */
export const statusCommand: CommandModule = {
  command: "status",
  describe: "show the jobs of the data dir (queued, processing, completed, failed) and whether a daemon runs",
  builder: (y) =>
    dataDirOption(y)
      .option("json", { type: "boolean", default: false, describe: "print JSON on stdout" })
      .option("queue", {
        type: "string",
        describe: "show the jobs of this Redis queue instead (redis://host:6379)",
      }),
  handler: async (args) => {
    if (args.queue !== undefined) {
      const { runQueueStatus } = await import("./queue.js");
      process.exitCode = await runQueueStatus(args as never);
      return;
    }
    const { runStatus } = await import("./run.js");
    process.exitCode = await runStatus(args as never);
  },
};
