// `neuropose nwb export|validate`: a thin CLI over @neuropose/nwb. The work is in run.ts, loaded only when a command runs.
import type { LogFormat, LogLevel } from "@neuropose/cli-kit";
import { NWB_METADATA_OPTIONS } from "@neuropose/nwb/metadata-flags";
import type { Argv, CommandModule } from "yargs";

export interface GlobalArgs {
  "log-format"?: LogFormat;
  "log-level"?: LogLevel;
}

export interface ExportArgs extends GlobalArgs {
  predictions: string;
  output: string;
  video?: string;
  "session-start"?: string;
  "session-description"?: string;
  identifier?: string;
  "subject-id"?: string;
  species: string;
  age?: string;
  sex?: string;
  "subject-description"?: string;
  experimenter?: string[];
  lab?: string;
  institution?: string;
  keywords?: string[];
  "experiment-description"?: string;
  "session-id"?: string;
  "video-start": number;
  "2d": boolean;
  "3d": boolean;
  force: boolean;
  json: boolean;
}

export interface ValidateArgs extends GlobalArgs {
  files: string[];
  json: boolean;
  strict: boolean;
}

const exportCommand: CommandModule<GlobalArgs, ExportArgs> = {
  command: "export <predictions>",
  describe: "Export a predictions JSON (VideoPredictions) to an NWB file with ndx-pose",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional("predictions", {
        type: "string",
        demandOption: true,
        describe: "predictions JSON (any version)",
      })
      .option("output", { alias: "o", type: "string", demandOption: true, describe: "NWB file to write" })
      .option("video", {
        type: "string",
        describe: "source video (linked as an external ImageSeries, relative path)",
      })
      .options(NWB_METADATA_OPTIONS)
      .option("video-start", {
        type: "number",
        default: 0,
        describe: "seconds from session start to frame 0",
      })
      .option("2d", {
        type: "boolean",
        default: true,
        describe: "write image-pixel keypoints (--no-2d to skip)",
      })
      .option("3d", { type: "boolean", default: true, describe: "write world keypoints (--no-3d to skip)" })
      .option("force", { type: "boolean", default: false, describe: "replace an existing output file" })
      .option("json", {
        type: "boolean",
        default: false,
        describe: "print a JSON summary on stdout",
      }) as Argv<ExportArgs>,
  handler: async (args) => (await import("./run.js")).runExport(args),
};

const validateCommand: CommandModule<GlobalArgs, ValidateArgs> = {
  command: "validate <files..>",
  describe: "Check NWB files' structure (groups, datasets, attributes, shapes, links)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional("files", { type: "string", array: true, demandOption: true })
      .option("json", { type: "boolean", default: false, describe: "print the findings as JSON" })
      .option("strict", {
        type: "boolean",
        default: false,
        describe: "fail on warnings too",
      }) as Argv<ValidateArgs>,
  handler: async (args) => (await import("./run.js")).runValidate(args),
};

/**
 * The `neuropose nwb` command: `export` (predictions JSON → NWB) and `validate` (structural check).
 *
 * @example
 * ```ts
 * // neuropose nwb export clip.json -o clip.nwb --video clip.mp4 --subject-id S01 --session-start 2024-05-01T10:00:00+02:00
 * // neuropose nwb validate clip.nwb
 * import { nwbCommand } from "./commands/nwb/index.js";
 * ```
 */
export const nwbCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "nwb",
  describe: "Write and check NWB files (export, validate)",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(exportCommand)
      .command(validateCommand)
      .demandCommand(1, "name an nwb command: export or validate"),
  handler: () => {},
};
