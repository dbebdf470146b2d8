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

// Both solves (the linear point and each Gauss–Newton step) are weighted least squares with two rows per view:
// they accumulate the normal equations AᵀA x = Aᵀb of rows (a0, a1, a2 | b) in one 3×3 accumulator and solve
// it by its adjugate. `acc` holds [a00, a01, a02, a11, a12, a22, b0, b1, b2].
function addRow(acc: Float64Array, w2: number, a0: number, a1: number, a2: number, b: number): void {
  acc[0] += w2 * a0 * a0;
  acc[1] += w2 * a0 * a1;
  acc[2] += w2 * a0 * a2;
  acc[3] += w2 * a1 * a1;
  acc[4] += w2 * a1 * a2;
  acc[5] += w2 * a2 * a2;
  acc[6] += w2 * a0 * b;
  acc[7] += w2 * a1 * b;
  acc[8] += w2 * a2 * b;
}

/** Solve the accumulated symmetric 3×3 system by its adjugate (NaN when singular). */
function solveNormal(acc: Float64Array): [number, number, number] {
  const a00 = acc[0] as number;
  const a01 = acc[1] as number;
  const a02 = acc[2] as number;
  const a11 = acc[3] as number;
  const a12 = acc[4] as number;
  const a22 = acc[5] as number;
  const b0 = acc[6] as number;
  const b1 = acc[7] as number;
  const b2 = acc[8] as number;
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

const ACC = new Float64Array(9);

function solveLinear(
  ps: readonly Prepared[],
  xs: Float64Array,
  ys: Float64Array,
  ws: Float64Array,
  use: number,
): [number, number, number] {
  // Rows: w * (x * (r3·X + t3) - (r1·X + t1)) = 0 and the same for y (the DLT rows in normalised coordinates).
  ACC.fill(0);
  for (let i = 0; i < ps.length; i++) {
    if (!(use & (1 << i))) continue;
    const { R, t } = ps[i] as Prepared;
    const w2 = (ws[i] as number) ** 2;
    for (let row = 0; row < 2; row++) {
      const c = row === 0 ? (xs[i] as number) : (ys[i] as number);
      const o = row === 0 ? 0 : 3;
      addRow(
        ACC,
        w2,
        c * (R[6] as number) - (R[o] as number),
        c * (R[7] as number) - (R[o + 1] as number),
        c * (R[8] as number) - (R[o + 2] as number),
        (t[row] as number) - c * t[2],
      );
    }
  }
  return solveNormal(ACC);
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
  // Gauss–Newton on normalised-coordinate residuals (x - Xc/Zc, y - Yc/Zc), weighted; analytic Jacobian
  // d(xc/zc)/dX = (R0 - (xc/zc) R2) / zc.
  const X: [number, number, number] = [...X0];
  for (let s = 0; s < steps; s++) {
    ACC.fill(0);
    for (let i = 0; i < ps.length; i++) {
      if (!(use & (1 << i))) continue;
      const { R, t } = ps[i] as Prepared;
      const w2 = (ws[i] as number) ** 2;
      const xc = (R[0] as number) * X[0] + (R[1] as number) * X[1] + (R[2] as number) * X[2] + t[0];
      const yc = (R[3] as number) * X[0] + (R[4] as number) * X[1] + (R[5] as number) * X[2] + t[1];
      const zc = (R[6] as number) * X[0] + (R[7] as number) * X[1] + (R[8] as number) * X[2] + t[2];
      if (!(zc > 1e-9)) return X0;
      const iz = 1 / zc;
      for (let row = 0; row < 2; row++) {
        const o = row === 0 ? 0 : 3;
        const q = (row === 0 ? xc : yc) * iz;
        addRow(
          ACC,
          w2,
          ((R[o] as number) - q * (R[6] as number)) * iz,
          ((R[o + 1] as number) - q * (R[7] as number)) * iz,
          ((R[o + 2] as number) - q * (R[8] as number)) * iz,
          (row === 0 ? (xs[i] as number) : (ys[i] as number)) - q,
        );
      }
    }
    const step = solveNormal(ACC);
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
