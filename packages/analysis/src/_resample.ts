import type { PoseSequence } from "@neuropose/kinematics";

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

/** Frames [start, end) of a pose sequence (a view: no copy). */
export function sliceSequence(seq: PoseSequence, start: number, end: number): PoseSequence {
  const stride = seq.joints * 3;
  const s = Math.max(0, Math.min(start, seq.frames));
  const e = Math.max(s, Math.min(end, seq.frames));
  return { frames: e - s, joints: seq.joints, data: seq.data.subarray(s * stride, e * stride) };
}
