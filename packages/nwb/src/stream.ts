// Feed a PoseEstimation from one sequential stream of frames (e.g. straight out of a pose model), holding only
// one write window in memory.
import { NwbInputError } from "./errors.js";
import type { ChunkSource } from "./types.js";

/** One frame: all keypoints' coordinates (keypoint-major: x0, y0[, z0], x1, ...) and optional confidences. */
export interface PoseFrame {
  coords: Float32Array | readonly number[];
  confidence?: Float32Array | readonly number[];
}

export interface PoseStreamShape {
  /** Number of frames the stream will yield. */
  length: number;
  keypoints: number;
  dims: 2 | 3;
  /** Whether frames carry `confidence` (default false). */
  confidence?: boolean;
}

export interface PoseStreamSources {
  /** One chunk source per keypoint: use as each PoseEstimationSeries' `data`. */
  data: ChunkSource[];
  /** One per keypoint when `shape.confidence`: use as each series' `confidence`. */
  confidence: ChunkSource[] | undefined;
  /** Frames pulled from the stream so far. */
  readonly pulled: number;
}

/**
 * Turn one stream of frames (sync or async iterable) into per-keypoint chunk sources for a PoseEstimation.
 * `writeNwb` reads a PoseEstimation's series window by window in time order, so only the current window of frames
 * is held in memory: a long recording is appended chunk by chunk as it is produced. The stream must yield exactly
 * `shape.length` frames of `keypoints * dims` coordinates; otherwise the write fails with `NwbInputError` (and
 * leaves no file).
 *
 * @example
 * ```ts
 * import { poseSourcesFromFrames, writeNwb } from "@neuropose/nwb";
 * async function* frames() {
 *   for (let i = 0; i < 600; i++) yield { coords: new Float32Array(2 * 3).fill(i) }; // 2 keypoints, 3D
 * }
 * const src = poseSourcesFromFrames(frames(), { length: 600, keypoints: 2, dims: 3 });
 * await writeNwb("stream.nwb", {
 *   sessionDescription: "streamed", sessionStartTime: "2024-05-01T10:00:00Z",
 *   processing: [{ name: "behavior", description: "pose", dataInterfaces: [{
 *     kind: "PoseEstimation", name: "pose", description: "live pose", timing: { rate: 30 },
 *     series: ["hip", "knee"].map((name, k) => ({ name, data: src.data[k], dims: 3, unit: "meters",
 *       referenceFrame: "world" })),
 *   }] }],
 * });
 * ```
 */
export function poseSourcesFromFrames(
  frames: Iterable<PoseFrame> | AsyncIterable<PoseFrame>,
  shape: PoseStreamShape,
): PoseStreamSources {
  const { length, keypoints: K, dims } = shape;
  const withConf = shape.confidence ?? false;
  const it: Iterator<PoseFrame> | AsyncIterator<PoseFrame> =
    Symbol.asyncIterator in frames
      ? (frames as AsyncIterable<PoseFrame>)[Symbol.asyncIterator]()
      : (frames as Iterable<PoseFrame>)[Symbol.iterator]();
  let winStart = 0;
  let winEnd = 0;
  let coords = new Float32Array(0);
  let conf = new Float32Array(0);
  let pulled = 0;
  let pending: Promise<void> | undefined;

  async function fill(start: number, end: number): Promise<void> {
    if (start !== winEnd) {
      throw new NwbInputError([
        `stream: rows ${start}..${end} requested after rows ${winStart}..${winEnd}: a frame stream can only be read forward, once`,
      ]);
    }
    const rows = end - start;
    coords = new Float32Array(rows * K * dims);
    conf = new Float32Array(withConf ? rows * K : 0);
    for (let r = 0; r < rows; r++) {
      const next = await it.next();
      if (next.done) {
        throw new NwbInputError([`stream: ended after ${pulled} frames, but length is ${length}`]);
      }
      const f = next.value;
      if (f.coords.length !== K * dims) {
        throw new NwbInputError([
          `stream: frame ${pulled}: ${f.coords.length} coordinates, expected ${K * dims}`,
        ]);
      }
      coords.set(f.coords, r * K * dims);
      if (withConf) {
        if (!f.confidence || f.confidence.length !== K)
          throw new NwbInputError([`stream: frame ${pulled}: expected ${K} confidence values`]);
        conf.set(f.confidence, r * K);
      }
      pulled++;
    }
    winStart = start;
    winEnd = end;
  }

  async function windowFor(start: number, end: number): Promise<void> {
    if (start === winStart && end === winEnd && pulled > 0) return;
    pending ??= fill(start, end).finally(() => {
      pending = undefined;
    });
    await pending;
    if (start !== winStart || end !== winEnd) {
      throw new NwbInputError([`stream: rows ${start}..${end} requested, window is ${winStart}..${winEnd}`]);
    }
  }

  const data: ChunkSource[] = Array.from({ length: K }, (_, k) => ({
    length,
    width: dims,
    async read(start: number, end: number) {
      await windowFor(start, end);
      const out = new Float32Array((end - start) * dims);
      for (let r = 0; r < end - start; r++) {
        for (let d = 0; d < dims; d++) out[r * dims + d] = coords[(r * K + k) * dims + d] as number;
      }
      return out;
    },
  }));
  const confidence: ChunkSource[] | undefined = withConf
    ? Array.from({ length: K }, (_, k) => ({
        length,
        width: 1,
        async read(start: number, end: number) {
          await windowFor(start, end);
          const out = new Float32Array(end - start);
          for (let r = 0; r < end - start; r++) out[r] = conf[r * K + k] as number;
          return out;
        },
      }))
    : undefined;
  return {
    data,
    confidence,
    get pulled() {
      return pulled;
    },
  };
}
