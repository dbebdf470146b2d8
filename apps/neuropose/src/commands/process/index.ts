import type { CommandModule } from "yargs";
import { modelOptions } from "../_shared/options.js";

/** `neuropose process VIDEO...`: the daemon's per-video work on named files, without a data dir. */
export const processCommand: CommandModule = {
  command: "process <videos..>",
  describe: "run the daemon's work on video files now (one VideoPredictions each, or a JobResults with -o)",
  builder: (y) =>
    modelOptions(y).positional("videos", { type: "string", array: true }).option("output", {
      alias: "o",
      type: "string",
      describe: "write one JobResults file (all videos) here",
    }),
  handler: async (args) => {
    const { runProcess } = await import("./run.js");
    process.exitCode = await runProcess(args as never);
  },
};
