import type { CommandModule } from "yargs";
import { dataDirOption, lazyRun } from "../_shared/options.js";

/** `neuropose reset`: stop the daemon/monitor, wipe what the user chose. */
export const resetCommand: CommandModule = {
  command: "reset",
  describe:
    "stop the daemon and monitor of the data dir (SIGINT, then SIGKILL after a grace period) and wipe it",
  builder: (y) =>
    dataDirOption(y)
      .option("dry-run", { type: "boolean", default: false, describe: "only say what would happen" })
      .option("yes", {
        type: "boolean",
        default: false,
        describe: "really delete (required unless --dry-run or --stop-only)",
      })
      .option("stop-only", {
        type: "boolean",
        default: false,
        describe: "stop the processes, delete nothing",
      })
      .option("keep-failed", {
        type: "boolean",
        default: false,
        describe: "keep failed/ (the inputs of failed jobs)",
      })
      .option("keep-inputs", { type: "boolean", default: false, describe: "keep in/ (the jobs are redone)" })
      .option("grace", { type: "number", default: 10, describe: "seconds to wait after SIGINT" })
      .option("kill", {
        type: "boolean",
        default: true,
        describe: "SIGKILL what is still running after the grace period",
      }),
  handler: lazyRun(async () => (await import("./run.js")).runReset),
};
