// Weighted triangulation of one keypoint seen by several calibrated cameras: linear least squares in undistorted
// normalised coordinates (each view weighted by its detection confidence), then, if a view disagrees by more than a threshold,
// the views that agree are found from every pair of views (see below), then a few
// Gauss–Newton steps refine the point on the weighted reprojection error. Fewer than `minViews` good views → NaN:
// a point is never guessed. Hand-written: it is the core of our 3D, runs per keypoint per frame (speed matters),
// and needs only 3×3 algebra.
import { type Camera, projectPoint, undistortPixel } from "./camera.js";

/** Options of {@link triangulatePoint} and {@link triangulateFrame}. */
export interface TriangulateOptions {
  /** Views below this confidence are not used. Default 0.3. */
  minConfidence?: number;
  /** Largest accepted reprojection error, pixels. Default 15. */
  maxReprojectionPx?: number;
  /** At least this many views must agree. Default 2. */
  minViews?: number;
  /** Gauss–Newton refinement steps. Default 3. */
  refineSteps?: number;
}

/** One triangulated keypoint. */
export interface TriangulatedPoint {
  /** World coordinates (metres), or NaN when fewer than `minViews` good views see it. */
  X: [number, number, number];
  /** Root-mean-square reprojection error over the views used, pixels (NaN when not triangulated). */
  errorPx: number;
  /** Bit mask of the views used (bit i = camera i). */
  views: number;
}

// Per-camera constants for the normalised-coordinate equations.
interface Prepared {
  cam: Camera;
  R: number[];
  t: [number, number, number];
}

/** Prepare cameras once (kept for API symmetry; cheap). */
function prep(cams: readonly Camera[]): Prepared[] {
  return cams.map((cam) => ({ cam, R: cam.R, t: cam.t }));
}

function solveLinear(
  ps: readonly Prepared[],
  xs: Float64Array,
  ys: Float64Array,
  ws: Float64Array,
  use: number,
): [number, number, number] {
  // Rows: w * (x * (r3·X + t3) - (r1·X + t1)) = 0 and the same for y; normal equations AᵀA X = Aᵀb (3×3).
  let a00 = 0, a01 = 0, a02 = 0, a11 = 0, a12 = 0, a22 = 0, b0 = 0, b1 = 0, b2 = 0; // biome-ignore format: dense
  for (let i = 0; i < ps.length; i++) {
    if (!(use & (1 << i))) continue;
    const { R, t } = ps[i] as Prepared;
    const w = ws[i] as number;
    const w2 = w * w;
    for (let row = 0; row < 2; row++) {
      const c = row === 0 ? (xs[i] as number) : (ys[i] as number);
      const o = row === 0 ? 0 : 3;
      const r0 = c * (R[6] as number) - (R[o] as number);
      const r1 = c * (R[7] as number) - (R[o + 1] as number);
      const r2 = c * (R[8] as number) - (R[o + 2] as number);
      const rhs = (row === 0 ? t[0] : t[1]) - c * t[2];
      a00 += w2 * r0 * r0;
      a01 += w2 * r0 * r1;
      a02 += w2 * r0 * r2;
      a11 += w2 * r1 * r1;
      a12 += w2 * r1 * r2;
      a22 += w2 * r2 * r2;
      b0 += w2 * r0 * rhs;
      b1 += w2 * r1 * rhs;
      b2 += w2 * r2 * rhs;
    }
  }
  return solveSym3(a00, a01, a02, a11, a12, a22, b0, b1, b2);
}

/** Solve a symmetric 3×3 system by its adjugate (NaN when singular): both normal-equation solves use it. */
function solveSym3(
  a00: number,
  a01: number,
  a02: number,
  a11: number,
  a12: number,
  a22: number,
  b0: number,
  b1: number,
  b2: number,
): [number, number, number] {
  const c00 = a11 * a22 - a12 * a12;
  const c01 = a02 * a12 - a01 * a22;
  const c02 = a01 * a12 - a02 * a11;
  const det = a00 * c00 + a01 * c01 + a02 * c02;
  if (!(Math.abs(det) > 1e-300)) return [Number.NaN, Number.NaN, Number.NaN];
  const c11 = a00 * a22 - a02 * a02;
  const c12 = a01 * a02 - a00 * a12;
  const c22 = a00 * a11 - a01 * a01;
  return [
    (c00 * b0 + c01 * b1 + c02 * b2) / det,
    (c01 * b0 + c11 * b1 + c12 * b2) / det,
    (c02 * b0 + c12 * b1 + c22 * b2) / det,
  ];
}

function reprojErr(p: Prepared, X: readonly number[], u: number, v: number): number {
  const [pu, pv] = projectPoint(p.cam, X);
  return Math.hypot(pu - u, pv - v);
}

