import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bruteEnumerate, bruteMatrix } from "./_brute.js";
import { errorCode } from "./_testing.js";
import { getKernel } from "./_wasm.js";
import { dtw, dtwDistance } from "./dtw.js";

const flat = (x: number[][]) => Float64Array.from(x.flat());
const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

const seriesArb = (dims: number, maxLen: number) =>
  fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: dims, maxLength: dims }), {
    minLength: 1,
    maxLength: maxLen,
  });

describe("exact DTW: hand-computed cases", () => {
  // a zero-distance warp and its path: one row per case
  it.each([
    {
      // a = 0 1 2, b = 0 0 1 2: warp the repeated 0, distance 0
      name: "univariate, unequal lengths",
      a: [0, 1, 2],
      b: [0, 0, 1, 2],
      psi: undefined,
      path: [
        [0, 0],
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    },
    {
      // b is a shifted by two frames: psi = 2 makes the distance 0
      name: "psi skips leading and trailing frames for free (path)",
      a: [0, 0, 1, 2, 3, 4],
      b: [1, 2, 3, 4, 9, 9],
      psi: 2,
      path: [
        [2, 0],
        [3, 1],
        [4, 2],
        [5, 3],
      ],
    },
  ])("$name", ({ a, b, psi, path }) => {
    const r = dtw(a, b, { psi, path: true });
    expect(r.distance).toBe(0);
    expect(r.path).toEqual(path);
  });
  it("sums per-frame Euclidean distances (not squared)", () => {
    // one-to-one path is optimal: |1-0| + |3-1| = 3; sqeuclidean: sqrt(1 + 4)
    expect(dtwDistance([1, 3], [0, 1])).toBe(3);
    expect(dtwDistance([1, 3], [0, 1], { cost: "sqeuclidean" })).toBe(Math.sqrt(5));
  });
  it("multivariate frames", () => {
    const a = new Float64Array([0, 0, 1, 1, 2, 2]);
    const b = new Float64Array([0, 0, 2, 2]);
    expect(dtwDistance(a, b, { dims: 2 })).toBe(Math.SQRT2);
    expect(
      dtwDistance(
        [
          [0, 0],
          [1, 1],
          [2, 2],
        ],
        { rows: 2, cols: 2, data: [0, 0, 2, 2] },
      ),
    ).toBe(Math.SQRT2);
  });
  it("length-1 series", () => {
    expect(dtwDistance([5], [1, 2, 3])).toBe(4 + 3 + 2);
    expect(dtw([5], [5], { path: true })).toEqual({ distance: 0, path: [[0, 0]] });
  });
  it("window 0 forces the diagonal on equal lengths", () => {
    // free warping gives 0; the diagonal costs |0-1| + |1-0| + ...
    const a = [0, 1, 0, 1];
    const b = [1, 0, 1, 0];
    expect(dtwDistance(a, b)).toBe(2);
    expect(dtwDistance(a, b, { window: 0 })).toBe(4);
  });
  it("psi skips leading and trailing frames for free", () => {
    // b is a shifted by two frames: psi = 2 makes the distance 0
    const a = [0, 0, 1, 2, 3, 4];
    const b = [1, 2, 3, 4, 9, 9];
    expect(dtwDistance(a, b)).toBeGreaterThan(0);
    expect(dtwDistance(a, b, { psi: 2 })).toBe(0);
  });
  it("early abandoning returns Infinity above maxDist and the distance otherwise", () => {
    const a = [0, 1, 2, 3, 4, 5, 6, 7];
    const b = [7, 6, 5, 4, 3, 2, 1, 0];
    const d = dtwDistance(a, b);
    expect(dtwDistance(a, b, { maxDist: d })).toBe(d);
    expect(dtwDistance(a, b, { maxDist: d * 0.999 })).toBe(Number.POSITIVE_INFINITY);
    expect(dtwDistance(a, b, { maxDist: 0.5, engine: "js" })).toBe(Number.POSITIVE_INFINITY);
    expect(dtwDistance(a, b, { maxDist: 1, cost: "sqeuclidean" })).toBe(Number.POSITIVE_INFINITY);
  });
  it("identical series have distance 0 and the diagonal path", () => {
    const a = [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ];
    expect(dtw(a, a, { path: true })).toEqual({
      distance: 0,
      path: [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
    });
  });
});

describe("exact DTW: errors", () => {
  it("rejects NaN / Infinity, empty input, mismatched widths and bad options", () => {
    const code = errorCode;
    expect(code(() => dtwDistance([1, Number.NaN], [1]))).toBe("E_DTW_NONFINITE");
    expect(code(() => dtwDistance([1, 2], [Number.POSITIVE_INFINITY]))).toBe("E_DTW_NONFINITE");
    expect(code(() => dtwDistance([], [1]))).toBe("E_DTW_EMPTY");
    expect(code(() => dtwDistance([[1, 2]], [[1, 2, 3]]))).toBe("E_DTW_SHAPE");
    expect(code(() => dtwDistance(new Float64Array(5), new Float64Array(4), { dims: 2 }))).toBe(
      "E_DTW_SHAPE",
    );
    expect(code(() => dtwDistance([1], [1], { window: -1 }))).toBe("E_DTW_OPTION");
    expect(code(() => dtwDistance([1], [1], { psi: 1.5 }))).toBe("E_DTW_OPTION");
    expect(code(() => dtwDistance([1], [1], { cost: "manhattan" as "euclidean" }))).toBe("E_DTW_OPTION");
    expect(code(() => dtwDistance([1], [1], { maxDist: Number.NaN }))).toBe("E_DTW_OPTION");
  });
});

describe("exact DTW: property tests against brute force", () => {
  it("the WebAssembly kernel is available on this Node", () => {
    expect(getKernel()).not.toBeNull();
  });

  it("matches exhaustive path enumeration on tiny inputs (windows, psi, both costs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((d) => fc.tuple(seriesArb(d, 5), seriesArb(d, 5))),
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        ([a, b], window, psi, sq) => {
          const cost = sq ? "sqeuclidean" : "euclidean";
          const want = bruteEnumerate(a, b, { sq, window, psi });
          for (const engine of ["js", "wasm"] as const) {
            const got = dtwDistance(a, b, { cost, window, psi, engine });
            expect(rel(got, want)).toBe(true);
          }
          const p = dtw(a, b, { cost, window, psi, path: true });
          expect(rel(p.distance, want)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("matches a full-matrix reference bit for bit; JS and WASM agree exactly; the path costs the distance", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 7 })
          .chain((d) => fc.tuple(seriesArb(d, 40), seriesArb(d, 40), fc.constant(d))),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        ([a, b, d], window, psi, sq) => {
          const cost = sq ? "sqeuclidean" : "euclidean";
          const want = bruteMatrix(a, b, { sq, window, psi });
          const js = dtwDistance(a, b, { cost, window, psi, engine: "js" });
          const wasm = dtwDistance(flat(a), flat(b), { cost, window, psi, engine: "wasm", dims: d });
          const f32 = dtwDistance(Float32Array.from(a.flat()), Float32Array.from(b.flat()), {
            dims: d,
            cost,
          });
          expect(js).toBe(want);
          expect(wasm).toBe(js);
          expect(Number.isFinite(f32)).toBe(true);
          const p = dtw(a, b, { cost, window, psi, path: true });
          expect(p.distance).toBe(want);
          // the path is a valid warping path whose summed cost is the distance
          const path = p.path ?? [];
          let acc = 0;
          for (let k = 0; k < path.length; k++) {
            const [i, j] = path[k] as [number, number];
            if (k > 0) {
              const [pi, pj] = path[k - 1] as [number, number];
              expect(i - pi >= 0 && i - pi <= 1 && j - pj >= 0 && j - pj <= 1 && i + j > pi + pj).toBe(true);
            }
            let s = 0;
            for (let q = 0; q < d; q++) s += ((a[i]?.[q] as number) - (b[j]?.[q] as number)) ** 2;
            acc += sq ? s : Math.sqrt(s);
          }
          expect(rel(sq ? Math.sqrt(acc) : acc, want)).toBe(true);
          // maxDist: exactly at the distance keeps it, just below abandons
          expect(dtwDistance(a, b, { cost, window, psi, maxDist: want })).toBe(want);
          const below = want * (1 - 1e-9);
          if (below < want) {
            expect(dtwDistance(a, b, { cost, window, psi, maxDist: below })).toBe(Number.POSITIVE_INFINITY);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("larger random inputs: JS and WASM agree bit for bit (full and windowed, rows not a multiple of 4)", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    for (const [n, m, d] of [
      [301, 257, 1],
      [190, 203, 3],
      [77, 150, 99],
      [1, 64, 3],
      [700, 613, 2],
    ] as const) {
      const a = Float64Array.from({ length: n * d }, rnd);
      const b = Float64Array.from({ length: m * d }, rnd);
      for (const window of [undefined, 0, 5, 30]) {
        for (const cost of ["euclidean", "sqeuclidean"] as const) {
          for (const psi of [0, 3]) {
            const js = dtwDistance(a, b, { dims: d, window, cost, psi, engine: "js" });
            const wasm = dtwDistance(a, b, { dims: d, window, cost, psi, engine: "wasm" });
            expect(wasm).toBe(js);
            expect(dtw(a, b, { dims: d, window, cost, psi, path: true }).distance).toBe(js);
            // early abandoning at the distance keeps it; just below gives Infinity (both engines)
            for (const engine of ["js", "wasm"] as const) {
              expect(dtwDistance(a, b, { dims: d, window, cost, psi, engine, maxDist: js })).toBe(js);
              expect(dtwDistance(a, b, { dims: d, window, cost, psi, engine, maxDist: js * 0.999 })).toBe(
                Number.POSITIVE_INFINITY,
              );
            }
          }
        }
      }
    }
  });
});
