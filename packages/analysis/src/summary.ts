import { pairwiseSum, percentile } from "@neuropose/kinematics";

/** Mean and percentiles of a list of distances (`{}` for an empty list). */
export type DistanceSummary = { mean: number; p50: number; p95: number; p99: number } | Record<string, never>;

/**
 * Summarise distances as the original's `_summarize_distances`: `{}` for none, else the mean and the 50th,
 * 95th and 99th percentiles (linear interpolation, as numpy). Any NaN makes every value NaN; an infinite
 * distance gives an infinite mean and NaN percentiles (numpy's interpolation of inf - inf).
 *
 * @example
 * ```ts
 * import { summarizeDistances } from "@neuropose/analysis";
 * summarizeDistances([1, 2, 3, 10]); // { mean: 4, p50: 2.5, p95: 8.95, p99: 9.79 }
 * ```
 */
export function summarizeDistances(distances: ArrayLike<number>): DistanceSummary {
  const n = distances.length;
  if (n === 0) return {};
  const mean = pairwiseSum(distances, 0, n) / n;
  const values = Array.from(distances);
  if (values.some((v) => Number.isNaN(v)))
    return { mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN };
  values.sort((x, y) => x - y);
  return { mean, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}
