// 2D sagittal angles from image keypoints, and the check of the side-view assumption they rest on.
// Hand-written loops over the flat Float64Array: our science (the sign conventions below), no library has it.
import type { Skeleton } from "@neuropose/io/core";
import { KinematicsError } from "./errors.js";
import { inferSkeleton, resolveJoint } from "./joints.js";
import { checkSequence, type PoseSequence } from "./sequence.js";

/**
 * Joint names of the legs and trunk ([left, right]) per skeleton; hips and shoulders may be the mean of several
 * joints. The one table of these names: `@neuropose/gait` measures with it too. `coco_17` has no feet, so
 * only hip and knee angles (and thigh, shank, trunk) exist for it.
 */
export const LEG_JOINT_NAMES: Readonly<
  Record<
    string,
    {
      hip: readonly [readonly string[], readonly string[]];
      knee: readonly [string, string];
      ankle: readonly [string, string];
      heel: readonly [string, string] | null;
      toe: readonly [string, string] | null;
      shoulder: readonly [readonly string[], readonly string[]];
    }
  >
> = Object.freeze({
  blazepose_33: {
    hip: [["left_hip"], ["right_hip"]],
    knee: ["left_knee", "right_knee"],
    ankle: ["left_ankle", "right_ankle"],
    heel: ["left_heel", "right_heel"],
    toe: ["left_foot_index", "right_foot_index"],
    shoulder: [["left_shoulder"], ["right_shoulder"]],
  },
  openpose_body_25: {
    hip: [["LHip"], ["RHip"]],
    knee: ["LKnee", "RKnee"],
    ankle: ["LAnkle", "RAnkle"],
    heel: ["LHeel", "RHeel"],
    toe: ["LBigToe", "RBigToe"],
    shoulder: [["LShoulder"], ["RShoulder"]],
  },
  berkeley_mhad_43: {
    hip: [
      ["lhipb", "lhipf", "lhipl"],
      ["rhipb", "rhipf", "rhipl"],
    ],
    knee: ["lkne", "rkne"],
    ankle: ["lank", "rank"],
    heel: ["lhee", "rhee"],
    toe: ["lfoo", "rfoo"],
    shoulder: [
      ["lsho1", "lsho2"],
      ["rsho1", "rsho2"],
    ],
  },
  coco_17: {
    hip: [["left_hip"], ["right_hip"]],
    knee: ["left_knee", "right_knee"],
    ankle: ["left_ankle", "right_ankle"],
    heel: null,
    toe: null,
    shoulder: [["left_shoulder"], ["right_shoulder"]],
  },
});

/**
 * The sign conventions of `sagittalAngles2d`. Joint angles are the ones `@neuropose/gait` reports
 * (`ANGLE_CONVENTION` there: the same formulas, so a side-view clip gives the same numbers either way);
 * segment angles are Sports2D's (`angle_dict` "horizontal" angles with `flip_left_right`).
 */
export const SAGITTAL_2D_CONVENTION = Object.freeze({
  plane:
    "the image plane, assumed sagittal (check it with classifyView); image x right, y down; every frame is mirrored to face right when the feet (toe − heel) point left, so walking either way gives the same angles",
  hip: "hip flexion (+) / extension (−): thigh (hip → knee) relative to the trunk line (shoulder midpoint → hip midpoint); 0° = thigh in line with the trunk",
  knee: "knee flexion (+) / extension (−, hyperextension): thigh relative to shank; 0° = straight knee",
  ankle:
    "ankle dorsiflexion (+) / plantarflexion (−): foot (heel → toe) relative to the shank, minus 90°; 0° = foot perpendicular to the shank",
  trunk:
    "trunk inclination: forward lean (+) of the hip-midpoint → shoulder-midpoint line from the vertical; 0° = upright",
  segments:
    "Sports2D segment angles: thigh (hip → knee), shank (knee → ankle), foot (heel → toe), trunk (hip midpoint → shoulder midpoint), counter-clockwise from the horizontal pointing forward, image y flipped to point up; (−180°, 180°]; standing upright: thigh and shank −90°, foot 0°, trunk 90°",
  unit: "degrees",
});

/** Per-frame 2D sagittal angles (degrees; [left, right] as the pose model labels them). */
export interface Sagittal2dAngles {
  /** +1 facing right in the image, −1 facing left (then mirrored), per frame. */
  facing: Int8Array;
  hip: [Float64Array, Float64Array];
  knee: [Float64Array, Float64Array];
  ankle: [Float64Array, Float64Array];
  trunkInclination: Float64Array;
  /** Sports2D segment angles. */
  segments: {
    thigh: [Float64Array, Float64Array];
    shank: [Float64Array, Float64Array];
    foot: [Float64Array, Float64Array];
    trunk: Float64Array;
  };
  convention: typeof SAGITTAL_2D_CONVENTION;
}

