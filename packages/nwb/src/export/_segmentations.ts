// Segmentations (repetition windows in frames) as TimeIntervals tables in seconds, with the frame indices kept.
import type { Segmentation } from "@neuropose/io";
import type { NwbTimeIntervals } from "../types.js";

/** One TimeIntervals per non-empty segmentation; windows outside the `n` frames are reported in `issues`. */
export function segmentationIntervals(
  segmentations: Record<string, Segmentation>,
  n: number,
  fps: number,
  timeOf: (frame: number) => number,
  issues: string[],
): NwbTimeIntervals[] {
  const intervals: NwbTimeIntervals[] = [];
  const lastEnd = n > 0 ? timeOf(n - 1) + (fps > 0 ? 1 / fps : 0) : 0;
  for (const [name, seg] of Object.entries(segmentations)) {
    if (seg.segments.length === 0) continue;
    const bad = seg.segments.findIndex((s) => s.end > n || s.start >= n);
    if (bad >= 0) {
      issues.push(`segmentations.${name}.segments[${bad}]: frames outside the ${n} frames of the document`);
      continue;
    }
    intervals.push({
      kind: "TimeIntervals",
      name: `segmentation_${name}`.replace(/[/:]/g, "_"),
      description: `Repetition windows of segmentation "${name}" (frame windows [start, end) converted to seconds).`,
      startTime: seg.segments.map((s) => timeOf(s.start)),
      stopTime: seg.segments.map((s) => (s.end < n ? timeOf(s.end) : lastEnd)),
      columns: [
        {
          name: "peak_time",
          description: "Time of the repetition's apex, seconds.",
          data: seg.segments.map((s) => timeOf(s.peak)),
        },
        {
          name: "start_frame",
          description: "Inclusive start frame index.",
          // frame indices are integers in the file (int32), not float64 seconds-like numbers
          data: Int32Array.from(seg.segments, (s) => s.start),
        },
        {
          name: "end_frame",
          description: "Exclusive end frame index.",
          data: Int32Array.from(seg.segments, (s) => s.end),
        },
      ],
    });
  }
  return intervals;
}
