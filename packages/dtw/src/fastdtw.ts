import { pairwiseSum } from "@neuropose/kinematics";
import { dtwError, type SeriesInput, toSeries } from "./_series.js";

/** A frame distance for {@link fastdtw}: receives two frames (views, do not keep them). */
export type FrameDistance = (a: Float64Array, b: Float64Array) => number;

export interface FastDtwOptions {
  /** Search radius around the projected coarse path (fastdtw's `radius`, default 1). */
  radius?: number;
  /**
   * Frame distance, as fastdtw 0.3.4's `dist`:
   * - `null` / absent: fastdtw's own default, `|a - b|` for univariate input and the L1 norm for frames;
   * - `"euclidean"`: `scipy.spatial.distance.euclidean` (what the original NeuroPose passes; frames only,
   *   rejects non-finite values);
   * - a number `p > 0`: `numpy.linalg.norm(a - b, p)`;
   * - a function `(a, b) => number`.
   */
  dist?: "euclidean" | number | FrameDistance | null;
  /** Frame width for flat typed-array input (default 1). */
  dims?: number;
}

export interface DtwPathResult {
  distance: number;
  path: Array<[number, number]>;
}

interface Seq {
  data: Float64Array;
  n: number;
  d: number;
}

type Dist = (x: Float64Array, xo: number, y: Float64Array, yo: number, d: number) => number;

function absDist(x: Float64Array, xo: number, y: Float64Array, yo: number): number {
  return Math.abs((x[xo] as number) - (y[yo] as number));
}

function normDist(p: number): Dist {
  let scratch = new Float64Array(8);
  return (x, xo, y, yo, d) => {
    if (scratch.length < d) scratch = new Float64Array(d);
    for (let k = 0; k < d; k++) scratch[k] = Math.abs((x[xo + k] as number) - (y[yo + k] as number));
    if (p === 2) {
      // numpy: sqrt(x.dot(x)) (BLAS ddot; sequential for short vectors)
      let s = 0;
      for (let k = 0; k < d; k++) s += (scratch[k] as number) * (scratch[k] as number);
      return Math.sqrt(s);
    }
    if (p === Number.POSITIVE_INFINITY) {
      let m = 0;
      for (let k = 0; k < d; k++) m = Math.max(m, scratch[k] as number);
      return m;
    }
    if (p === 1) return 0 + pairwiseSum(scratch, 0, d);
    for (let k = 0; k < d; k++) scratch[k] = (scratch[k] as number) ** p;
    return pairwiseSum(scratch, 0, d) ** (1 / p);
  };
}

const SPLIT = 134217729; // 2^27 + 1
/** The rounding error of a * a (Dekker's two-product: a * a = p + error exactly, for p = a * a). */
function squareError(a: number, p: number): number {
  const t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  return al * al - (p - ah * ah - al * ah - ah * al);
}
/**
 * scipy.spatial.distance.euclidean as the original ran it (BLAS dnrm2): the square root of the sum of squares,
 * computed here in double-double (and a corrected square root) so the result is the correctly rounded value
 * dnrm2 returns (bit-identical on every parity case).
 */
function euclideanDD(x: Float64Array, xo: number, y: Float64Array, yo: number, d: number): number {
  let hi = 0;
  let lo = 0;
  for (let k = 0; k < d; k++) {
    const t = (x[xo + k] as number) - (y[yo + k] as number);
    if (!Number.isFinite(t)) {
      throw dtwError(
        "E_DTW_NONFINITE",
        "array must not contain infs or NaNs",
        "the original's scipy euclidean rejects non-finite frames; fill or drop missing values first",
      );
    }
    const p = t * t;
    const e = squareError(t, p);
    const s = hi + p;
    const bb = s - hi;
    const err = hi - (s - bb) + (p - bb);
    hi = s;
    lo += err + e;
  }
  const s = hi + lo;
  lo = lo - (s - hi);
  hi = s;
  if (hi === 0) return 0;
  const r = Math.sqrt(hi);
  const rr = r * r;
  return r + (hi - rr - squareError(r, rr) + lo) / (2 * r);
}

function userDist(f: FrameDistance): Dist {
  return (x, xo, y, yo, d) => f(x.subarray(xo, xo + d), y.subarray(yo, yo + d));
}

function reduceByHalf(s: Seq): Seq {
  const half = Math.floor(s.n / 2);
  const out = new Float64Array(half * s.d);
  const d = s.d;
  for (let i = 0; i < half; i++) {
    for (let k = 0; k < d; k++) {
      out[i * d + k] = ((s.data[2 * i * d + k] as number) + (s.data[(2 * i + 1) * d + k] as number)) / 2;
    }
  }
  return { data: out, n: half, d };
}

/** Row-major window: for each row i, a contiguous run [start[i], end[i]) (empty when start = end = -1). */
interface Window {
  start: Int32Array;
  end: Int32Array;
}

