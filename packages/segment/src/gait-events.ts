// Gait events (heel strikes, toe-offs) detected from heel/toe trajectories, and the stride segments and
// stride confidence built from them (detectGaitEvents, strideSegments, strideConfidence).

import type { Segment } from "@neuropose/io";
import { SKELETON_NAMES, type Skeleton } from "@neuropose/io/core";
import {
  inferSkeleton,
  type PredictionsLike,
  percentile,
  predictionsToSequence,
  resolveAxis,
  resolveJoint,
} from "@neuropose/kinematics";
import { median } from "./_median.js";
import { roundHalfEven } from "./_python.js";
import { declaredVerticalAxis } from "./_vertical.js";
import type { CycleConfidence } from "./confidence.js";
import { SegmentError } from "./errors.js";
import { findPeaks, peakProminences } from "./peaks.js";
import { fillGaps, walkingDirection } from "./walking-direction.js";

/** The name of the stride method in a `SegmentationConfig` (`method`). */
export const STRIDE_METHOD = "stride_zeni_v1";

/**
 * Joints used by the stride method for each registered skeleton: heels, toes (for the facing direction) and
 * the joints whose mean is the pelvis centre. coco_17 has no heels or toes and is not supported.
 */
export const STRIDE_JOINTS: Readonly<
  Record<string, { heel: [string, string]; toe: [string, string]; pelvis: readonly string[] }>
> = Object.freeze({
  blazepose_33: {
    heel: ["left_heel", "right_heel"],
    toe: ["left_foot_index", "right_foot_index"],
    pelvis: ["left_hip", "right_hip"],
  },
  openpose_body_25: {
    heel: ["LHeel", "RHeel"],
    toe: ["LBigToe", "RBigToe"],
    pelvis: ["LHip", "RHip"],
  },
  berkeley_mhad_43: {
    heel: ["lhee", "rhee"],
    toe: ["lfoo", "rfoo"],
    pelvis: ["lhipb", "lhipf", "lhipl", "rhipb", "rhipf", "rhipl"],
  },
});

export interface GaitEventOptions {
  /** Which detected person (default 0). */
  personIndex?: number;
  /** Skeleton of the predictions (default: metadata.skeleton, else inferred from the joint count). */
  skeleton?: Skeleton | string;
  /**
   * Vertical axis of `poses3d` (default: the axis of the document's `metadata.poses3d_up`, e.g. z for the lab frame
   * of `neuropose-infer --cameras`; else "y": y-down camera and BlazePose world coordinates).
   */
  verticalAxis?: "x" | "y" | "z" | string;
  /** Minimal time between two heel strikes of the same foot, seconds (default 0.4). */
  minCycleSeconds?: number;
  /**
   * Minimal prominence of a heel strike (or toe-off) as a fraction of the signal's robust range
   * (95th − 5th percentile of the leading heel's anterior position), default 0.25; never below a quarter
   * of the median foot length (heel to toe), so that jitter of a standing subject gives no strikes.
   */
  minProminenceRatio?: number;
  /** Longest stride kept, seconds (default 2.5): a longer gap between strikes (a stop, a turn) ends a bout. */
  maxCycleSeconds?: number;
  /** Window of the moving average that estimates the walking direction, seconds (default 1.0). */
  directionWindowSeconds?: number;
}

/** One heel strike: the frame, the foot it is attributed to, and how clearly it stands out. */
export interface HeelStrike {
  frame: number;
  /** The foot, by alternation within the walking bout (see `GaitEvents.labelAgreement`). */
  side: "left" | "right";
  /** The foot whose heel landmark was in front at this frame (what the pose model's labels say). */
  labelSide: "left" | "right";
  /** Prominence of the strike in `frontHeelSignal` (poses3d units). */
  prominence: number;
  /** Walking bout (0, 1, ...): a step longer than 1.5 × the median step, or a turn's pause, starts a new one. */
  bout: number;
}

