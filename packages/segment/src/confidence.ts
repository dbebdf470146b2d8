import type { Segment } from "@neuropose/io";
import { median } from "./_median.js";
import { assertSignal, peakProminences } from "./peaks.js";

/** Per-cycle confidence and its two factors (all in [0, 1]). */
export interface CycleConfidence {
  /** prominenceScore × regularityScore. */
  confidence: number;
  /** min(1, prominence / median prominence of all cycles); 0 for a non-finite prominence. */
  prominenceScore: number;
  /** max(0, 1 − |length − median length| / median length); lengths are valley-to-valley (end − start). */
  regularityScore: number;
  /** scipy-style prominence of the cycle's peak in the signal. */
  prominence: number;
  /** stride_zeni_v1 only: mean walking-direction steadiness over the stride (see `strideConfidence`). */
  steadinessScore?: number;
}

/**
 * A confidence in [0, 1] for each segment (e.g. a gait cycle) of a signal, from two cues a clinician looks at:
 * - prominence: how clearly the peak (heel strike) stands out, relative to the typical cycle of the same
 *   recording: `min(1, prominence / median prominence)` (a strike half as prominent as usual scores 0.5);
 * - regularity: how close the cycle's duration is to the typical one:
 *   `max(0, 1 − |length − median length| / median length)` with length = end − start in frames (a cycle
 *   20% longer or shorter than usual scores 0.8; truncated cycles at the recording's edges score lower).
 * `confidence = prominence score × regularity score`. With a single segment both medians are its own
 * values, so it scores 1: the score is relative to the recording and says nothing about absolute quality.
 * Segments must come from this signal without padding (pad changes lengths uniformly, which is harmless,
 * except at the edges).
 *
 * @example
 * ```ts
 * import { cycleConfidence, segmentByPeaks } from "@neuropose/segment";
 * const signal = [0, 1, 2, 1, 0, 1, 3, 1, 0, 0.2, 0.4, 0.2, 0];
 * const segments = segmentByPeaks(signal);
 * cycleConfidence(signal, segments).map((c) => c.confidence.toFixed(2)); // ["1.00", "1.00", "0.20"]
 * ```
 */
export function cycleConfidence(signal: ArrayLike<number>, segments: readonly Segment[]): CycleConfidence[] {
  assertSignal(signal, "expected 1D array", true);
  if (segments.length === 0) return [];
  const { prominences } = peakProminences(
    signal,
    segments.map((s) => s.peak),
  );
  const lengths = segments.map((s) => s.end - s.start);
  const medProm = median(prominences);
  const medLen = median(lengths);
  return segments.map((_, i) => {
    const p = prominences[i];
    const prominenceScore =
      Number.isFinite(p) && medProm > 0
        ? Math.min(1, Math.max(0, p / medProm))
        : Number.isFinite(p) && p > 0
          ? 1
          : 0;
    const regularityScore = medLen > 0 ? Math.max(0, 1 - Math.abs(lengths[i] - medLen) / medLen) : 0;
    return { confidence: prominenceScore * regularityScore, prominenceScore, regularityScore, prominence: p };
  });
}
