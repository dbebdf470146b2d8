// The DTW cell cost (`cellCost`: euclidean / squared euclidean between two frames) and the pure-JavaScript
// exact DTW over it (the reference engine and the fallback where WebAssembly SIMD is missing).
import type { Series } from "./_series.js";

export type LocalCost = "euclidean" | "sqeuclidean";

export interface CoreOptions {
  cost: LocalCost;
  /** Sakoe-Chiba radius (cells off the diagonal); Infinity = no window. */
  window: number;
  /** Free start/end cells (psi relaxation). */
  psi: number;
  /** Early-abandon bound in the result's scale; Infinity = off. */
  maxDist: number;
}

const INF = Number.POSITIVE_INFINITY;

/** Allowed columns of row i: [lo, hi] (inclusive). The band is widened by |n - m| so (n-1, m-1) is reachable. */
export function bandLo(i: number, n: number, m: number, w: number): number {
  if (w === INF) return 0;
  return Math.max(0, i - w - Math.max(0, n - m));
}
export function bandHi(i: number, n: number, m: number, w: number): number {
  if (w === INF) return m - 1;
  return Math.min(m - 1, i + w + Math.max(0, m - n));
}

/**
 * Local cost of cell (i, j) in the accumulation scale (Euclidean distance, or squared distance). For one
 * dimension the Euclidean distance is |a - b| (what sqrt((a - b)^2) equals, minus its under/overflow).
 */
export function cellCost(a: Series, i: number, b: Series, j: number, sq: boolean): number {
  const d = a.dims;
  const ad = a.data;
  const bd = b.data;
  let s = 0;
  const ao = i * d;
  const bo = j * d;
  if (d === 1 && !sq) return Math.abs((ad[ao] as number) - (bd[bo] as number));
  for (let k = 0; k < d; k++) {
    const t = (ad[ao + k] as number) - (bd[bo + k] as number);
    s += t * t;
  }
  return sq ? s : Math.sqrt(s);
}

/** Converts an accumulated value to the result scale. */
export function finish(acc: number, cost: LocalCost): number {
  return cost === "sqeuclidean" ? Math.sqrt(acc) : acc;
}

/**
 * The early-abandon bound for row minima in accumulation scale: conservative (a row minimum above it implies a
 * final distance above maxDist); the final comparison is made in the result's scale.
 */
export function accBound(o: CoreOptions): number {
  if (o.maxDist === INF) return INF;
  if (o.cost !== "sqeuclidean") return o.maxDist;
  const sq = o.maxDist * o.maxDist;
  return sq > 1e-290 ? sq * (1 + 1e-12) : INF;
}

/**
 * Distance only, two rows of length m + 1 (call with the shorter series as `b` for O(min(n, m)) memory).
 * Padded recurrence: D[i+1][j+1] = c(i, j) + min(D[i][j], D[i][j+1], D[i+1][j]); D[0][j] = 0 for j <= psi,
 * D[i][0] = 0 for i <= psi, everything else outside the band is +inf.
 */
