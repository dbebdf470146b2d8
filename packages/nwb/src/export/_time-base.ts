// The time base of the exported pose: a regular rate (nwbinspector's preference) or per-frame timestamps.
import type { VideoMetadata } from "@neuropose/io";
import type { NwbTiming } from "../types.js";

/**
 * True when the step between consecutive timestamps is constant to 1e-9 s (the rule nwbinspector uses to ask
 * for `starting_time` + `rate` instead of timestamps).
 */
function regularRate(ts: ArrayLike<number>): number | undefined {
  if (ts.length < 3) return undefined;
  const first = Math.round(((ts[1] as number) - (ts[0] as number)) * 1e9);
  if (first <= 0) return undefined;
  for (let i = 2; i < ts.length; i++) {
    if (Math.round(((ts[i] as number) - (ts[i - 1] as number)) * 1e9) !== first) return undefined;
  }
  return 1 / (((ts[1] as number) - (ts[0] as number)) as number);
}

export interface TimeBase {
  timing: NwbTiming;
  timingKind: "rate" | "timestamps";
  /** Seconds (from the session start) of frame `i`. */
  timeOf(frame: number): number;
}

/** Place `n` frames in time from `metadata.timestamps` or `metadata.fps`, shifted by `videoStartTime`. */
export function timeBase(
  md: VideoMetadata,
  n: number,
  videoStartTime: number | undefined,
  issues: string[],
): TimeBase {
  let times: Float64Array | undefined;
  const start = videoStartTime ?? 0;
  if (!Number.isFinite(start))
    issues.push(`options.videoStartTime: ${start} is not a finite number of seconds`);
  let timing: NwbTiming = { rate: md.fps, startingTime: start };
  let timingKind: "rate" | "timestamps" = "rate";
  if (md.timestamps && md.timestamps.length > 0) {
    if (md.timestamps.length !== n)
      issues.push(`metadata.timestamps: ${md.timestamps.length} timestamps for ${n} frames`);
    times = Float64Array.from(md.timestamps, (t) => t + start);
    const rate = regularRate(md.timestamps);
    if (rate !== undefined) timing = { rate, startingTime: (times[0] as number) ?? start };
    else {
      timing = { timestamps: times };
      timingKind = "timestamps";
    }
  } else if (!(md.fps > 0)) {
    issues.push(
      `metadata.fps: ${md.fps} and no metadata.timestamps: the frames cannot be placed in time (frame indices are not seconds)`,
    );
  }
  const timeOf = (frame: number): number => (times ? (times[frame] as number) : start + frame / md.fps);
  return { timing, timingKind, timeOf };
}
