/**
 * Stable error codes raised by @neuropose/io itself. Other packages subclass {@link NeuroPoseError} with their
 * own code unions (DtwErrorCode, InferErrorCode, ...), so the base class's `code` stays a string.
 */
export type IoErrorCode =
  | "E_SCHEMA"
  | "E_SCHEMA_FUTURE"
  | "E_MIGRATION"
  | "E_MIGRATION_MISSING"
  | "E_JSON"
  | "E_READ"
  | "E_WRITE"
  | "E_DOCUMENT_KIND"
  | "E_SETTINGS"
  | "E_INPUT_MISSING"
  | "E_SKELETON_UNKNOWN"
  | "E_JOINT_UNKNOWN"
  | "E_OUTPUT_EXISTS"
  | "E_OUTPUT_IS_DIR"
  | "E_OUTPUT_NOT_WRITABLE"
  | "E_OUTPUT_PARENT"
  | "E_BUG";

/**
 * The base of every NeuroPose error. Each error has a stable `code` (for scripts and docs), the offending
 * `path` (file, JSON path or config field) when there is one, a `hint` saying what to do, and a `kind`:
 * "user" errors are expected (bad input, bad config; CLIs exit 2), "bug" errors are not (CLIs exit 1).
 *
 * @example
 * ```ts
 * import { NeuroPoseError } from "@neuropose/io";
 * const e = new NeuroPoseError("E_INPUT_MISSING", "input file not found", { path: "clip.mp4", hint: "check the path" });
 * console.log(e.oneLine()); // clip.mp4: input file not found (hint: check the path)
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

  /** One line for a CLI: `<path>: <message> (hint: <hint>)` (the path only if the message does not name it). */
  oneLine(): string {
    const where = this.path && !this.message.includes(this.path) ? `${this.path}: ` : "";
    const hint = this.hint ? ` (hint: ${this.hint})` : "";
    return `${where}${this.message}${hint}`.replace(/\s*\n\s*/g, " ");
  }
}

/**
 * A {@link NeuroPoseError} whose `code` is one of the union `C`: the base of the packages' error classes, so
 * that each declares only its codes (`class DtwError extends CodedError<DtwErrorCode> {}`).
 *
 * @example
 * ```ts
 * import { CodedError } from "@neuropose/io";
 * class ClipError extends CodedError<"E_CLIP_SHORT" | "E_CLIP_DARK"> {}
 * console.log(new ClipError("E_CLIP_SHORT", "clip is 3 frames long", { kind: "user" }).code); // "E_CLIP_SHORT"
 * ```
 */
export class CodedError<C extends string> extends NeuroPoseError {
  declare readonly code: C;

