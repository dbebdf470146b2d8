/** Mean and percentiles of a list of distances (`{}` for an empty list). */
export type DistanceSummary = { mean: number; p50: number; p95: number; p99: number } | Record<string, never>;

/** numpy's pairwise summation (blocks of 8, unrolled), so means match `np.mean` to the last bit in most cases. */
function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let s = -0;
    for (let i = start; i < start + n; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    const r = [
      a[start],
      a[start + 1],
      a[start + 2],
      a[start + 3],
      a[start + 4],
      a[start + 5],
      a[start + 6],
      a[start + 7],
    ];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k] += a[start + i + k];
    }
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** numpy `percentile(x, q)` with the default "linear" method on sorted data (NaN anywhere gives NaN). */
function percentile(sorted: number[], q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * (q / 100);
  const prev = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const next = Math.min(prev + 1, n - 1);
  const t = virtual - prev;
  const a = sorted[prev];
  const b = sorted[next];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

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
