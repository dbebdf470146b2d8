import type { FramePrediction, VideoPredictions } from "@neuropose/io";
import { LEG_JOINT_NAMES, viewQuality } from "@neuropose/kinematics";
import type { PersonPose, PoseModelAdapter, StageTimes } from "./adapter.js";
import { InferError } from "./errors.js";
import type { FfmpegTools } from "./ffmpeg.js";
import { decodeVideo, probeVideo, type VideoFrame, type VideoInfo } from "./video.js";

/** Progress of one video. */
export interface InferProgress {
  done: number;
  total: number;
  /** Frames in which at least one person was found so far. */
  withPerson: number;
}

/** Options of {@link inferVideo}. */
export interface InferVideoOptions {
  adapter: PoseModelAdapter;
  tools: FfmpegTools;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: InferProgress) => void) | undefined;
  /** Process at most this many frames (from `startFrame`). */
  maxFrames?: number | undefined;
  startFrame?: number | undefined;
  /** Already-probed video info (skips a second ffprobe). */
  info?: VideoInfo | undefined;
  /** Version string recorded in provenance (the CLI passes its package version). */
  neuroposeVersion?: string | undefined;
  /**
   * Called with each frame's prediction and the decoded frame, in order, before the next frame is decoded (the
   * frame's pixels may be drawn on; they are not used afterwards). Awaited: a slow consumer slows inference.
   */
  onFrame?: ((prediction: FramePrediction, frame: VideoFrame) => void | Promise<void>) | undefined;
  /**
   * Keep every frame in the returned document (default true). False returns `predictions.frames` empty, so
   * memory stays flat however long the video: stream the frames through `onFrame` instead.
   */
  keepFrames?: boolean | undefined;
}

/** Speed of one run. */
export interface InferStats {
  frames: number;
  framesWithPerson: number;
  wallMs: number;
  fps: number;
  /** Milliseconds per stage, summed over the video (decode = time waiting for the next frame). */
  stageMs: StageTimes & { decode: number };
}

/** Result of {@link inferVideo}: the VideoPredictions document (schema v3) and run statistics. */
export interface InferResult {
  predictions: VideoPredictions;
  info: VideoInfo;
  stats: InferStats;
}

const round = (v: number, d: number) => {
  const m = 10 ** d;
  return Math.round(v * m) / m;
};

/** Per person: kinematics' view quality of the 2D keypoints (skeletons with legs only; documented there). */
function viewQualities(people: PersonPose[], skeleton: string): number[] | undefined {
  if (LEG_JOINT_NAMES[skeleton] === undefined) return undefined;
  return people.map((p) =>
    round(viewQuality(p.keypoints2d, { skeleton, visibility: p.visibility, presence: p.presence }).score, 3),
  );
}

function framePrediction(people: PersonPose[], skeleton: string): FramePrediction {
  const quality = viewQualities(people, skeleton);
  return {
    boxes: people.map((p) => p.box.map((v) => round(v, 3))),
    poses3d: people.map((p) => p.keypoints3d.map((k) => k.map((v) => round(v, 3)))),
    poses2d: people.map((p) => p.keypoints2d.map((k) => k.map((v) => round(v, 3)))),
    visibility: people.map((p) => (p.visibility ?? []).map((v) => round(v, 5))),
    presence: people.map((p) => (p.presence ?? []).map((v) => round(v, 5))),
    person_ids: people.map((p) => p.id),
    pose_presence: people.map((p) => round(p.score, 5)),
    ...(quality !== undefined ? { view_quality: quality } : {}),
  };
}

