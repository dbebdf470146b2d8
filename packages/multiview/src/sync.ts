// Time offsets between cameras that were not frame-synchronised. With calibrated cameras (the multi-view case)
// the offset is the lag at which the keypoints of the two views agree geometrically: for each candidate lag,
// each person's keypoints in one view must lie on the epipolar lines of the same keypoints in the other, and the
// lag with the smallest median epipolar distance wins (people moving make every wrong lag inconsistent).
// Without calibration, each camera's per-frame keypoint speed (relative to the person's size in that view) is
// cross-correlated with the first camera's: weaker (gait is periodic), so it is the fallback.
// Hand-written: our science (what is compared), a few multiply-adds per keypoint and lag.
import type { FramePrediction } from "@neuropose/io";
import { type Camera, undistortPixel } from "./camera.js";

/** Options of {@link estimateOffsets}. */
export interface EstimateOffsetsOptions {
  /** Largest offset searched, frames (either way). Default 30. */
  maxLag?: number | undefined;
  /** Keypoints below this confidence are ignored. Default 0.5. */
  minConfidence?: number | undefined;
  /** The calibrated cameras (same order): offsets from epipolar agreement instead of motion correlation. */
  cameras?: readonly Camera[] | undefined;
  /** Left/right keypoint pairs (see `sidePairs`): either naming counts when comparing two views. */
  sidePairs?: readonly (readonly [number, number])[] | undefined;
}

/** Result of {@link estimateOffsets}. */
export interface OffsetEstimate {
  /**
   * Per camera, frames: camera i's frame f shows the moment of the first camera's frame f + offsets[i]
   * (a camera that started recording k frames late has offset k). The first camera's is 0.
   */
  offsets: number[];
  /**
   * Per camera, how well the views agree at that offset: with cameras, the median epipolar distance in pixels
   * (0 for the first camera; large = unreliable); without, the normalised cross-correlation (1 for the first).
   */
  scores: number[];
  /**
   * Per camera, how much the best lag stands out: with cameras, the ratio of the best score more than 2 frames
   * away to the best score (above ~1.5 is clear); without, the correlation difference to that lag.
   */
  margins: number[];
  /** "epipolar" (calibrated cameras) or "motion" (cross-correlation of keypoint speed). */
  method: "epipolar" | "motion";
}

/**
 * Per-frame motion of one camera's detections: the mean over people (matched between frames by `person_ids`,
 * else by order) of the median keypoint displacement since the previous frame divided by the person's box
 * height. NaN where nobody is matched.
 *
 * @example
 * ```ts
 * import { motionSignal } from "@neuropose/multiview";
 * const f = (x: number) => ({ boxes: [[0, 0, 10, 100, 1]], poses3d: [[[0, 0, 0]]], poses2d: [[[x, 0]]], person_ids: [0] });
 * console.log(Array.from(motionSignal([f(0), f(5), f(5)]))); // [NaN, 0.05, 0]
 * ```
 */
export function motionSignal(frames: readonly FramePrediction[], minConfidence = 0.5): Float64Array {
  const out = new Float64Array(frames.length).fill(Number.NaN);
  for (let t = 1; t < frames.length; t++) {
    const a = frames[t - 1] as FramePrediction;
    const b = frames[t] as FramePrediction;
    let sum = 0;
    let cnt = 0;
    b.poses2d.forEach((pts, p) => {
      const id = b.person_ids?.[p];
      const q = id !== undefined && a.person_ids ? a.person_ids.indexOf(id) : p < a.poses2d.length ? p : -1;
      const prev = q >= 0 ? a.poses2d[q] : undefined;
      if (!prev) return;
      const h = Math.max(1, b.boxes[p]?.[3] ?? 0);
      const d: number[] = [];
      pts.forEach((uv, k) => {
        const c = Math.min(b.visibility?.[p]?.[k] ?? 1, b.presence?.[p]?.[k] ?? 1);
        const c0 = Math.min(a.visibility?.[q]?.[k] ?? 1, a.presence?.[q]?.[k] ?? 1);
        const w = prev[k];
        if (c < minConfidence || c0 < minConfidence || !w) return;
        const m = Math.hypot((uv[0] as number) - (w[0] as number), (uv[1] as number) - (w[1] as number));
        if (Number.isFinite(m)) d.push(m / h);
      });
      if (d.length === 0) return;
      d.sort((x, y) => x - y);
      sum += d[d.length >> 1] as number;
      cnt++;
    });
    if (cnt > 0) out[t] = sum / cnt;
  }
  return out;
}

