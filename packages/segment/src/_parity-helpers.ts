// Helpers for the parity tests against ../shared/fixtures/neuropose-parity (not part of the public API).
import { readFileSync } from "node:fs";

export interface ParityCase {
  id: string;
  op: string;
  args: Record<string, unknown>;
  expected: unknown;
  note?: string;
}

export interface ExpectedError {
  error_type: string;
  error: string;
  errors?: { type: string; loc: (string | number)[] }[];
}

/** Parse cases.json and keep those of the given ops. */
export function loadCases(file: string, ops: readonly string[]): ParityCase[] {
  const all = JSON.parse(readFileSync(file, "utf8")) as ParityCase[];
  return all.filter((c) => ops.includes(c.op));
}

/** Replace the fixture's "NaN" / "Infinity" / "-Infinity" strings by numbers, recursively. */
export function decode<T = unknown>(x: unknown): T {
  if (x === "NaN") return Number.NaN as T;
  if (x === "Infinity") return Number.POSITIVE_INFINITY as T;
  if (x === "-Infinity") return Number.NEGATIVE_INFINITY as T;
  if (Array.isArray(x)) return x.map((v) => decode(v)) as T;
  if (x !== null && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = decode(v);
    return out as T;
  }
  return x as T;
}

export function isExpectedError(x: unknown): x is ExpectedError {
  return x !== null && typeof x === "object" && !Array.isArray(x) && "error_type" in x;
}

/** Largest finite |value| in a nested structure (for absolute tolerance floors). */
export function magnitude(x: unknown): number {
  if (typeof x === "number") return Number.isFinite(x) ? Math.abs(x) : 0;
  if (ArrayBuffer.isView(x)) return magnitude(Array.from(x as Float64Array));
  if (Array.isArray(x)) return x.reduce((m: number, v) => Math.max(m, magnitude(v)), 0);
  if (x !== null && typeof x === "object") return magnitude(Object.values(x));
  return 0;
}

export interface Tolerance {
  rel: number;
  abs: number;
}

export const EXACT: Tolerance = { rel: 0, abs: 0 };

/**
 * Compare `actual` with the decoded `expected`; returns a list of mismatch descriptions (empty when equal).
 * Numbers: NaN must be NaN, infinities exact, else |a-e| <= max(rel * max(|a|, |e|), abs).
 * `tolFor(path)` may pick a tolerance per path.
 */
export function compare(
  actual: unknown,
  expected: unknown,
  tolFor: (path: string) => Tolerance,
  path = "$",
  out: string[] = [],
): string[] {
  if (out.length > 10) return out;
  if (ArrayBuffer.isView(actual)) actual = Array.from(actual as Float64Array);
  if (typeof expected === "number") {
    if (typeof actual !== "number") {
      out.push(`${path}: expected number ${expected}, got ${JSON.stringify(actual)}`);
      return out;
    }
    if (Number.isNaN(expected) || Number.isNaN(actual)) {
      if (!(Number.isNaN(expected) && Number.isNaN(actual)))
        out.push(`${path}: expected ${expected}, got ${actual}`);
      return out;
    }
    if (!Number.isFinite(expected) || !Number.isFinite(actual)) {
      if (expected !== actual) out.push(`${path}: expected ${expected}, got ${actual}`);
      return out;
    }
    const t = tolFor(path);
    const diff = Math.abs(actual - expected);
    if (diff > Math.max(t.rel * Math.max(Math.abs(actual), Math.abs(expected)), t.abs)) {
      out.push(`${path}: expected ${expected}, got ${actual} (diff ${diff})`);
    }
    return out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push(`${path}: expected array, got ${JSON.stringify(actual)?.slice(0, 80)}`);
      return out;
    }
    if (actual.length !== expected.length) {
      out.push(`${path}: expected length ${expected.length}, got ${actual.length}`);
      return out;
    }
    expected.forEach((e, i) => {
      compare(actual[i], e, tolFor, `${path}[${i}]`, out);
    });
    return out;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") {
      out.push(`${path}: expected object, got ${JSON.stringify(actual)}`);
      return out;
    }
    const ek = Object.keys(expected).sort();
    const ak = Object.keys(actual as object)
      .filter((k) => (actual as Record<string, unknown>)[k] !== undefined)
      .sort();
    if (ek.join(",") !== ak.join(",")) {
      out.push(`${path}: expected keys [${ek}], got [${ak}]`);
      return out;
    }
    for (const k of ek) {
      compare(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        tolFor,
        `${path}.${k}`,
        out,
      );
    }
    return out;
  }
  if (actual !== expected)
    out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  return out;
}
