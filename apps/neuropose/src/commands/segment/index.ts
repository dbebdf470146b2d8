import type { CommandModule } from "yargs";
import { lazyRun } from "../_shared/options.js";

/** `neuropose segment PREDICTIONS`: named gait-cycle segmentations written into the predictions file. */
export const segmentCommand: CommandModule = {
  command: "segment <predictions>",
  describe: "segment gait cycles and store them, named, in the predictions file (atomic rewrite)",
  builder: (y) =>
    y
      .positional("predictions", { type: "string", demandOption: true, describe: "a VideoPredictions JSON" })
      .option("method", {
        choices: ["valley_to_valley_v1", "stride_zeni_v1"] as const,
        default: "valley_to_valley_v1" as const,
        describe: "the original's valley-to-valley cycles, or strides heel strike to heel strike",
      })
      .option("joint", { type: "string", describe: "one joint (name or index; default: both heels)" })
      .option("axis", { choices: ["x", "y", "z"] as const, default: "y" as const })
      .option("invert", { type: "boolean", default: false })
      .option("min-cycle", { type: "number", default: 0.4, describe: "shortest cycle, seconds" })
      .option("person", { type: "number", default: 0, describe: "person index" })
      .option("name", {
        type: "string",
        describe: "segmentation name (default: <joint>_cycles, or left/right_heel_strikes)",
      })
      .option("force", {
        type: "boolean",
        default: false,
        describe: "replace segmentations of the same name",
      })
      .example("$0 segment walk.poses.json", "left_heel_strikes + right_heel_strikes")
      .example(
        "$0 segment walk.poses.json --method stride_zeni_v1 --joint left_heel --name left_strides",
        "one foot's strides",
      ),
  handler: lazyRun(async () => (await import("./run.js")).runSegment),
};