/** Normalised cross-correlation of x[t] and y[t - lag] over the frames both have (NaN: < 10 common frames). */
function ncc(x: Float64Array, y: Float64Array, lag: number): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let t = 0; t < x.length; t++) {
    const s = t - lag;
    if (s < 0 || s >= y.length) continue;
    const u = x[t] as number;
    const v = y[s] as number;
    if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
    a.push(u);
    b.push(v);
  }
  if (a.length < 10) return Number.NaN;
  const mx = a.reduce((p, q) => p + q, 0) / a.length;
  const my = b.reduce((p, q) => p + q, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  a.forEach((u, i) => {
    const v = b[i] as number;
    sab += (u - mx) * (v - my);
    saa += (u - mx) ** 2;
    sbb += (v - my) ** 2;
  });
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

/**
 * Estimates each camera's time offset against the first camera from keypoint-motion cross-correlation. The
 * estimate is a proposal: show it to the user, who accepts it or gives offsets of their own.
 *
 * @example
 * ```ts
 * import { estimateOffsets } from "@neuropose/multiview";
 * const walk = (t: number) => Math.sin(t / 3) * 20 + Math.sin(t / 7) * 10;
 * const cam = (shift: number) => Array.from({ length: 120 }, (_, f) => ({ boxes: [[0, 0, 50, 200, 1]], poses3d: [[[0, 0, 0]]], poses2d: [[[walk(f + shift), 0]]], person_ids: [0] }));
 * console.log(estimateOffsets([cam(0), cam(4)]).offsets); // [0, 4]
 * ```
 */
export function estimateOffsets(
  cameras: readonly (readonly FramePrediction[])[],
  options: EstimateOffsetsOptions = {},
): OffsetEstimate {
  const maxLag = options.maxLag ?? 30;
  if (options.cameras) return epipolarOffsets(cameras, options.cameras, options, maxLag);
  const signals = cameras.map((frames) => motionSignal(frames, options.minConfidence ?? 0.5));
  const ref = signals[0] ?? new Float64Array(0);
  const offsets = [0];
  const scores = [1];
  const margins = [1];
  for (let i = 1; i < signals.length; i++) {
    const y = signals[i] as Float64Array;
    const corr = new Map<number, number>();
    // camera i's frame f is the reference's frame f + lag: correlate ref[t] with y[t - lag]
    for (let lag = -maxLag; lag <= maxLag; lag++) corr.set(lag, ncc(ref, y, lag));
    let best = 0;
    let bestC = Number.NEGATIVE_INFINITY;
    for (const [lag, c] of corr)
      if (c > bestC || (c === bestC && Math.abs(lag) < Math.abs(best))) {
        bestC = c;
        best = lag;
      }
    let second = Number.NEGATIVE_INFINITY;
    for (const [lag, c] of corr) if (Math.abs(lag - best) > 2 && c > second) second = c;
    offsets.push(Number.isFinite(bestC) ? best : 0);
    scores.push(Number.isFinite(bestC) ? bestC : Number.NaN);
    margins.push(Number.isFinite(bestC) && Number.isFinite(second) ? bestC - second : Number.NaN);
  }
  return { offsets, scores, margins, method: "motion" };
}

/** Per frame, per person: undistorted normalised keypoints (NaN below the confidence threshold). */
function normalised(frames: readonly FramePrediction[], cam: Camera, minConf: number): Float64Array[][] {
  return frames.map((f) =>
    f.poses2d.map((pts, p) => {
      const out = new Float64Array(2 * pts.length).fill(Number.NaN);
      pts.forEach((uv, k) => {
        const c = Math.min(f.visibility?.[p]?.[k] ?? 1, f.presence?.[p]?.[k] ?? 1);
        if (!(c >= minConf) || !Number.isFinite(uv[0]) || !Number.isFinite(uv[1])) return;
        const [x, y] = undistortPixel(cam, uv[0] as number, uv[1] as number);
        out[2 * k] = x;
        out[2 * k + 1] = y;
      });
      return out;
    }),
  );
}

function epipolarOffsets(
  frames: readonly (readonly FramePrediction[])[],
  cams: readonly Camera[],
  options: EstimateOffsetsOptions,
  maxLag: number,
): OffsetEstimate {
  if (cams.length !== frames.length)
    throw new RangeError(`${cams.length} cameras but ${frames.length} frame sequences`);
  const minConf = options.minConfidence ?? 0.5;
  const pts = frames.map((f, i) => normalised(f, cams[i] as Camera, minConf));
  const partner = new Map<number, number>();
  for (const [l, r] of options.sidePairs ?? []) {
    partner.set(l, r);
    partner.set(r, l);
  }
  // Agreement of cameras j and i when camera i's frame s shows camera j's frame s + lag: per frame the best
  // matching pair of people (median over keypoints of the epipolar distance, capped at 50 px), median over frames.
  const curve = (j: number, i: number): Map<number, number> => {
    const a = cams[j] as Camera;
    const b = cams[i] as Camera;
    // Essential matrix of the pair (x_bᵀ E x_a = 0): R = R_b R_aᵀ, t = t_b − R t_a, E = [t]× R.
    const R = mul3(b.R, transpose3(a.R));
    const Rt = mul3v(R, a.t);
    const t = [b.t[0] - (Rt[0] as number), b.t[1] - (Rt[1] as number), b.t[2] - (Rt[2] as number)];
    const E = mul3([0, -t[2]!, t[1]!, t[2]!, 0, -t[0]!, -t[1]!, t[0]!, 0], R);
    const f = (b.fx + b.fy + a.fx + a.fy) / 4;
    const dist = (xa: number, ya: number, xb: number, yb: number): number => {
      // symmetric point-to-epipolar-line distance, in (mean focal length) pixels
      const l0 = E[0]! * xa + E[1]! * ya + E[2]!;
      const l1 = E[3]! * xa + E[4]! * ya + E[5]!;
      const l2 = E[6]! * xa + E[7]! * ya + E[8]!;
      const m0 = E[0]! * xb + E[3]! * yb + E[6]!;
      const m1 = E[1]! * xb + E[4]! * yb + E[7]!;
      const alg = Math.abs(xb * l0 + yb * l1 + l2);
      return 0.5 * f * alg * (1 / Math.hypot(l0, l1) + 1 / Math.hypot(m0, m1));
    };
    const personCost = (pa: Float64Array, pb: Float64Array): number => {
      const d: number[] = [];
      for (let k = 0; 2 * k < pa.length; k++) {
        const xa = pa[2 * k] as number;
        if (!Number.isFinite(xa)) continue;
        const ya = pa[2 * k + 1] as number;
        let best = Number.POSITIVE_INFINITY;
        for (const kb of [k, partner.get(k) ?? k]) {
          const xb = pb[2 * kb] as number;
          if (!Number.isFinite(xb)) continue;
          best = Math.min(best, dist(xa, ya, xb, pb[2 * kb + 1] as number));
        }
        if (Number.isFinite(best)) d.push(best);
      }
      if (d.length < 6) return Number.NaN;
      d.sort((x, y) => x - y);
      return d[d.length >> 1] as number;
    };
    const ref = pts[j] as Float64Array[][];
    const other = pts[i] as Float64Array[][];
    const score = new Map<number, number>();
    for (let lag = -2 * maxLag; lag <= 2 * maxLag; lag++) {
      const perFrame: number[] = [];
      for (let r = 0; r < ref.length; r++) {
        const pb = other[r - lag];
        const pa = ref[r] as Float64Array[];
        if (!pb || pb.length === 0 || pa.length === 0) continue;
        let best = 50;
        for (const p of pa)
          for (const q of pb) {
            const c = personCost(p, q);
            if (c < best) best = c;
          }
        perFrame.push(best);
      }
      if (perFrame.length >= 10) {
        perFrame.sort((x, y) => x - y);
        score.set(lag, perFrame[perFrame.length >> 1] as number);
      }
    }
    return score;
  };
  const n = cams.length;
  const curves = new Map<string, Map<number, number>>();
  for (let j = 0; j < n; j++) for (let i = j + 1; i < n; i++) curves.set(`${j},${i}`, curve(j, i));
  // S(j, i, lag): camera i's frame s is camera j's frame s + lag (the curves are symmetric in the pair).
  const S = (j: number, i: number, lag: number): number =>
    (j < i ? curves.get(`${j},${i}`)?.get(lag) : curves.get(`${i},${j}`)?.get(-lag)) ?? 50;
  const offsets = cams.map((_, i) => {
    if (i === 0) return 0;
    let best = 0;
    for (let lag = -maxLag; lag <= maxLag; lag++) if (S(0, i, lag) < S(0, i, best)) best = lag;
    return best;
  });
  // Then every camera against all the others (a camera that sees little in common with the first still shares
  // people with another), a few rounds of coordinate descent.
  const summed = (i: number, off: number): number => {
    let s = 0;
    for (let j = 0; j < n; j++) if (j !== i) s += S(j, i, off - (offsets[j] as number));
    return s / (n - 1);
  };
  for (let round = 0; round < 3; round++)
    for (let i = 1; i < n; i++) {
      let best = offsets[i] as number;
      for (let lag = -maxLag; lag <= maxLag; lag++) if (summed(i, lag) < summed(i, best) - 1e-12) best = lag;
      offsets[i] = best;
    }
  const scores = offsets.map((o, i) => (i === 0 ? 0 : summed(i, o)));
  const margins = offsets.map((o, i) => {
    if (i === 0) return Number.POSITIVE_INFINITY;
    let second = Number.POSITIVE_INFINITY;
    for (let lag = -maxLag; lag <= maxLag; lag++)
      if (Math.abs(lag - o) > 2) second = Math.min(second, summed(i, lag));
    return second / Math.max(scores[i] as number, 1e-9);
  });
  return { offsets, scores, margins, method: "epipolar" };
}

function transpose3(m: readonly number[]): number[] {
  return [m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!];
}

function mul3(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      out[3 * r + c] = a[3 * r]! * b[c]! + a[3 * r + 1]! * b[3 + c]! + a[3 * r + 2]! * b[6 + c]!;
  return out;
}

function mul3v(m: readonly number[], v: readonly number[]): number[] {
  return [0, 1, 2].map((r) => m[3 * r]! * v[0]! + m[3 * r + 1]! * v[1]! + m[3 * r + 2]! * v[2]!);
}
