import { CodedError } from "@neuropose/io/core";

/** Stable error codes raised by `@neuropose/gait`. */
export type GaitErrorCode =
  | "E_GAIT_SKELETON"
  | "E_GAIT_FPS"
  | "E_GAIT_SCALE"
  | "E_GAIT_METHOD"
  /** The document's vertical is unknown (a world frame without poses3d_up) or malformed. */
  | "E_GAIT_FRAME";

/**
 * Error raised by the gait measures (a skeleton without legs, no frame rate, an impossible scale).
 *
 * @example
 * ```ts
 * import { GaitError } from "@neuropose/gait";
 * const e = new GaitError("E_GAIT_FPS", "fps must be > 0", { hint: "set metadata.fps" });
 * console.log(e.code, e.kind); // "E_GAIT_FPS" "user"
 * ```
 */
export class GaitError extends CodedError<GaitErrorCode> {}
