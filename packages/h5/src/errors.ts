import { CodedError, type NeuroPoseErrorOptions } from "@neuropose/io";

/** Stable error codes raised by `@neuropose/h5`. */
export type H5ErrorCode =
  | "E_H5_NOT_FOUND"
  | "E_H5_NOT_HDF5"
  | "E_H5_OPEN"
  | "E_H5_MISSING"
  | "E_H5_TYPE"
  | "E_H5_READ"
  | "E_H5_CLOSED";

/**
 * An HDF5 file could not be opened or read. `path` is the file; `dataset` the object inside it (when there is
 * one); truncated and non-HDF5 files are user errors with a hint.
 *
 * @example
 * ```ts
 * import { H5Error, openH5 } from "@neuropose/h5";
 * try {
 *   await openH5("missing.h5");
 * } catch (e) {
 *   if (e instanceof H5Error) console.log(e.code); // "E_H5_NOT_FOUND"
 * }
 * ```
 */
export class H5Error extends CodedError<H5ErrorCode> {
  /** The dataset, group or attribute inside the file (`/group/dataset` or `/group/dataset@attr`). */
  readonly dataset: string | undefined;

  constructor(
    code: H5ErrorCode,
    message: string,
    options: NeuroPoseErrorOptions & { dataset?: string | undefined } = {},
  ) {
    super(code, message, options);
    this.dataset = options.dataset;
  }
}
