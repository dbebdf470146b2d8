// Test helpers for the parity tests against the original Python NeuroPose
// (../shared/fixtures/neuropose-parity/cases.json; its README defines the formats and tolerances).
// Shared by the packages' parity tests; import it relatively, e.g. `../../../config/parity.js`.
import { readFileSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "./fixtures.js";

/** The fixture, relative to ../shared/fixtures. */
export const PARITY_FIXTURE = ["neuropose-parity", "cases.json"] as const;

export interface ParityCase {
  id: string;
  op: string;
  args: Record<string, unknown>;
  expected: unknown;
  note?: string;
}

/** A pydantic error item (`errors` of a ValidationError case). */
export interface PydanticErrorItem {
  type: string;
  loc: (string | number)[];
}

/** `expected` of a case where the original raised: `type(exc).__name__`, `str(exc)`, pydantic's `errors`. */
export interface ExpectedError {
  error_type: string;
  error: string;
  errors?: PydanticErrorItem[];
}

/** `fixtureSuite` over the parity fixture: runs when cases.json exists, else skips with a printed reason. */
export function paritySuite(name: string, fn: () => void): void {
  fixtureSuite(name, [...PARITY_FIXTURE], fn);
}

/**
 * The cases of the given ops (all cases without `ops`), in file order. Call it inside a {@link paritySuite}
 * body, which is collected only when the fixture exists.
 */
export function loadCases(ops?: readonly string[]): ParityCase[] {
  const all = JSON.parse(readFileSync(fixturePath(...PARITY_FIXTURE), "utf8")) as ParityCase[];
  return ops ? all.filter((c) => ops.includes(c.op)) : all;
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

/** Whether a case's `expected` records an exception of the original. */
export function isExpectedError(x: unknown): x is ExpectedError {
  return x !== null && typeof x === "object" && !Array.isArray(x) && "error_type" in x;
}

/** What `fn` threw, or undefined when it returned. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/**
 * One rule mapping an error of the original to the NeuroPoseError code of the port: the Python class and,
 * optionally, its message (a string: the message starts with it; a RegExp: the message matches it).
 */
export interface ErrorRule {
  type: string;
  message?: string | RegExp;
  code: string;
}

/**
 * The code of the first rule that matches `e` (rules are tried in order), or `<unmapped ...>`, which no
 * port code equals, so that an unmapped error fails the comparison.
 */
export function expectedCode(e: ExpectedError, rules: readonly ErrorRule[]): string {
  for (const r of rules) {
    if (r.type !== e.error_type) continue;
    if (r.message === undefined) return r.code;
    if (typeof r.message === "string" ? e.error.startsWith(r.message) : r.message.test(e.error))
      return r.code;
  }
  return e.error_type === "ValueError" ? `<unmapped ValueError: ${e.error}>` : `<unmapped ${e.error_type}>`;
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
 * The README's number rule: NaN only equals NaN, infinities must match exactly, otherwise
 * |a - e| <= max(rel * max(|a|, |e|), abs).
 */
export function withinTolerance(actual: number, expected: number, t: Tolerance): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return expected === actual;
  return (
    Math.abs(actual - expected) <= Math.max(t.rel * Math.max(Math.abs(actual), Math.abs(expected)), t.abs)
  );
}

export interface CompareOptions {
  /** Allow keys in actual objects that the expected ones lack (default false: the key sets must be equal). */
  subset?: boolean;
}

/**
 * Compare `actual` with the decoded `expected`; returns a list of mismatch descriptions (empty when equal,
 * at most about 10). Numbers follow `withinTolerance`; strings, booleans, null and the structure are exact
 * (arrays in order and length, objects by key set, keys whose actual value is undefined counting as absent).
 * `tol` is one tolerance or picks one per path (`$.aligned[0][1][2]`).
 */
export function compare(
  actual: unknown,
  expected: unknown,
  tol: Tolerance | ((path: string) => Tolerance),
  options: CompareOptions = {},
): string[] {
  const tolFor = typeof tol === "function" ? tol : () => tol;
  const out: string[] = [];
  compareAt(actual, expected, tolFor, options.subset ?? false, "$", out);
  return out;
}

function compareAt(
  actual: unknown,
  expected: unknown,
  tolFor: (path: string) => Tolerance,
  subset: boolean,
  path: string,
  out: string[],
): void {
  if (out.length > 10) return;
  if (ArrayBuffer.isView(actual)) actual = Array.from(actual as Float64Array);
  if (typeof expected === "number") {
    if (typeof actual !== "number") {
      out.push(`${path}: expected number ${expected}, got ${JSON.stringify(actual)}`);
    } else if (!withinTolerance(actual, expected, tolFor(path))) {
      const diff = Math.abs(actual - expected);
      out.push(
        `${path}: expected ${expected}, got ${actual}${Number.isFinite(diff) ? ` (diff ${diff})` : ""}`,
      );
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push(`${path}: expected array, got ${JSON.stringify(actual)?.slice(0, 80)}`);
    } else if (actual.length !== expected.length) {
      out.push(`${path}: expected length ${expected.length}, got ${actual.length}`);
    } else {
      expected.forEach((e, i) => {
        compareAt(actual[i], e, tolFor, subset, `${path}[${i}]`, out);
      });
    }
    return;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      out.push(`${path}: expected object, got ${JSON.stringify(actual)?.slice(0, 80)}`);
      return;
    }
    const a = actual as Record<string, unknown>;
    const ek = Object.keys(expected).sort();
    const ak = Object.keys(a)
      .filter((k) => a[k] !== undefined)
      .sort();
    const missing = ek.filter((k) => !ak.includes(k));
    const extra = subset ? [] : ak.filter((k) => !ek.includes(k));
    if (missing.length > 0 || extra.length > 0) {
      out.push(`${path}: expected keys [${ek}], got [${ak}]`);
      return;
    }
    for (const k of ek)
      compareAt(a[k], (expected as Record<string, unknown>)[k], tolFor, subset, `${path}.${k}`, out);
    return;
  }
  if (actual !== expected)
    out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Python's math.fsum (exact sum, one rounding): Shewchuk's algorithm, for sums compared with the originals'. */
export function fsum(xs: ArrayLike<number>): number {
  const partials: number[] = [];
  for (let x of Array.from(xs)) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  return partials.reduce((a, c) => a + c, 0);
}

/** What {@link opParitySuite} needs from a package's parity test. */
export interface OpParityOptions {
  /** The suite's name, e.g. "parity with the original NeuroPose (segment ops)". */
  name: string;
  /** The ops the package ports; the suite runs their cases. */
  ops: readonly string[];
  /** Title of the test that every op has cases; `coverage` adds checks to it. */
  coverageTitle: string;
  coverage?: (cases: ParityCase[]) => void;
  /** Runs one case through the port. */
  run: (c: ParityCase) => unknown;
  /** The tolerance of each path of a case's result. */
  tolerance: (c: ParityCase) => (path: string) => Tolerance;
  /** Python error → the port's code. */
  errorCodes: readonly ErrorRule[];
  /** Whether an error is the port's own (io's `isNeuroPoseError`; config/ does not import io). */
  isPortError: (e: unknown) => boolean;
  /** Whether the port's message says what Python's did. */
  messageMatches: (e: ExpectedError, got: Error) => boolean;
  /** More checks of an error case (e.g. pydantic issue paths). */
  checkError?: (expected: ExpectedError, err: unknown) => void;
  /** More tests, collected before the per-case ones. */
  extra?: (cases: ParityCase[]) => void;
  /** The line printed after the suite. */
  report: (ran: number, cases: ParityCase[]) => string;
}

/**
 * A {@link paritySuite} for a package that ports ops of the original: a test that every op has cases, `extra`
 * tests, then one test a case: an error case must throw the port's error with the mapped code and a matching
 * message; any other case must return `expected` within the tolerance.
 */
export function opParitySuite(o: OpParityOptions): void {
  paritySuite(o.name, () => {
    const cases = loadCases(o.ops);
    let ran = 0;
    afterAll(() => {
      console.log(o.report(ran, cases));
    });

    it(o.coverageTitle, () => {
      for (const op of o.ops)
        expect(
          cases.some((c) => c.op === op),
          op,
        ).toBe(true);
      o.coverage?.(cases);
    });
    o.extra?.(cases);

    for (const c of cases) {
      it(c.id, () => {
        const expected = decode(c.expected);
        if (isExpectedError(c.expected)) {
          const err = thrown(() => o.run(c));
          expect(err, "expected the call to fail").toBeInstanceOf(Error);
          expect(o.isPortError(err), String(err)).toBe(true);
          expect((err as { code?: unknown }).code).toBe(expectedCode(c.expected, o.errorCodes));
          expect(
            o.messageMatches(c.expected, err as Error),
            `${(err as Error).message} vs ${c.expected.error}`,
          ).toBe(true);
          o.checkError?.(c.expected, err);
        } else {
          expect(compare(o.run(c), expected, o.tolerance(c))).toEqual([]);
        }
        ran++;
      });
    }
  });
}
