// The module that calls @neuropose/segment (and, through _pair.ts / _pairs.ts, @neuropose/dtw), so their call
// shapes live in one place.
import { declaredUp } from "@neuropose/gait";
import type { AnalysisConfig, Segmentation, VideoPredictions } from "@neuropose/io";
import { segmentGaitCycles, segmentGaitCyclesBilateral, segmentPredictions } from "@neuropose/segment";
import { AnalysisRunError } from "./errors.js";

/** Throw `E_ABORTED` (a user error) once `signal` has fired. */
export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const why = (signal.reason as Error | undefined)?.message ?? "aborted";
    throw new AnalysisRunError("E_ABORTED", `analysis ${why}; no report was written`, {
      kind: "user",
      hint: "run it again to finish",
    });
  }
}

/**
 * A report note when gait segmentation with valley_to_valley_v1 (the original's method) produced cycles
 * shorter than `min_cycle_seconds`: its valleys are not filtered, so noise next to a heel strike bounds the
 * segment and the segments are not full strides. Null when there is nothing to say.
 */
export function shortCycleNote(
  path: string,
  fps: number,
  seg: NonNullable<AnalysisConfig["segmentation"]>,
  segmentations: Record<string, Segmentation>,
): string | null {
  if (seg.kind !== "gait_cycles" && seg.kind !== "gait_cycles_bilateral") return null;
  if ((seg.method ?? "valley_to_valley_v1") !== "valley_to_valley_v1" || !(fps > 0)) return null;
  let short = 0;
  let total = 0;
  for (const s of Object.values(segmentations)) {
    for (const x of s.segments) {
      total++;
      if ((x.end - 1 - x.start) / fps < seg.min_cycle_seconds) short++;
    }
  }
  if (short === 0) return null;
  return `${path}: ${short} of ${total} gait cycle(s) are shorter than min_cycle_seconds (${seg.min_cycle_seconds} s): valley_to_valley_v1 bounds each cycle by the nearest unfiltered valleys of the heel signal, so these segments are not full strides; segmentation method: stride_zeni_v1 gives one segment per stride (heel strike to heel strike)`;
}

/**
 * A report note when valley_to_valley_v1 (the original's method: the heel's `axis` coordinate as the config
 * gives it, y by default, as in y-down camera frames) runs on an input whose declared up is another axis (the
 * z-up lab frame of `neuropose-infer --cameras`): its cycles then follow a horizontal coordinate. Null when
 * there is nothing to say.
 */
export function frameNote(
  path: string,
  metadata: VideoPredictions["metadata"],
  seg: NonNullable<AnalysisConfig["segmentation"]>,
): string | null {
  if (seg.kind !== "gait_cycles" && seg.kind !== "gait_cycles_bilateral") return null;
  if ((seg.method ?? "valley_to_valley_v1") !== "valley_to_valley_v1") return null;
  const up = declaredUp(metadata);
  if (up === null || up[1] === seg.axis) return null;
  return `${path}: its poses declare up = ${up} (metadata.poses3d_up / poses3d_frame), but valley_to_valley_v1 segments the heel's ${seg.axis} coordinate (segmentation.axis): set axis: ${up[1]}${up[0] === "+" ? " with invert: true" : ""}, or use method: stride_zeni_v1, which follows the declared vertical`;
}

/** Segment predictions as the config says; returns named segmentations in report order. */
export function segmentTrial(
  preds: VideoPredictions,
  seg: NonNullable<AnalysisConfig["segmentation"]>,
  personIndex: number,
): Record<string, Segmentation> {
  if (seg.kind === "gait_cycles" || seg.kind === "gait_cycles_bilateral") {
    const gait = {
      axis: seg.axis,
      invert: seg.invert,
      minCycleSeconds: seg.min_cycle_seconds,
      minProminence: seg.min_prominence,
      personIndex,
      method: seg.method ?? "valley_to_valley_v1",
    };
    if (seg.kind === "gait_cycles") {
      return { [`${seg.joint}_cycles`]: segmentGaitCycles(preds, { ...gait, joint: seg.joint }) };
    }
    const s = segmentGaitCyclesBilateral(preds, gait);
    return { left_heel_strikes: s.left_heel_strikes, right_heel_strikes: s.right_heel_strikes };
  }
  const s = segmentPredictions(preds, seg.extractor, {
    personIndex: seg.person_index ?? personIndex,
    minDistanceSeconds: seg.min_distance_seconds,
    minProminence: seg.min_prominence,
    minHeight: seg.min_height,
    padSeconds: seg.pad_seconds,
  });
  return { [seg.label]: s };
}
