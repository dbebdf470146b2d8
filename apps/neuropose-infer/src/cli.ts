import { basename, extname, resolve } from "node:path";
import {
  abortOnSignals,
  cliLogger,
  createProgress,
  LOG_OPTIONS,
  type Logger,
  type LogLevel,
  runCli,
  settingsFromFlags,
  UsageError,
  usageFailure,
} from "@neuropose/cli-kit";
import { packageVersion } from "@neuropose/cli-kit/startup";
import {
  checkOutputs,
  type LoadPipelineOptions,
  loadPipeline,
  type ProcessNwbOutput,
  probeVideo,
  processVideo,
  resolveFfmpeg,
} from "@neuropose/infer";
import {
  DEVICES,
  type Device,
  openJobResultsWriter,
  openVideoPredictionsWriter,
  type PredictionsSink,
} from "@neuropose/io";
import {
  NWB_METADATA_OPTIONS,
  type NwbMetadataFlags,
  nwbMetadataFromFlags,
} from "@neuropose/nwb/metadata-flags";
import yargs from "yargs";
import { BONE_MIN_CONFIDENCE, processVideoWithBoneModel } from "./bone-model.js";

/** Parsed options of `neuropose-infer` (the NWB metadata flags are @neuropose/nwb's, as `neuropose nwb export`). */
export interface InferArgs extends NwbMetadataFlags {
  videos: string[];
  output?: string | undefined;
  model: "lite" | "full" | "heavy";
  device?: Device | undefined;
  threads?: number | undefined;
  maxPeople: number;
  maxFrames?: number | undefined;
  smooth: boolean;
  overlay?: string | undefined;
  nwb?: string | undefined;
  force: boolean;
  minPresence?: number | undefined;
  trackTimeout?: number | undefined;
  json: boolean;
  modelCache?: string | undefined;
  /** Multi-camera 3D: one video per calibrated camera (with `calibration`). */
  cameras?: string[] | undefined;
  calibration?: string | undefined;
  /** Time offsets between cameras: "check" (estimate and report), "auto" (apply the estimate), "none". */
  sync: "check" | "auto" | "none";
  /** Offsets in frames per camera, given by the user (override the estimate). */
  offsets?: number[] | undefined;
  /** Cameras inferred at once. */
  parallel?: number | undefined;
  /** Views reprojecting further than this (pixels) are not used for a keypoint (multi-camera; default 20). */
  maxReprojection?: number | undefined;
  /** Pose2Sim's Hampel outlier rejection on the 3D trajectories (multi-camera). */
  rejectOutliers: boolean;
  /** Zero-lag Butterworth low-pass of the 3D trajectories, cut-off Hz (multi-camera). */
  lowpass?: number | undefined;
  /** Per-subject bone-length model constraining the 3D (one video, or --cameras). */
  boneModel: boolean;
  /** Multi-camera: folder to write each camera's 2D predictions into (`<camera>.json`). */
  save2d?: string | undefined;
  /** Multi-camera: folder of each camera's 2D predictions (`<camera>.json`), read instead of running the model. */
  from2d?: string | undefined;
  /** One video's bone model: both ends' visibility × presence at least this define a bone's length (0..1). */
  boneMinConfidence?: number | undefined;
  logFormat?: "human" | "json" | undefined;
  logLevel?: LogLevel | undefined;
  quiet: boolean;
}

/**
 * Parses a `neuropose-infer` command line into {@link InferArgs}; throws `UsageError` (exit 2) on bad usage.
 * Exported so the umbrella `neuropose` CLI can reuse it.
 *
 * @example
 * ```ts
 * import { parseArgs } from "@neuropose/neuropose-infer";
 * const args = await parseArgs(["clip.mp4", "--model", "lite", "--max-people", "2"]);
 * console.log(args.videos, args.model, args.maxPeople); // ["clip.mp4"] "lite" 2
 * ```
 */
