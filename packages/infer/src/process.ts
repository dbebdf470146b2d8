// The per-video work of neuropose-infer as one library call, shared by the CLI, the job daemon and queue workers:
// load the model once (loadPipeline), then processVideo() per video: outputs checked before the first frame,
// frames streamed to disk as they are inferred (flat memory), overlay drawn in the same decoding pass, NWB
// written from the finished predictions, every output committed atomically together or not at all.
import { basename, dirname, relative, resolve } from "node:path";
import {
  type AtomicTarget,
  checkOutputPath,
  commitTogether,
  type Device,
  type FramePrediction,
  NeuroPoseError,
  openVideoPredictionsWriter,
  type PredictionsSink,
  readVideoPredictionsStream,
  removeStaleTemps,
  type VideoPredictions,
  type VideoPredictionsWriter,
} from "@neuropose/io";
import type { VideoPredictionsToNwbOptions } from "@neuropose/nwb";
import type { PoseModelAdapter } from "./adapter.js";
import { type BlazePoseOptions, createBlazePose } from "./blazepose.js";
import { InferError } from "./errors.js";
import { type FfmpegTools, resolveFfmpeg } from "./ffmpeg.js";
import type { BlazePoseVariant } from "./models.js";
import { BLAZEPOSE_EDGES, drawSkeletons, type OverlayEncoder, openOverlayEncoder } from "./overlay.js";
import { type InferProgress, type InferStats, inferVideo } from "./pipeline.js";
import type { Logger } from "./runtime.js";
import { probeVideo, type VideoInfo } from "./video.js";

/** Options of {@link loadPipeline}: the BlazePose options, plus where ffmpeg is (or a ready adapter). */
export interface LoadPipelineOptions extends Omit<BlazePoseOptions, "variant" | "device"> {
  /** Landmark model (default "full"). */
  model?: BlazePoseVariant | undefined;
  device?: Device | undefined;
  /** Already-resolved ffmpeg/ffprobe (else resolved from `ffmpegPath` / `ffprobePath`). */
  tools?: FfmpegTools | undefined;
  ffmpegPath?: string | undefined;
  ffprobePath?: string | undefined;
  /** A ready pose model (another adapter than BlazePose, or one already created); skips model loading. */
  adapter?: PoseModelAdapter | undefined;
}

/**
 * A loaded pose model plus ffmpeg, reused across videos. One video at a time: {@link processVideo} refuses a
 * pipeline that is already busy (its tracking state belongs to one video).
 */
export interface PosePipeline {
  readonly adapter: PoseModelAdapter;
  readonly tools: FfmpegTools;
  /** True while a {@link processVideo} call is using it. */
  readonly busy: boolean;
  dispose(): Promise<void>;
}

class Pipeline implements PosePipeline {
  busy = false;
  constructor(
    readonly adapter: PoseModelAdapter,
    readonly tools: FfmpegTools,
  ) {}
  dispose() {
    return this.adapter.dispose();
  }
}

/**
 * Loads the pose model once (converting and caching it on first use) and finds ffmpeg, for
 * {@link processVideo} calls on any number of videos.
 *
 * @example
 * ```ts
 * import { loadPipeline, processVideo } from "@neuropose/infer";
 * const pipeline = await loadPipeline({ model: "lite", cacheDir: "/tmp/neuropose-models", device: "cpu" });
 * for (const video of ["a.mp4", "b.mp4"]) await processVideo({ video, output: `${video}.json`, pipeline });
 * await pipeline.dispose();
 * ```
 */
export async function loadPipeline(options: LoadPipelineOptions = {}): Promise<PosePipeline> {
  const tools =
    options.tools ?? resolveFfmpeg({ ffmpegPath: options.ffmpegPath, ffprobePath: options.ffprobePath });
  const adapter =
    options.adapter ??
    (await createBlazePose({ ...options, variant: options.model ?? "full", device: options.device }));
  return new Pipeline(adapter, tools);
}

/** The NWB output of {@link processVideo}: its path and the NWB metadata (session start, subject, ...). */
export interface ProcessNwbOutput {
  path: string;
  /** Everything `videoPredictionsToNwb` takes but the video link, signal and progress (set here). */
  options: Omit<VideoPredictionsToNwbOptions, "videoPath" | "signal" | "onProgress">;
}