export function distanceJs(a: Series, b: Series, o: CoreOptions): number {
  const n = a.length;
  const m = b.length;
  const sq = o.cost === "sqeuclidean";
  const w = o.window;
  const psi = o.psi;
  const bound = accBound(o);
  let prev = new Float64Array(m + 1).fill(INF);
  let cur = new Float64Array(m + 1).fill(INF);
  for (let j = 0; j <= Math.min(psi, m); j++) prev[j] = 0;
  let endBest = INF;
  const d = a.dims;
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < n; i++) {
    const lo = bandLo(i, n, m, w);
    const hi = bandHi(i, n, m, w);
    cur[lo] = lo === 0 ? (i + 1 <= psi ? 0 : INF) : INF;
    let left = cur[lo] as number;
    let rowMin = INF;
    const ao = i * d;
    for (let j = lo; j <= hi; j++) {
      let c: number;
      if (d === 1) {
        const t = (ad[ao] as number) - (bd[j] as number);
        c = sq ? t * t : Math.abs(t);
      } else {
        const bo = j * d;
        let s = 0;
        for (let k = 0; k < d; k++) {
          const t = (ad[ao + k] as number) - (bd[bo + k] as number);
          s += t * t;
        }
        c = sq ? s : Math.sqrt(s);
      }
      const diag = prev[j] as number;
      const up = prev[j + 1] as number;
      // biome-ignore lint/complexity/useMathMinMax: hot loop, Math.min is slower and NaN-propagating
      let mn = diag < up ? diag : up;
      if (left < mn) mn = left;
      left = c + mn;
      cur[j + 1] = left;
      if (left < rowMin) rowMin = left;
    }
    if (hi + 2 <= m) cur[hi + 2] = INF;
    if (psi > 0 && i >= n - 1 - psi && hi === m - 1) {
      const v = cur[m] as number;
      if (v < endBest) endBest = v;
    }
    if (bound !== INF && rowMin > bound && i >= psi && i < n - psi) return INF;
    const t = prev;
    prev = cur;
    cur = t;
  }
  // prev holds the last row (padded). End: (n-1, m-1), the last row's last psi cells, the last column's last psi.
  let best = prev[m] as number;
  if (psi > 0) {
    const lastLo = bandLo(n - 1, n, m, w);
    for (let j = Math.max(lastLo + 1, m - psi); j <= m; j++)
      if ((prev[j] as number) < best) best = prev[j] as number;
    if (endBest < best) best = endBest;
  }
  const out = finish(best, o.cost);
  return out > o.maxDist ? INF : out;
}

/**
 * Distance and warping path. Stores only the cells inside the window (all n x m without one), row by row.
 * Ties: (i-1, j) before (i, j-1) before (i-1, j-1).
 */
export function pathJs(
  a: Series,
  b: Series,
  o: CoreOptions,
): { distance: number; path: Array<[number, number]> } {
  const n = a.length;
  const m = b.length;
  const sq = o.cost === "sqeuclidean";
  const psi = o.psi;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const off = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    lo[i] = bandLo(i, n, m, o.window);
    hi[i] = bandHi(i, n, m, o.window);
    off[i + 1] = (off[i] as number) + (hi[i] as number) - (lo[i] as number) + 1;
  }
  const D = new Float64Array(off[n] as number);
  /** Accumulated cost at data cell (i, j); -1 is the padded boundary row/column. */
  const at = (i: number, j: number): number => {
    if (i < 0) return j < 0 || j + 1 <= psi ? 0 : INF;
    if (j < 0) return i + 1 <= psi ? 0 : INF;
    const l = lo[i] as number;
    if (j < l || j > (hi[i] as number)) return INF;
    return D[(off[i] as number) + j - l] as number;
  };
  for (let i = 0; i < n; i++) {
    const l = lo[i] as number;
    const h = hi[i] as number;
    const base = (off[i] as number) - l;
    let left = at(i, l - 1);
    for (let j = l; j <= h; j++) {
      const c = cellCost(a, i, b, j, sq);
      const diag = at(i - 1, j - 1);
      const up = at(i - 1, j);
      // biome-ignore lint/complexity/useMathMinMax: same comparison order as the other engines
      let mn = diag < up ? diag : up;
      if (left < mn) mn = left;
      left = c + mn;
      D[base + j] = left;
    }
  }
  // choose the end cell: (n-1, m-1), else the last row's last psi cells, else the last column's
  let ei = n - 1;
  let ej = m - 1;
  let best = at(n - 1, m - 1);
  for (let j = m - 2; j >= Math.max(0, m - 1 - psi); j--) {
    const v = at(n - 1, j);
    if (v < best) {
      best = v;
      ei = n - 1;
      ej = j;
    }
  }
  for (let i = n - 2; i >= Math.max(0, n - 1 - psi); i--) {
    const v = at(i, m - 1);
    if (v < best) {
      best = v;
      ei = i;
      ej = m - 1;
    }
  }
  const out = finish(best, o.cost);
  if (out > o.maxDist || best === INF) return { distance: INF, path: [] };
  const path: Array<[number, number]> = [];
  let i = ei;
  let j = ej;
  while (i >= 0 && j >= 0) {
    path.push([i, j]);
    const up = at(i - 1, j);
    const left = at(i, j - 1);
    const diag = at(i - 1, j - 1);
    if (up <= left && up <= diag) i -= 1;
    else if (left <= diag) j -= 1;
    else {
      i -= 1;
      j -= 1;
    }
  }
  path.reverse();
  return { distance: out, path };
}
