import { statSync } from "node:fs";
import { basename, dirname, extname, relative, resolve } from "node:path";
import {
  abortOnSignals,
  createLogger,
  createProgress,
  type Logger,
  type LogLevel,
  runMain,
  UsageError,
} from "@neuropose/cli-kit";
import { packageVersion } from "@neuropose/cli-kit/startup";
import {
  createBlazePose,
  type InferResult,
  inferVideo,
  probeVideo,
  renderOverlay,
  resolveFfmpeg,
} from "@neuropose/infer";
import {
  DEVICES,
  type Device,
  isNeuroPoseError,
  loadSettings,
  saveJobResults,
  saveVideoPredictions,
  stringifyJson,
} from "@neuropose/io";
import yargs from "yargs";

/** Parsed options of `neuropose-infer`. */
export interface InferArgs {
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
  sessionStart?: string | undefined;
  sessionDescription?: string | undefined;
  json: boolean;
  modelCache?: string | undefined;
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
      "$0 <video...> [options]\n\n3D poses (BlazePose GHUM, 33 keypoints) from video files. Writes one VideoPredictions JSON per video.",
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
    .option("session-start", {
      type: "string",
      describe: "NWB session start time, ISO 8601 (default: the video file's modification time)",
    })
    .option("session-description", { type: "string", describe: "NWB session description" })
    .option("json", {
      type: "boolean",
      default: false,
      describe: "print the result JSON on stdout; no progress bar",
    })
    .option("model-cache", {
      type: "string",
      describe: "model cache folder (default: settings modelCacheDir)",
    })
    .option("log-format", { choices: ["human", "json"] as const })
    .option("log-level", { choices: ["debug", "info", "warn", "error", "silent"] as const })
    .option("quiet", { alias: "q", type: "boolean", default: false, describe: "no progress output" })
    .example("$0 clip.mp4 -o clip.poses.json", "poses of one clip")
    .example("$0 a.mp4 b.mp4 --model lite --max-people 2", "two people, faster model")
    .example("$0 clip.mp4 --overlay check.mp4", "check the tracking by eye")
    .demandCommand(1, "name at least one <video>")
    .strict()
    .help()
    .version(packageVersion(import.meta.url))
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message ?? "invalid usage", { hint: "neuropose-infer --help" });
    })
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
  if ((a.overlay || a.nwb) && videos.length > 1) {
    throw new UsageError("--overlay and --nwb take one video at a time");
  }
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
    sessionStart: a["session-start"],
    sessionDescription: a["session-description"],
    json: a.json,
    modelCache: a["model-cache"],
    logFormat: a["log-format"],
    logLevel: a["log-level"],
    quiet: a.quiet,
  };
}

function defaultOutput(video: string): string {
  return `${basename(video, extname(video))}.poses.json`;
}

async function loadNwbWriter() {
  // loaded on demand: h5wasm is only needed with --nwb
  const { videoPredictionsToNwb } = await import("@neuropose/nwb");
  return videoPredictionsToNwb;
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
  const settings = loadSettings({
    overrides: {
      ...(args.modelCache ? { modelCacheDir: resolve(args.modelCache) } : {}),
      ...(args.device ? { device: args.device } : {}),
      ...(args.threads ? { threads: args.threads } : {}),
      ...(args.logFormat ? { logFormat: args.logFormat } : {}),
      ...(args.logLevel && args.logLevel !== "silent" ? { logLevel: args.logLevel } : {}),
    },
  });
  const logger =
    io.logger ??
    createLogger({
      format: settings.logFormat,
      level: args.logLevel === "silent" || args.quiet ? "warn" : settings.logLevel,
    });
  const stdout = io.stdout ?? process.stdout;
  const signal = abortOnSignals();
  const tools = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath });
  // Check every input before loading models, so bad input fails fast.
  const infos = [];
  for (const v of args.videos) infos.push(await probeVideo(v, tools, signal));
  for (const info of infos) {
    if (info.frameCount === 0) {
      throw new UsageError("the video has zero frames", { path: info.path });
    }
  }
  const nwbWriter = args.nwb ? await loadNwbWriter() : undefined;
  const adapter = await createBlazePose({
    variant: args.model,
    cacheDir: settings.modelCacheDir,
    device: settings.device as Device,
    threads: settings.threads,
    logger,
    maxPeople: args.maxPeople,
    smoothing: args.smooth,
  });
  const version = packageVersion(import.meta.url);
  const results: Record<string, InferResult["predictions"]> = {};
  try {
    for (const info of infos) {
      const total = Math.min(args.maxFrames ?? info.frameCount, info.frameCount);
      const progress = createProgress({
        label: basename(info.path),
        total,
        enabled: !args.json && !args.quiet,
      });
      let res: InferResult;
      try {
        res = await inferVideo(info.path, {
          adapter,
          tools,
          info,
          signal,
          maxFrames: args.maxFrames,
          neuroposeVersion: version,
          onProgress: (p: { done: number }) => progress.update(p.done),
        });
      } finally {
        progress.stop();
      }
      const s = res.stats;
      logger.info(
        `${basename(info.path)}: ${s.frames} frames, person in ${s.framesWithPerson} (${((100 * s.framesWithPerson) / Math.max(1, s.frames)).toFixed(1)}%), ${s.fps.toFixed(1)} frames/s on ${adapter.provider}`,
      );
      // --json without -o: the document goes to stdout only
      if ((args.videos.length === 1 || !args.output) && !(args.json && !args.output)) {
        const out = args.output ?? defaultOutput(info.path);
        await saveVideoPredictions(out, res.predictions);
        logger.info(`wrote ${out}`);
      }
      results[basename(info.path)] = res.predictions;
      if (args.overlay) {
        await renderOverlay(info, res.predictions, args.overlay, { tools, signal });
        logger.info(`wrote ${args.overlay}`);
      }
      if (nwbWriter && args.nwb) {
        await nwbWriter(res.predictions, args.nwb, {
          sessionDescription: args.sessionDescription ?? `poses of ${basename(info.path)} (neuropose-infer)`,
          // the recording's start: --session-start, else the video file's modification time (documented)
          sessionStartTime: args.sessionStart ?? statSync(info.path).mtime.toISOString(),
          videoPath: relative(dirname(resolve(args.nwb)), resolve(info.path)),
        });
        logger.info(`wrote ${args.nwb}`);
      }
    }
    if (args.videos.length > 1 && args.output) {
      await saveJobResults(args.output, results);
      logger.info(`wrote ${args.output}`);
    }
  } finally {
    await adapter.dispose();
  }
  if (args.json) {
    // stringifyJson: valid JSON, non-finite numbers as "NaN"/"Infinity" strings (JSON.stringify would turn NaN into null)
    stdout.write(
      stringifyJson(args.videos.length === 1 ? Object.values(results)[0] : results, { indent: 0 }),
    );
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
  let interrupted = false;
  const code = await runMain(
    async () => {
      try {
        return await runInfer(await parseArgs(argv));
      } catch (e) {
        if (isNeuroPoseError(e) && e.code === "E_ABORTED") {
          interrupted = true;
          process.stderr.write("error: interrupted; unfinished output files were not written\n");
          return 130;
        }
        throw e;
      }
    },
    { exit: () => {} },
  );
  process.exitCode = interrupted ? 130 : code;
  return process.exitCode;
}
