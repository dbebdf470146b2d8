// `neuropose nwb export|validate`: a thin CLI over @neuropose/nwb.
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import {
  abortOnSignals,
  createLogger,
  createProgress,
  type LogFormat,
  type Logger,
  type LogLevel,
  UsageError,
} from "@neuropose/cli-kit";
import { loadSettings, NeuroPoseError, parseDocument, sha256File, sha256Hex } from "@neuropose/io";
import { type NwbSubject, validateNwb, videoPredictionsToNwb } from "@neuropose/nwb";
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

/** Reads the predictions file once: the document (migrated, validated) and the hash of its bytes. */
async function readPredictions(path: string, logger: Logger) {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new NeuroPoseError(
      "E_INPUT_MISSING",
      code === "ENOENT" ? "predictions file not found" : `cannot read the predictions file (${code})`,
      { path, hint: "give the JSON written by neuropose-infer", cause: err },
    );
  }
  return {
    preds: parseDocument("video_predictions", bytes.toString("utf8"), { source: path, logger }),
    sha256: `sha256:${sha256Hex(bytes)}`,
  };
}

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
  if (existsSync(outPath) && !args.force) {
    throw new UsageError("the output file exists", { path: args.output, hint: "pass --force to replace it" });
  }
  const { preds, sha256 } = await readPredictions(args.predictions, log);
  const hashes: Record<string, string> = { [basename(args.predictions)]: sha256 };
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
  let sessionStart = args["session-start"];
  if (sessionStart === undefined) {
    if (args.video === undefined) {
      throw new UsageError("--session-start is required (there is no --video to take it from)", {
        hint: "e.g. --session-start 2024-05-01T10:00:00+02:00",
      });
    }
    sessionStart = statSync(args.video).mtime.toISOString();
    log.warn(`no --session-start: using the video file's modification time, ${sessionStart}`);
  }
  let subject: NwbSubject | undefined;
  if (args["subject-id"] !== undefined) {
    subject = {
      subjectId: args["subject-id"],
      species: args.species,
      ...(args.age !== undefined ? { age: args.age } : {}),
      ...(args.sex !== undefined ? { sex: args.sex } : {}),
      ...(args["subject-description"] !== undefined ? { description: args["subject-description"] } : {}),
    };
  } else log.warn("no --subject-id: the file will have no Subject (DANDI requires one)");
  let progress: ReturnType<typeof createProgress> | undefined;
  const showProgress = !args.json && args["log-level"] !== "silent";
  let summary: Awaited<ReturnType<typeof videoPredictionsToNwb>>;
  const t0 = performance.now();
  try {
    summary = await videoPredictionsToNwb(preds, outPath, {
      sessionDescription:
        args["session-description"] ??
        `Pose estimated by NeuroPose from ${basename(args.video ?? args.predictions)}.`,
      sessionStartTime: sessionStart,
      videoStartTime: args["video-start"],
      ...(args.identifier !== undefined ? { identifier: args.identifier } : {}),
      ...(subject ? { subject } : {}),
      ...(videoPath !== undefined ? { videoPath } : {}),
      ...(args.experimenter?.length ? { experimenter: args.experimenter } : {}),
      ...(args.lab !== undefined ? { lab: args.lab } : {}),
      ...(args.institution !== undefined ? { institution: args.institution } : {}),
      ...(args.keywords?.length ? { keywords: args.keywords } : {}),
      ...(args["experiment-description"] !== undefined
        ? { experimentDescription: args["experiment-description"] }
        : {}),
      ...(args["session-id"] !== undefined ? { sessionId: args["session-id"] } : {}),
      include: { image2d: args["2d"], world3d: args["3d"] },
      inputHashes: hashes,
      signal: abortOnSignals(),
      onProgress: (p) => {
        progress ??= createProgress({ label: "nwb", total: p.total, unit: "rows", enabled: showProgress });
        progress.update(p.done, { detail: p.object });
      },
    });
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
      .option("session-start", {
        type: "string",
        describe:
          "session start, ISO-8601 with timezone (e.g. 2024-05-01T10:00:00+02:00); default: the --video file's modification time",
      })
      .option("session-description", { type: "string" })
      .option("identifier", { type: "string", describe: "unique file identifier (default: a fresh UUID)" })
      .option("subject-id", { type: "string" })
      .option("species", { type: "string", default: "Homo sapiens", describe: "Latin binomial" })
      .option("age", { type: "string", describe: "ISO-8601 duration, e.g. P30Y" })
      .option("sex", { type: "string", choices: ["M", "F", "U", "O"] })
      .option("subject-description", { type: "string" })
      .option("experimenter", { type: "string", array: true, describe: "'Last, First' (repeatable)" })
      .option("lab", { type: "string" })
      .option("institution", { type: "string" })
      .option("keywords", { type: "string", array: true })
      .option("experiment-description", { type: "string" })
      .option("session-id", { type: "string" })
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
