import type { Skeleton } from "@neuropose/io/core";
import { KinematicsError } from "./errors.js";
import { checkJoint, type JointRef, resolveJoint } from "./joints.js";
import { checkSequence, type FeatureMatrix, type PoseSequence } from "./sequence.js";

export interface JointAngleOptions {
  /** Skeleton used to resolve joint names (default: inferred from the joint count, else berkeley_mhad_43). */
  skeleton?: Skeleton | string;
}

/**
 * Angle at b between a−b and c−b in radians, from xyz triples at offsets `ia`, `ib`, `ic` of `d`; NaN when
 * either vector has zero length (or a value is NaN). The kernel of `extractJointAngles`.
 *
 * @example
 * ```ts
 * import { angleAt } from "@neuropose/kinematics";
 * angleAt(new Float64Array([1, 0, 0, 0, 0, 0, 0, 1, 0]), 0, 3, 6); // π/2
 * ```
 */
export function angleAt(d: Float64Array, ia: number, ib: number, ic: number): number {
  const bx = d[ib];
  const by = d[ib + 1];
  const bz = d[ib + 2];
  const v1x = d[ia] - bx;
  const v1y = d[ia + 1] - by;
  const v1z = d[ia + 2] - bz;
  const v2x = d[ic] - bx;
  const v2y = d[ic + 1] - by;
  const v2z = d[ic + 2] - bz;
  const n1 = Math.sqrt(v1x * v1x + v1y * v1y + v1z * v1z);
  const n2 = Math.sqrt(v2x * v2x + v2y * v2y + v2z * v2z);
  let c = (v1x * v2x + v1y * v2y + v1z * v2z) / (n1 * n2);
  // np.clip keeps NaN; Math.max/min do too.
  c = Math.min(1, Math.max(-1, c));
  return Math.acos(c);
}

/**
 * Joint angles over a sequence, as the original `extract_joint_angles`: for each triplet (a, b, c) the
 * angle at b between a−b and c−b, in radians in [0, π]. A zero-length vector gives NaN (no error). Joints are
 * indices or skeleton names. Returns a frames x triplets matrix. Throws `E_NO_TRIPLETS` for an empty triplet
 * list and `E_JOINT_RANGE` for an index outside the sequence.
 *
 * @example
 * ```ts
 * import { extractJointAngles, fromNested } from "@neuropose/kinematics";
 * const seq = fromNested([[[1, 0, 0], [0, 0, 0], [0, 1, 0]]]);
 * extractJointAngles(seq, [[0, 1, 2]]).data[0]; // π/2 = 1.5707963267948966
 * ```
 */
export function extractJointAngles(
  seq: PoseSequence,
  triplets: readonly (readonly [JointRef, JointRef, JointRef])[],
  options: JointAngleOptions = {},
): FeatureMatrix {
  checkSequence(seq);
  const resolved = triplets.map((t) => {
    const idx = t.map((j) => resolveJoint(j, options.skeleton, seq.joints));
    for (const i of idx) checkJoint(i, seq.joints);
    return idx;
  });
  if (resolved.length === 0) {
    throw new KinematicsError("E_NO_TRIPLETS", "need at least one joint triplet (got an empty list)");
  }
  const cols = resolved.length;
  const out = new Float64Array(seq.frames * cols);
  const d = seq.data;
  const stride = seq.joints * 3;
  for (let f = 0; f < seq.frames; f++) {
    const base = f * stride;
    for (let t = 0; t < cols; t++) {
      const [a, b, c] = resolved[t];
      out[f * cols + t] = angleAt(d, base + a * 3, base + b * 3, base + c * 3);
    }
  }
  return { rows: seq.frames, cols, data: out };
}
