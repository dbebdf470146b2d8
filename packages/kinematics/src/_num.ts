// Numeric helpers that reproduce numpy's floating-point evaluation order where it matters for parity.
import { pairwiseSum } from "./sum.js";

/** numpy-style mean (pairwise sum / n); NaN for an empty input. */
export function npMean(a: ArrayLike<number>): number {
  return pairwiseSum(a) / a.length;
}

/** numpy-style max: NaN propagates. */
export function npMax(a: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (Number.isNaN(v)) return Number.NaN;
    if (v > m) m = v;
  }
  return m;
}

/** numpy-style min: NaN propagates. */
export function npMin(a: ArrayLike<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (Number.isNaN(v)) return Number.NaN;
    if (v < m) m = v;
  }
  return m;
}

/** Python's shape repr: `(3, 2, 2)`, `(6,)`. */
export function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}
