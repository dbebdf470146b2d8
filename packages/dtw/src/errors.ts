import { CodedError } from "@neuropose/io/core";

/**
 * Stable error codes raised by `@neuropose/dtw` (kinematics errors such as `E_SVD_NONFINITE` pass through
 * from `@neuropose/kinematics`).
 */
export type DtwErrorCode =
  | "E_DTW_SHAPE"
  | "E_DTW_EMPTY"
  | "E_DTW_NONFINITE"
  | "E_DTW_OPTION"
  | "E_DTW_ALIGN_FRAMES"
  | "E_DTW_NAN_COLUMN"
  | "E_JOINT_RANGE"
  | "E_FASTDTW_UNREACHABLE"
  | "E_ABORTED"
  | "E_DTW_WASM"
  | "E_DTW_WORKER";

/**
 * Error raised by the DTW functions: bad shapes or options, non-finite input, fastdtw 0.3.4's radius-0
 * failure, an aborted cohort matrix.
 *
 * @example
 * ```ts
 * import { DtwError, dtwDistance } from "@neuropose/dtw";
 * try {
 *   dtwDistance([1, Number.NaN], [1]);
 * } catch (e) {
 *   if (e instanceof DtwError) console.log(e.code); // "E_DTW_NONFINITE"
 * }
 * ```
 */
export class DtwError extends CodedError<DtwErrorCode> {}
