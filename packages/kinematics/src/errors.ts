import { CodedError } from "@neuropose/io/core";

/**
 * Stable error codes raised by `@neuropose/kinematics`. Each maps to the Python exception the original
 * NeuroPose analyzer raised in the same situation (mostly `ValueError`; `E_SVD_NONFINITE` is numpy's
 * `LinAlgError`, `E_UNKNOWN_JOINT` the original's `KeyError`).
 */
export type KinematicsErrorCode =
  | "E_POSE_SHAPE"
  | "E_SHAPE_MISMATCH"
  | "E_JOINT_RANGE"
  | "E_UNKNOWN_JOINT"
  | "E_NO_FRAMES"
  | "E_PERSON_INDEX"
  | "E_DEGENERATE"
  | "E_EMPTY"
  | "E_NOT_1D"
  | "E_PROCRUSTES_MODE"
  | "E_SVD_NONFINITE"
  | "E_NO_TRIPLETS"
  | "E_TOO_FEW_FRAMES"
  | "E_BAD_AXIS"
  | "E_BAD_ARGUMENT";

/**
 * Error raised by the kinematics functions (bad shapes, out-of-range joints, degenerate input).
 *
 * @example
 * ```ts
 * import { KinematicsError, fromNested } from "@neuropose/kinematics";
 * try {
 *   fromNested([[[1, 2]]]);
 * } catch (e) {
 *   if (e instanceof KinematicsError) console.log(e.code); // "E_POSE_SHAPE"
 * }
 * ```
 */
export class KinematicsError extends CodedError<KinematicsErrorCode> {}
