// `neuropose nwb export|validate`: a thin CLI over @neuropose/nwb.
import { existsSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import {
  abortOnSignals,
  createLogger,
  createProgress,
  type LogFormat,
  type LogLevel,
} from "@neuropose/cli-kit";
import { checkOutputPath, isNeuroPoseError, loadSettings, NeuroPoseError, sha256File } from "@neuropose/io";
import {
  NWB_METADATA_OPTIONS,
  nwbMetadataFromFlags,
  predictionsFileToNwb,
  validateNwb,
} from "@neuropose/nwb";
import type { Argv, CommandModule } from "yargs";

interface GlobalArgs {
  "log-format"?: LogFormat;
  "log-level"?: LogLevel;
}

interface ExportArgs extends GlobalArgs {
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

interface ValidateArgs extends GlobalArgs {
  files: string[];
  json: boolean;
  strict: boolean;
}

/** The NWB file's provenance writes hashes as `sha256:<hex>`. */
const prefixedSha256File = async (path: string) => `sha256:${await sha256File(path)}`;

/** Runs `neuropose nwb export`. */
async function runExport(
  args: ExportArgs,
  out: { write(s: string): unknown } = process.stdout,
): Promise<void> {
  // Flags win; otherwise the settings (NEUROPOSE_LOG_FORMAT / NEUROPOSE_LOG_LEVEL, config file, defaults).
  const settings = loadSettings({
    overrides: {
      ...(args["log-format"] ? { logFormat: args["log-format"] } : {}),
      ...(args["log-level"] && args["log-level"] !== "silent" ? { logLevel: args["log-level"] } : {}),
    },
  });
  const log = createLogger({ format: settings.logFormat, level: args["log-level"] ?? settings.logLevel });
  const outPath = resolve(args.output);
  await checkOutputPath(outPath, { force: args.force, label: "-o" });
  if (!existsSync(args.predictions)) {
    throw new NeuroPoseError("E_INPUT_MISSING", "predictions file not found", {
      path: args.predictions,
      hint: "give the JSON written by neuropose-infer",
    });
  }
  // the predictions file's own hash is added by the export, which reads the file anyway
  const hashes: Record<string, string> = {};
  let videoPath: string | undefined;
  if (args.video !== undefined) {
    const abs = resolve(args.video);
    if (!existsSync(abs)) {
      throw new NeuroPoseError("E_INPUT_MISSING", "video file not found", {
        path: args.video,
        hint: "--video names the source video; it is linked (not copied) from the NWB file",
      });
    }
    videoPath = relative(dirname(outPath), abs);
    if (isAbsolute(videoPath)) log.warn("the video is on another drive: its path is stored as absolute");
    hashes[basename(abs)] = await prefixedSha256File(abs);
  }
  const metadata = nwbMetadataFromFlags(args, {
    video: args.video !== undefined ? { path: args.video } : undefined,
    defaultDescription: `Pose estimated by NeuroPose from ${basename(args.video ?? args.predictions)}.`,
    warn: (m) => log.warn(m),
  });
  let progress: ReturnType<typeof createProgress> | undefined;
  const showProgress = !args.json && args["log-level"] !== "silent";
  let summary: Awaited<ReturnType<typeof predictionsFileToNwb>>;
  const t0 = performance.now();
  const signal = abortOnSignals();
  try {
    summary = await predictionsFileToNwb(args.predictions, outPath, {
      ...metadata,
      videoStartTime: args["video-start"],
      ...(videoPath !== undefined ? { videoPath } : {}),
      include: { image2d: args["2d"], world3d: args["3d"] },
      inputHashes: hashes,
      signal,
      onProgress: (p) => {
        // The writer counts rows over every series (each series holds every frame): shown as the share of the
        // frames written, since the streamed file's frame count is known only at its end.
        progress ??= createProgress({
          label: "nwb (frames written)",
          total: 100,
          unit: "%",
          enabled: showProgress,
        });
        progress.update(Math.round((100 * p.done) / Math.max(1, p.total)), { detail: p.object });
      },
    });
  } catch (err) {
    progress?.stop();
    // Ctrl-C / SIGTERM: the write stopped between chunks and removed its temp file; exit like a shell does.
    if (signal.aborted && isNeuroPoseError(err) && err.code === "E_ABORTED") {
      process.stderr.write(
        `error: ${(signal.reason as Error)?.message ?? "interrupted"}; nothing was written\n`,
      );
      process.exit(130);
    }
    throw err;
  } finally {
    progress?.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const bytes = statSync(outPath).size;
  if (args.json) {
    out.write(`${JSON.stringify({ ...summary, path: outPath, bytes, seconds })}\n`);
  } else {
    out.write(
      `wrote ${args.output}: ${summary.frames} frames, ${summary.persons.length} person(s), ` +
        `${summary.poseEstimations.length} PoseEstimation(s), ${(bytes / 1e6).toFixed(2)} MB in ${seconds.toFixed(2)} s\n`,
    );
  }
}

/** Runs `neuropose nwb validate`. */
async function runValidate(
  args: ValidateArgs,
  out: { write(s: string): unknown } = process.stdout,
): Promise<void> {
  let failed = 0;
  const results = [];
  for (const file of args.files) {
    if (!existsSync(file)) {
      throw new NeuroPoseError("E_INPUT_MISSING", "file not found", { path: file });
    }
    const r = await validateNwb(file);
    const bad = r.errors.length > 0 || (args.strict && r.warnings.length > 0);
    if (bad) failed++;
    results.push(r);
    if (!args.json) {
      out.write(
        `${file}: ${bad ? "FAIL" : "ok"} (NWB ${r.nwbVersion ?? "?"}, ${r.objects} typed objects, ${r.errors.length} error(s), ${r.warnings.length} warning(s))\n`,
      );
      for (const i of [...r.errors, ...r.warnings]) out.write(`  ${i.severity}: ${i.path}: ${i.message}\n`);
    }
  }
  if (args.json) out.write(`${JSON.stringify(results)}\n`);
  if (failed > 0) {
    throw new NeuroPoseError("E_NWB_INVALID", `${failed} of ${args.files.length} file(s) failed validation`, {
      hint: args.json ? "see the JSON report" : "see the findings above",
      kind: "user",
    });
  }
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
  handler: (args) => runExport(args),
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
  handler: (args) => runValidate(args),
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
