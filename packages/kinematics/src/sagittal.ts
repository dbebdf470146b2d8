// 2D sagittal angles from image keypoints (the side-view check is view.ts; the joint table legs.ts).
// Hand-written loops over the flat Float64Array: our science (the sign conventions below), no library has it.
import type { Skeleton } from "@neuropose/io/core";
import { legPass, meanAxis as mean } from "./_legs.js";
import type { LegJointIndices } from "./legs.js";
import type { PoseSequence } from "./sequence.js";

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
  const { legs, n, d, stride } = legPass(seq, options.skeleton);
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
