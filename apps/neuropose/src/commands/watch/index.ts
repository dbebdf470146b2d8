import type { CommandModule } from "yargs";
import { dataDirOption, lazyRun, modelOptions } from "../_shared/options.js";

/** `neuropose watch`: the daemon. Its code is loaded only when the command runs. */
export const watchCommand: CommandModule = {
  command: "watch",
  describe: "run the job daemon: every folder dropped into <data dir>/in/ becomes results in out/",
  builder: (y) =>
    modelOptions(dataDirOption(y))
      .option("poll", {
        type: "number",
        describe: "seconds between looks for new jobs (default: settings pollSeconds, 5)",
      })
      .option("once", { type: "boolean", default: false, describe: "process what is waiting, then exit" })
      .option("skip-checks", {
        type: "boolean",
        default: false,
        describe: "do not run the doctor checks first",
      })
      .example("$0 watch --data-dir /srv/neuropose", "run the daemon")
      .example("$0 watch --once --log-format json", "drain the queue once, JSON log lines"),
  handler: lazyRun(async () => (await import("./run.js")).runWatch),
};
