import { KinematicsError } from "./errors.js";
import { checkSequence, type PoseSequence } from "./sequence.js";

export interface NormalizeOptions {
  /** Scale each axis to [0, 1] independently (distorts geometry). Default false: one scale, the largest extent. */
  axisWise?: boolean;
}

/**
 * Translate and scale a pose sequence into the unit cube, as the original `normalize_pose_sequence`: the
 * minimum of each axis over all frames and joints is subtracted, then everything is divided by the largest
 * axis extent (or, with `axisWise`, each axis by its own extent; a zero-extent axis stays 0). NaN anywhere
 * propagates to every value (numpy min/max semantics). Throws `E_DEGENERATE` when every axis has zero extent.
 *
 * @example
 * ```ts
 * import { fromNested, normalizePoseSequence, toNested } from "@neuropose/kinematics";
 * toNested(normalizePoseSequence(fromNested([[[0, 0, 0], [2, 1, 0]]]))); // [[[0, 0, 0], [1, 0.5, 0]]]
 * ```
 */
export function normalizePoseSequence(seq: PoseSequence, options: NormalizeOptions = {}): PoseSequence {
  checkSequence(seq);
  const d = seq.data;
  const n = d.length / 3;
  const mins = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const maxs = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = d[i * 3 + c];
      if (Number.isNaN(v) || Number.isNaN(mins[c])) {
        mins[c] = Number.NaN;
        maxs[c] = Number.NaN;
        continue;
      }
      if (v < mins[c]) mins[c] = v;
      if (v > maxs[c]) maxs[c] = v;
    }
  }
  if (n === 0) {
    throw new KinematicsError("E_DEGENERATE", "cannot normalize an empty sequence");
  }
  const ranges = [maxs[0] - mins[0], maxs[1] - mins[1], maxs[2] - mins[2]];
  if (ranges.every((r) => r === 0)) {
    throw new KinematicsError("E_DEGENERATE", "cannot normalize a degenerate (zero-extent) sequence");
  }
  let div: number[];
  if (options.axisWise) {
    div = ranges.map((r) => (r === 0 ? 1 : r));
  } else {
    // numpy max: NaN propagates.
    const m = ranges.some(Number.isNaN) ? Number.NaN : Math.max(ranges[0], ranges[1], ranges[2]);
    div = [m, m, m];
  }
  const out = new Float64Array(d.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = (d[i * 3 + c] - mins[c]) / div[c];
  }
  return { frames: seq.frames, joints: seq.joints, data: out };
}

export interface PadOptions {
  /** Target frame count; default: the longest input. */
  targetLength?: number | null;
}

/**
 * Bring sequences to a common length, as the original `pad_sequences`: shorter ones repeat their last
 * frame, longer ones are truncated. All sequences must have the same joint count (`E_SHAPE_MISMATCH`).
 * An empty list needs an explicit `targetLength` (`E_EMPTY`). Inputs are never modified.
 *
 * @example
 * ```ts
 * import { fromNested, padSequences } from "@neuropose/kinematics";
 * const [a] = padSequences([fromNested([[[1, 1, 1]]])], { targetLength: 3 });
 * a.frames; // 3, every frame [1, 1, 1]
 * ```
 */
export function padSequences(sequences: readonly PoseSequence[], options: PadOptions = {}): PoseSequence[] {
  const target = options.targetLength ?? undefined;
  if (sequences.length === 0) {
    if (target === undefined) {
      throw new KinematicsError("E_EMPTY", "cannot infer target_length from an empty sequence list");
    }
    return [];
  }
  sequences.forEach((s, i) => {
    checkSequence(s, `sequence ${i}`);
  });
  const joints = sequences[0].joints;
  sequences.forEach((s, i) => {
    if (s.joints !== joints) {
      throw new KinematicsError(
        "E_SHAPE_MISMATCH",
        `sequence ${i} has trailing shape (${s.joints}, 3); expected (${joints}, 3)`,
      );
    }
  });
  const length = target ?? Math.max(...sequences.map((s) => s.frames));
  if (!Number.isInteger(length) || length < 0) {
    throw new KinematicsError(
      "E_BAD_ARGUMENT",
      `target_length must be a non-negative integer; got ${length}`,
    );
  }
  const stride = joints * 3;
  return sequences.map((s) => {
    const out = new Float64Array(length * stride);
    const keep = Math.min(length, s.frames);
    out.set(s.data.subarray(0, keep * stride));
    if (keep < length) {
      if (s.frames === 0) {
        // numpy's edge padding of an empty axis fails; so do we.
        throw new KinematicsError("E_EMPTY", "cannot edge-pad a sequence with zero frames");
      }
      const last = s.data.subarray((s.frames - 1) * stride, s.frames * stride);
      for (let f = keep; f < length; f++) out.set(last, f * stride);
    }
    return { frames: length, joints, data: out };
  });
}
