// Per-frame body frame shared by events, parameters and curves: pelvis centre, vertical axis and its "up"
// sign, walking direction (horizontal) and its steadiness. Hand-written loops over the flat Float64Array
// (our speed: one hour of 30 fps pose must take well under a second for every measure).
import type { Skeleton } from "@neuropose/io";
import {
  inferSkeleton,
  LEG_JOINT_NAMES,
  type LegJointIndices,
  type PoseSequence,
  resolveLegJoints,
} from "@neuropose/kinematics";
import { fillGaps, walkingDirection } from "@neuropose/segment";
import { GaitError } from "./errors.js";
import type { UpDirection } from "./up.js";

/** Axis index and sign of an up direction. */
export function upAxis(up: UpDirection): { axis: number; sign: 1 | -1 } {
  return { axis: "xyz".indexOf(up[1] as string), sign: up[0] === "-" ? -1 : 1 };
}

/** Joint names of the legs (left, right) and trunk per supported skeleton: kinematics' table, skeletons with feet. */
export const GAIT_JOINTS = Object.freeze(
  Object.fromEntries(Object.entries(LEG_JOINT_NAMES).filter(([, j]) => j.heel !== null && j.toe !== null)),
) as Readonly<
  Record<
    string,
    (typeof LEG_JOINT_NAMES)[string] & { heel: readonly [string, string]; toe: readonly [string, string] }
  >
>;

/** Resolved joint indices (kinematics' `LegJointIndices`) of a skeleton with feet: heel and toe always known. */
export type LegJoints = LegJointIndices & { heel: [number, number]; toe: [number, number] };

export function legJoints(skeletonIn: Skeleton | string | undefined, joints: number): LegJoints {
  const skeleton = inferSkeleton(skeletonIn, joints);
  const j = GAIT_JOINTS[skeleton.name];
  if (j === undefined) {
    throw new GaitError(
      "E_GAIT_SKELETON",
      `gait measures need hips, knees, ankles, heels and toes; skeleton ${skeleton.name} has no entry (supported: ${Object.keys(GAIT_JOINTS).join(", ")})`,
      {
        hint: "run a pose model with foot keypoints (BlazePose, OpenPose BODY_25, MeTRAbs berkeley_mhad_43)",
      },
    );
  }
  // Every entry here has feet (see GAIT_JOINTS), so heel and toe are resolved.
  return resolveLegJoints(skeleton, joints) as LegJoints;
}

/** The body frame of every frame of a sequence. */
export interface BodyFrame {
  frames: number;
  /** Index of the vertical axis (0, 1, 2) and the sign of "up" along it (+1 or −1). */
  vertical: number;
  up: 1 | -1;
  /** Fraction of the feet (heels, per frame) below the pelvis along `up` (NaN without any): the check of a declared up. */
  hipsAbove: number;
  /** The two horizontal axes. */
  h1: number;
  h2: number;
  /** Pelvis centre (mean of both hips), horizontal components. */
  px: Float64Array;
  pz: Float64Array;
  /** Unit walking direction (horizontal), per frame. */
  dirX: Float64Array;
  dirZ: Float64Array;
  /** Direction steadiness in [0, 1] (1 = both feet point the same way through the whole window). */
  steadiness: Float64Array;
  /** Median foot length (heel to toe, horizontal), sequence units. */
  footLength: number;
  /** Mean of both hips per frame, xyz interleaved (not gap-filled). */
  pelvis: Float64Array;
}

/** Linear interpolation over NaN runs, in place (segment's `fillGaps`). */
export const linearFill = fillGaps;

/** Quantile (linear interpolation) of the finite values; over ~20,000 values, of an even subsample (speed). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const step = Math.max(1, Math.floor(values.length / 20000));
  const picked = new Float64Array(Math.ceil(values.length / step));
  let m = 0;
  for (let i = 0; i < values.length; i += step) if (Number.isFinite(values[i])) picked[m++] = values[i];
  const v = picked.subarray(0, m).sort();
  if (v.length === 0) return Number.NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(v.length - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/**
 * Per frame mean of several joints, xyz interleaved (3 values per frame); computed once per sequence so that
 * per-frame loops read one point instead of re-averaging (our speed: an hour of pose in well under a second).
 */
