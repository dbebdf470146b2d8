// Test helpers for the original's parity fixtures (../shared/fixtures/neuropose-parity/cases.json).
import { readFileSync } from "node:fs";

export interface ParityCase {
  id: string;
  op: string;
  args: Record<string, unknown>;
  expected: unknown;
  note?: string;
}

/** The cases of the given ops, in file order. */
export function loadParityCases(file: string, ops: readonly string[]): ParityCase[] {
  const all = JSON.parse(readFileSync(file, "utf8")) as ParityCase[];
  return all.filter((c) => ops.includes(c.op));
}

/** Replace the fixture's "NaN" / "Infinity" / "-Infinity" strings by numbers (for numeric inputs). */
export function decodeNumbers(x: unknown): unknown {
  if (x === "NaN") return Number.NaN;
  if (x === "Infinity") return Number.POSITIVE_INFINITY;
  if (x === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (Array.isArray(x)) return x.map(decodeNumbers);
  return x;
}

function close(a: number, b: number, rel: number, abs: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= Math.max(rel * Math.max(Math.abs(a), Math.abs(b)), abs);
}

function asNumber(x: unknown): number | undefined {
  if (typeof x === "number") return x;
  if (x === "NaN") return Number.NaN;
  if (x === "Infinity") return Number.POSITIVE_INFINITY;
  if (x === "-Infinity") return Number.NEGATIVE_INFINITY;
  return undefined;
}

/**
 * Differences between `expected` and `actual`: every key of an expected object must be in actual (extra keys
 * in actual are allowed when `subset`), arrays must match in length, numbers within rel/abs tolerance
 * (integers where the expected is an integer in a path listed as exact are compared exactly by the caller).
 */
export function diff(
  expected: unknown,
  actual: unknown,
  opts: { rel?: number; abs?: number; subset?: boolean } = {},
  path = "",
  out: string[] = [],
): string[] {
  if (out.length > 10) return out;
  const rel = opts.rel ?? 1e-9;
  const abs = opts.abs ?? 0;
  const en = asNumber(expected);
  if (en !== undefined && typeof expected !== "string") {
    const an = asNumber(actual);
    if (an === undefined || !close(en, an, rel, abs))
      out.push(`${path}: expected ${expected}, got ${String(actual)}`);
    return out;
  }
  if (typeof expected === "string" && en !== undefined) {
    const an = asNumber(actual);
    if (an === undefined || !close(en, an, 0, 0))
      out.push(`${path}: expected ${expected}, got ${String(actual)}`);
    return out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(
        `${path}: expected array of ${expected.length}, got ${Array.isArray(actual) ? actual.length : typeof actual}`,
      );
      return out;
    }
    for (const [i, e] of expected.entries()) diff(e, actual[i], opts, `${path}[${i}]`, out);
    return out;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      out.push(`${path}: expected object, got ${JSON.stringify(actual)?.slice(0, 80)}`);
      return out;
    }
    const a = actual as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in a)) out.push(`${path}.${k}: missing`);
      else diff(v, a[k], opts, `${path}.${k}`, out);
    }
    if (!opts.subset) {
      for (const k of Object.keys(a))
        if (!(k in (expected as object))) out.push(`${path}.${k}: unexpected key`);
    }
    return out;
  }
  if (expected !== actual)
    out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  return out;
}
