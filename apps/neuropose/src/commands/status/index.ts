import type { CommandModule } from "yargs";
import { dataDirOption } from "../_shared/options.js";

/** `neuropose status`: the jobs of the data dir as a table or JSON. */
export const statusCommand: CommandModule = {
  command: "status",
  describe: "show the jobs of the data dir (queued, processing, completed, failed) and whether a daemon runs",
  builder: (y) =>
    dataDirOption(y).option("json", { type: "boolean", default: false, describe: "print JSON on stdout" }),
  handler: async (args) => {
    const { runStatus } = await import("./run.js");
    process.exitCode = await runStatus(args as never);
  },
};
