// Is the camera side-on? The view check of 2D sagittal angles (classifyView) and the per-pose view quality that
// labels monocular estimates (viewQuality). Hand-written: our science (constants measured on the fixtures).
import { legPass, meanAxis as mean } from "./_legs.js";
import { type LegJointIndices, resolveLegJoints } from "./legs.js";
import type { Sagittal2dOptions } from "./sagittal.js";
import type { PoseSequence } from "./sequence.js";

/** Camera view relative to the body: side-on, in between, or from the front/back. */
export type ViewLabel = "sagittal" | "oblique" | "frontal";

/**
 * Constants of `classifyView`. `frontalWidthRatio`: the apparent body width (mean of shoulder and hip
 * widths) over the torso length (shoulder midpoint to hip midpoint) when the body faces the camera, measured
 * on the SLEAP dance fixture (frontal, 450 frames: median 0.56, 90th percentile 0.64); a side view of the
 * gait-lab fixture gives 0.18 (median; OpenPose BODY_25).
 */
export const VIEW_CONSTANTS = Object.freeze({
  frontalWidthRatio: 0.6,
  sagittalMaxDeg: 30,
  frontalMinDeg: 60,
  obliqueClipFraction: 0.25,
});

/** Per-frame and per-clip view labels. */
export interface ViewCheck {
  /**
   * Per frame: estimated angle between the body's mediolateral axis and the camera's optical axis, degrees,
   * 0 = side view (sagittal), 90 = facing or back to the camera: asin(min(1, width / torso / 0.6)); NaN when a
   * shoulder or hip is missing.
   */
  angleDeg: Float64Array;
  /** Per frame: < 30° sagittal, > 60° frontal, else oblique; null where the angle is NaN. */
  labels: (ViewLabel | null)[];
  /** The clip: the label of the median angle. */
  clip: { label: ViewLabel | null; medianDeg: number; fractions: Record<ViewLabel, number> };
  /**
   * The walk relative to the image plane, from the hip midpoint: its horizontal travel over the clip in torso
   * lengths, and the ratio of the apparent torso length in the last and first fifth (1 = same distance from the
   * camera; far from 1 = walking towards or away from it).
   */
  travel: { horizontalTorsos: number; sizeRatio: number };
  /** Plain-language warnings (empty for a clean side view). */
  warnings: string[];
}

function labelOf(deg: number): ViewLabel | null {
  const C = VIEW_CONSTANTS;
  if (!Number.isFinite(deg)) return null;
  return deg < C.sagittalMaxDeg ? "sagittal" : deg > C.frontalMinDeg ? "frontal" : "oblique";
}

/** One frame's view angle (degrees, 0 = side view) from the apparent body width over the torso length. */
function viewAngleAt(
  d: ArrayLike<number>,
  b: number,
  legs: LegJointIndices,
): { angle: number; torso: number } {
  const m = (idx: readonly number[], axis: number) => mean(d, b, idx, axis);
  const w = (l: readonly number[], r: readonly number[]) => Math.hypot(m(l, 0) - m(r, 0), m(l, 1) - m(r, 1));
  const width = (w(legs.shoulder[0], legs.shoulder[1]) + w(legs.hip[0], legs.hip[1])) / 2;
  const sh = [...legs.shoulder[0], ...legs.shoulder[1]];
  const hp = [...legs.hip[0], ...legs.hip[1]];
  const torso = Math.hypot(m(sh, 0) - m(hp, 0), m(sh, 1) - m(hp, 1));
  const angle =
    torso > 0
      ? Math.asin(Math.min(1, width / torso / VIEW_CONSTANTS.frontalWidthRatio)) * (180 / Math.PI)
      : Number.NaN;
  return { angle, torso };
}

