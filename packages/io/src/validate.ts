import type { z } from "zod";
import { ValidationError, type ValidationIssue } from "./errors.js";

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Write a path as a JSON path: `frames.frame_000003.poses3d[0][2][1]`; keys that are not identifiers are quoted
 * (`segmentations["my seg"]`); the empty path is `(root)`.
 *
 * @example
 * ```ts
 * import { formatJsonPath } from "@neuropose/io";
 * console.log(formatJsonPath(["frames", "frame_000003", "poses3d", 0, 2, 1]));
 * ```
 */
export function formatJsonPath(path: readonly PathKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else {
      const s = String(p);
      if (IDENT.test(s)) out += out === "" ? s : `.${s}`;
      else out += `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (typeof v === "number" && Number.isInteger(v)) return "integer";
  return typeof v;
}

function typeForInvalidType(expected: string, input: unknown): string {
  if (input === undefined) return "missing";
  const parsing = typeof input === "string";
  switch (expected) {
    case "number":
    case "nan":
      return parsing ? "float_parsing" : "float_type";
    case "int":
    case "integer":
      return parsing ? "int_parsing" : typeof input === "number" ? "int_from_float" : "int_type";
    case "string":
      return "string_type";
    case "boolean":
      return parsing ? "bool_parsing" : "bool_type";
    case "object":
      return "model_type";
    case "record":
    case "map":
      return "dict_type";
    case "array":
      return "list_type";
    case "tuple":
      return "tuple_type";
    default:
      return `${expected}_type`;
  }
}

function rootFailure(branch: readonly Issue[]): boolean {
  return (
    branch.length === 1 &&
    branch[0] !== undefined &&
    branch[0].path.length === 0 &&
    (branch[0].code === "invalid_type" || branch[0].code === "invalid_value")
  );
}

function push(out: ValidationIssue[], path: PathKey[], message: string, type: string): void {
  const p = path.map((k) => (typeof k === "symbol" ? String(k) : k)) as (string | number)[];
  out.push({ path: p, jsonPath: formatJsonPath(p), message, type });
}

function convert(issue: Issue, prefix: PathKey[], out: ValidationIssue[]): void {
  const path = [...prefix, ...issue.path];
  const value = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type": {
      if (value === undefined) {
        push(out, path, "required field is missing", "missing");
      } else {
        push(
          out,
          path,
          `expected ${issue.expected === "int" ? "integer" : issue.expected}, got ${typeName(value)}`,
          typeForInvalidType(issue.expected, value),
        );
      }
      return;
    }
    case "unrecognized_keys":
      for (const k of issue.keys) push(out, [...path, k], `unknown field "${k}"`, "extra_forbidden");
      return;
    case "too_small": {
      const numeric = issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint";
      const type = numeric ? (issue.inclusive ? "greater_than_equal" : "greater_than") : "too_short";
      push(out, path, issue.message, type);
      return;
    }
    case "too_big": {
      const numeric = issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint";
      const type = numeric ? (issue.inclusive ? "less_than_equal" : "less_than") : "too_long";
      push(out, path, issue.message, type);
      return;
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(", ");
      push(out, path, `expected one of ${allowed}`, issue.values.length === 1 ? "literal_error" : "enum");
      return;
    }
    case "invalid_format":
      push(
        out,
        path,
        issue.message,
        issue.format === "datetime"
          ? "datetime_parsing"
          : issue.format === "regex"
            ? "string_pattern_mismatch"
            : "value_error",
      );
      return;
    case "invalid_union": {
      const u = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; note?: string };
      if (u.discriminator !== undefined || (u.errors.length === 0 && u.note)) {
        const tag =
          value && typeof value === "object"
            ? (value as Record<string, unknown>)[u.discriminator ?? ""]
            : undefined;
        const p = path.length > 0 && path[path.length - 1] === u.discriminator ? path.slice(0, -1) : path;
        push(
          out,
          p,
          tag === undefined
            ? `missing "${u.discriminator}"`
            : `unknown ${u.discriminator} ${JSON.stringify(tag)}`,
          tag === undefined ? "union_tag_not_found" : "union_tag_invalid",
        );
        return;
      }
      const informative = u.errors.filter((b) => !rootFailure(b));
      if (informative.length === 1 && informative[0]) {
        for (const inner of informative[0]) convert(inner, path, out);
        return;
      }
      // Our float() is the union that has a NaN branch.
      const expectsNumber = u.errors.some((b) =>
        b.some((i) => i.code === "invalid_type" && i.expected === "nan"),
      );
      const type = expectsNumber
        ? value === undefined
          ? "missing"
          : typeof value === "string"
            ? "float_parsing"
            : "float_type"
        : value === undefined
          ? "missing"
          : "union_error";
      push(out, path, value === undefined ? "required field is missing" : issue.message, type);
      return;
    }
    case "custom": {
      const params = (issue as { params?: { pydantic?: string } }).params;
      push(out, path, issue.message, params?.pydantic ?? "value_error");
      return;
    }
    case "not_multiple_of":
      push(out, path, issue.message, "multiple_of");
      return;
    default:
      push(out, path, issue.message, "value_error");
  }
}

/**
 * Turn zod issues into NeuroPose validation issues (JSON path, short message, pydantic-style type).
 *
 * @example
 * ```ts
 * import { SegmentSchema, toValidationIssues } from "@neuropose/io";
 * const r = SegmentSchema.safeParse({ start: 3, end: 2, peak: 2 }, { reportInput: true });
 * if (!r.success) console.log(toValidationIssues(r.error.issues)[0]?.message);
 * ```
 */
export function toValidationIssues(issues: readonly Issue[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const i of issues) convert(i, [], out);
  return out;
}

/**
 * Validate `value` with a zod schema; on failure throw a {@link ValidationError} naming `source` and the first
 * invalid JSON path. Returns the parsed value (defaults filled, encoded non-finite numbers decoded).
 *
 * @example
 * ```ts
 * import { SegmentSchema, validateWith } from "@neuropose/io";
 * const seg = validateWith(SegmentSchema, { start: 0, end: 5, peak: 2 }, { source: "inline" });
 * console.log(seg.end);
 * ```
 */
export function validateWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: { source?: string | undefined } = {},
): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  throw new ValidationError(toValidationIssues(r.error.issues), { source: options.source });
}

// ---- configs: pydantic-shaped issues (error type + loc), as the original's pydantic models reported them ----

type Key = string | number;

/** A config validation issue in pydantic's shape (see {@link toPydanticIssues}). */
export interface PydanticIssue {
  /** pydantic's error type: "missing", "extra_forbidden", "literal_error", "value_error", ... */
  type: string;
  /** pydantic's location: the field path with each discriminated union's variant inserted (e.g. ["analysis", "dtw"]). */
  loc: Key[];
  /** The field path as written in the file (no variant tags), e.g. ["analysis", "method"]. */
  field: Key[];
  /** Human message, e.g. "expected one of 'dtw_all', 'dtw_per_joint' (got 'dtw')". */
  message: string;
}

/** Options of {@link toPydanticIssues}. */
export interface PydanticIssueOptions {
  /** Paths of the discriminated unions (tag `kind`) whose variant pydantic puts into `loc`. */
  unions?: readonly (readonly Key[])[];
  /** Whether the array at `path` is a fixed-length tuple: a short one is reported at its first missing item. */
  isTuple?: (path: Key[]) => boolean;
}

function isUnion(unions: PydanticIssueOptions["unions"], path: Key[]): boolean {
  return (unions ?? []).some((u) => u.length === path.length && u.every((k, i) => k === path[i]));
}

function get(root: unknown, path: Key[]): unknown {
  let node = root;
  for (const k of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<Key, unknown>)[k];
  }
  return node;
}

function pyRepr(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Translate the zod path to the pydantic loc: insert the variant tag after each discriminated-union field. */
function pydanticLoc(
  unions: PydanticIssueOptions["unions"],
  path: Key[],
  input: unknown,
  issueAtUnionIsVariant: boolean,
): Key[] {
  const out: Key[] = [];
  const prefix: Key[] = [];
  for (let i = 0; i < path.length; i++) {
    prefix.push(path[i]);
    out.push(path[i]);
    if (isUnion(unions, prefix)) {
      const tag = (get(input, prefix) as { kind?: unknown } | undefined)?.kind;
      const deeper = i < path.length - 1;
      if (
        typeof tag === "string" &&
        ((deeper && path[i + 1] !== "kind") || (!deeper && issueAtUnionIsVariant))
      ) {
        out.push(tag);
      }
    }
  }
  return out;
}

/** pydantic's type and our message for a number out of bounds (`_equal` types for inclusive bounds). */
function numericBound(
  type: "greater_than" | "less_than",
  op: ">" | "<",
  inclusive: boolean | undefined,
  bound: unknown,
  value: unknown,
  path: Key[],
): [string, Key[], string] {
  return [
    inclusive ? `${type}_equal` : type,
    path,
    `must be ${op}${inclusive ? "=" : ""} ${bound} (got ${pyRepr(value)})`,
  ];
}

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => pyRepr(v)).join(", ");
}

/** pydantic's error type for a value of the wrong type at `path`. */
function invalidTypeName(path: Key[], expected: string): string {
  if (path.length === 0) return "model_type";
  if (expected === "object") return "model_attributes_type";
  if (expected === "int") return "int_type";
  if (expected === "number") return "float_type";
  if (expected === "string") return "string_type";
  if (expected === "boolean") return "bool_type";
  if (expected === "array" || expected === "tuple") return "list_type";
  return `${expected}_type`;
}

function expectedWhat(expected: string): string {
  return expected === "object" ? "a mapping" : expected === "int" ? "an integer" : `a ${expected}`;
}

/**
 * Turn zod issues on a config (the parsed `input`) into pydantic-shaped issues — the error `type` and `loc`
 * pydantic gives, with the discriminated-union variant inserted after each union field of `options.unions` —
 * and a human message quoting the offending value. Model-level rules are dropped when a field already failed
 * (pydantic runs them only on valid fields). Documents use {@link toValidationIssues} (JSON paths) instead.
 *
 * @example
 * ```ts
 * import { ANALYSIS_CONFIG_UNIONS, AnalysisConfigSchema, toPydanticIssues } from "@neuropose/io";
 * const input = { inputs: { primary: "a.json" }, analysis: { kind: "none", extra: 1 }, output: { report: "r.json" } };
 * const r = AnalysisConfigSchema.safeParse(input);
 * if (!r.success) console.log(toPydanticIssues(r.error.issues, input, { unions: ANALYSIS_CONFIG_UNIONS })[0]);
 * ```
 */
export function toPydanticIssues(
  issues: readonly Issue[],
  input: unknown,
  options: PydanticIssueOptions = {},
): PydanticIssue[] {
  const isTuple = options.isTuple ?? (() => false);
  const out: PydanticIssue[] = [];
  for (const issue of issues) {
    const path = issue.path as Key[];
    const value = get(input, path);
    const add = (type: string, field: Key[], message: string, variant = false) => {
      out.push({ type, loc: pydanticLoc(options.unions, field, input, variant), field, message });
    };
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) add("extra_forbidden", [...path, key], "unknown key", true);
        break;
      case "invalid_union": {
        const disc = (issue as { discriminator?: string }).discriminator;
        if (disc !== undefined && path[path.length - 1] === disc) {
          const field = path.slice(0, -1);
          const options = ((issue as { options?: unknown[] }).options ?? []) as unknown[];
          const tag = value;
          out.push({
            type: tag === undefined ? "union_tag_not_found" : "union_tag_invalid",
            loc: field,
            field: [...field, disc],
            message:
              tag === undefined
                ? `missing '${disc}'; expected one of ${quoteList(options)}`
                : `expected one of ${quoteList(options)} (got ${pyRepr(tag)})`,
          });
        } else {
          // A value of none of the union's types (e.g. a joint that is neither an index nor a name): report it
          // as the first branch does (the original's type, `int_type` for a joint), with the union's message.
          const branches = ((issue as { errors?: Issue[][] }).errors ?? []) as Issue[][];
          const first = branches[0]?.[0];
          if (first?.code === "invalid_type" && first.path.length === 0) {
            const custom = issue.message !== "Invalid input" ? issue.message : undefined;
            add(
              invalidTypeName(path, first.expected),
              path,
              custom
                ? `${custom} (got ${pyRepr(value)})`
                : `expected ${expectedWhat(first.expected)} (got ${pyRepr(value)})`,
            );
          } else {
            add("union_type", path, `invalid value ${pyRepr(value)}`);
          }
        }
        break;
      }
      case "invalid_value":
        add(
          "literal_error",
          path,
          issue.values.length === 1
            ? `expected ${pyRepr(issue.values[0])} (got ${pyRepr(value)})`
            : `expected one of ${quoteList(issue.values)} (got ${pyRepr(value)})`,
        );
        break;
      case "too_small":
        if (issue.origin === "array" && path.length > 0) {
          // A tuple that is too short: pydantic reports the first missing item.
          const len = Array.isArray(value) ? value.length : 0;
          if (len < Number(issue.minimum) && isTuple(path)) {
            add("missing", [...path, len], `expected ${issue.minimum} items (got ${len})`);
            break;
          }
          add("too_short", path, `expected at least ${issue.minimum} items (got ${len})`);
          break;
        }
        if (issue.origin === "string") {
          add("string_too_short", path, "must not be empty");
          break;
        }
        add(...numericBound("greater_than", ">", issue.inclusive, issue.minimum, value, path));
        break;
      case "too_big":
        if (issue.origin === "array") {
          add("too_long", path, `expected at most ${issue.maximum} items`);
          break;
        }
        add(...numericBound("less_than", "<", issue.inclusive, issue.maximum, value, path));
        break;
      case "invalid_type": {
        if (value === undefined && path.length > 0) {
          add("missing", path, "required field is missing");
          break;
        }
        add(
          invalidTypeName(path, issue.expected),
          path,
          `expected ${expectedWhat(issue.expected)} (got ${pyRepr(value)})`,
        );
        break;
      }
      case "custom": {
        const type = (issue.params as { pydantic?: string } | undefined)?.pydantic ?? "value_error";
        add(type, path, type === "missing" ? "required field is missing" : issue.message, true);
        break;
      }
      default:
        add(issue.code, path, issue.message);
    }
  }
  const fieldFailed = out.some((i) => i.loc.length > 0 && i.type !== "value_error");
  return out.filter((i) => !(fieldFailed && i.loc.length === 0 && i.type === "value_error"));
}
