import { getSkeleton, jointIndex, SKELETON_NAMES, type Skeleton } from "@neuropose/io/core";
import { KinematicsError } from "./errors.js";

/** A joint given by index (into the sequence's joint axis) or by name in a registered skeleton. */
export type JointRef = number | string;

/** The spatial axis of a coordinate: 0/1/2 or "x"/"y"/"z" (other values throw `E_BAD_AXIS`). */
export type AxisRef = number | "x" | "y" | "z";

/**
 * Pick the skeleton used to resolve joint names: the explicit one, else the unique registered skeleton
 * with `joints` joints, else `berkeley_mhad_43` (the original NeuroPose's skeleton).
 *
 * @example
 * ```ts
 * import { inferSkeleton } from "@neuropose/kinematics";
 * inferSkeleton(undefined, 33).name; // "blazepose_33"
 * ```
 */
export function inferSkeleton(skeleton?: Skeleton | string, joints?: number): Skeleton {
  if (skeleton !== undefined) return typeof skeleton === "string" ? getSkeleton(skeleton) : skeleton;
  if (joints !== undefined) {
    const matches = SKELETON_NAMES.map((n) => getSkeleton(n)).filter((s) => s.joints.length === joints);
    if (matches.length === 1) return matches[0];
  }
  return getSkeleton("berkeley_mhad_43");
}

/**
 * Resolve a joint reference to an index. Numbers are returned as they are (range checks happen against the
 * sequence, with the original's messages); names are looked up in `skeleton` (see `inferSkeleton` for the
 * default) and fail with io's `E_JOINT_UNKNOWN` listing the valid names.
 *
 * @example
 * ```ts
 * import { resolveJoint } from "@neuropose/kinematics";
 * resolveJoint("rhee"); // 41 (berkeley_mhad_43)
 * resolveJoint("left_heel", "blazepose_33"); // 29
 * resolveJoint(7); // 7
 * ```
 */
export function resolveJoint(joint: JointRef, skeleton?: Skeleton | string, joints?: number): number {
  if (typeof joint === "number") return joint;
  if (typeof joint !== "string") {
    throw new KinematicsError("E_BAD_ARGUMENT", `a joint must be an index or a name; got ${String(joint)}`);
  }
  return jointIndex(inferSkeleton(skeleton, joints), joint);
}

/**
 * Resolve an axis (`0 | 1 | 2` or `"x" | "y" | "z"`) to its index; throws `E_BAD_AXIS` otherwise.
 *
 * @example
 * ```ts
 * import { resolveAxis } from "@neuropose/kinematics";
 * resolveAxis("y"); // 1
 * ```
 */
export function resolveAxis(axis: AxisRef | string | number): 0 | 1 | 2 {
  if (axis === 0 || axis === "x") return 0;
  if (axis === 1 || axis === "y") return 1;
  if (axis === 2 || axis === "z") return 2;
  throw new KinematicsError("E_BAD_AXIS", `axis must be one of 'x', 'y', 'z'; got '${String(axis)}'`);
}

/**
 * Throw `E_JOINT_RANGE` with the original's message (`joint index i out of range [0, J)`) unless 0 <= i < J.
 *
 * @example
 * ```ts
 * import { checkJoint } from "@neuropose/kinematics";
 * checkJoint(2, 3); // ok
 * checkJoint(3, 3); // throws KinematicsError E_JOINT_RANGE
 * ```
 */
export function checkJoint(idx: number, joints: number): void {
  if (!Number.isInteger(idx) || idx < 0 || idx >= joints) {
    throw new KinematicsError("E_JOINT_RANGE", `joint index ${idx} out of range [0, ${joints})`);
  }
}
