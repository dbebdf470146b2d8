// Facial motion energy, the W2T design's definition: for each ROI, the mean absolute difference of the grayscale
// pixels between consecutive frames (frame 0 is 0). One streamed ffmpeg pass per camera decodes gray frames and
// every ROI is computed from the same frame (io's openRawVideo), so memory is a few frames whatever the recording's length. The loop
// over pixels is ours (it is the metric), written over typed arrays.
import { NeuroPoseError, openRawVideo, type RawVideoResult } from "@neuropose/io";

/** A rectangle in the upright frame, in pixels. */
export interface Roi {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Options of {@link motionEnergy}. */
export interface MotionEnergyOptions {
  /** The video file. */
  video: string;
  /** Its upright frame size (from a probe, after rotation). */
  width: number;
  height: number;
  rois: readonly Roi[];
  /** The ffmpeg executable (resolved by the caller, e.g. @neuropose/infer's resolveFfmpeg). */
  ffmpeg: string;
  /** Rotation to apply (degrees, from the probe), so ROIs are in the upright frame. */
  rotation?: 0 | 90 | 180 | 270;
  /** Stop after this many frames. */
  maxFrames?: number;
  signal?: AbortSignal;
  /** Called every `progressEvery` frames (default 500) with the frames done. */
  onProgress?: (framesDone: number) => void;
  progressEvery?: number;
}

/** Motion energy per ROI: one value per decoded frame (grey levels, 0–255 scale). */
export interface MotionEnergyResult {
  frames: number;
  /** `motion_energy_<roi>` → values, frame by frame. */
  metrics: Map<string, Float64Array>;
}

function checkRois(rois: readonly Roi[], width: number, height: number, video: string): void {
  if (rois.length === 0)
    throw new NeuroPoseError("E_FACEMAP_ROI", "no ROI given", {
      path: video,
      kind: "user",
      hint: "list ROIs as {name, x, y, width, height}",
    });
  const seen = new Set<string>();
  for (const r of rois) {
    const ok =
      Number.isInteger(r.x) &&
      Number.isInteger(r.y) &&
      Number.isInteger(r.width) &&
      Number.isInteger(r.height) &&
      r.x >= 0 &&
      r.y >= 0 &&
      r.width > 0 &&
      r.height > 0 &&
      r.x + r.width <= width &&
      r.y + r.height <= height;
    if (!ok)
      throw new NeuroPoseError(
        "E_FACEMAP_ROI",
        `ROI "${r.name}" (x=${r.x}, y=${r.y}, ${r.width}x${r.height}) is not inside the ${width}x${height} frame`,
        { path: video, kind: "user", hint: "give integer pixel rectangles inside the upright frame" },
      );
    if (seen.has(r.name))
      throw new NeuroPoseError("E_FACEMAP_ROI", `duplicate ROI name "${r.name}"`, {
        path: video,
        kind: "user",
      });
    seen.add(r.name);
  }
}

function growable(): { push(v: number): void; done(): Float64Array } {
  let buf = new Float64Array(1024);
  let n = 0;
  return {
    push(v) {
      if (n === buf.length) {
        const next = new Float64Array(buf.length * 2);
        next.set(buf);
        buf = next;
      }
      buf[n++] = v;
    },
    done: () => buf.slice(0, n),
  };
}

/**
 * Motion energy of each ROI over a whole video, streamed (memory: a few frames). Errors: `E_FACEMAP_ROI` for an ROI
 * outside the frame, `E_FACEMAP_DECODE` when ffmpeg fails (its message included), `E_ABORTED` on abort.
 *
 * @example
 * ```ts
 * import { motionEnergy } from "@neuropose/facemap";
 * import { execFileSync } from "node:child_process";
 * import { resolveFfmpeg } from "@neuropose/infer";
 * const { ffmpeg } = resolveFfmpeg();
 * execFileSync(ffmpeg, ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", "-pix_fmt", "gray", "-c:v", "ffv1", "/tmp/neuropose-me.mkv"]);
 * const r = await motionEnergy({ video: "/tmp/neuropose-me.mkv", width: 64, height: 48, ffmpeg, rois: [{ name: "eye", x: 0, y: 0, width: 16, height: 16 }] });
 * console.log(r.frames, r.metrics.get("motion_energy_eye")?.[0]); // 10 0
 * ```
 */
export async function motionEnergy(options: MotionEnergyOptions): Promise<MotionEnergyResult> {
  const { width, height, rois, video } = options;
  checkRois(rois, width, height, video);
  options.signal?.throwIfAborted();
  const decoded = openRawVideo({
    ffmpeg: options.ffmpeg,
    input: video,
    pixFmt: "gray",
    width,
    height,
    rotation: options.rotation,
    maxFrames: options.maxFrames,
    signal: options.signal,
    stderrLimit: 8000,
  });

  const series = rois.map(() => growable());
  let prev: Uint8Array = new Uint8Array(0);
  let cur: Uint8Array = prev;
  let frames = 0;
  const every = options.progressEvery ?? 500;
  const onFrame = () => {
    for (let k = 0; k < rois.length; k++) {
      const r = rois[k] as Roi;
      if (frames === 0) {
        (series[k] as ReturnType<typeof growable>).push(0);
        continue;
      }
      let sum = 0;
      for (let yy = r.y; yy < r.y + r.height; yy++) {
        let i = yy * width + r.x;
        const end = i + r.width;
        for (; i < end; i++) {
          const d = (cur[i] as number) - (prev[i] as number);
          sum += d < 0 ? -d : d;
        }
      }
      (series[k] as ReturnType<typeof growable>).push(sum / (r.width * r.height));
    }
    prev = cur;
    frames++;
    if (options.onProgress && frames % every === 0) options.onProgress(frames);
  };
  let ended: RawVideoResult;
  try {
    for await (const frame of decoded.frames()) {
      cur = frame;
      onFrame();
    }
    ended = await decoded.result();
  } finally {
    decoded.close();
  }
  const { code, stderr, partialBytes: fill } = ended;
  if (options.signal?.aborted)
    throw new NeuroPoseError("E_ABORTED", `motion energy of ${video} was interrupted`, {
      path: video,
      kind: "user",
    });
  if (code !== 0 || fill !== 0)
    throw new NeuroPoseError(
      "E_FACEMAP_DECODE",
      `ffmpeg could not decode ${video}${fill !== 0 ? ` (a partial frame of ${fill} bytes: is ${width}x${height} the frame size?)` : ""}: ${stderr.trim().split("\n").slice(-2).join(" ") || `exit ${code}`}`,
      { path: video, kind: "user", hint: "check that the file is a readable video" },
    );
  options.onProgress?.(frames);
  const metrics = new Map<string, Float64Array>();
  rois.forEach((r, k) => {
    metrics.set(`motion_energy_${r.name}`, (series[k] as ReturnType<typeof growable>).done());
  });
  return { frames, metrics };
}