function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * Check the camera-view assumption of 2D sagittal angles from image keypoints. Per frame, the apparent body
 * width (mean of the shoulder and hip widths in the image) over the torso length gives the angle between the
 * body's mediolateral axis and the optical axis (`VIEW_CONSTANTS`): a true side view hides the far shoulder and
 * hip behind the near ones. Per clip, the median angle's label, and the walk's travel (across the image vs
 * towards the camera, from the change of apparent size). Warns when the clip is not sagittal, when more than
 * a quarter of its frames are not, and when the person's apparent size changes by more than 30% (walking
 * towards or away from the camera).
 *
 * @example
 * ```ts
 * import { classifyView, fromNested } from "@neuropose/kinematics";
 * const side = Array.from({ length: 17 }, () => [0, 0, 0]);
 * side[5] = [0, -50, 0]; side[6] = [2, -50, 0]; side[11] = [0, 0, 0]; side[12] = [2, 0, 0];
 * classifyView(fromNested([side]), { skeleton: "coco_17" }).clip.label; // "sagittal"
 * ```
 */
export function classifyView(seq: PoseSequence, options: Sagittal2dOptions = {}): ViewCheck {
  const { legs, n, d, stride } = legPass(seq, options.skeleton);
  const angleDeg = new Float64Array(n);
  const labels: (ViewLabel | null)[] = new Array(n);
  const torso = new Float64Array(n);
  const pelvisX = new Float64Array(n);
  const hips = [...legs.hip[0], ...legs.hip[1]];
  const C = VIEW_CONSTANTS;
  const fractions: Record<ViewLabel, number> = { sagittal: 0, oblique: 0, frontal: 0 };
  let counted = 0;
  for (let f = 0; f < n; f++) {
    const b = f * stride;
    const { angle: ang, torso: t } = viewAngleAt(d, b, legs);
    torso[f] = t;
    pelvisX[f] = mean(d, b, hips, 0);
    angleDeg[f] = ang;
    const label = labelOf(ang);
    labels[f] = label;
    if (label !== null) {
      fractions[label]++;
      counted++;
    }
  }
  for (const k of Object.keys(fractions) as ViewLabel[])
    fractions[k] = counted > 0 ? fractions[k] / counted : 0;
  const medianDeg = median(Array.from(angleDeg));
  const clipLabel = labelOf(medianDeg);
  const fifth = Math.max(1, Math.floor(n / 5));
  const first = (a: Float64Array) => median(Array.from(a.subarray(0, fifth)));
  const last = (a: Float64Array) => median(Array.from(a.subarray(n - fifth)));
  const torsoMed = median(Array.from(torso));
  const travel = {
    horizontalTorsos: (last(pelvisX) - first(pelvisX)) / torsoMed,
    sizeRatio: last(torso) / first(torso),
  };
  const warnings: string[] = [];
  if (clipLabel === null) {
    warnings.push("view unknown: no frame has both shoulders and both hips");
  } else if (clipLabel !== "sagittal") {
    warnings.push(
      `the camera does not look at the side of the body (${clipLabel} view, median ${medianDeg.toFixed(0)}° from a side view): 2D sagittal angles are foreshortened and not comparable with gait-lab norms`,
    );
  } else if (1 - fractions.sagittal > C.obliqueClipFraction) {
    warnings.push(
      `${Math.round((1 - fractions.sagittal) * 100)}% of the frames are not side views (turns, or an oblique camera): use the frames labelled sagittal`,
    );
  }
  if (Number.isFinite(travel.sizeRatio) && Math.abs(Math.log(travel.sizeRatio)) > Math.log(1.3)) {
    warnings.push(
      `the person's apparent size changes ${travel.sizeRatio.toFixed(2)}× over the clip: the walk is not parallel to the image plane`,
    );
  }
  return { angleDeg, labels, clip: { label: clipLabel, medianDeg, fractions }, travel, warnings };
}

/** Leg length (thigh + shank) over torso length of an adult seen without foreshortening (Winter's anthropometry: 0.491 H / 0.288 H). */
const LEG_PER_TORSO = 1.7;