  constructor(code: C, message: string, options: NeuroPoseErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Options of {@link PlacedError}: the base options plus where inside the file the problem is. */
export type PlacedErrorOptions = NeuroPoseErrorOptions & { place?: string | undefined };

/**
 * A {@link CodedError} of a file reader that also says where inside the file the problem is (`place`: `line 2`,
 * `byte 1234 (SessionData.RawEvents)`, `row 7, column 12`): the base of the readers' error classes
 * (`class SyncError extends PlacedError<SyncErrorCode> {}`), so each declares only its codes.
 *
 * @example
 * ```ts
 * import { PlacedError } from "@neuropose/io";
 * class EdgeError extends PlacedError<"E_EDGE_NUMBER"> {}
 * const e = new EdgeError("E_EDGE_NUMBER", "not a number: abc", { path: "x.txt", place: "line 2" });
 * console.log(e.code, e.place, e instanceof EdgeError); // "E_EDGE_NUMBER" "line 2" true
 * ```
 */
export class PlacedError<C extends string> extends CodedError<C> {
  /** Where inside the file (`path`) the problem is, when known. */
  readonly place: string | undefined;

  constructor(code: C, message: string, options: PlacedErrorOptions = {}) {
    super(code, message, options);
    this.place = options.place;
  }
}

/**
 * The message and options of a reader's "cannot read" error (`<path>: cannot read (<errno code>)`, the file
 * system's error kept as the cause), to spread into the package's own error class.
 *
 * @example
 * ```ts
 * import { CodedError, readFailure } from "@neuropose/io";
 * class EdgeError extends CodedError<"E_EDGE_READ"> {}
 * const enoent = Object.assign(new Error("no such file"), { code: "ENOENT" });
 * console.log(new EdgeError("E_EDGE_READ", ...readFailure("edges.txt", enoent)).message); // "edges.txt: cannot read (ENOENT)"
 * ```
 */
export function readFailure(
  path: string,
  cause: unknown,
  hint = "check the path and the file's permissions",
): [message: string, options: NeuroPoseErrorOptions] {
  return [
    `${path}: cannot read (${(cause as { code?: string } | null)?.code ?? cause})`,
    { path, hint, cause },
  ];
}

/** What {@link readFileOr} calls to make the reader's own error from {@link readFailure}'s message and options. */
export type ReadFailureError = (message: string, options: NeuroPoseErrorOptions) => Error;

/**
 * A whole file, as text in `encoding` or (with `encoding` null) as bytes; when the file system refuses, throws the
 * reader's own error, made by `fail` from {@link readFailure}'s message and options (path, `hint`, the cause kept):
 * the one "read it or say why" of the format readers. node:fs is taken on first use, as in hash.ts, so that
 * `@neuropose/io/core` stays cheap to import.
 *
 * @example
 * ```ts
 * import { CodedError, readFileOr } from "@neuropose/io";
 * class EdgeError extends CodedError<"E_EDGE_READ"> {}
 * const err = await readFileOr("no-such-edges.txt", "utf8", (...f) => new EdgeError("E_EDGE_READ", ...f)).catch((e) => e);
 * console.log(err instanceof EdgeError, err.message); // true "no-such-edges.txt: cannot read (ENOENT)"
 * ```
 */
export function readFileOr(
  path: string,
  encoding: BufferEncoding,
  fail: ReadFailureError,
  hint?: string,
): Promise<string>;
export function readFileOr(
  path: string,
  encoding: null,
  fail: ReadFailureError,
  hint?: string,
): Promise<Uint8Array>;
export async function readFileOr(
  path: string,
  encoding: BufferEncoding | null,
  fail: ReadFailureError,
  hint?: string,
): Promise<string | Uint8Array> {
  const { readFile } = process.getBuiltinModule("node:fs/promises") as typeof import("node:fs/promises");
  try {
    return encoding === null ? await readFile(path) : await readFile(path, encoding);
  } catch (e) {
    throw fail(...readFailure(path, e, hint));
  }
}

/**
 * True for any NeuroPose error (also across duplicated copies of this package).
 *
 * @example
 * ```ts
 * import { isNeuroPoseError, NeuroPoseError } from "@neuropose/io";
 * console.log(isNeuroPoseError(new NeuroPoseError("E_X", "x")), isNeuroPoseError(new Error("x"))); // true false
 * ```
 */
export function isNeuroPoseError(e: unknown): e is NeuroPoseError {
  return (
    e instanceof NeuroPoseError ||
    (typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" && "kind" in e)
  );
}

/** One problem found while validating a document against its schema. */
export interface ValidationIssue {
  /** Path from the document root to the offending value (object keys and array indices). */
  path: (string | number)[];
  /** The same path written as a JSON path, e.g. `frames.frame_000003.poses3d[0][2][1]` (`(root)` for the root). */
  jsonPath: string;
  /** Short description, e.g. `expected number`. */
  message: string;
  /**
   * The kind of problem, named like pydantic's error types so results can be compared with the original:
   * `missing`, `extra_forbidden`, `float_parsing`, `int_type`, `string_type`, `greater_than_equal`, ...
   */
  type: string;
}

/**
 * A document does not match its schema. The message names the file (when known) and the JSON path of the first
 * invalid value, e.g. `preds.json: frames.frame_000003.poses3d[0][2][1]: expected number`; `issues` holds all.
 *
 * @example
 * ```ts
 * import { ValidationError, VideoPredictionsSchema, validateDocument } from "@neuropose/io";
 * try {
 *   validateDocument("video_predictions", { frames: {} }, { source: "preds.json" });
 * } catch (e) {
 *   if (e instanceof ValidationError) console.log(e.message, e.issues.length);
 * }
 * ```
 */
export class ValidationError extends NeuroPoseError {
  readonly issues: ValidationIssue[];
  readonly source: string | undefined;

  constructor(issues: ValidationIssue[], options: { source?: string | undefined; document?: string } = {}) {
    const first = issues[0];
    const where = first ? `${first.jsonPath}: ${first.message}` : "invalid document";
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    const prefix = options.source ? `${options.source}: ` : options.document ? `${options.document}: ` : "";
    super("E_SCHEMA", `${prefix}${where}${more}`, {
      path: options.source,
      kind: "user",
    });
    this.issues = issues;
    this.source = options.source;
  }
}

/**
 * A document's `schema_version` is invalid (not an integer >= 1), or a migration step failed.
 *
 * @example
 * ```ts
 * import { MigrationError, migrate } from "@neuropose/io";
 * try { migrate("video_predictions", { schema_version: 0 }); } catch (e) { console.log(e instanceof MigrationError); }
 * ```
 */
export class MigrationError extends NeuroPoseError {
  constructor(message: string, options: NeuroPoseErrorOptions & { code?: string } = {}) {
    super(options.code ?? "E_MIGRATION", message, { kind: "user", ...options });
  }
}

/**
 * A document was written by a newer NeuroPose: its `schema_version` is above this build's current version.
 *
 * @example
 * ```ts
 * import { FutureSchemaError, migrate } from "@neuropose/io";
 * try { migrate("video_predictions", { schema_version: 99 }); } catch (e) { console.log(e instanceof FutureSchemaError); }
 * ```
 */
export class FutureSchemaError extends MigrationError {
  constructor(message: string, options: NeuroPoseErrorOptions = {}) {
    super(message, { ...options, code: "E_SCHEMA_FUTURE" });
  }
}

/**
 * No migration step is registered from a document's version to the next one (a bug or a corrupted install).
 *
 * @example
 * ```ts
 * import { MigrationNotFoundError, migrate } from "@neuropose/io";
 * try { migrate("analysis_report", { results: { kind: "none" } }); } catch (e) { console.log(e instanceof MigrationNotFoundError); }
 * ```
 */
export class MigrationNotFoundError extends MigrationError {
  constructor(message: string, options: NeuroPoseErrorOptions = {}) {
    super(message, { ...options, code: "E_MIGRATION_MISSING" });
  }
}

/**
 * A file is not valid JSON (even allowing bare NaN / Infinity / -Infinity tokens).
 *
 * @example
 * ```ts
 * import { JsonParseError, parseJson } from "@neuropose/io";
 * try { parseJson("{", { source: "x.json" }); } catch (e) { console.log(e instanceof JsonParseError); }
 * ```
 */
export class JsonParseError extends NeuroPoseError {
  constructor(message: string, options: NeuroPoseErrorOptions = {}) {
    super("E_JSON", message, {
      kind: "user",
      ...options,
    });
  }
}
