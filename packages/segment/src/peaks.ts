import { describeShape } from "@neuropose/kinematics";
import { numpyAvx512Argsort } from "./_numpy-argsort.js";
import { SegmentError } from "./errors.js";

/** A scalar lower bound, or a `[min, max]` interval (either end may be null), as scipy accepts. */
export type PeakCondition = number | readonly [number | null, number | null];

export interface FindPeaksOptions {
  /** Minimal peak height (or [min, max]). */
  height?: PeakCondition | null;
  /** Minimal horizontal distance (>= 1 sample) between peaks; higher peaks win (scipy's `distance`). */
  distance?: number | null;
  /** Minimal prominence (or [min, max]). */
  prominence?: PeakCondition | null;
  /**
   * Order in which the distance filter visits peaks of exactly equal height: `"stable"` (default; the
   * right-most first) or `"numpy_avx512"`, the order numpy 2.x's unstable `argsort` produces on x86-64 CPUs
   * with AVX-512 (an exact emulation of its SIMD sort), to re-derive scipy results computed on such machines.
   */
  tieOrder?: "stable" | "numpy_avx512";
}

export interface PeakProperties {
  peak_heights?: number[];
  prominences?: number[];
  left_bases?: number[];
  right_bases?: number[];
}

export interface FindPeaksResult {
  /** Indices of the peaks, ascending. */
  peaks: number[];
  /** Present only for the conditions given: `peak_heights` (height), prominences and bases (prominence). */
  properties: PeakProperties;
}

/**
 * Throw `E_NOT_1D` unless `x` is a flat list of numbers or a typed array. `withShape` appends numpy's shape
 * of the offending input (`expected 1D array; got shape (1, 3)`).
 *
 * @example
 * ```ts
 * import { assertSignal } from "@neuropose/segment";
 * assertSignal([0, 1, 0]); // ok
 * assertSignal([[0, 1, 0]], "expected 1D array", true); // throws E_NOT_1D
 * ```
 */
export function assertSignal(
  x: unknown,
  message = "`x` must be a 1-D array",
  withShape = false,
): asserts x is ArrayLike<number> {
  if (ArrayBuffer.isView(x)) return;
  const fail = () =>
    new SegmentError("E_NOT_1D", withShape ? `${message}; got shape ${describeShape(x)}` : message);
  if (!Array.isArray(x)) throw fail();
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== "number") throw fail();
  }
}

/**
 * Local maxima as scipy's `_local_maxima_1d`: a sample strictly above its left neighbour and followed by
 * equal samples then a strictly lower one; a plateau reports its middle (rounded down). The first and last
 * samples are never peaks; NaN never compares, so it never qualifies.
 *
 * @example
 * ```ts
 * import { localMaxima } from "@neuropose/segment";
 * localMaxima([0, 1, 1, 1, 1, 0, 2, 2]); // [2]  (the plateau 1..4 reports 2; an edge plateau is no peak)
 * ```
 */
export function localMaxima(x: ArrayLike<number>): number[] {
  const peaks: number[] = [];
  const iMax = x.length - 1;
  let i = 1;
  while (i < iMax) {
    if (x[i - 1] < x[i]) {
      let ahead = i + 1;
      while (ahead < iMax && x[ahead] === x[i]) ahead++;
      if (x[ahead] < x[i]) {
        peaks.push((i + ahead - 1) >> 1);
        i = ahead;
      }
    }
    i++;
  }
  return peaks;
}

/**
 * Prominence of each peak with its bases, as scipy's `peak_prominences` without a window: walk left and
 * right while the signal stays <= the peak, keep the lowest point of each side (first occurrence); the
 * prominence is the peak minus the higher of the two minima.
 *
 * @example
 * ```ts
 * import { peakProminences } from "@neuropose/segment";
 * peakProminences([0, 3, 1, 2, 0], [1, 3]); // { prominences: [3, 1], left_bases: [0, 2], right_bases: [4, 4] }
 * ```
 */
export function peakProminences(
  x: ArrayLike<number>,
  peaks: readonly number[],
): { prominences: number[]; left_bases: number[]; right_bases: number[] } {
  const prominences: number[] = [];
  const left_bases: number[] = [];
  const right_bases: number[] = [];
  const iMax = x.length - 1;
  for (const peak of peaks) {
    if (!(peak >= 0 && peak <= iMax)) {
      throw new SegmentError("E_PEAK_ARGUMENT", `peak ${peak} is not a valid index for \`x\``);
    }
    const h = x[peak];
    let i = peak;
    let leftBase = peak;
    let leftMin = h;
    while (i >= 0 && x[i] <= h) {
      if (x[i] < leftMin) {
        leftMin = x[i];
        leftBase = i;
      }
      i--;
    }
    i = peak;
    let rightBase = peak;
    let rightMin = h;
    while (i <= iMax && x[i] <= h) {
      if (x[i] < rightMin) {
        rightMin = x[i];
        rightBase = i;
      }
      i++;
    }
    prominences.push(h - Math.max(leftMin, rightMin));
    left_bases.push(leftBase);
    right_bases.push(rightBase);
  }
  return { prominences, left_bases, right_bases };
}