/** One pose's view quality and its terms (see `viewQuality`). */
export interface ViewQuality {
  /** visibility × limbs × side, 0..1 (0 when shoulders, hips, knees or ankles are missing). */
  score: number;
  /** Mean visibility × presence of the shoulders, hips, knees, ankles (and heels, toes) (1 when not given). */
  visibility: number;
  /** min(1, mean leg length (thigh + shank) / torso length / 1.7): < 1 when the legs point at the camera. */
  limbs: number;
  /** cos(view angle): 1 for a side view, 0 facing the camera (the angle of `classifyView`). */
  side: number;
  angleDeg: number;
  label: ViewLabel | null;
}

/**
 * How far one pose's sagittal angles can be trusted from this camera, 0..1, for labelling monocular estimates
 * (3D world landmarks or 2D keypoints) frame by frame. Documented formula, three terms multiplied:
 * - visibility: the mean of visibility × presence over the shoulders, hips, knees and ankles (and heels and
 *   toes where the skeleton has them); side occlusion of the far leg lowers it;
 * - limbs: min(1, mean of (thigh + shank) image lengths over the torso length / 1.7), foreshortened legs lower it;
 * - side: cos of the view angle (see `classifyView`): sagittal angles need the sagittal plane in the image.
 * Missing (NaN) shoulders, hips, knees or ankles give 0. `pose` is joints × [x, y] in pixels.
 *
 * @example
 * ```ts
 * import { viewQuality } from "@neuropose/kinematics";
 * const pose = Array.from({ length: 17 }, () => [0, 0]);
 * pose[5] = [0, -50]; pose[6] = [3, -50]; pose[11] = [0, 0]; pose[12] = [3, 0];
 * pose[13] = pose[14] = [5, 42]; pose[15] = pose[16] = [0, 85];
 * const q = viewQuality(pose, { skeleton: "coco_17" });
 * console.log(q.label, q.score.toFixed(2)); // sagittal 1.00
 * ```
 */
export function viewQuality(
  pose: ArrayLike<ArrayLike<number>>,
  options: Sagittal2dOptions & {
    visibility?: ArrayLike<number> | undefined;
    presence?: ArrayLike<number> | undefined;
  } = {},
): ViewQuality {
  const J = pose.length;
  const legs = resolveLegJoints(options.skeleton, J);
  const d = new Float64Array(J * 3);
  for (let j = 0; j < J; j++) {
    d[j * 3] = Number(pose[j][0]);
    d[j * 3 + 1] = Number(pose[j][1]);
  }
  const used = [
    ...legs.shoulder[0],
    ...legs.shoulder[1],
    ...legs.hip[0],
    ...legs.hip[1],
    ...legs.knee,
    ...legs.ankle,
    ...(legs.heel ?? []),
    ...(legs.toe ?? []),
  ];
  let vis = 0;
  for (const j of used) vis += (options.visibility?.[j] ?? 1) * (options.presence?.[j] ?? 1);
  vis /= used.length;
  const { angle, torso } = viewAngleAt(d, 0, legs);
  let leg = 0;
  for (let s = 0; s < 2; s++) {
    const hx = mean(d, 0, legs.hip[s], 0);
    const hy = mean(d, 0, legs.hip[s], 1);
    const k = legs.knee[s] * 3;
    const a = legs.ankle[s] * 3;
    leg += Math.hypot(d[k] - hx, d[k + 1] - hy) + Math.hypot(d[a] - d[k], d[a + 1] - d[k + 1]);
  }
  const limbs = Math.min(1, leg / 2 / torso / LEG_PER_TORSO);
  const side = Math.cos((angle * Math.PI) / 180);
  const score = vis * limbs * side;
  return {
    score: Number.isFinite(score) ? Math.max(0, Math.min(1, score)) : 0,
    visibility: vis,
    limbs,
    side,
    angleDeg: angle,
    label: labelOf(angle),
  };
}
