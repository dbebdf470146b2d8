// Peak-based segmentation of a 1-D signal: segments between consecutive peaks (segmentByPeaks).
import type { Segment } from "@neuropose/io";
import { SegmentError } from "./errors.js";
import { assertSignal, findPeaks } from "./peaks.js";

export interface SegmentByPeaksOptions {
  /** Minimal distance between peaks in samples; null or < 1 means no constraint. */
  minDistance?: number | null;
  /** Minimal peak prominence (signal units). */
  minProminence?: number | null;
  /** Minimal peak height (signal units). */
  minHeight?: number | null;
  /** Samples added on both sides of every segment (clamped to the signal); default 0. */
  pad?: number;
  /** Tie order of the distance filter among equal-height peaks (see `findPeaks`); default "stable". */
  tieOrder?: "stable" | "numpy_avx512";
}

/**
 * Segment a 1-D signal into one window per peak (the original's `segment_by_peaks`, method
 * `valley_to_valley_v1`): peaks found with the filters, valleys = all peaks of the negated signal; each
 * segment runs from the nearest valley left of its peak (or 0) to the nearest valley right of it, inclusive
 * (or the end), then is padded by `pad` samples on both sides and clamped (`end` is exclusive; neighbouring
 * segments share their valley frame). No peaks gives an empty list.
 *
 * @example
 * ```ts
 * import { segmentByPeaks } from "@neuropose/segment";
 * segmentByPeaks([0, 1, 2, 1, 0, 1, 3, 1, 0]);
 * // [{ start: 0, end: 5, peak: 2 }, { start: 4, end: 9, peak: 6 }]
 * ```
 */
export function segmentByPeaks(signal: ArrayLike<number>, options: SegmentByPeaksOptions = {}): Segment[] {
  assertSignal(signal, "expected 1D array", true);
  const pad = options.pad ?? 0;
  if (!(pad >= 0)) throw new SegmentError("E_PAD_NEGATIVE", `pad must be non-negative; got ${pad}`);
  const md = options.minDistance;
  const { peaks } = findPeaks(signal, {
    distance: md !== undefined && md !== null && md >= 1 ? md : null,
    prominence: options.minProminence ?? null,
    height: options.minHeight ?? null,
    tieOrder: options.tieOrder ?? "stable",
  });
  if (peaks.length === 0) return [];
  const n = signal.length;
  const neg = new Float64Array(n);
  for (let i = 0; i < n; i++) neg[i] = -signal[i];
  const valleys = findPeaks(neg).peaks; // ascending
  const segments: Segment[] = [];
  let v = 0; // first valley index >= current peak
  for (const peak of peaks) {
    while (v < valleys.length && valleys[v] < peak) v++;
    const start = v > 0 ? valleys[v - 1] : 0;
    let r = v;
    while (r < valleys.length && valleys[r] <= peak) r++;
    const end = r < valleys.length ? valleys[r] + 1 : n;
    segments.push({ start: Math.max(0, start - pad), end: Math.min(n, end + pad), peak });
  }
  return segments;
}
