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