function fullWindow(nx: number, ny: number): Window {
  return { start: new Int32Array(nx), end: new Int32Array(nx).fill(ny) };
}

function expandWindow(path: Array<[number, number]>, nx: number, ny: number, radius: number): Window {
  // path_ = path expanded by +-radius (incl. diagonals); window_ = each cell projected to its 2x2 block.
  const off = 2 * radius + 4;
  const stride = 2 * ny + 4 * radius + 12;
  const expanded = new Set<number>();
  for (const [i, j] of path) {
    for (let a = -radius; a <= radius; a++) {
      for (let b = -radius; b <= radius; b++) expanded.add((i + a + off) * stride + (j + b + off));
    }
  }
  const cells = new Set<number>();
  const off2 = 2 * off;
  const stride2 = 2 * stride + 4;
  for (const key of expanded) {
    const i = Math.floor(key / stride) - off;
    const j = (key % stride) - off;
    for (let a = 2 * i; a <= 2 * i + 1; a++) {
      for (let b = 2 * j; b <= 2 * j + 1; b++) cells.add((a + off2) * stride2 + (b + off2));
    }
  }
  const start = new Int32Array(nx).fill(-1);
  const end = new Int32Array(nx).fill(-1);
  let startJ: number | null = 0;
  for (let i = 0; i < nx; i++) {
    if (startJ === null) {
      // Python: range(None, len_y) raises TypeError
      throw dtwError(
        "E_FASTDTW_UNREACHABLE",
        "fastdtw 0.3.4 failed: a row of the projected search window is empty ('NoneType' object cannot be interpreted as an integer)",
        "use radius >= 1 (fastdtw 0.3.4 only completes radius 0 when every coarsening level has even length)",
      );
    }
    let newStart: number | null = null;
    let j: number = startJ;
    for (; j < ny; j++) {
      if (cells.has((i + off2) * stride2 + (j + off2))) {
        if (newStart === null) newStart = j;
      } else if (newStart !== null) break;
    }
    if (newStart !== null) {
      start[i] = newStart;
      end[i] = j;
    }
    startJ = newStart;
  }
  return { start, end };
}

function unreachable(): Error {
  return dtwError(
    "E_FASTDTW_UNREACHABLE",
    "fastdtw 0.3.4 failed: the end cell is outside the projected search window (tuple index out of range)",
    "this is fastdtw 0.3.4's radius-0 bug on odd-length coarsening levels; use radius >= 1 or the exact method",
  );
}

/** fastdtw's `__dtw`: DP over the window cells in row-major order, ties broken (i-1,j) < (i,j-1) < (i-1,j-1). */
function windowedDtw(x: Seq, y: Seq, w: Window, dist: Dist): DtwPathResult {
  const nx = x.n;
  const ny = y.n;
  const d = x.d;
  // Row offsets into flat storage (cells of row i are start[i]..end[i]-1).
  const rowOff = new Int32Array(nx + 1);
  for (let i = 0; i < nx; i++) {
    const len = (w.end[i] as number) - (w.start[i] as number);
    rowOff[i + 1] = (rowOff[i] as number) + Math.max(len, 0);
  }
  const total = rowOff[nx] as number;
  const cost = new Float64Array(total);
  const parent = new Int8Array(total);
  const get = (i: number, j: number): number => {
    // padded (1-based) coordinates; D[0,0] = 0, anything absent = inf
    if (i === 0 && j === 0) return 0;
    if (i === 0 || j === 0) return Number.POSITIVE_INFINITY;
    const r = i - 1;
    const c = j - 1;
    const s = w.start[r] as number;
    if (c < s || c >= (w.end[r] as number)) return Number.POSITIVE_INFINITY;
    return cost[(rowOff[r] as number) + c - s] as number;
  };
  for (let r = 0; r < nx; r++) {
    const s = w.start[r] as number;
    const e = w.end[r] as number;
    const base = rowOff[r] as number;
    for (let c = s; c < e; c++) {
      const i = r + 1;
      const j = c + 1;
      const dt = dist(x.data, r * d, y.data, c * d, d);
      let best = get(i - 1, j) + dt;
      let arg = 0;
      const c1 = get(i, j - 1) + dt;
      if (c1 < best) {
        best = c1;
        arg = 1;
      }
      const c2 = get(i - 1, j - 1) + dt;
      if (c2 < best) {
        best = c2;
        arg = 2;
      }
      cost[base + c - s] = best;
      parent[base + c - s] = arg;
    }
  }
  const path: Array<[number, number]> = [];
  let i = nx;
  let j = ny;
  while (!(i === 0 && j === 0)) {
    path.push([i - 1, j - 1]);
    if (i === 0 || j === 0) throw unreachable();
    const r = i - 1;
    const c = j - 1;
    const s = w.start[r] as number;
    if (c < s || c >= (w.end[r] as number)) throw unreachable();
    const p = parent[(rowOff[r] as number) + c - s] as number;
    if (p === 0) i -= 1;
    else if (p === 1) j -= 1;
    else {
      i -= 1;
      j -= 1;
    }
  }
  path.reverse();
  return { distance: nx === 0 && ny === 0 ? 0 : get(nx, ny), path };
}

