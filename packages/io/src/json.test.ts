import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonParseError } from "./errors.js";
import { parseJson, stringifyJson } from "./json.js";

describe("parseJson", () => {
  it("reads plain JSON", () => {
    expect(parseJson('{"a": [1, 2.5, "x", null, true]}')).toEqual({ a: [1, 2.5, "x", null, true] });
  });

  it("reads the bare NaN / Infinity / -Infinity tokens Python writes", () => {
    const v = parseJson('{"x": NaN, "y": [Infinity, -Infinity, 1.0], "z": {"w": [NaN]}}') as {
      x: number;
      y: number[];
      z: { w: number[] };
    };
    expect(v.x).toBeNaN();
    expect(v.y).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]);
    expect(v.z.w[0]).toBeNaN();
    expect(parseJson("NaN")).toBeNaN();
    expect(parseJson("-Infinity")).toBe(Number.NEGATIVE_INFINITY);
  });

  it("leaves the tokens alone inside strings, including escaped quotes", () => {
    const v = parseJson('{"s": "NaN Infinity \\" -Infinity", "t": "NaN", "n": NaN, "NaN": 1}') as Record<
      string,
      unknown
    >;
    expect(v.s).toBe('NaN Infinity " -Infinity');
    expect(v.t).toBe("NaN");
    expect(v.n).toBeNaN();
    expect(v.NaN).toBe(1);
  });

  it("strips a byte order mark", () => {
    expect(parseJson("\ufeff[1]")).toEqual([1]);
  });

  it("reports the source and line/column of invalid JSON", () => {
    let err: unknown;
    try {
      parseJson('{\n  "a": 1,\n  "b": }', { source: "preds.json" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonParseError);
    expect((err as JsonParseError).code).toBe("E_JSON");
    expect((err as JsonParseError).message).toMatch(/^preds\.json: invalid JSON at line 3, column \d+/);
    expect(() => parseJson('{"x": NaN,}')).toThrow(/line 1, column 11: expected a property name/);
    expect(() => parseJson('{"a": [1, 2', { source: "x.json" })).toThrow(
      "x.json: invalid JSON at line 1, column 12: unexpected end of input (truncated file?)",
    );
    expect(() => parseJson('["a\\q"]')).toThrow(/bad escape/);
    expect(() => parseJson("[1] 2")).toThrow(/unexpected "2" after the end/);
    expect(() => parseJson("[01]")).toThrow(/line 1, column 3: unexpected "1"/);
    expect(() => parseJson("")).toThrow(JsonParseError);
    expect(() => parseJson("nan")).toThrow(JsonParseError);
  });
});

describe("stringifyJson", () => {
  it("writes valid JSON with non-finite numbers as strings", () => {
    const text = stringifyJson({
      a: Number.NaN,
      b: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5],
    });
    expect(JSON.parse(text)).toEqual({ a: "NaN", b: ["Infinity", "-Infinity", 1.5] });
    expect(text.endsWith("\n")).toBe(true);
    expect(stringifyJson([1], { indent: 0 })).toBe("[1]\n");
    expect(stringifyJson({ a: 1 })).toBe('{\n  "a": 1\n}\n');
  });

  it("writes exactly JSON.stringify's text when every number is finite", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(stringifyJson(v)).toBe(`${JSON.stringify(v, null, 2)}\n`);
        expect(stringifyJson({ v, x: [Number.NaN] })).toBe(`${JSON.stringify({ v, x: ["NaN"] }, null, 2)}\n`);
      }),
      { numRuns: 200 },
    );
  });

  it("round-trips every finite double exactly", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true })), (xs) => {
        const back = parseJson(stringifyJson(xs)) as number[];
        expect(back).toEqual(xs.map((x) => (Object.is(x, -0) ? 0 : x)));
      }),
      { numRuns: 200 },
    );
  });

  it("parseJson reads Python-style text of any JSON value", () => {
    // Python's json.dumps writes the bare tokens; emulate it and read back.
    const pyDumps = (v: unknown): string =>
      JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? `@@${x}@@` : x)).replace(
        /"@@(NaN|Infinity|-Infinity)@@"/g,
        "$1",
      );
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.double()), (v, xs) => {
        const doc = { v, xs };
        const back = parseJson(pyDumps(doc)) as typeof doc;
        expect(back.v).toEqual(JSON.parse(JSON.stringify(v)));
        expect(back.xs).toEqual(xs.map((x) => (Object.is(x, -0) ? 0 : x)));
      }),
      { numRuns: 200 },
    );
  });
});
