// Gait cycles by peak detection on one extracted signal (segmentGaitCycles, bilateral, segmentPredictions),
// and slicing predictions by segments.
import type { ExtractorSpec, ExtractorSpecInput, Segment, Segmentation } from "@neuropose/io";
import { SKELETON_NAMES, type Skeleton } from "@neuropose/io/core";
import {
  extractSignal,
  type PredictionsLike,
  predictionsToSequence,
  resolveAxis,
  resolveJoint,
} from "@neuropose/kinematics";
import { pyFloat, roundHalfEven } from "./_python.js";
import { schemas } from "./_schemas.js";
import { declaredVerticalAxis } from "./_vertical.js";
import { type CycleConfidence, cycleConfidence } from "./confidence.js";
import { SegmentError } from "./errors.js";
import {
  detectGaitEvents,
  type GaitEventOptions,
  resolveGaitSkeleton,
  STRIDE_JOINTS,
  STRIDE_METHOD,
  strideConfidence,
  strideSegments,
} from "./gait-events.js";
import { segmentByPeaks } from "./peak-segments.js";

export interface SegmentPredictionsOptions {
  /** Which detected person to segment (default 0). */
  personIndex?: number;
  /** Minimal time between peaks in seconds; null or <= 0 means none. Converted with max(1, round(s·fps)). */
  minDistanceSeconds?: number | null;
  minProminence?: number | null;
  minHeight?: number | null;
  /** Time added on both sides of each segment, seconds (default 0); converted with round(s·fps). */
  padSeconds?: number;
  /** Skeleton to resolve joint names in the extractor (default: metadata.skeleton, else by joint count). */
  skeleton?: Skeleton | string;
  /** Tie order of the distance filter among equal-height peaks (see `findPeaks`); default "stable". */
  tieOrder?: "stable" | "numpy_avx512";
}

/** Predictions as accepted by the segmentation functions (any io `VideoPredictions` fits). */
export type SegmentablePredictions = PredictionsLike & {
  readonly metadata: { readonly fps: number; readonly skeleton?: string | null | undefined };
};

/** The explicit skeleton, else the predictions' own when it is a registered one. */
function skeletonOf(
  preds: SegmentablePredictions,
  explicit?: Skeleton | string,
): Skeleton | string | undefined {
  if (explicit !== undefined) return explicit;
  const own = preds.metadata.skeleton;
  return typeof own === "string" && (SKELETON_NAMES as readonly string[]).includes(own) ? own : undefined;
}

/**
 * Segment predictions into repetitions (the original's `segment_predictions`): extract a 1-D signal of one
 * person with `extractor`, convert seconds to frames with `metadata.fps` (Python `round`, ties to even;
 * `min_distance = max(1, round(s·fps))`), segment valley to valley, and return a `Segmentation` whose config
 * records the (time-based) parameters. Throws `E_FPS_ZERO` if fps <= 0 while a time parameter is set, and
 * io's `ValidationError` for an invalid extractor or negative seconds.
 *
 * @example
 * ```ts
 * import { segmentPredictions } from "@neuropose/segment";
 * const y = [0, 1, 2, 1, 0, 1, 3, 1, 0];
 * const preds = {
 *   metadata: { fps: 30 },
 *   frames: Object.fromEntries(y.map((v, i) => [`frame_${i}`, { poses3d: [[[0, v, 0]]] }])),
 * };
 * const seg = segmentPredictions(preds, { kind: "joint_axis", joint: 0, axis: 1 });
 * seg.segments; // [{ start: 0, end: 5, peak: 2 }, { start: 4, end: 9, peak: 6 }]
 * ```
 */
export function segmentPredictions(
  preds: SegmentablePredictions,
  extractor: ExtractorSpecInput | ExtractorSpec,
  options: SegmentPredictionsOptions = {},
): Segmentation {
  const spec = schemas().validateWith(schemas().ExtractorSpecSchema, extractor, { source: "extractor" });
  const personIndex = options.personIndex ?? 0;
  const sequence = predictionsToSequence(preds, { personIndex });
  const signal = extractSignal(sequence, spec, { skeleton: skeletonOf(preds, options.skeleton) });
  const fps = preds.metadata.fps;
  const mds = options.minDistanceSeconds ?? null;
  const padSeconds = options.padSeconds ?? 0;
  const needsFps = (mds !== null && mds > 0) || padSeconds > 0;
  if (needsFps && !(fps > 0)) {
    throw new SegmentError(
      "E_FPS_ZERO",
      `cannot convert seconds to frames: metadata.fps is ${pyFloat(fps)}. Pass min_distance_seconds=None and pad_seconds=0.0, or call segment_by_peaks directly with sample-count units.`,
      { hint: "set metadata.fps, or give distances and padding in frames via segmentByPeaks" },
    );
  }
  const minDistance = mds === null || !(mds > 0) ? null : Math.max(1, roundHalfEven(mds * fps));
  const pad = padSeconds > 0 ? roundHalfEven(padSeconds * fps) : 0;
  const segments = segmentByPeaks(signal, {
    minDistance,
    minProminence: options.minProminence ?? null,
    minHeight: options.minHeight ?? null,
    pad,
    tieOrder: options.tieOrder ?? "stable",
  });
  const config = schemas().validateWith(
    schemas().SegmentationConfigSchema,
    {
      extractor: spec,
      person_index: personIndex,
      min_distance_seconds: mds,
      min_prominence: options.minProminence ?? null,
      min_height: options.minHeight ?? null,
      pad_seconds: padSeconds,
    },
    { source: "segmentation config" },
  );
  return { config, segments };
}