export function meanPoints(seq: PoseSequence, joints: readonly number[]): Float64Array {
  const n = seq.frames;
  const J = seq.joints;
  const d = seq.data;
  const out = new Float64Array(3 * n);
  const m = joints.length;
  for (let f = 0; f < n; f++) {
    let x = 0;
    let y = 0;
    let z = 0;
    for (let k = 0; k < m; k++) {
      const o = (f * J + joints[k]) * 3;
      x += d[o];
      y += d[o + 1];
      z += d[o + 2];
    }
    out[3 * f] = x / m;
    out[3 * f + 1] = y / m;
    out[3 * f + 2] = z / m;
  }
  return out;
}

/**
 * Body frame: vertical axis given; "up" along it is `declaredUp` when the document declares it, else where the
 * hips are relative to the heels (so y-down camera frames and y-up world frames both work); walking direction
 * = moving average (window seconds) of the unit horizontal foot vectors toe − heel of both feet, as segment's
 * stride_zeni_v1.
 */
export function bodyFrame(
  seq: PoseSequence,
  legs: LegJoints,
  fps: number,
  verticalAxis: number,
  windowSeconds: number,
  declaredUp?: 1 | -1,
): BodyFrame {
  const n = seq.frames;
  const J = seq.joints;
  const d = seq.data;
  const vertical = verticalAxis;
  const [h1, h2] = [0, 1, 2].filter((a) => a !== vertical);
  const px = new Float64Array(n);
  const pz = new Float64Array(n);
  const ux = new Float64Array(n);
  const uz = new Float64Array(n);
  const uw = new Float64Array(n);
  const pelvis = meanPoints(seq, [...legs.hip[0], ...legs.hip[1]]);
  let upVotes = 0;
  let votes = 0;
  const feet = new Float64Array(2 * n);
  let nFeet = 0;
  for (let f = 0; f < n; f++) {
    px[f] = pelvis[3 * f + h1];
    pz[f] = pelvis[3 * f + h2];
    const hv = pelvis[3 * f + vertical];
    for (let s = 0; s < 2; s++) {
      const he = (f * J + legs.heel[s]) * 3;
      const to = (f * J + legs.toe[s]) * 3;
      const dv = hv - d[he + vertical];
      if (Number.isFinite(dv)) {
        upVotes += dv > 0 ? 1 : -1;
        votes++;
      }
      const vx = d[to + h1] - d[he + h1];
      const vz = d[to + h2] - d[he + h2];
      const len = Math.sqrt(vx * vx + vz * vz);
      if (!(len > 0) || !Number.isFinite(len)) continue;
      feet[nFeet++] = len;
      ux[f] += vx / len;
      uz[f] += vz / len;
      uw[f] += 1;
    }
  }
  linearFill(px);
  linearFill(pz);
  // Walking direction: segment's stride_zeni_v1 moving average (one implementation, half-to-even window).
  const { dirX, dirZ, steadiness } = walkingDirection(ux, uz, uw, fps, windowSeconds);
  const up = declaredUp ?? (upVotes >= 0 ? 1 : -1);
  return {
    frames: n,
    vertical,
    up,
    hipsAbove: votes > 0 ? (votes + up * upVotes) / (2 * votes) : Number.NaN,
    h1,
    h2,
    px,
    pz,
    dirX,
    dirZ,
    steadiness,
    footLength: quantile(feet.subarray(0, nFeet), 0.5),
    pelvis,
  };
}

/** Anterior coordinate (along the walking direction, relative to the pelvis) of joint j, per frame. */
export function anterior(seq: PoseSequence, bf: BodyFrame, j: number): Float64Array {
  const n = seq.frames;
  const J = seq.joints;
  const d = seq.data;
  const out = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    const o = (f * J + j) * 3;
    out[f] = (d[o + bf.h1] - bf.px[f]) * bf.dirX[f] + (d[o + bf.h2] - bf.pz[f]) * bf.dirZ[f];
  }
  return linearFill(out);
}

/** Height (along "up") of joint j, per frame, gaps filled linearly. */
export function height(seq: PoseSequence, bf: BodyFrame, j: number): Float64Array {
  const n = seq.frames;
  const J = seq.joints;
  const d = seq.data;
  const out = new Float64Array(n);
  for (let f = 0; f < n; f++) out[f] = bf.up * d[(f * J + j) * 3 + bf.vertical];
  return linearFill(out);
}
