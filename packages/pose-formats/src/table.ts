// The harmonised long table (one row per frame × individual × keypoint) as columns. Pure (no I/O, no HDF5).
import { PoseFormatError } from "./errors.js";
import type { HarmonisedPose } from "./types.js";

/** The long table as typed columns (the Parquet contract: time, keypoint, x_px, y_px, confidence [+ individual]). */
export interface PoseLongTable {
  length: number;
  time: Float64Array;
  frame: Int32Array;
  individual: string[];
  keypoint: string[];
  x_px: Float64Array;
  y_px: Float64Array;
  z_px?: Float64Array;
  confidence: Float64Array;
}

export interface LongTableOptions {
  /** Seconds of each row of the pose (length nFrames; e.g. the camera's timestamps). */
  timestamps?: Float64Array | readonly number[];
  /** Frames per second, when there are no timestamps: time = frameIndex / fps. */
  fps?: number;
  /** Leave out rows whose point is missing (default false: every row is kept, NaN marks missing). */
  dropMissing?: boolean;
}

/**
 * Flattens a harmonised pose into the long table, ordered by frame, individual, keypoint. Time comes from
 * `timestamps` (one per frame) or `frameIndex / fps`; without either it is the frame number.
 *
 * @example
 * ```ts
 * import { readDlc, toLongTable } from "@neuropose/pose-formats";
 * const t = toLongTable(await readDlc("video.csv"), { fps: 30 });
 * console.log(t.length, t.keypoint[0], t.time[t.length - 1]);
 * ```
 */
export function toLongTable(pose: HarmonisedPose, options: LongTableOptions = {}): PoseLongTable {
  const { nFrames, nIndividuals: nI, nKeypoints: nK, nDims: D } = pose;
  const ts = options.timestamps;
  if (ts && ts.length !== nFrames) {
    throw new PoseFormatError("E_POSE_OPTION", `${ts.length} timestamps for ${nFrames} frames`, {
      path: pose.source.path,
      hint: "pass one timestamp per pose frame (the camera's timebase)",
    });
  }
  if (options.fps !== undefined && !(options.fps > 0)) {
    throw new PoseFormatError("E_POSE_OPTION", `fps ${options.fps} is not positive`, {
      hint: "pass the video's frame rate",
    });
  }
  const timeOf = (f: number) =>
    ts
      ? (ts[f] as number)
      : options.fps
        ? (pose.frameIndex[f] as number) / options.fps
        : (pose.frameIndex[f] as number);
  let n = nFrames * nI * nK;
  if (options.dropMissing) {
    n = 0;
    for (let p = 0; p < nFrames * nI * nK; p++) if (!Number.isNaN(pose.coords[p * D] as number)) n++;
  }
  const t: PoseLongTable = {
    length: n,
    time: new Float64Array(n),
    frame: new Int32Array(n),
    individual: new Array(n),
    keypoint: new Array(n),
    x_px: new Float64Array(n),
    y_px: new Float64Array(n),
    ...(D === 3 ? { z_px: new Float64Array(n) } : {}),
    confidence: new Float64Array(n),
  };
  let r = 0;
  for (let f = 0; f < nFrames; f++) {
    const time = timeOf(f);
    for (let i = 0; i < nI; i++) {
      for (let k = 0; k < nK; k++) {
        const p = (f * nI + i) * nK + k;
        const x = pose.coords[p * D] as number;
        if (options.dropMissing && Number.isNaN(x)) continue;
        t.time[r] = time;
        t.frame[r] = pose.frameIndex[f] as number;
        t.individual[r] = pose.individuals[i] as string;
        t.keypoint[r] = pose.keypoints[k] as string;
        t.x_px[r] = x;
        t.y_px[r] = pose.coords[p * D + 1] as number;
        if (t.z_px) t.z_px[r] = pose.coords[p * D + 2] as number;
        t.confidence[r] = pose.confidence[p] as number;
        r++;
      }
    }
  }
  return t;
}

/**
 * A harmonised pose's frames `start..end-1` as a pose of their own (typed-array views, no copy).
 *
 * @example
 * ```ts
 * import { readDlc, slicePose } from "@neuropose/pose-formats";
 * const pose = await readDlc("videoDLC_resnet50_shuffle1_100000.h5");
 * console.log(slicePose(pose, 10, 20).nFrames); // 10
 * ```
 */
export function slicePose(pose: HarmonisedPose, start: number, end: number): HarmonisedPose {
  const s = Math.max(0, Math.min(start, pose.nFrames));
  const e = Math.max(s, Math.min(end, pose.nFrames));
  const per = pose.nIndividuals * pose.nKeypoints;
  return {
    ...pose,
    nFrames: e - s,
    frameIndex: pose.frameIndex.subarray(s, e),
    coords: pose.coords.subarray(s * per * pose.nDims, e * per * pose.nDims),
    confidence: pose.confidence.subarray(s * per, e * per),
    ...(pose.instanceKind
      ? { instanceKind: pose.instanceKind.subarray(s * pose.nIndividuals, e * pose.nIndividuals) }
      : {}),
  };
}
