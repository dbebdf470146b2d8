// Per-frame body frame shared by events, parameters and curves: pelvis centre, vertical axis and its "up"
// sign, walking direction (horizontal) and its steadiness. Hand-written loops over the flat Float64Array
// (our speed: one hour of 30 fps pose must take well under a second for every measure).
import type { Skeleton } from "@neuropose/io";
import { inferSkeleton, LEG_JOINT_NAMES, type PoseSequence, resolveLegJoints } from "@neuropose/kinematics";
import { GaitError } from "./errors.js";

/** Joint names of the legs (left, right) and trunk per supported skeleton: kinematics' table, skeletons with feet. */
export const GAIT_JOINTS = Object.freeze(
  Object.fromEntries(Object.entries(LEG_JOINT_NAMES).filter(([, j]) => j.heel !== null && j.toe !== null)),
) as Readonly<
  Record<
    string,
    (typeof LEG_JOINT_NAMES)[string] & { heel: readonly [string, string]; toe: readonly [string, string] }
  >
>;

/** Resolved joint indices: [left, right] per part; hips and shoulders are means of several joints. */
export interface LegJoints {
  hip: [number[], number[]];
  knee: [number, number];
  ankle: [number, number];
  heel: [number, number];
  toe: [number, number];
  shoulder: [number[], number[]];
}

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
}

export function linearFill(x: Float64Array): Float64Array {
  const n = x.length;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) continue;
    if (prev < 0) {
      for (let k = 0; k < i; k++) x[k] = x[i];
    } else if (i - prev > 1) {
      for (let k = prev + 1; k < i; k++) x[k] = x[prev] + ((x[i] - x[prev]) * (k - prev)) / (i - prev);
    }
    prev = i;
  }
  if (prev >= 0) for (let k = prev + 1; k < n; k++) x[k] = x[prev];
  return x;
}

/** Quantile (linear interpolation) of the finite values; over ~20,000 values, of an even subsample (speed). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const step = Math.max(1, Math.floor(values.length / 20000));
  const picked: number[] = [];
  for (let i = 0; i < values.length; i += step) if (Number.isFinite(values[i])) picked.push(values[i]);
  const v = Float64Array.from(picked).sort();
  if (v.length === 0) return Number.NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(v.length - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/** Mean of several joints' coordinate `a` at frame f. */
export function meanJoint(
  d: Float64Array,
  J: number,
  f: number,
  joints: readonly number[],
  a: number,
): number {
  let s = 0;
  for (const j of joints) s += d[(f * J + j) * 3 + a];
  return s / joints.length;
}

/**
 * Body frame: vertical axis given (default y); "up" is where the hips are relative to the heels (so y-down
 * camera frames and y-up world frames both work); walking direction = moving average (window seconds) of
 * the unit horizontal foot vectors toe − heel of both feet, as segment's stride_zeni_v1.
 */
export function bodyFrame(
  seq: PoseSequence,
  legs: LegJoints,
  fps: number,
  verticalAxis: number,
  windowSeconds: number,
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
  const hipsAll = [...legs.hip[0], ...legs.hip[1]];
  let upVotes = 0;
  const feet: number[] = [];
  for (let f = 0; f < n; f++) {
    px[f] = meanJoint(d, J, f, hipsAll, h1);
    pz[f] = meanJoint(d, J, f, hipsAll, h2);
    const hv = meanJoint(d, J, f, hipsAll, vertical);
    for (let s = 0; s < 2; s++) {
      const he = (f * J + legs.heel[s]) * 3;
      const to = (f * J + legs.toe[s]) * 3;
      const dv = hv - d[he + vertical];
      if (Number.isFinite(dv)) upVotes += dv > 0 ? 1 : -1;
      const vx = d[to + h1] - d[he + h1];
      const vz = d[to + h2] - d[he + h2];
      const len = Math.hypot(vx, vz);
      if (!(len > 0) || !Number.isFinite(len)) continue;
      feet.push(len);
      ux[f] += vx / len;
      uz[f] += vz / len;
      uw[f] += 1;
    }
  }
  linearFill(px);
  linearFill(pz);
  const half = Math.max(1, Math.round((windowSeconds * fps) / 2));
  const dirX = new Float64Array(n);
  const dirZ = new Float64Array(n);
  const steadiness = new Float64Array(n);
  let cx = 0;
  let cz = 0;
  let cw = 0;
  let lo = 0;
  let hi = -1;
  for (let f = 0; f < n; f++) {
    const wantHi = Math.min(n - 1, f + half);
    const wantLo = Math.max(0, f - half);
    while (hi < wantHi) {
      hi++;
      cx += ux[hi];
      cz += uz[hi];
      cw += uw[hi];
    }
    while (lo < wantLo) {
      cx -= ux[lo];
      cz -= uz[lo];
      cw -= uw[lo];
      lo++;
    }
    const len = Math.hypot(cx, cz);
    if (cw > 0 && len > 0) {
      dirX[f] = cx / len;
      dirZ[f] = cz / len;
      steadiness[f] = Math.min(1, len / cw);
    } else {
      dirX[f] = Number.NaN;
      dirZ[f] = Number.NaN;
    }
  }
  linearFill(dirX);
  linearFill(dirZ);
  return {
    frames: n,
    vertical,
    up: upVotes >= 0 ? 1 : -1,
    h1,
    h2,
    px,
    pz,
    dirX,
    dirZ,
    steadiness,
    footLength: quantile(feet, 0.5),
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
