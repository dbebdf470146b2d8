// numpy's summation order, for bit-identical sums.

/**
 * numpy's pairwise summation (`np.add.reduce` over a contiguous 1-D float64 array) of `n` values from `start`:
 * blocks of 8 partial sums up to 128 elements, recursive halving above that. Returns bit-identical results to
 * numpy (what `extractFeatureStatistics` and fastdtw's norms in `@neuropose/dtw` sum with).
 *
 * @example
 * ```ts
 * import { pairwiseSum } from "@neuropose/kinematics";
 * pairwiseSum(new Array(1000).fill(0.1)); // 100.00000000000001 (a left-to-right loop gives 99.9999999999986)
 * pairwiseSum([1, 2, 3, 4, 5], 1, 3); // 9
 * ```
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    // numpy starts from -0.0 for an all -0.0 input; irrelevant for our statistics.
    return res;
  }
  if (n <= 128) {
    let r0 = a[start];
    let r1 = a[start + 1];
    let r2 = a[start + 2];
    let r3 = a[start + 3];
    let r4 = a[start + 4];
    let r5 = a[start + 5];
    let r6 = a[start + 6];
    let r7 = a[start + 7];
    let i = 8;
    const lim = n - (n % 8);
    for (; i < lim; i += 8) {
      r0 += a[start + i];
      r1 += a[start + i + 1];
      r2 += a[start + i + 2];
      r3 += a[start + i + 3];
      r4 += a[start + i + 4];
      r5 += a[start + i + 5];
      r6 += a[start + i + 6];
      r7 += a[start + i + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}