export async function parseArgs(argv: string[]): Promise<InferArgs> {
  const a = await yargs(argv)
    .scriptName("neuropose-infer")
    .usage(
      "$0 <video...> [options]\n$0 --cameras <cam01.mp4 cam02.mp4 ...> --calibration <Calib.qca.txt> [options]\n\n3D poses (BlazePose GHUM, 33 keypoints) from video files. Writes one VideoPredictions JSON per video; with --cameras, one triangulated 3D document in the calibration's lab frame (metres).",
    )
    .option("output", {
      alias: "o",
      type: "string",
      describe: "output file (one video: its VideoPredictions; several: a JobResults keyed by file name)",
    })
    .option("model", {
      choices: ["lite", "full", "heavy"] as const,
      default: "full" as const,
      describe: "landmark model",
    })
    .option("device", { choices: DEVICES, describe: "execution provider (default: settings, else auto)" })
    .option("threads", { type: "number", describe: "CPU threads for inference" })
    .option("max-people", {
      type: "number",
      default: 1,
      describe: "people tracked at once, each with a stable id",
    })
    .option("max-frames", { type: "number", describe: "process only the first N frames" })
    .option("smooth", {
      type: "boolean",
      default: false,
      describe: "One Euro smoothing (off: raw model output)",
    })
    .option("overlay", { type: "string", describe: "render the 2D skeleton onto the video into this .mp4" })
    .option("nwb", { type: "string", describe: "also write an NWB file (poses, skeleton, linked video)" })
    .options(NWB_METADATA_OPTIONS)
    .option("force", { type: "boolean", default: false, describe: "replace existing output files" })
    .option("min-presence", {
      type: "number",
      describe: "pose-presence probability below which a person counts as absent in a frame (default 0.5)",
    })
    .option("track-timeout", {
      type: "number",
      describe: "seconds a lost person's id is kept for re-identification (default 2)",
    })
    .option("json", {
      type: "boolean",
      default: false,
      describe: "print the result JSON on stdout; no progress bar",
    })
    .option("model-cache", {
      type: "string",
      describe: "model cache folder (default: settings modelCacheDir)",
    })
    .option("cameras", {
      type: "string",
      array: true,
      describe:
        "multi-camera 3D: one video per calibrated camera (matched to the calibration by file name, else in order)",
    })
    .option("calibration", {
      type: "string",
      describe:
        "camera calibration of --cameras: Qualisys .qca.txt, Pose2Sim/OpenCV .toml or NeuroPose .json",
    })
    .option("sync", {
      choices: ["check", "auto", "none"] as const,
      default: "check" as const,
      describe:
        "time offsets between --cameras: check (estimate from the keypoints and report; cameras taken as synchronised), auto (apply the estimate), none",
    })
    .option("offsets", {
      type: "string",
      describe: "time offsets of --cameras in frames, comma-separated, the first camera's 0 (e.g. 0,2,-1,0)",
    })
    .option("parallel", { type: "number", describe: "--cameras inferred at once (default: by cores)" })
    .option("lowpass", {
      type: "number",
      describe: "--cameras: zero-lag Butterworth low-pass of the 3D trajectories, cut-off in Hz (gait: 6)",
    })
    .option("bone-model", {
      type: "boolean",
      default: false,
      describe:
        "constrain each frame's 3D to the person's bone lengths (medians over confident frames): bone-length CV becomes ~0 by construction; records it in provenance.filters (--cameras: costs reprojection error)",
    })
    .option("bone-min-confidence", {
      type: "number",
      describe: `one video's --bone-model: visibility × presence both ends of a bone need for its length to count, 0..1 (default ${BONE_MIN_CONFIDENCE})`,
    })
    .option("max-reprojection", {
      type: "number",
      describe:
        "--cameras: a view whose 2D keypoint lies further than this from the triangulated point is not used for it, pixels (default 20; see the multiview README for the trade-off)",
    })
    .option("reject-outliers", {
      type: "boolean",
      default: false,
      describe:
        "--cameras: replace outliers of the 3D trajectories by their 7-frame median before --lowpass (Pose2Sim's Hampel filter)",
    })
    .option("save-2d", {
      type: "string",
      describe: "--cameras: also write each camera's 2D predictions into this folder (<camera>.json)",
    })
    .option("from-2d", {
      type: "string",
      describe:
        "--cameras: read each camera's 2D predictions from this folder (<camera>.json, as --save-2d writes them) instead of running the model",
    })
    .options(LOG_OPTIONS)
    .option("quiet", { alias: "q", type: "boolean", default: false, describe: "no progress output" })
    .example("$0 clip.mp4 -o clip.poses.json", "poses of one clip")
    .example("$0 a.mp4 b.mp4 --model lite --max-people 2", "two people, faster model")
    .example("$0 clip.mp4 --overlay check.mp4", "check the tracking by eye")
    .example(
      "$0 --cameras cam01.mp4 cam02.mp4 cam03.mp4 cam04.mp4 --calibration Calib.qca.txt --max-people 2 -o trial.3d.json",
      "triangulated 3D from four calibrated cameras",
    )
    .demandCommand(0)
    .check((argv) => {
      if (argv._.length === 0 && argv.cameras === undefined)
        throw new UsageError("name at least one <video>", { hint: "neuropose-infer --help" });
      return true;
    })
    .strict()
    .help()
    .version(packageVersion(import.meta.url))
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail(usageFailure("neuropose-infer --help"))
    .parseAsync();
  const maxPeople = a["max-people"];
  if (!Number.isInteger(maxPeople) || maxPeople < 1) {
    throw new UsageError(`--max-people must be a positive integer (got ${maxPeople})`);
  }
  const maxFrames = a["max-frames"];
  if (maxFrames !== undefined && (!Number.isInteger(maxFrames) || maxFrames < 1)) {
    throw new UsageError(`--max-frames must be a positive integer (got ${maxFrames})`);
  }
  const videos = a._.map(String);
  for (const [flag, v, lo, hi] of [
    ["--min-presence", a["min-presence"], 0, 1],
    ["--track-timeout", a["track-timeout"], 0, Number.POSITIVE_INFINITY],
  ] as const) {
    if (v !== undefined && !(v >= lo && v <= hi))
      throw new UsageError(`${flag} must be in [${lo}, ${hi}] (got ${v})`);
  }
  const cameras = a.cameras?.map(String);
  if (cameras !== undefined) {
    if (videos.length > 0)
      throw new UsageError("give the videos either as arguments or after --cameras, not both");
    if (cameras.length < 2) throw new UsageError("--cameras needs at least two videos");
    if (a.calibration === undefined) throw new UsageError("--cameras needs --calibration");
    if (a.overlay) throw new UsageError("--overlay takes one video (not --cameras)");
    if (a["bone-min-confidence"] !== undefined)
      throw new UsageError("--bone-min-confidence is for one video's --bone-model (not --cameras)");
  } else {
    for (const flag of [
      "calibration",
      "offsets",
      "parallel",
      "lowpass",
      "save-2d",
      "from-2d",
      "max-reprojection",
    ] as const)
      if (a[flag] !== undefined) throw new UsageError(`--${flag} goes with --cameras`);
    if (a["reject-outliers"]) throw new UsageError("--reject-outliers goes with --cameras");
    if ((a.overlay || a.nwb) && videos.length > 1) {
      throw new UsageError("--overlay and --nwb take one video at a time");
    }
  }
  let offsets: number[] | undefined;
  if (a.offsets !== undefined) {
    offsets = String(a.offsets)
      .split(",")
      .map((x) => Number(x.trim()));
    if (offsets.some((x) => !Number.isInteger(x)))
      throw new UsageError(`--offsets must be whole frame counts separated by commas (got ${a.offsets})`);
    if (cameras && offsets.length !== cameras.length)
      throw new UsageError(`--offsets has ${offsets.length} values for ${cameras.length} --cameras`);
    if (a.sync === "auto") throw new UsageError("--offsets overrides the estimate: leave out --sync auto");
  }
  if (a["save-2d"] !== undefined && a["from-2d"] !== undefined)
    throw new UsageError("--from-2d reads the 2D predictions that --save-2d would write: give one of them");
  if (a.parallel !== undefined && !(Number.isInteger(a.parallel) && a.parallel >= 1))
    throw new UsageError(`--parallel must be a positive integer (got ${a.parallel})`);
  if (a["max-reprojection"] !== undefined && !(a["max-reprojection"] > 0))
    throw new UsageError(
      `--max-reprojection must be a distance in pixels above 0 (got ${a["max-reprojection"]})`,
    );
  const boneMin = a["bone-min-confidence"];
  if (boneMin !== undefined && !a["bone-model"])
    throw new UsageError("--bone-min-confidence goes with --bone-model");
  if (boneMin !== undefined && !(boneMin >= 0 && boneMin <= 1))
    throw new UsageError(`--bone-min-confidence must be in [0, 1] (got ${boneMin})`);
  if (a.lowpass !== undefined && !(a.lowpass > 0))
    throw new UsageError(`--lowpass must be a cut-off frequency in Hz above 0 (got ${a.lowpass})`);
  return {
    videos,
    output: a.output,
    model: a.model,
    device: a.device,
    threads: a.threads,
    maxPeople,
    maxFrames,
    smooth: a.smooth,
    overlay: a.overlay,
    nwb: a.nwb,
    force: a.force,
    minPresence: a["min-presence"],
    trackTimeout: a["track-timeout"],
    json: a.json,
    ...Object.fromEntries(
      Object.keys(NWB_METADATA_OPTIONS).map((k) => [k, (a as Record<string, unknown>)[k]]),
    ),
    modelCache: a["model-cache"],
    cameras,
    calibration: a.calibration,
    sync: a.sync,
    offsets,
    parallel: a.parallel,
    lowpass: a.lowpass,
    boneModel: a["bone-model"],
    maxReprojection: a["max-reprojection"],
    rejectOutliers: a["reject-outliers"],
    save2d: a["save-2d"],
    from2d: a["from-2d"],
    boneMinConfidence: boneMin,
    logFormat: a["log-format"],
    logLevel: a["log-level"],
    quiet: a.quiet,
  };
}

