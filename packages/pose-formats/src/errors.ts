import { PlacedError, type PlacedErrorOptions } from "@neuropose/io";

/** Stable error codes raised by `@neuropose/pose-formats`. */
export type PoseFormatErrorCode =
  | "E_POSE_NOT_FOUND"
  | "E_POSE_EMPTY"
  | "E_POSE_FORMAT"
  | "E_POSE_HEADER"
  | "E_POSE_ROW"
  | "E_POSE_VALUE"
  | "E_POSE_LAYOUT"
  | "E_POSE_MAPPING"
  | "E_POSE_OPTION";

/**
 * A pose file could not be read: `path` is the file, `place` the row / column / dataset / field inside it, and
 * `hint` says what to do. Always a user error unless `kind` says "bug".
 *
 * @example
 * ```ts
 * import { PoseFormatError, readDlc } from "@neuropose/pose-formats";
 * try {
 *   await readDlc("empty.csv");
 * } catch (e) {
 *   if (e instanceof PoseFormatError) console.log(e.code, e.place); // E_POSE_EMPTY undefined
 * }
 * ```
 */
export class PoseFormatError extends PlacedError<PoseFormatErrorCode> {
  constructor(code: PoseFormatErrorCode, message: string, options: PlacedErrorOptions = {}) {
    super(code, options.place ? `${options.place}: ${message}` : message, options);
  }
}