/** Gait events of both feet and the signals they come from. */
export interface GaitEvents {
  /** Heel strikes of either foot, ascending (one per step). */
  heelStrikes: HeelStrike[];
  /** Toe-offs of either foot (minima of the rear toe's anterior position), ascending. */
  toeOffs: number[];
  /** Per frame, the anterior position of the leading heel relative to the pelvis (Zeni's heel signal). */
  frontHeelSignal: Float64Array;
  /** Per frame, the anterior position of the trailing toe relative to the pelvis (Zeni's toe signal). */
  rearToeSignal: Float64Array;
  /**
   * Per frame, how steady the walking direction is in [0, 1]: the length of the moving average of the
   * unit foot vectors (toe − heel, horizontal). 1 = both feet point the same way through the whole window
   * (straight walking); low during turns; 0 when there are no usable foot vectors.
   */
  directionSteadiness: Float64Array;
  /**
   * Fraction of heel strikes whose pose-model label (`labelSide`) agrees with the alternation (`side`), in
   * [0, 1]; NaN without heel strikes. Near 1: the model's left/right labels are consistent; near 0.5: the
   * model swaps the legs (common for BlazePose in side views), so `side` is only known up to a swap within
   * each walking bout, while the strides themselves are unaffected.
   */
  labelAgreement: number;
  /** The absolute prominence threshold used for heel strikes (poses3d units). */
  minProminence: number;
  /** Frames per second used to convert seconds. */
  fps: number;
}

/**
 * The skeleton of gait predictions: the explicit one, else metadata.skeleton when it is a registered one, else
 * inferred from the joint count of `personIndex` in the first frame (the gait functions' default).
 *
 * @example
 * ```ts
 * import { resolveGaitSkeleton } from "@neuropose/segment";
 * resolveGaitSkeleton({ metadata: { skeleton: "blazepose_33" }, frames: {} }).name; // "blazepose_33"
 * const pose25 = Array.from({ length: 25 }, () => [0, 0, 0]);
 * resolveGaitSkeleton({ metadata: {}, frames: { frame_0: { poses3d: [pose25] } } }).name; // "openpose_body_25"
 * ```
 */
export function resolveGaitSkeleton(
  preds: PredictionsLike & { readonly metadata: { readonly skeleton?: string | null | undefined } },
  explicit?: Skeleton | string,
  personIndex = 0,
): Skeleton {
  if (explicit !== undefined) return inferSkeleton(explicit);
  const own = preds.metadata.skeleton;
  if (typeof own === "string" && (SKELETON_NAMES as readonly string[]).includes(own))
    return inferSkeleton(own);
  const first = Object.values(preds.frames)[0];
  return inferSkeleton(undefined, first?.poses3d[personIndex]?.length);
}

function jointIndices(names: readonly string[], skeleton: Skeleton): number[] {
  return names.map((n) => resolveJoint(n, skeleton));
}

/**
 * Detect heel strikes and toe-offs of both feet with the kinematic method of Zeni et al. (2008): in a
 * pelvis-centred frame, a heel strike is a maximum of the heel's position along the walking direction
 * relative to the pelvis (the foot is furthest forward), a toe-off a minimum of the toe's. The walking
 * direction is estimated per frame from the data: the moving average (over `directionWindowSeconds`) of the
 * horizontal foot vectors toe − heel of both feet, so it follows the walker through turns (it flips sign
 * when the walker turns around). Works on 3D world coordinates and on 2D image coordinates stored with
 * z = 0 (the horizontal then is the image x axis). Peaks need a minimal distance (`minCycleSeconds`) and a
 * prominence of `minProminenceRatio` × the signal's robust range. Throws `E_STRIDE_SKELETON` for a skeleton
 * without heels and toes.
 *
 * @example
 * ```ts
 * import { detectGaitEvents } from "@neuropose/segment";
 * const frames = {};
 * for (let f = 0; f < 120; f++) {
 *   const pose = Array.from({ length: 33 }, () => [0, 0, 0]);
 *   const swing = (side) => 300 * Math.cos((2 * Math.PI * f) / 30 + side * Math.PI);
 *   for (const [side, heel, toe] of [[0, 29, 31], [1, 30, 32]]) {
 *     pose[heel] = [-swing(side), 800, 0]; // walking towards -x
 *     pose[toe] = [-swing(side) - 200, 800, 0];
 *   }
 *   frames[`frame_${f}`] = { poses3d: [pose] };
 * }
 * const events = detectGaitEvents({ metadata: { fps: 30, skeleton: "blazepose_33" }, frames });
 * events.heelStrikes.map((h) => `${h.frame} ${h.side}`); // ["15 right", "30 left", "45 right", "60 left", "75 right", "90 left", "105 right"]
 * ```
 */
