// Time-normalisation: the one rule deciding when and to how many frames sequences are resampled (cohort
// matrices and reference pairs both use it), and the linear resampling itself.
import type { PoseSequence } from "@neuropose/kinematics";

/** `analysis.time_normalize` of a resolved DTW config. */
export type TimeNormalize = "auto" | "never" | number;

/**
 * The frame count to resample sequences of these `lengths` to, or null to leave them as they are: a number
 * `time_normalize` always applies; "auto" resamples to the longest length when an alignment needs equal frame
 * counts (`needsEqual`) and the lengths differ; "never" never resamples.
 */
export function normalizationTarget(
  tn: TimeNormalize,
  needsEqual: boolean,
  lengths: readonly number[],
): number | null {
  if (typeof tn === "number") return tn;
  if (tn === "auto" && needsEqual && new Set(lengths).size > 1) return Math.max(...lengths);
  return null;
}

/**
 * Linear time-normalisation of a pose sequence to `n` frames: output frame k samples the input at
 * t = k·(F−1)/(n−1) (the first and last frames are kept exactly), as gait analysis does when it expresses a
 * cycle in 0..100 % of its duration. A one-frame input is repeated.
 */
export function resampleSequence(seq: PoseSequence, n: number): PoseSequence {
  const { frames, joints, data } = seq;
  const stride = joints * 3;
  const out = new Float64Array(n * stride);
  if (frames === n) {
    out.set(data.subarray(0, n * stride));
    return { frames: n, joints, data: out };
  }
  for (let k = 0; k < n; k++) {
    const t = n === 1 || frames === 1 ? 0 : (k * (frames - 1)) / (n - 1);
    const i0 = Math.min(Math.floor(t), frames - 1);
    const i1 = Math.min(i0 + 1, frames - 1);
    const w = t - i0;
    const o = k * stride;
    const a = i0 * stride;
    const b = i1 * stride;
    for (let c = 0; c < stride; c++) {
      out[o + c] = w === 0 ? data[a + c] : data[a + c] + (data[b + c] - data[a + c]) * w;
    }
  }
  return { frames: n, joints, data: out };
}