/**
 * Runs a pose model adapter over every frame of a video and returns a VideoPredictions document (schema v3:
 * poses2d in pixels of the upright frame, poses3d in mm, per-keypoint visibility/presence, person ids,
 * per-frame timestamps, provenance naming the models, runtimes and the execution provider that ran).
 * Decoding runs in an ffmpeg process ahead of inference; memory stays flat. Abort with `signal`.
 *
 * @example
 * ```ts
 * import { createBlazePose, inferVideo, resolveFfmpeg } from "@neuropose/infer";
 * const adapter = await createBlazePose({ variant: "lite", cacheDir: "/tmp/neuropose-models" });
 * const { predictions, stats } = await inferVideo("clip.mp4", { adapter, tools: resolveFfmpeg() });
 * console.log(Object.keys(predictions.frames).length, stats.fps);
 * await adapter.dispose();
 * ```
 */
export async function inferVideo(path: string, options: InferVideoOptions): Promise<InferResult> {
  const { adapter, tools } = options;
  const info = options.info ?? (await probeVideo(path, tools, options.signal));
  if (info.frameCount === 0) {
    throw new InferError("E_VIDEO_EMPTY", "the video has zero frames", { path });
  }
  adapter.reset();
  const start = options.startFrame ?? 0;
  const total = Math.min(options.maxFrames ?? Number.POSITIVE_INFINITY, Math.max(0, info.frameCount - start));
  const keep = options.keepFrames ?? true;
  const frames: Record<string, FramePrediction> = {};
  const timestamps: number[] = [];
  let decodeMs = 0;
  let withPerson = 0;
  let n = 0;
  const t0 = performance.now();
  const it = decodeVideo(info, tools, {
    signal: options.signal,
    maxFrames: options.maxFrames,
    startFrame: start,
  });
  for (;;) {
    const td = performance.now();
    const next = await it.next();
    decodeMs += performance.now() - td;
    if (next.done) break;
    const frame = next.value;
    if (options.signal?.aborted) {
      await it.return(undefined);
      throw new InferError("E_ABORTED", "inference aborted", { path });
    }
    const people = await adapter.processFrame(frame);
    const prediction = framePrediction(people, adapter.skeleton);
    if (keep) frames[`frame_${String(n).padStart(6, "0")}`] = prediction;
    if (options.onFrame) {
      try {
        await options.onFrame(prediction, frame);
      } catch (err) {
        await it.return(undefined);
        throw err;
      }
    }
    timestamps.push(round(frame.time, 6));
    if (people.length > 0) withPerson++;
    n++;
    options.onProgress?.({ done: n, total: Number.isFinite(total) ? total : info.frameCount, withPerson });
  }
  if (options.signal?.aborted) throw new InferError("E_ABORTED", "inference aborted", { path });
  const wallMs = performance.now() - t0;
  const predictions: VideoPredictions = {
    schema_version: 3,
    metadata: {
      frame_count: n,
      fps: info.fps,
      width: info.width,
      height: info.height,
      skeleton: adapter.skeleton,
      poses3d_unit: "mm",
      poses3d_frame: adapter.coordinateFrame,
      poses3d_source: "monocular_estimate",
      ...(adapter.presenceThreshold !== undefined ? { presence_threshold: adapter.presenceThreshold } : {}),
      timestamps,
    },
    frames,
    segmentations: {},
    provenance: {
      model_sha256: adapter.models.map((m) => m.sha256).join(","),
      model_filename: adapter.models.map((m) => `${m.name}.onnx`).join(","),
      models: adapter.models.map((m) => ({ ...m })),
      runtime: adapter.runtime.name ?? "unknown",
      runtime_version: adapter.runtime.version ?? "unknown",
      execution_provider: adapter.provider,
      neuropose_version: options.neuroposeVersion ?? "unknown",
      node_version: process.versions.node,
      seed: null,
      deterministic: false,
      analysis_config: null,
      ...(adapter.outputFilters?.length ? { filters: adapter.outputFilters.map((f) => ({ ...f })) } : {}),
    },
  };
  const stageMs = { ...adapter.times, decode: decodeMs };
  return {
    predictions,
    info,
    stats: { frames: n, framesWithPerson: withPerson, wallMs, fps: n / (wallMs / 1000), stageMs },
  };
}