function fastdtwRec(x: Seq, y: Seq, radius: number, dist: Dist): DtwPathResult {
  const minTimeSize = radius + 2;
  if (x.n < minTimeSize || y.n < minTimeSize) return windowedDtw(x, y, fullWindow(x.n, y.n), dist);
  const xs = reduceByHalf(x);
  const ys = reduceByHalf(y);
  const coarse = fastdtwRec(xs, ys, radius, dist);
  const window = expandWindow(coarse.path, x.n, y.n, radius);
  return windowedDtw(x, y, window, dist);
}

function prep(
  xIn: SeriesInput,
  yIn: SeriesInput,
  options: FastDtwOptions,
): { x: Seq; y: Seq; dist: Dist; scalar: boolean } {
  // Python's 1-D input (scalar frames): a flat array without an explicit frame width.
  const scalarOf = (v: SeriesInput): boolean =>
    options.dims === undefined &&
    !(Array.isArray(v) && v.length > 0 && typeof v[0] === "object") &&
    !(typeof v === "object" && v !== null && "rows" in v);
  const xs = toSeries(xIn, options.dims, "x");
  const ys = toSeries(yIn, options.dims, "y");
  const scalar = scalarOf(xIn) && scalarOf(yIn);
  if (xs.dims !== ys.dims && xs.length > 0 && ys.length > 0) {
    throw dtwError(
      "E_DTW_SHAPE",
      `second dimension of x and y must be the same (x frames have ${xs.dims} values, y frames ${ys.dims})`,
    );
  }
  const dist = options.dist ?? null;
  if (typeof dist === "number" && !(dist > 0)) {
    throw dtwError(
      "E_DTW_OPTION",
      `dist cannot be a negative integer (got ${dist})`,
      "use a norm order p > 0",
    );
  }
  let f: Dist;
  if (dist === null) f = scalar ? absDist : normDist(1);
  else if (dist === "euclidean") {
    if (scalar) {
      throw dtwError(
        "E_DTW_SHAPE",
        "Input vector should be 1-D. (scipy's euclidean rejects scalar frames)",
        "pass frames as an array of arrays ([[v], [v], ...]) or use dist: null",
      );
    }
    f = euclideanDD;
  } else if (typeof dist === "number") f = normDist(dist);
  else if (typeof dist === "function") f = userDist(dist);
  else throw dtwError("E_DTW_OPTION", `unknown dist ${JSON.stringify(dist)}`);
  return {
    x: { data: xs.data, n: xs.length, d: xs.dims },
    y: { data: ys.data, n: ys.length, d: ys.dims },
    dist: f,
    scalar,
  };
}

/**
 * FastDTW, reproducing the pure-Python `fastdtw.fastdtw` 0.3.4 (the code path the original NeuroPose ran)
 * number for number: the same coarsening (pairs averaged, an odd last frame dropped), window projection,
 * cell order, tie-breaking ((i-1, j) before (i, j-1) before (i-1, j-1)) and summation order, so distances
 * and paths match; radius 0 fails where 0.3.4 fails (odd-length coarsening levels).
 *
 * FastDTW is approximate (typically 10-45% above the optimum at radius 1; see the README for timings against
 * exact {@link dtw}); use it to re-derive results computed with the original tool.
 *
 * @throws NeuroPoseError `E_FASTDTW_UNREACHABLE` where fastdtw 0.3.4 raises IndexError/TypeError,
 *   `E_DTW_SHAPE` / `E_DTW_OPTION` / `E_DTW_NONFINITE` where it raises ValueError.
 * @example
 * ```ts
 * import { fastdtw } from "@neuropose/dtw";
 * const { distance, path } = fastdtw([1, 2, 3, 4, 5], [2, 3, 4], { radius: 1 });
 * // distance === 2, path = [[0,0],[1,0],[2,1],[3,2],[4,2]]
 * ```
 */
export function fastdtw(x: SeriesInput, y: SeriesInput, options: FastDtwOptions = {}): DtwPathResult {
  const radius = options.radius ?? 1;
  if (!Number.isInteger(radius) || radius < 0) {
    throw dtwError("E_DTW_OPTION", `radius must be a non-negative integer; got ${radius}`);
  }
  const { x: xs, y: ys, dist } = prep(x, y, options);
  if ((xs.n === 0) !== (ys.n === 0)) {
    throw dtwError("E_DTW_EMPTY", "cannot warp an empty sequence onto a non-empty one");
  }
  return fastdtwRec(xs, ys, radius, dist);
}
