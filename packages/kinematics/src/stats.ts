import { npMax, npMin } from "./_num.js";
import { KinematicsError } from "./errors.js";
import { pairwiseSum } from "./sum.js";

/** Summary statistics of a 1-D series (`std` is the population standard deviation, ddof = 0). */
export interface FeatureStatistics {
  mean: number;
  std: number;
  min: number;
  max: number;
  range: number;
}

/**
 * Mean, population standard deviation, min, max and range of a 1-D series, computed like numpy
 * (pairwise summation; NaN propagates; `std` = sqrt(mean((x − mean)²))). Throws `E_EMPTY` for an empty input
 * and `E_NOT_1D` when given nested arrays.
 *
 * @example
 * ```ts
 * import { extractFeatureStatistics } from "@neuropose/kinematics";
 * extractFeatureStatistics([1, 2, 3, 4]); // { mean: 2.5, std: 1.118..., min: 1, max: 4, range: 3 }
 * ```
 */
export function extractFeatureStatistics(values: ArrayLike<number>): FeatureStatistics {
  assert1d(values);
  const n = values.length;
  if (n === 0) throw new KinematicsError("E_EMPTY", "cannot compute statistics of an empty array");
  const mean = pairwiseSum(values) / n;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i] - mean;
    sq[i] = x * x;
  }
  const std = Math.sqrt(pairwiseSum(sq) / n);
  const min = npMin(values);
  const max = npMax(values);
  return { mean, std, min, max, range: max - min };
}

/**
 * Throw `E_NOT_1D` unless `values` is a flat list of numbers (typed arrays always are).
 *
 * @example
 * ```ts
 * import { assert1d } from "@neuropose/kinematics";
 * assert1d([1, 2, 3]); // ok
 * assert1d([[1, 2]]); // throws E_NOT_1D "expected 1D array; got shape (1, 2)"
 * ```
 */
export function assert1d(values: unknown): asserts values is ArrayLike<number> {
  if (ArrayBuffer.isView(values)) return;
  if (!Array.isArray(values)) {
    throw new KinematicsError("E_NOT_1D", "expected a 1D array of numbers");
  }
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== "number") {
      const inner = Array.isArray(values[i]) ? `(${values.length}, ${(values[i] as unknown[]).length})` : "?";
      throw new KinematicsError("E_NOT_1D", `expected 1D array; got shape ${inner}`);
    }
  }
}

/**
 * numpy's `percentile(x, q)` (default "linear" method) of already sorted values, q in [0, 100]; NaN for an
 * empty list. numpy's own interpolation formula (from the nearer end when the fraction is >= 0.5), so the
 * result is bit-identical to numpy's, not merely close.
 *
 * @example
 * ```ts
 * import { percentile } from "@neuropose/kinematics";
 * percentile([1, 2, 3, 4], 50); // 2.5
 * percentile([], 95); // NaN
 * ```
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const virtual = (n - 1) * (q / 100);
  const prev = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const next = Math.min(prev + 1, n - 1);
  const t = virtual - prev;
  const a = sorted[prev] as number;
  const b = sorted[next] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