function defaultOutput(video: string): string {
  return `${basename(video, extname(video))}.poses.json`;
}

/**
 * Runs `neuropose-infer` with parsed arguments (settings from @neuropose/io's `loadSettings`, flags override
 * them) and returns the exit code; errors are thrown for `runMain` to print.
 *
 * @example
 * ```ts
 * import { parseArgs, runInfer } from "@neuropose/neuropose-infer";
 * const code = await runInfer(await parseArgs(["clip.mp4", "-o", "clip.poses.json"]));
 * ```
 */
export async function runInfer(
  args: InferArgs,
  io: { stdout?: NodeJS.WritableStream; logger?: Logger } = {},
) {
  const resolved = settingsFromFlags({
    "model-cache": args.modelCache ? resolve(args.modelCache) : undefined,
    device: args.device,
    threads: args.threads,
    "log-format": args.logFormat,
    "log-level": args.logLevel,
    quiet: args.quiet,
  });
  const settings = resolved.settings;
  const logger = io.logger ?? cliLogger(resolved);
  const stdout = io.stdout ?? process.stdout;
  const signal = abortOnSignals();
  const tools = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath });
  // the model as every worker loads it (the single-video path adds its threads)
  const model: LoadPipelineOptions = {
    model: args.model,
    cacheDir: settings.modelCacheDir,
    device: settings.device as Device,
    logger,
    tools,
    maxPeople: args.maxPeople,
    smoothing: args.smooth,
    minPresence: args.minPresence,
    trackTimeoutSeconds: args.trackTimeout,
  };
  if (args.cameras) {
    const { runCameras } = await import("./cameras.js");
    return runCameras(args, { settings, logger, stdout, signal, tools, model });
  }
  // Check every input and every output before loading models, so bad input fails fast.
  const infos = [];
  for (const v of args.videos) infos.push(await probeVideo(v, tools, signal));
  for (const info of infos) {
    if (info.frameCount === 0) {
      throw new UsageError("the video has zero frames", { path: info.path });
    }
  }
  const single = args.videos.length === 1;
  // one video: -o (default <video>.poses.json unless --json alone); several: -o is one JobResults, else one file each
  const outputOf = (video: string) =>
    single
      ? (args.output ?? (args.json ? undefined : defaultOutput(video)))
      : args.output
        ? undefined
        : defaultOutput(video);
  await checkOutputs(
    {
      ...(single || !args.output ? {} : { "-o": args.output }),
      ...Object.fromEntries(
        args.videos.map((v) => [single && args.output ? "-o" : `output of ${basename(v)}`, outputOf(v)]),
      ),
      "--overlay": args.overlay,
      "--nwb": args.nwb,
    },
    { force: args.force, inputs: args.videos },
  );
  let nwb: ProcessNwbOutput | undefined;
  if (args.nwb) {
    const info = infos[0]!;
    nwb = {
      path: args.nwb,
      options: nwbMetadataFromFlags(args, {
        video: { path: info.path, creationTime: info.creationTime },
        defaultDescription: `poses of ${basename(info.path)} (neuropose-infer)`,
        warn: (m) => logger.warn(m),
      }),
    };
  }
  const pipeline = await loadPipeline({ ...model, threads: settings.threads });
  const version = packageVersion(import.meta.url);
  // --json: the document (several videos: a JobResults) streams to stdout as well
  const job =
    !single && (args.output || args.json)
      ? await openJobResultsWriter(args.output ?? stdout, { indent: args.output ? 2 : 0 })
      : undefined;
  const jsonJob =
    !single && args.json && args.output ? await openJobResultsWriter(stdout, { indent: 0 }) : undefined;
  try {
    for (const info of infos) {
      const total = Math.min(args.maxFrames ?? info.frameCount, info.frameCount);
      const progress = createProgress({
        label: basename(info.path),
        total,
        enabled: !args.json && !args.quiet,
      });
      const sinks: PredictionsSink[] = [];
      if (job) sinks.push(await job.video(basename(info.path)));
      if (jsonJob) sinks.push(await jsonJob.video(basename(info.path)));
      if (single && args.json) sinks.push(await openVideoPredictionsWriter(stdout, { indent: 0 }));
      const output = outputOf(info.path);
      try {
        const one = {
          video: info,
          pipeline,
          output,
          sinks,
          overlay: args.overlay,
          nwb,
          force: args.force,
          maxFrames: args.maxFrames,
          neuroposeVersion: version,
          signal,
          logger,
          onProgress: (p: { done: number }) => progress.update(p.done),
        };
        // --bone-model needs the whole clip before it writes (lengths are medians over its frames).
        const r = args.boneModel
          ? await processVideoWithBoneModel({
              ...one,
              minConfidence: args.boneMinConfidence ?? BONE_MIN_CONFIDENCE,
            })
          : await processVideo(one);
        const s = r.stats;
        logger.info(
          `${basename(info.path)}: ${s.frames} frames, person in ${s.framesWithPerson} (${((100 * s.framesWithPerson) / Math.max(1, s.frames)).toFixed(1)}%), ${s.fps.toFixed(1)} frames/s on ${pipeline.adapter.provider}`,
        );
        if (s.frames > 0 && s.framesWithPerson === 0)
          logger.warn(
            `${basename(info.path)}: no person found in any frame; the output has no poses to analyse (is a whole person in view?)`,
          );
        for (const f of Object.values(r.outputs)) logger.info(`wrote ${f}`);
      } finally {
        progress.stop();
      }
    }
    await job?.finish();
    await jsonJob?.finish();
    if (job && args.output) logger.info(`wrote ${args.output}`);
  } catch (err) {
    await job?.abort();
    await jsonJob?.abort();
    throw err;
  } finally {
    await pipeline.dispose();
  }
  return 0;
}

/**
 * Entry point of the `neuropose-infer` binary: one `error:` line and exit 2 for bad input, 1 for bugs, 130
 * after Ctrl-C (no output file is ever left half-written: every file appears complete or not at all).
 *
 * @example
 * ```ts
 * import { main } from "@neuropose/neuropose-infer";
 * const code = await main(["clip.mp4", "-o", "clip.poses.json", "--model", "lite"]);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  return runCli(async () => runInfer(await parseArgs(argv)), {
    interrupted: () => "interrupted; unfinished output files were not written",
  });
}
