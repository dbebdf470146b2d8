import type { CommandModule } from "yargs";
import { lazyRun, modelOptions, outputOption } from "../_shared/options.js";

/** `neuropose process VIDEO...`: the daemon's per-video work on named files, without a data dir. */
export const processCommand: CommandModule = {
  command: "process <videos..>",
  describe: "run the daemon's work on video files now (one VideoPredictions each, or a JobResults with -o)",
  builder: (y) =>
    outputOption(
      modelOptions(y).positional("videos", { type: "string", array: true }),
      "write one JobResults file (all videos) here",
    ),
  handler: lazyRun(async () => (await import("./run.js")).runProcess),
};
