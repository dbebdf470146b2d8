import { PlacedError } from "@neuropose/io";

/** Stable error codes raised by `@neuropose/trials`. */
export type TrialsErrorCode =
  /** The file cannot be read (missing, unreadable, empty). */
  | "E_TRIALS_READ"
  /** A MAT file is malformed or truncated (the message names the byte offset and the variable path). */
  | "E_MAT_FORMAT"
  /** A MAT file holds a value this reader does not decode (sparse, objects, function handles, complex chars). */
  | "E_MAT_UNSUPPORTED"
  /** A Bpod SessionData lacks a field or has one of an unexpected shape/class. */
  | "E_BPOD_FIELD"
  /** An iblrig NDJSON line is not valid JSON or lacks `behavior_data`. */
  | "E_IBLRIG_LINE"
  /** Bad arguments (merge order, empty file list). */
  | "E_TRIALS_ARGUMENT";

/**
 * Error raised by the trial readers: `path` is the file, `place` the byte offset / variable path / line where the
 * problem is, `hint` what to do.
 *
 * @example
 * ```ts
 * import { TrialsError, readMat } from "@neuropose/trials";
 * try {
 *   readMat(new Uint8Array(10), { source: "x.mat" });
 * } catch (e) {
 *   if (e instanceof TrialsError) console.log(e.code); // "E_MAT_FORMAT"
 * }
 * ```
 */
export class TrialsError extends PlacedError<TrialsErrorCode> {}
