import { NeuroPoseError, type NeuroPoseErrorOptions } from "@neuropose/io";

/** Stable error codes raised by @neuropose/nwb. */
export type NwbErrorCode = "E_NWB_INPUT" | "E_NWB_READ" | "E_NWB_WRITE" | "E_ABORTED";

/**
 * Input that NWB (or this writer) cannot represent. Thrown by `writeNwb` and `videoPredictionsToNwb` before
 * anything is written; `path` names the NWB object and field (e.g. `/processing/behavior/pose2d/nose: data`).
 *
 * @example
 * ```ts
 * import { NwbInputError, writeNwb } from "@neuropose/nwb";
 * try {
 *   await writeNwb("bad.nwb", { sessionDescription: "walk", sessionStartTime: "yesterday" });
 * } catch (e) {
 *   if (e instanceof NwbInputError) console.log(e.issues); // nothing was written
 * }
 * ```
 */
export class NwbInputError extends NeuroPoseError {
  /** Every problem found, `<object path>: <field>: <what is wrong>`. */
  readonly issues: string[];
  constructor(issues: string[], options: NeuroPoseErrorOptions = {}) {
    const first = issues[0] ?? "invalid input";
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super("E_NWB_INPUT", `cannot write NWB: ${first}${more}`, {
      hint: "fix the input; nothing was written",
      ...options,
      kind: "user",
    });
    this.issues = issues;
  }
}

/**
 * A file that is not HDF5 / not NWB, or that lacks what the reader needs.
 *
 * @example
 * ```ts
 * import { NwbReadError } from "@neuropose/nwb";
 * const e = new NwbReadError("not an HDF5 file", { path: "x.nwb" });
 * ```
 */
export class NwbReadError extends NeuroPoseError {
  constructor(message: string, options: NeuroPoseErrorOptions = {}) {
    super("E_NWB_READ", message, { kind: "user", ...options });
  }
}

/**
 * Writing failed after checks passed (disk full, permissions, HDF5 error; code `E_NWB_WRITE`) or was aborted
 * through `signal` (code `E_ABORTED`). The target was left untouched and no temporary file remains.
 *
 * @example
 * ```ts
 * import { NwbWriteError } from "@neuropose/nwb";
 * const e = new NwbWriteError("disk full", { path: "out.nwb" });
 * ```
 */
export class NwbWriteError extends NeuroPoseError {
  constructor(message: string, options: NeuroPoseErrorOptions & { code?: "E_NWB_WRITE" | "E_ABORTED" } = {}) {
    super(options.code ?? "E_NWB_WRITE", message, { kind: "user", ...options });
  }
}