export function detectGaitEvents(
  preds: PredictionsLike & {
    readonly metadata: { readonly fps: number; readonly skeleton?: string | null | undefined };
  },
  options: GaitEventOptions = {},
): GaitEvents {
  const skeleton = resolveGaitSkeleton(preds, options.skeleton, options.personIndex ?? 0);
  const joints = STRIDE_JOINTS[skeleton.name];
  if (joints === undefined) {
    throw new SegmentError(
      "E_STRIDE_SKELETON",
      `the stride method needs heel, toe and hip joints; skeleton ${skeleton.name} has no entry (supported: ${Object.keys(STRIDE_JOINTS).join(", ")})`,
      { hint: "use method valley_to_valley_v1 for this skeleton", kind: "user" },
    );
  }
  const fps = preds.metadata.fps;
  if (!(fps > 0)) {
    throw new SegmentError("E_FPS_ZERO", `the stride method needs metadata.fps > 0; got ${fps}`, {
      hint: "set metadata.fps",
    });
  }
  const seq = predictionsToSequence(preds, { personIndex: options.personIndex ?? 0 });
  const vertical = resolveAxis(options.verticalAxis ?? declaredVerticalAxis(preds.metadata));
  const [h1, h2] = [0, 1, 2].filter((a) => a !== vertical);
  const heel = jointIndices(joints.heel, skeleton);
  const toe = jointIndices(joints.toe, skeleton);
  const pelvis = jointIndices(joints.pelvis, skeleton);
  const n = seq.frames;
  const J = seq.joints;
  const d = seq.data;
  const at = (f: number, j: number, a: number) => d[(f * J + j) * 3 + a];

  // Pelvis centre and unit foot vectors (horizontal), per frame.
  const px = new Float64Array(n);
  const pz = new Float64Array(n);
  const ux = new Float64Array(n);
  const uz = new Float64Array(n);
  const uw = new Float64Array(n); // number of usable foot vectors this frame (0..2)
  for (let f = 0; f < n; f++) {
    let sx = 0;
    let sz = 0;
    for (const j of pelvis) {
      sx += at(f, j, h1);
      sz += at(f, j, h2);
    }
    px[f] = sx / pelvis.length;
    pz[f] = sz / pelvis.length;
    for (let s = 0; s < 2; s++) {
      const vx = at(f, toe[s], h1) - at(f, heel[s], h1);
      const vz = at(f, toe[s], h2) - at(f, heel[s], h2);
      const len = Math.hypot(vx, vz);
      if (!(len > 0) || !Number.isFinite(len)) continue;
      ux[f] += vx / len;
      uz[f] += vz / len;
      uw[f] += 1;
    }
  }
  // Moving average of the unit foot vectors: direction and its steadiness.
  const { dirX, dirZ, steadiness } = walkingDirection(ux, uz, uw, fps, options.directionWindowSeconds ?? 1.0);

  // Zeni's signals, per foot, then for the leading heel / trailing toe (immune to left/right label swaps).
  const heelSig = [new Float64Array(n), new Float64Array(n)];
  const toeSig = [new Float64Array(n), new Float64Array(n)];
  for (let s = 0; s < 2; s++) {
    for (let f = 0; f < n; f++) {
      heelSig[s][f] = (at(f, heel[s], h1) - px[f]) * dirX[f] + (at(f, heel[s], h2) - pz[f]) * dirZ[f];
      toeSig[s][f] = (at(f, toe[s], h1) - px[f]) * dirX[f] + (at(f, toe[s], h2) - pz[f]) * dirZ[f];
    }
    fillGaps(heelSig[s]);
    fillGaps(toeSig[s]);
  }
  const front = new Float64Array(n);
  const rear = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    front[f] = Math.max(heelSig[0][f], heelSig[1][f]);
    rear[f] = Math.min(toeSig[0][f], toeSig[1][f]);
  }
  const minCycle = options.minCycleSeconds ?? 0.4;
  const maxStep = ((options.maxCycleSeconds ?? 2.5) * fps) / 2;
  // One heel strike per step: half the minimal cycle between strikes of either foot.
  const distance = Math.max(1, roundHalfEven((minCycle * fps) / 2));
  const ratio = options.minProminenceRatio ?? 0.25;
  const range = (x: Float64Array) => {
    const v = Array.from(x)
      .filter(Number.isFinite)
      .sort((p, q) => p - q);
    return percentile(v, 95) - percentile(v, 5);
  };
  // Floor: a heel strike must stand out by a quarter of the foot's length (scale-free: mm, m or pixels),
  // so that a standing subject's jitter gives no strikes.
  const footLengths: number[] = [];
  for (let f = 0; f < n; f++) {
    for (let s = 0; s < 2; s++) {
      const len = Math.hypot(at(f, toe[s], h1) - at(f, heel[s], h1), at(f, toe[s], h2) - at(f, heel[s], h2));
      if (Number.isFinite(len)) footLengths.push(len);
    }
  }
  footLengths.sort((p, q) => p - q);
  const footLength = percentile(footLengths, 50);
  const heelMin = Math.max(ratio * range(front), 0.25 * footLength);
  const empty: GaitEvents = {
    heelStrikes: [],
    toeOffs: [],
    frontHeelSignal: front,
    rearToeSignal: rear,
    directionSteadiness: steadiness,
    labelAgreement: Number.NaN,
    minProminence: 0,
    fps,
  };
  if (!Number.isFinite(heelMin) || !(heelMin > 0) || n < 3) return empty;
  const hs = findPeaks(front, { distance, prominence: heelMin });
  const toeMin = ratio * range(rear);
  const toeOffs = findPeaks(
    rear.map((v) => -v),
    { distance, prominence: Number.isFinite(toeMin) ? toeMin : null },
  ).peaks;
  const prominences = hs.properties.prominences ?? peakProminences(front, hs.peaks).prominences;
  // Sides: strikes alternate within a walking bout (steps no longer than maxCycleSeconds / 2); the parity
  // whose strikes the model more often labels "left" is the left foot.
  const heelStrikes: HeelStrike[] = hs.peaks.map((frame, i) => ({
    frame,
    side: "left",
    labelSide: heelSig[0][frame] >= heelSig[1][frame] ? "left" : "right",
    prominence: prominences[i],
    bout: 0,
  }));
  const steps = hs.peaks.slice(1).map((f, i) => f - hs.peaks[i]);
  const medStep = [...steps].sort((p, q) => p - q)[steps.length >> 1] ?? 0;
  const stepLimit = Math.min(maxStep, 1.5 * medStep);
  let agree = 0;
  let bout = 0;
  for (let b0 = 0; b0 < heelStrikes.length; bout++) {
    let b1 = b0 + 1;
    while (b1 < heelStrikes.length && heelStrikes[b1].frame - heelStrikes[b1 - 1].frame <= stepLimit) b1++;
    let leftEven = 0; // votes for "even strikes of the bout are left"
    for (let k = b0; k < b1; k++) {
      const even = (k - b0) % 2 === 0;
      if ((heelStrikes[k].labelSide === "left") === even) leftEven++;
    }
    const evenIsLeft = leftEven * 2 >= b1 - b0;
    for (let k = b0; k < b1; k++) {
      const even = (k - b0) % 2 === 0;
      heelStrikes[k].side = even === evenIsLeft ? "left" : "right";
      heelStrikes[k].bout = bout;
      if (heelStrikes[k].side === heelStrikes[k].labelSide) agree++;
    }
    b0 = b1;
  }
  return {
    ...empty,
    heelStrikes,
    toeOffs,
    labelAgreement: heelStrikes.length > 0 ? agree / heelStrikes.length : Number.NaN,
    minProminence: heelMin,
  };
}