export interface Sagittal2dOptions {
  /** Skeleton of the keypoints (default: inferred from the joint count). */
  skeleton?: Skeleton | string;
}

/** `LEG_JOINT_NAMES` resolved to joint indices ([left, right]); heel and toe null for a skeleton without feet. */
export interface LegJointIndices {
  hip: [number[], number[]];
  knee: [number, number];
  ankle: [number, number];
  heel: [number, number] | null;
  toe: [number, number] | null;
  shoulder: [number[], number[]];
}

/**
 * The leg and trunk joints of a skeleton (`LEG_JOINT_NAMES`) as indices. Throws `E_UNKNOWN_JOINT` for a
 * skeleton without an entry.
 *
 * @example
 * ```ts
 * import { resolveLegJoints } from "@neuropose/kinematics";
 * resolveLegJoints("blazepose_33", 33).knee; // [25, 26]
 * ```
 */
export function resolveLegJoints(skeletonIn: Skeleton | string | undefined, joints: number): LegJointIndices {
  const skeleton = inferSkeleton(skeletonIn, joints);
  const j = LEG_JOINT_NAMES[skeleton.name];
  if (j === undefined) {
    throw new KinematicsError(
      "E_UNKNOWN_JOINT",
      `sagittal angles need shoulders, hips, knees and ankles; skeleton ${skeleton.name} has no entry (supported: ${Object.keys(LEG_JOINT_NAMES).join(", ")})`,
      { hint: "pass the keypoints' skeleton (blazepose_33, openpose_body_25, coco_17, berkeley_mhad_43)" },
    );
  }
  const r = (n: string) => resolveJoint(n, skeleton);
  const pair = (p: readonly [string, string]): [number, number] => [r(p[0]), r(p[1])];
  return {
    hip: [j.hip[0].map(r), j.hip[1].map(r)],
    knee: pair(j.knee),
    ankle: pair(j.ankle),
    heel: j.heel === null ? null : pair(j.heel),
    toe: j.toe === null ? null : pair(j.toe),
    shoulder: [j.shoulder[0].map(r), j.shoulder[1].map(r)],
  };
}

function mean(d: Float64Array, base: number, idx: readonly number[], axis: number): number {
  let s = 0;
  for (const i of idx) s += d[base + i * 3 + axis];
  return s / idx.length;
}

function wrap(deg: number): number {
  return deg > 180 ? deg - 360 : deg <= -180 ? deg + 360 : deg;
}

/** Facing per frame: sign of Σ(toe − heel) x over both feet; else of the hip midpoint's motion; else the neighbours'. */
function facingPerFrame(seq: PoseSequence, legs: LegJointIndices): Int8Array {
  const n = seq.frames;
  const d = seq.data;
  const stride = seq.joints * 3;
  const raw = new Float64Array(n);
  const both = [...legs.hip[0], ...legs.hip[1]];
  for (let f = 0; f < n; f++) {
    const b = f * stride;
    let v = Number.NaN;
    if (legs.toe !== null && legs.heel !== null) {
      v = 0;
      for (let s = 0; s < 2; s++) v += d[b + legs.toe[s] * 3] - d[b + legs.heel[s] * 3];
    }
    if (!Number.isFinite(v) || v === 0) {
      // No feet: the direction the pelvis moves in, over ±5 frames.
      const a = Math.max(0, f - 5);
      const z = Math.min(n - 1, f + 5);
      v = mean(d, z * stride, both, 0) - mean(d, a * stride, both, 0);
    }
    raw[f] = Number.isFinite(v) && v !== 0 ? Math.sign(v) : 0;
  }
  const out = new Int8Array(n);
  let last = 0;
  for (let f = 0; f < n; f++) out[f] = last = raw[f] !== 0 ? raw[f] : last;
  let next = 1;
  for (let f = n - 1; f >= 0; f--) {
    if (out[f] === 0) out[f] = next;
    else next = out[f];
  }
  return out;
}