/**
 * The heel joints (ankles for skeletons without heels) of each registered skeleton, used as gait defaults.
 *
 * @example
 * ```ts
 * import { HEEL_JOINTS } from "@neuropose/segment";
 * HEEL_JOINTS.blazepose_33.right; // "right_heel"
 * ```
 */
export const HEEL_JOINTS: Readonly<Record<string, { left: string; right: string }>> = Object.freeze({
  berkeley_mhad_43: { left: "lhee", right: "rhee" },
  blazepose_33: { left: "left_heel", right: "right_heel" },
  openpose_body_25: { left: "LHeel", right: "RHeel" },
  coco_17: { left: "left_ankle", right: "right_ankle" },
});

export interface GaitCycleOptions {
  /** Joint name or index; default the right heel of the skeleton (`rhee` for berkeley_mhad_43). */
  joint?: string | number;
  /** "x" | "y" | "z" (default "y", vertical in y-down camera coordinates). */
  axis?: "x" | "y" | "z" | string;
  /** Negate the signal (when a heel strike is a minimum of the chosen coordinate). */
  invert?: boolean;
  /** Minimal cycle duration in seconds (default 0.4). */
  minCycleSeconds?: number;
  minProminence?: number | null;
  /** Which detected person (default 0; the original ignored this for gait). */
  personIndex?: number;
  /** Skeleton of the predictions (default: metadata.skeleton, else inferred from the joint count). */
  skeleton?: Skeleton | string;
  /** Tie order of the distance filter among equal-height peaks (see `findPeaks`); default "stable". */
  tieOrder?: "stable" | "numpy_avx512";
  /**
   * `"valley_to_valley_v1"` (default, the original's) or `"stride_zeni_v1"`: one segment per stride, heel
   * strike to heel strike of the same foot (see `detectGaitEvents`). With stride_zeni_v1, `joint` must be
   * a heel of the skeleton (it picks the foot), `axis`/`invert`/`tieOrder` are ignored and
   * `minProminence` is replaced by `stride.minProminenceRatio`.
   */
  method?: "valley_to_valley_v1" | "stride_zeni_v1";
  /** Options of the stride method (vertical axis, direction window, prominence ratio, longest stride). */
  stride?: Omit<GaitEventOptions, "personIndex" | "skeleton" | "minCycleSeconds">;
}

/**
 * Segment gait cycles from one heel's trace (the original's `segment_gait_cycles`): peaks of the chosen
 * coordinate (heel strikes at the lowest heel point in y-down coordinates), valley to valley, with a
 * minimal cycle duration. The joint is a name of the predictions' skeleton (or an index). A gait without
 * detectable heel strikes gives an empty segment list, not an error.
 *
 * @example
 * ```ts
 * import { segmentGaitCycles } from "@neuropose/segment";
 * const heelY = Array.from({ length: 90 }, (_, i) => Math.sin((2 * Math.PI * i) / 30));
 * const preds = {
 *   metadata: { fps: 30, skeleton: "blazepose_33" },
 *   frames: Object.fromEntries(
 *     heelY.map((y, i) => [`frame_${i}`, { poses3d: [Array.from({ length: 33 }, () => [0, y, 0])] }]),
 *   ),
 * };
 * segmentGaitCycles(preds).segments.length; // 3
 * ```
 */
export function segmentGaitCycles(
  preds: SegmentablePredictions,
  options: GaitCycleOptions = {},
): Segmentation {
  const skeleton = resolveGaitSkeleton(preds, options.skeleton, options.personIndex);
  const jointRef = options.joint ?? HEEL_JOINTS[skeleton.name]?.right ?? "rhee";
  const joint = resolveJoint(jointRef, skeleton);
  if ((options.method ?? "valley_to_valley_v1") === STRIDE_METHOD) {
    return segmentStrides(preds, skeleton, [joint], options)[0] as Segmentation;
  }
  const axis = resolveAxis(options.axis ?? "y");
  return segmentPredictions(
    preds,
    { kind: "joint_axis", joint, axis, invert: options.invert ?? false },
    {
      personIndex: options.personIndex ?? 0,
      minDistanceSeconds: options.minCycleSeconds ?? 0.4,
      minProminence: options.minProminence ?? null,
      skeleton,
      tieOrder: options.tieOrder ?? "stable",
    },
  );
}