/** Options of {@link processVideo}. */
export interface ProcessVideoOptions {
  /** The video file, or its already-probed info. */
  video: string | VideoInfo;
  pipeline: PosePipeline;
  /** Predictions JSON to write (VideoPredictions, streamed to disk, atomic). */
  output?: string | undefined;
  /** More destinations for the frames (a JobResults entry, stdout); each gets `finish` or `abort`. */
  sinks?: PredictionsSink[] | undefined;
  /** Overlay MP4 (2D skeletons drawn on the video), encoded in the same decoding pass. */
  overlay?: string | undefined;
  /** NWB file with the poses (and the video linked). */
  nwb?: ProcessNwbOutput | undefined;
  /** Replace existing output files (default false: an existing output is an error, before any work). */
  force?: boolean | undefined;
  maxFrames?: number | undefined;
  startFrame?: number | undefined;
  /** Keep the frames in memory and return the whole document (default false: memory flat in video length). */
  returnPredictions?: boolean | undefined;
  /**
   * A step over the whole clip, between inference and the outputs (e.g. neuropose-infer's --bone-model, whose
   * lengths are medians over every frame): the frames are held in memory, and what it returns is what every output
   * (sinks, predictions file, NWB) gets, under the same all-or-nothing commit. The overlay shows the model's 2D.
   */
  wholeClip?: ((predictions: VideoPredictions) => VideoPredictions) | undefined;
  /** Version string recorded in provenance. */
  neuroposeVersion?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: InferProgress) => void) | undefined;
  logger?: Logger | undefined;
}

/** Result of {@link processVideo}. */
export interface ProcessVideoResult {
  info: VideoInfo;
  stats: InferStats;
  /** The document without its frames (metadata, provenance), or with them under `returnPredictions`. */
  predictions: VideoPredictions;
  /** The files written, by kind. */
  outputs: { predictions?: string; overlay?: string; nwb?: string };
}

/**
 * Checks the outputs of one run before any work: each path by @neuropose/io's one output rule
 * (`checkOutputPath`: not a folder, existing file only with `force`, parents creatable, folder writable), no two
 * outputs on the same file, none on the input video. Throws the first problem as a user error.
 *
 * @example
 * ```ts
 * import { checkOutputs } from "@neuropose/infer";
 * await checkOutputs({ "-o": "out/clip.json", "--overlay": "out/clip.mp4" }, { inputs: ["clip.mp4"] });
 * ```
 */
export async function checkOutputs(
  outputs: Record<string, string | undefined>,
  options: { force?: boolean | undefined; inputs?: readonly string[] } = {},
): Promise<void> {
  const seen = new Map<string, string>();
  for (const i of options.inputs ?? []) seen.set(resolve(i), "the input video");
  for (const [label, path] of Object.entries(outputs)) {
    if (path === undefined) continue;
    const abs = resolve(path);
    const other = seen.get(abs);
    if (other)
      throw new NeuroPoseError("E_OUTPUT_CLASH", `${label} ${path} is also ${other}`, {
        path,
        kind: "user",
        hint: "give each output its own file",
      });
    seen.set(abs, label);
    await checkOutputPath(path, { force: options.force, label });
  }
}

/**
 * Runs the pose model over one video and writes its outputs: the predictions JSON (frames streamed to disk as
 * they are inferred, so memory stays flat however long the video), an overlay MP4 (drawn in the same decoding
 * pass) and an NWB file. Every output is checked before the first frame is decoded; nothing appears at any output
 * path until all of them are complete, and on error or abort (`signal`) none is left. Leftover temp files of
 * killed runs in the output folders are removed first.
 *
 * @example
 * ```ts
 * import { loadPipeline, processVideo } from "@neuropose/infer";
 * const pipeline = await loadPipeline({ model: "lite", cacheDir: "/tmp/neuropose-models" });
 * const { stats } = await processVideo({ video: "clip.mp4", output: "clip.poses.json", overlay: "clip.check.mp4", pipeline });
 * console.log(stats.frames, stats.framesWithPerson);
 * await pipeline.dispose();
 * ```
 */