/**
 * The strides of one foot: one segment from each of its heel strikes to its next one in the same walking
 * bout (`end` = that strike + 1, so neighbouring strides share their heel-strike frame, as
 * valley_to_valley_v1 segments share their valley), `peak` = the opening heel strike. Strides across a
 * bout boundary (a turn, a stop, a tracking gap) are not returned.
 *
 * @example
 * ```ts
 * import { strideSegments } from "@neuropose/segment";
 * const hs = (frame, side, bout = 0) => ({ frame, side, labelSide: side, prominence: 1, bout });
 * const events = { heelStrikes: [hs(8, "left"), hs(23, "right"), hs(38, "left"), hs(53, "right"), hs(68, "left")] };
 * strideSegments(events, "left"); // [{"start": 8, "end": 39, "peak": 8}, {"start": 38, "end": 69, "peak": 38}]
 * ```
 */
export function strideSegments(events: Pick<GaitEvents, "heelStrikes">, side: "left" | "right"): Segment[] {
  const hs = events.heelStrikes;
  const out: Segment[] = [];
  for (let k = 0; k + 2 < hs.length; k++) {
    const a = hs[k];
    const b = hs[k + 2];
    if (a.side !== side || b.side !== side || a.bout !== b.bout) continue;
    out.push({ start: a.frame, end: b.frame + 1, peak: a.frame });
  }
  return out;
}