function strideSide(skeleton: Skeleton, joint: number): "left" | "right" {
  const heels = STRIDE_JOINTS[skeleton.name]?.heel;
  if (heels !== undefined) {
    if (resolveJoint(heels[0], skeleton) === joint) return "left";
    if (resolveJoint(heels[1], skeleton) === joint) return "right";
  }
  throw new SegmentError(
    "E_STRIDE_SKELETON",
    `method ${STRIDE_METHOD} segments by foot: joint ${joint} is not a heel of skeleton ${skeleton.name}${heels ? ` (heels: ${heels.join(", ")})` : ""}`,
    { hint: "pass a heel joint, or use method valley_to_valley_v1", kind: "user" },
  );
}

function strideEventOptions(options: GaitCycleOptions, skeleton: Skeleton): GaitEventOptions {
  return {
    ...options.stride,
    personIndex: options.personIndex ?? 0,
    skeleton,
    minCycleSeconds: options.minCycleSeconds ?? 0.4,
  };
}

/** One stride segmentation per heel joint, from one gait-event detection shared by the feet. */
function segmentStrides(
  preds: SegmentablePredictions,
  skeleton: Skeleton,
  joints: readonly number[],
  options: Omit<GaitCycleOptions, "joint">,
): Segmentation[] {
  const sides = joints.map((joint) => strideSide(skeleton, joint));
  const events = detectGaitEvents(preds, strideEventOptions(options, skeleton));
  const vertical = resolveAxis(options.stride?.verticalAxis ?? declaredVerticalAxis(preds.metadata));
  return joints.map((joint, k) => {
    const config = schemas().validateWith(
      schemas().SegmentationConfigSchema,
      {
        // The heel and the first horizontal axis; the signal itself is the heel's position along the
        // estimated walking direction relative to the pelvis.
        extractor: { kind: "joint_axis", joint, axis: vertical === 0 ? 1 : 0, invert: false },
        person_index: options.personIndex ?? 0,
        min_distance_seconds: options.minCycleSeconds ?? 0.4,
        min_prominence: events.minProminence,
        min_height: null,
        pad_seconds: 0,
        method: STRIDE_METHOD,
      },
      { source: "segmentation config" },
    );
    return { config, segments: strideSegments(events, sides[k] as "left" | "right") };
  });
}

/** Both heels' gait segmentations, under the original's keys. */
export interface BilateralGaitCycles {
  left_heel_strikes: Segmentation;
  right_heel_strikes: Segmentation;
}

/**
 * Gait cycles of both heels (the original's `segment_gait_cycles_bilateral`): `segmentGaitCycles` with the
 * skeleton's left heel, then its right heel. Either side may be empty.
 *
 * @example
 * ```ts
 * import { segmentGaitCyclesBilateral } from "@neuropose/segment";
 * const frames = Object.fromEntries(
 *   Array.from({ length: 60 }, (_, i) => [
 *     `frame_${i}`,
 *     { poses3d: [Array.from({ length: 33 }, (_, j) => [0, j === 29 ? Math.sin(i / 3) : Math.cos(i / 3), 0])] },
 *   ]),
 * );
 * const both = segmentGaitCyclesBilateral({ metadata: { fps: 30, skeleton: "blazepose_33" }, frames });
 * both.left_heel_strikes.config.extractor; // { kind: "joint_axis", joint: 29, axis: 1, invert: false }
 * ```
 */
export function segmentGaitCyclesBilateral(
  preds: SegmentablePredictions,
  options: Omit<GaitCycleOptions, "joint"> = {},
): BilateralGaitCycles {
  const skeleton = resolveGaitSkeleton(preds, options.skeleton, options.personIndex);
  const heels = HEEL_JOINTS[skeleton.name] ?? HEEL_JOINTS.berkeley_mhad_43;
  if ((options.method ?? "valley_to_valley_v1") === STRIDE_METHOD) {
    const [left, right] = segmentStrides(
      preds,
      skeleton,
      [resolveJoint(heels.left, skeleton), resolveJoint(heels.right, skeleton)],
      options,
    ) as [Segmentation, Segmentation];
    return { left_heel_strikes: left, right_heel_strikes: right };
  }
  return {
    left_heel_strikes: segmentGaitCycles(preds, { ...options, skeleton, joint: heels.left }),
    right_heel_strikes: segmentGaitCycles(preds, { ...options, skeleton, joint: heels.right }),
  };
}