export async function processVideo(options: ProcessVideoOptions): Promise<ProcessVideoResult> {
  const pipeline = options.pipeline as Pipeline;
  const { adapter, tools } = pipeline;
  const { signal, logger } = options;
  const videoPath = typeof options.video === "string" ? options.video : options.video.path;
  await checkOutputs(
    { "-o": options.output, "--overlay": options.overlay, "--nwb": options.nwb?.path },
    { force: options.force, inputs: [videoPath] },
  );
  for (const p of [options.output, options.overlay, options.nwb?.path]) {
    if (p === undefined) continue;
    for (const gone of await removeStaleTemps(dirname(resolve(p))))
      logger?.info(`removed ${gone} (left by a run that was killed)`);
  }
  const info =
    typeof options.video === "string" ? await probeVideo(options.video, tools, signal) : options.video;
  if (info.frameCount === 0)
    throw new InferError("E_VIDEO_EMPTY", "the video has zero frames", { path: videoPath });
  if (pipeline.busy)
    throw new NeuroPoseError("E_PIPELINE_BUSY", "this pipeline is processing another video", {
      kind: "bug",
      hint: "load one pipeline per concurrent video",
    });
  pipeline.busy = true;
  const sinks: PredictionsSink[] = [...(options.sinks ?? [])];
  let file: VideoPredictionsWriter | undefined;
  let encoder: OverlayEncoder | undefined;
  const targets: AtomicTarget[] = [];
  let spool: AtomicTarget | undefined;
  try {
    // The NWB file is written from the finished predictions file; without -o, from a spool that is then dropped.
    const predsPath = options.output ?? (options.nwb ? `${options.nwb.path}.poses.json` : undefined);
    if (predsPath !== undefined) {
      file = await openVideoPredictionsWriter(predsPath);
      sinks.push(file);
    }
    if (options.overlay !== undefined)
      encoder = await openOverlayEncoder(info, options.overlay, { tools, signal });
    const enc = encoder;
    let frames: Record<string, FramePrediction> = {};
    let n = 0;
    const res = await inferVideo(info.path, {
      adapter,
      tools,
      info,
      signal,
      maxFrames: options.maxFrames,
      startFrame: options.startFrame,
      neuroposeVersion: options.neuroposeVersion,
      onProgress: options.onProgress,
      keepFrames: false,
      onFrame: async (prediction, frame) => {
        if (!options.wholeClip) for (const s of sinks) await s.writeFrame(prediction);
        if (options.returnPredictions || options.wholeClip)
          frames[`frame_${String(n).padStart(6, "0")}`] = prediction;
        n++;
        if (enc) {
          drawSkeletons(
            frame.data,
            frame.width,
            frame.height,
            prediction.poses2d,
            prediction.person_ids ?? [],
            BLAZEPOSE_EDGES,
          );
          await enc.write(frame.data);
        }
      },
    });
    if (options.wholeClip) {
      const whole = options.wholeClip({ ...res.predictions, frames });
      frames = whole.frames;
      res.predictions = whole;
      for (const k of Object.keys(frames).sort())
        for (const s of sinks) await s.writeFrame(frames[k] as FramePrediction);
    }
    const { frames: _none, ...rest } = res.predictions;
    for (const s of sinks) if (s !== file) await s.finish(rest);
    const outputs: ProcessVideoResult["outputs"] = {};
    let predsTarget: AtomicTarget | undefined;
    if (file) {
      predsTarget = await file.prepare(rest);
      file = undefined;
      if (options.output !== undefined) {
        targets.push(predsTarget);
        outputs.predictions = options.output;
      } else spool = predsTarget;
    }
    if (encoder) {
      targets.push(await encoder.prepare());
      encoder = undefined;
      outputs.overlay = options.overlay;
    }
    if (options.nwb && predsTarget) {
      const { videoPredictionsToNwb } = await import("@neuropose/nwb"); // h5wasm only when an NWB is asked for
      const doc = await readVideoPredictionsStream(predsTarget.tmp, { signal });
      await spool?.abort();
      await videoPredictionsToNwb(doc, options.nwb.path, {
        ...options.nwb.options,
        videoPath: relative(dirname(resolve(options.nwb.path)), resolve(info.path)),
        ...(signal ? { signal } : {}),
      });
      outputs.nwb = options.nwb.path;
    }
    if (targets.length > 0) await commitTogether(targets);
    targets.length = 0;
    if (options.returnPredictions) res.predictions.frames = frames;
    logger?.debug?.(`${basename(info.path)}: ${Object.values(outputs).join(", ") || "no files"} written`);
    return { info, stats: res.stats, predictions: res.predictions, outputs };
  } catch (err) {
    for (const s of sinks) await s.abort().catch(() => undefined);
    await encoder?.abort().catch(() => undefined);
    for (const t of targets) await t.abort().catch(() => undefined);
    await spool?.abort().catch(() => undefined);
    throw err;
  } finally {
    pipeline.busy = false;
  }
}
