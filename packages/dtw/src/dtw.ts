import type { LocalCost } from "./_cell-cost.js";
import { pathJs } from "./_cell-cost.js";
import { coreOptions, prepare, seriesDistance } from "./_engine.js";
import type { SeriesInput } from "./_series.js";

export type { LocalCost } from "./_cell-cost.js";
export type { SeriesInput } from "./_series.js";

export interface DtwOptions {
  /**
   * Local cost. `"euclidean"` (default): per-frame Euclidean distances summed along the path (the original
   * NeuroPose's scale). `"sqeuclidean"`: squared distances summed, square root at the end (the scale of
   * dtaidistance and tslearn).
   */
  cost?: LocalCost;
  /**
   * Sakoe-Chiba window: cell (i, j) is allowed when `i - w - max(0, n - m) <= j <= i + w + max(0, m - n)`
   * (|i - j| <= w for equal lengths; widened by the length difference so the end is always reachable).
   * Absent = no window.
   */
  window?: number;
  /** psi relaxation (as in dtaidistance): up to `psi` leading and trailing frames of either series are free. */
  psi?: number;
  /** Early abandoning: a distance above `maxDist` is returned as `Infinity` (and computed only as far as needed). */
  maxDist?: number;
  /** Also return the warping path (keeps every cell inside the window: 8 bytes per cell). */
  path?: boolean;
  /** Frame width for flat typed-array input (default 1). */
  dims?: number;
  /** `"auto"` (default): WebAssembly SIMD where available, else JavaScript. Both give identical numbers. */
  engine?: "auto" | "wasm" | "js";
}

export interface DtwResult {
  distance: number;
  /** Warping path as [i, j] pairs (only when `path: true`). Ties: (i-1, j), then (i, j-1), then (i-1, j-1). */
  path?: Array<[number, number]>;
}

/**
 * Exact dynamic time warping between two series (univariate or multivariate, unequal lengths allowed),
 * with an optional Sakoe-Chiba window, psi relaxation, early abandoning and the warping path.
 * Distance-only calls run on a WebAssembly SIMD kernel in O(min(n, m)) memory.
 *
 * @throws NeuroPoseError `E_DTW_SHAPE`, `E_DTW_EMPTY`, `E_DTW_NONFINITE` (NaN/Infinity in the input),
 *   `E_DTW_OPTION`.
 * @example
 * ```ts
 * import { dtw } from "@neuropose/dtw";
 * const r = dtw([0, 1, 2], [0, 0, 1, 2], { path: true });
 * // r.distance === 0, r.path = [[0,0],[0,1],[1,2],[2,3]]
 * ```
 */
export function dtw(a: SeriesInput, b: SeriesInput, options: DtwOptions = {}): DtwResult {
  const co = coreOptions(options);
  const [sa, sb] = prepare(a, b, options);
  if (options.path) return pathJs(sa, sb, co);
  return { distance: seriesDistance(sa, sb, co, options.engine) };
}

/**
 * The exact DTW distance only (see {@link dtw}); `Infinity` when above `maxDist`.
 *
 * @example
 * ```ts
 * import { dtwDistance } from "@neuropose/dtw";
 * const a = new Float64Array([0, 0, 1, 1, 2, 2]); // 3 frames x 2 dims
 * const b = new Float64Array([0, 0, 2, 2]);
 * dtwDistance(a, b, { dims: 2 }); // Math.SQRT2
 * ```
 */
export function dtwDistance(a: SeriesInput, b: SeriesInput, options: Omit<DtwOptions, "path"> = {}): number {
  return dtw(a, b, { ...options, path: false }).distance;
}