/** Predictions as sliced by `slicePredictions` (any io `VideoPredictions` fits). */
export interface SliceablePredictions {
  readonly metadata: { readonly frame_count?: number; readonly timestamps?: readonly number[] | undefined };
  readonly frames: Readonly<Record<string, unknown>>;
}

type Sliced<P extends SliceablePredictions> = Omit<P, "frames" | "segmentations" | "provenance"> & {
  frames: Record<string, P["frames"][string]>;
  segmentations: Record<string, never>;
  provenance: null;
};

/**
 * Split predictions into one document per segment (the original's `slice_predictions`): frames
 * `[start, end)` in insertion order, re-keyed `frame_000000`..., `metadata.frame_count` (and `timestamps`,
 * when present) adjusted, other metadata kept, `segmentations` emptied and `provenance` null. Segments are
 * validated (io's `ValidationError`); an `end` past the last frame throws `E_SEGMENT_RANGE`.
 *
 * @example
 * ```ts
 * import { slicePredictions } from "@neuropose/segment";
 * const preds = { metadata: { frame_count: 3, fps: 30 }, frames: { a: { poses3d: [] }, b: { poses3d: [] }, c: { poses3d: [] } } };
 * const [s] = slicePredictions(preds, [{ start: 1, end: 3, peak: 2 }]);
 * Object.keys(s.frames); // ["frame_000000", "frame_000001"]
 * ```
 */
export function slicePredictions<P extends SliceablePredictions>(
  preds: P,
  segments: readonly Segment[],
): Sliced<P>[] {
  const names = Object.keys(preds.frames);
  const checked = segments.map((s, i) =>
    schemas().validateWith(schemas().SegmentSchema, s, { source: `segments[${i}]` }),
  );
  return checked.map((seg, idx) => {
    if (seg.end > names.length) {
      throw new SegmentError(
        "E_SEGMENT_RANGE",
        `segment ${idx} end=${seg.end} exceeds frame count ${names.length}`,
      );
    }
    const frames: Record<string, P["frames"][string]> = {};
    names.slice(seg.start, seg.end).forEach((name, i) => {
      frames[`frame_${String(i).padStart(6, "0")}`] = preds.frames[name] as P["frames"][string];
    });
    const metadata: Record<string, unknown> = { ...preds.metadata, frame_count: seg.end - seg.start };
    if (Array.isArray(preds.metadata.timestamps)) {
      metadata.timestamps = preds.metadata.timestamps.slice(seg.start, seg.end);
    }
    return { ...preds, metadata, frames, segmentations: {}, provenance: null } as unknown as Sliced<P>;
  });
}

/**
 * Per-segment confidence of a segmentation of these predictions (see `cycleConfidence` for the definition):
 * the signal is re-extracted with the segmentation's own extractor and person, so this works for
 * segmentations loaded from files as well. Returns one entry per segment, in order.
 *
 * @example
 * ```ts
 * import { segmentationConfidence, segmentGaitCycles } from "@neuropose/segment";
 * const heelY = Array.from({ length: 90 }, (_, i) => Math.sin((2 * Math.PI * i) / 30));
 * const preds = {
 *   metadata: { fps: 30, skeleton: "blazepose_33" },
 *   frames: Object.fromEntries(
 *     heelY.map((y, i) => [`frame_${i}`, { poses3d: [Array.from({ length: 33 }, () => [0, y, 0])] }]),
 *   ),
 * };
 * const seg = segmentGaitCycles(preds);
 * segmentationConfidence(preds, seg).map((c) => c.confidence); // one value in [0, 1] per cycle
 * ```
 */
export function segmentationConfidence(
  preds: SegmentablePredictions,
  segmentation: Segmentation,
  options: { skeleton?: Skeleton | string; stride?: GaitCycleOptions["stride"] } = {},
): CycleConfidence[] {
  if (segmentation.config.method === STRIDE_METHOD) {
    const personIndex = segmentation.config.person_index;
    const skeleton = resolveGaitSkeleton(preds, options.skeleton, personIndex);
    const events = detectGaitEvents(
      preds,
      strideEventOptions(
        {
          personIndex,
          minCycleSeconds: segmentation.config.min_distance_seconds ?? 0.4,
          stride: options.stride,
        },
        skeleton,
      ),
    );
    return strideConfidence(events, segmentation.segments);
  }
  const sequence = predictionsToSequence(preds, { personIndex: segmentation.config.person_index });
  const signal = extractSignal(sequence, segmentation.config.extractor, {
    skeleton: skeletonOf(preds, options.skeleton),
  });
  return cycleConfidence(signal, segmentation.segments);
}