/**
 * 2D sagittal joint and segment angles from image keypoints of a side-view clip (x right, y down; z, if any,
 * is ignored): hip, knee and ankle flexion with `@neuropose/gait`'s sign convention, trunk inclination, and
 * Sports2D's segment angles (thigh, shank, foot, trunk vs the horizontal). See `SAGITTAL_2D_CONVENTION`.
 * Frames are mirrored to face right when the feet point left (Sports2D's `flip_left_right`). The angles are
 * only sagittal when the camera looks at the side of the walk: check with `classifyView`. Missing keypoints
 * (NaN) give NaN angles. Throws `E_UNKNOWN_JOINT` for a skeleton without legs.
 *
 * @example
 * ```ts
 * import { fromNested, sagittalAngles2d } from "@neuropose/kinematics";
 * // coco_17 order; a person standing upright, facing right, knee bent 90°: thigh forward, shank down.
 * const p = Array.from({ length: 17 }, () => [0, 0, 0]);
 * p[5] = p[6] = [0, -50, 0]; // shoulders
 * p[11] = p[12] = [0, 0, 0]; // hips
 * p[13] = p[14] = [40, 0, 0]; // knees
 * p[15] = p[16] = [40, 40, 0]; // ankles
 * const a = sagittalAngles2d(fromNested([p, p]), { skeleton: "coco_17" });
 * a.hip[0][0]; // 90 (hip flexed 90°)
 * a.knee[0][0]; // 90
 * a.segments.thigh[0][0]; // 0 (thigh horizontal, pointing forward)
 * ```
 */
export function sagittalAngles2d(seq: PoseSequence, options: Sagittal2dOptions = {}): Sagittal2dAngles {
  checkSequence(seq);
  const legs = resolveLegJoints(options.skeleton, seq.joints);
  const n = seq.frames;
  const d = seq.data;
  const stride = seq.joints * 3;
  const facing = facingPerFrame(seq, legs);
  const mk = (): [Float64Array, Float64Array] => [new Float64Array(n), new Float64Array(n)];
  const out: Sagittal2dAngles = {
    facing,
    hip: mk(),
    knee: mk(),
    ankle: mk(),
    trunkInclination: new Float64Array(n),
    segments: { thigh: mk(), shank: mk(), foot: mk(), trunk: new Float64Array(n) },
    convention: SAGITTAL_2D_CONVENTION,
  };
  const R = 180 / Math.PI;
  const shoulders = [...legs.shoulder[0], ...legs.shoulder[1]];
  const hips = [...legs.hip[0], ...legs.hip[1]];
  for (let f = 0; f < n; f++) {
    const b = f * stride;
    const s = facing[f];
    // A vector (dx, dy) in the image → (forward, up).
    // Sports2D: counter-clockwise from the forward horizontal. Gait: from "pointing down", + towards forward.
    const seg = (dx: number, dy: number) => Math.atan2(-dy, s * dx) * R + 0; // + 0: no −0 for a horizontal segment
    const theta = (dx: number, dy: number) => Math.atan2(s * dx, dy) * R;
    const tx = mean(d, b, hips, 0) - mean(d, b, shoulders, 0);
    const ty = mean(d, b, hips, 1) - mean(d, b, shoulders, 1);
    const trunk = theta(tx, ty);
    out.trunkInclination[f] = -trunk;
    out.segments.trunk[f] = seg(-tx, -ty);
    for (let side = 0; side < 2; side++) {
      const hx = mean(d, b, legs.hip[side], 0);
      const hy = mean(d, b, legs.hip[side], 1);
      const k = b + legs.knee[side] * 3;
      const a = b + legs.ankle[side] * 3;
      const thighX = d[k] - hx;
      const thighY = d[k + 1] - hy;
      const shankX = d[a] - d[k];
      const shankY = d[a + 1] - d[k + 1];
      const thigh = theta(thighX, thighY);
      const shank = theta(shankX, shankY);
      out.segments.thigh[side][f] = seg(thighX, thighY);
      out.segments.shank[side][f] = seg(shankX, shankY);
      out.hip[side][f] = wrap(thigh - trunk);
      out.knee[side][f] = wrap(thigh - shank);
      if (legs.heel !== null && legs.toe !== null) {
        const he = b + legs.heel[side] * 3;
        const to = b + legs.toe[side] * 3;
        const fx = d[to] - d[he];
        const fy = d[to + 1] - d[he + 1];
        out.segments.foot[side][f] = seg(fx, fy);
        out.ankle[side][f] = wrap(theta(fx, fy) - shank - 90);
      } else {
        out.segments.foot[side][f] = Number.NaN;
        out.ankle[side][f] = Number.NaN;
      }
    }
  }
  return out;
}

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
  const m = (idx: readonly number[], axis: number) => {
    let s = 0;
    for (const i of idx) s += d[b + i * 3 + axis];
    return s / idx.length;
  };
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
  checkSequence(seq);
  const legs = resolveLegJoints(options.skeleton, seq.joints);
  const n = seq.frames;
  const d = seq.data;
  const stride = seq.joints * 3;
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
