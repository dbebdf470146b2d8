import { type CoreOptions, distanceJs, type LocalCost, pathJs } from "./_core.js";
import { assertFinite, dtwError, type Series, type SeriesInput, toSeries } from "./_series.js";
import { distanceWasm, getKernel } from "./_wasm.js";

export type { LocalCost } from "./_core.js";
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
  /** Also return the warping path (needs the full n x m matrix). */
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

function intOption(v: number | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (v === Number.POSITIVE_INFINITY && name === "window") return v;
  if (!Number.isInteger(v) || v < 0)
    throw dtwError("E_DTW_OPTION", `${name} must be a non-negative integer; got ${v}`);
  return v;
}

export function coreOptions(o: DtwOptions): CoreOptions {
  const cost = o.cost ?? "euclidean";
  if (cost !== "euclidean" && cost !== "sqeuclidean") {
    throw dtwError(
      "E_DTW_OPTION",
      `unknown cost ${JSON.stringify(cost)}`,
      'use "euclidean" or "sqeuclidean"',
    );
  }
  const maxDist = o.maxDist ?? Number.POSITIVE_INFINITY;
  if (!(maxDist >= 0)) throw dtwError("E_DTW_OPTION", `maxDist must be >= 0; got ${maxDist}`);
  return {
    cost,
    window: intOption(o.window, "window", Number.POSITIVE_INFINITY),
    psi: intOption(o.psi, "psi", 0),
    maxDist,
  };
}

export function prepare(a: SeriesInput, b: SeriesInput, o: DtwOptions): [Series, Series] {
  const sa = toSeries(a, o.dims, "a");
  const sb = toSeries(b, o.dims, "b");
  if (sa.dims !== sb.dims) {
    throw dtwError(
      "E_DTW_SHAPE",
      `frames differ in width: a has ${sa.dims} values per frame, b has ${sb.dims}`,
    );
  }
  if (sa.length === 0 || sb.length === 0) {
    throw dtwError(
      "E_DTW_EMPTY",
      `DTW needs non-empty sequences (a has ${sa.length} frames, b has ${sb.length})`,
    );
  }
  assertFinite(sa, "a");
  assertFinite(sb, "b");
  return [sa, sb];
}

/** Exact distance of two prepared series (internal; used by the entry points and the cohort workers). */
export function seriesDistance(
  sa: Series,
  sb: Series,
  co: CoreOptions,
  engine: DtwOptions["engine"],
): number {
  // rows = longer series, columns = shorter: O(min(n, m)) working memory; the result is the same either way.
  const [r, c] = sa.length >= sb.length ? [sa, sb] : [sb, sa];
  const k = engine === "js" ? null : getKernel();
  if (engine === "wasm" && !k)
    throw dtwError("E_DTW_WASM", "WebAssembly SIMD is not available here", undefined, "bug");
  return k ? distanceWasm(k, r, c, co) : distanceJs(r, c, co);
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