/**
 * Per-stride confidence in [0, 1]: `prominenceScore × regularityScore × steadinessScore`, where
 * `prominenceScore = min(1, weaker of the two heel strikes' prominence / median prominence of that foot's
 * strikes)`,
 * `regularityScore = max(0, 1 − |length − median length| / median length)` over the given strides, and
 * `steadinessScore` = the mean walking-direction steadiness over the stride (low in turns). The score is
 * relative to the recording, like `cycleConfidence`.
 *
 * @example
 * ```ts
 * import { strideConfidence } from "@neuropose/segment";
 * const hs = (frame, side) => ({ frame, side, labelSide: side, prominence: 300, bout: 0 });
 * const events = {
 *   heelStrikes: [hs(0, "left"), hs(15, "right"), hs(30, "left"), hs(45, "right"), hs(60, "left")],
 *   directionSteadiness: new Float64Array(61).fill(1),
 * };
 * const strides = [{ start: 0, end: 31, peak: 0 }, { start: 30, end: 61, peak: 30 }];
 * strideConfidence(events, strides).map((c) => c.confidence); // [1, 1]
 * ```
 */
export function strideConfidence(
  events: Pick<GaitEvents, "heelStrikes" | "directionSteadiness">,
  segments: readonly Segment[],
): CycleConfidence[] {
  const strikes = new Map(events.heelStrikes.map((h) => [h.frame, h]));
  // Each foot against its own typical strike: models often see one leg's excursion larger than the other's.
  const medProm = {
    left: median(events.heelStrikes.filter((h) => h.side === "left").map((h) => h.prominence)),
    right: median(events.heelStrikes.filter((h) => h.side === "right").map((h) => h.prominence)),
  };
  const lengths = segments.map((s) => s.end - s.start);
  const medLen = median(lengths);
  const steady = events.directionSteadiness;
  return segments.map((seg, i) => {
    const a = strikes.get(seg.start);
    const b = strikes.get(seg.end - 1);
    const p = Math.min(a?.prominence ?? Number.NaN, b?.prominence ?? Number.NaN);
    const m = a === undefined ? Number.NaN : medProm[a.side];
    const prominenceScore = Number.isFinite(p) && m > 0 ? Math.min(1, Math.max(0, p / m)) : 0;
    const regularityScore = medLen > 0 ? Math.max(0, 1 - Math.abs(lengths[i] - medLen) / medLen) : 0;
    let sum = 0;
    let cnt = 0;
    for (let f = seg.start; f < Math.min(seg.end, steady.length); f++) {
      sum += steady[f];
      cnt++;
    }
    const steadinessScore = cnt > 0 ? sum / cnt : 0;
    return {
      confidence: prominenceScore * regularityScore * steadinessScore,
      prominenceScore,
      regularityScore,
      steadinessScore,
      prominence: p,
    };
  });
}