function refine(
  ps: readonly Prepared[],
  xs: Float64Array,
  ys: Float64Array,
  ws: Float64Array,
  use: number,
  X0: [number, number, number],
  steps: number,
): [number, number, number] {
  // Gauss–Newton on normalised-coordinate residuals (x - Xc/Zc, y - Yc/Zc), weighted; analytic Jacobian.
  const X: [number, number, number] = [...X0];
  for (let s = 0; s < steps; s++) {
    let h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0, g0 = 0, g1 = 0, g2 = 0; // biome-ignore format: dense
    for (let i = 0; i < ps.length; i++) {
      if (!(use & (1 << i))) continue;
      const { R, t } = ps[i] as Prepared;
      const w2 = (ws[i] as number) ** 2;
      const xc = (R[0] as number) * X[0] + (R[1] as number) * X[1] + (R[2] as number) * X[2] + t[0];
      const yc = (R[3] as number) * X[0] + (R[4] as number) * X[1] + (R[5] as number) * X[2] + t[1];
      const zc = (R[6] as number) * X[0] + (R[7] as number) * X[1] + (R[8] as number) * X[2] + t[2];
      if (!(zc > 1e-9)) return X0;
      const iz = 1 / zc;
      const ex = (xs[i] as number) - xc * iz;
      const ey = (ys[i] as number) - yc * iz;
      // d(xc/zc)/dX = (R0 - (xc/zc) R2) / zc
      for (let row = 0; row < 2; row++) {
        const o = row === 0 ? 0 : 3;
        const q = row === 0 ? xc * iz : yc * iz;
        const j0 = ((R[o] as number) - q * (R[6] as number)) * iz;
        const j1 = ((R[o + 1] as number) - q * (R[7] as number)) * iz;
        const j2 = ((R[o + 2] as number) - q * (R[8] as number)) * iz;
        const e = row === 0 ? ex : ey;
        h00 += w2 * j0 * j0;
        h01 += w2 * j0 * j1;
        h02 += w2 * j0 * j2;
        h11 += w2 * j1 * j1;
        h12 += w2 * j1 * j2;
        h22 += w2 * j2 * j2;
        g0 += w2 * j0 * e;
        g1 += w2 * j1 * e;
        g2 += w2 * j2 * e;
      }
    }
    const step = solveSym3(h00, h01, h02, h11, h12, h22, g0, g1, g2);
    if (!Number.isFinite(step[0])) break;
    X[0] += step[0];
    X[1] += step[1];
    X[2] += step[2];
  }
  return X;
}

const NAN_POINT = (): TriangulatedPoint => ({
  X: [Number.NaN, Number.NaN, Number.NaN],
  errorPx: Number.NaN,
  views: 0,
});

/**
 * Triangulate one keypoint from its pixel position in each camera (NaN where a camera does not see it) and a
 * confidence per view.
 *
 * @example
 * ```ts
 * import { projectPoint, triangulatePoint } from "@neuropose/multiview";
 * const cam = (x: number) => ({ name: `c${x}`, size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [x, 0, 3] as [number, number, number] });
 * const cams = [cam(0.5), cam(-0.5)];
 * const uv = cams.map((c) => projectPoint(c, [0.1, 0.2, 0.3]));
 * const p = triangulatePoint(cams, uv.map((q) => q[0]), uv.map((q) => q[1]), [1, 1]);
 * console.log(p.X.map((v) => +v.toFixed(6)), p.views); // [0.1, 0.2, 0.3] 3
 * ```
 */
export function triangulatePoint(
  cameras: readonly Camera[],
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  confidence: ArrayLike<number>,
  options: TriangulateOptions = {},
): TriangulatedPoint {
  return triangulateWith(prep(cameras), u, v, confidence, options, new Float64Array(cameras.length * 3));
}