/**
 * scipy's `_select_by_peak_distance`: visit peaks from the highest (stable order: among equal heights the
 * right-most first) and drop every not-yet-dropped neighbour closer than ceil(distance).
 */
function selectByDistance(
  peaks: readonly number[],
  heights: readonly number[],
  distance: number,
  tieOrder: "stable" | "numpy_avx512",
): boolean[] {
  const n = peaks.length;
  const d = Math.ceil(distance);
  const keep = new Array<boolean>(n).fill(true);
  let order: number[];
  if (tieOrder === "numpy_avx512") {
    order = numpyAvx512Argsort(heights);
  } else {
    // Stable ascending sort by height (NaN cannot occur: NaN never is a peak).
    order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => heights[a] - heights[b] || a - b);
  }
  for (let k = n - 1; k >= 0; k--) {
    const j = order[k];
    if (!keep[j]) continue;
    for (let m = j - 1; m >= 0 && peaks[j] - peaks[m] < d; m--) keep[m] = false;
    for (let m = j + 1; m < n && peaks[m] - peaks[j] < d; m++) keep[m] = false;
  }
  return keep;
}

function bounds(cond: PeakCondition): [number | null, number | null] {
  if (typeof cond === "number") return [cond, null];
  if (Array.isArray(cond) && cond.length === 2) return [cond[0], cond[1]];
  throw new SegmentError("E_PEAK_ARGUMENT", "a peak condition must be a number or a [min, max] pair");
}

function selectByProperty(values: readonly number[], cond: PeakCondition): boolean[] {
  const [lo, hi] = bounds(cond);
  return values.map((v) => (lo === null || lo <= v) && (hi === null || v <= hi));
}

function applyKeep(keep: readonly boolean[], peaks: number[], props: PeakProperties): number[] {
  for (const key of Object.keys(props) as (keyof PeakProperties)[]) {
    props[key] = props[key]!.filter((_, i) => keep[i]);
  }
  return peaks.filter((_, i) => keep[i]);
}

/**
 * Find peaks in a 1-D signal with the semantics of `scipy.signal.find_peaks` (scipy 1.17): local maxima
 * (strict rise, optional plateau, strict fall; a plateau reports its middle rounded down; first/last samples
 * and NaN never qualify), then the filters in scipy's order height → distance → prominence. The distance
 * filter keeps higher peaks first; among exactly equal heights the right-most is considered first (a stable
 * sort; numpy's own argsort is not stable, so scipy's choice among ties can differ by platform).
 *
 * @example
 * ```ts
 * import { findPeaks } from "@neuropose/segment";
 * const { peaks, properties } = findPeaks([0, 2, 0, 1, 1, 0, 3, 0], { prominence: 0 });
 * peaks; // [1, 3, 6]  (the plateau 3-4 reports 3)
 * properties.prominences; // [2, 1, 3]
 * ```
 */
export function findPeaks(x: ArrayLike<number>, options: FindPeaksOptions = {}): FindPeaksResult {
  assertSignal(x);
  const { height, distance, prominence } = options;
  if (distance !== undefined && distance !== null && !(distance >= 1)) {
    throw new SegmentError("E_PEAK_DISTANCE", "`distance` must be greater or equal to 1");
  }
  let peaks = localMaxima(x);
  const props: PeakProperties = {};
  if (height !== undefined && height !== null) {
    props.peak_heights = peaks.map((p) => x[p]);
    peaks = applyKeep(selectByProperty(props.peak_heights, height), peaks, props);
  }
  if (distance !== undefined && distance !== null) {
    peaks = applyKeep(
      selectByDistance(
        peaks,
        peaks.map((p) => x[p]),
        distance,
        options.tieOrder ?? "stable",
      ),
      peaks,
      props,
    );
  }
  if (prominence !== undefined && prominence !== null) {
    const pr = peakProminences(x, peaks);
    props.prominences = pr.prominences;
    props.left_bases = pr.left_bases;
    props.right_bases = pr.right_bases;
    peaks = applyKeep(selectByProperty(pr.prominences, prominence), peaks, props);
  }
  return { peaks, properties: props };
}
