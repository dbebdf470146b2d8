/**
 * The base of every NeuroPose error. Each error has a stable `code` (for scripts and docs), the offending
 * `path` (file, JSON path or config field) when there is one, a `hint` saying what to do, and a `kind`:
 * "user" errors are expected (bad input, bad config; CLIs exit 2), "bug" errors are not (CLIs exit 1).
 *
 * @example
 * ```ts
 * import { NeuroPoseError } from "@neuropose/io";
 * throw new NeuroPoseError("E_INPUT_MISSING", "input file not found", { path: "clip.mp4", hint: "check the path" });
 * ```
 */
export type ErrorKind = "user" | "bug";

export interface NeuroPoseErrorOptions {
  path?: string | undefined;
  hint?: string | undefined;
  kind?: ErrorKind;
  cause?: unknown;
}

export class NeuroPoseError extends Error {
  readonly code: string;
  readonly path: string | undefined;
  readonly hint: string | undefined;
  readonly kind: ErrorKind;

  constructor(code: string, message: string, options: NeuroPoseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.path = options.path;
    this.hint = options.hint;
    this.kind = options.kind ?? "user";
  }

  /** One line for a CLI: `<path>: <message> (hint: <hint>)`. */
  oneLine(): string {
    const where = this.path ? `${this.path}: ` : "";
    const hint = this.hint ? ` (hint: ${this.hint})` : "";
    return `${where}${this.message}${hint}`.replace(/\s*\n\s*/g, " ");
  }
}

/** True for any NeuroPose error (also across duplicated copies of this package). */
export function isNeuroPoseError(e: unknown): e is NeuroPoseError {
  return (
    e instanceof NeuroPoseError ||
    (typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" && "kind" in e)
  );
}