function triangulateWith(
  ps: readonly Prepared[],
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  confidence: ArrayLike<number>,
  options: TriangulateOptions,
  scratch: Float64Array,
): TriangulatedPoint {
  const n = ps.length;
  if (n > 30) throw new RangeError("at most 30 cameras");
  const minConf = options.minConfidence ?? 0.3;
  const maxErr = options.maxReprojectionPx ?? 15;
  const minViews = Math.max(2, options.minViews ?? 2);
  const xs = scratch.subarray(0, n);
  const ys = scratch.subarray(n, 2 * n);
  const ws = scratch.subarray(2 * n, 3 * n);
  let use = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const ui = u[i] as number;
    const vi = v[i] as number;
    const c = confidence[i] as number;
    if (!Number.isFinite(ui) || !Number.isFinite(vi) || !(c >= minConf)) continue;
    const [x, y] = undistortPixel((ps[i] as Prepared).cam, ui, vi);
    xs[i] = x;
    ys[i] = y;
    ws[i] = c;
    use |= 1 << i;
    count++;
  }
  if (count < minViews) return NAN_POINT();
  const finish = (mask: number, X: [number, number, number]): TriangulatedPoint => {
    const Xr = refine(ps, xs, ys, ws, mask, X, options.refineSteps ?? 3);
    let se = 0;
    let k = 0;
    for (let i = 0; i < n; i++)
      if (mask & (1 << i)) {
        se += reprojErr(ps[i] as Prepared, Xr, u[i] as number, v[i] as number) ** 2;
        k++;
      }
    return { X: Xr, errorPx: Math.sqrt(se / k), views: mask };
  };
  const worstOf = (mask: number, X: readonly number[]): number => {
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (!(mask & (1 << i))) continue;
      const e = reprojErr(ps[i] as Prepared, X, u[i] as number, v[i] as number);
      worst = Math.max(worst, Number.isFinite(e) ? e : Number.POSITIVE_INFINITY);
    }
    return worst;
  };
  const all = solveLinear(ps, xs, ys, ws, use);
  if (Number.isFinite(all[0]) && worstOf(use, all) <= maxErr) return finish(use, all);
  // Some view disagrees. A single bad view pulls a least-squares point towards itself, so removing the worst
  // view greedily can drop the good ones; instead every pair of views proposes a point, the one most views agree
  // with (within maxErr) wins, ties going to the smaller summed error, and the point is re-solved from its
  // agreeing views (a RANSAC over all pairs: few cameras, so exhaustive).
  let bestMask = 0;
  let bestCount = 0;
  let bestErr = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (!(use & (1 << i))) continue;
    for (let j = i + 1; j < n; j++) {
      if (!(use & (1 << j))) continue;
      const X = solveLinear(ps, xs, ys, ws, (1 << i) | (1 << j));
      if (!Number.isFinite(X[0])) continue;
      let mask = 0;
      let cnt = 0;
      let sum = 0;
      for (let k = 0; k < n; k++) {
        if (!(use & (1 << k))) continue;
        const e = reprojErr(ps[k] as Prepared, X, u[k] as number, v[k] as number);
        if (e <= maxErr) {
          mask |= 1 << k;
          cnt++;
          sum += e;
        }
      }
      if (cnt > bestCount || (cnt === bestCount && sum < bestErr)) {
        bestMask = mask;
        bestCount = cnt;
        bestErr = sum;
      }
    }
  }
  if (bestCount < minViews) return NAN_POINT();
  const X = solveLinear(ps, xs, ys, ws, bestMask);
  if (!Number.isFinite(X[0]) || worstOf(bestMask, X) > maxErr) return NAN_POINT();
  return finish(bestMask, X);
}

/** Keypoints of one frame triangulated from all views (see {@link triangulateFrame}). */
export interface TriangulatedFrame {
  /** K × 3, metres (NaN rows where not triangulated). */
  points: Float64Array;
  /** K reprojection errors, pixels (RMS over the views used). */
  errorPx: Float64Array;
  /** K view masks (bit i = camera i). */
  views: Uint32Array;
}

/**
 * Triangulate every keypoint of one frame. `uv` holds, per camera, K × 2 pixel coordinates (NaN where not seen);
 * `confidence` per camera K values.
 *
 * @example
 * ```ts
 * import { projectPoint, triangulateFrame } from "@neuropose/multiview";
 * const cam = (x: number) => ({ name: `c${x}`, size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [x, 0, 3] as [number, number, number] });
 * const cams = [cam(0.5), cam(-0.5)];
 * const uv = cams.map((c) => Float64Array.from(projectPoint(c, [0, 0, 0])));
 * const f = triangulateFrame(cams, uv, [new Float64Array([1]), new Float64Array([1])]);
 * console.log(Array.from(f.points).map((v) => Math.abs(+v.toFixed(9)))); // [0, 0, 0]
 * ```
 */
export function triangulateFrame(
  cameras: readonly Camera[],
  uv: readonly Float64Array[],
  confidence: readonly ArrayLike<number>[],
  options: TriangulateOptions = {},
): TriangulatedFrame {
  const ps = prep(cameras);
  const n = cameras.length;
  const K = (uv[0]?.length ?? 0) / 2;
  const points = new Float64Array(K * 3);
  const errorPx = new Float64Array(K);
  const views = new Uint32Array(K);
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const c = new Float64Array(n);
  const scratch = new Float64Array(3 * n);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < n; i++) {
      const a = uv[i] as Float64Array;
      u[i] = a[2 * k] as number;
      v[i] = a[2 * k + 1] as number;
      c[i] = (confidence[i] as ArrayLike<number>)[k] as number;
    }
    const p = triangulateWith(ps, u, v, c, options, scratch);
    points[3 * k] = p.X[0];
    points[3 * k + 1] = p.X[1];
    points[3 * k + 2] = p.X[2];
    errorPx[k] = p.errorPx;
    views[k] = p.views;
  }
  return { points, errorPx, views };
}
