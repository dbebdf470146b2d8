import { describe, expect, it } from "vitest";
import { dtwDistance } from "./dtw.js";
import { dtwMatrix } from "./matrix.js";

let seed = 3;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
};

describe("dtwMatrix (worker threads; runs the built worker in dist/)", () => {
  const seqs = Array.from({ length: 9 }, (_, k) => Float64Array.from({ length: (40 + 7 * k) * 3 }, rnd));

  it("equals pairwise dtwDistance, symmetric with a zero diagonal, with progress", async () => {
    const seen: number[] = [];
    const m = await dtwMatrix(
      seqs,
      { dims: 3, window: 20 },
      { threads: 2, onProgress: (p) => seen.push(p.done) },
    );
    const n = seqs.length;
    for (let i = 0; i < n; i++) {
      expect(m[i * n + i]).toBe(0);
      for (let j = i + 1; j < n; j++) {
        const d = dtwDistance(seqs[i] as Float64Array, seqs[j] as Float64Array, { dims: 3, window: 20 });
        expect(m[i * n + j]).toBe(d);
        expect(m[j * n + i]).toBe(d);
      }
    }
    expect(seen.at(-1)).toBe((n * (n - 1)) / 2);
  });

  it("one thread gives the same matrix", async () => {
    const a = await dtwMatrix(seqs.slice(0, 4), { dims: 3 }, { threads: 1 });
    const b = await dtwMatrix(seqs.slice(0, 4), { dims: 3 }, { threads: 3 });
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it("aborts", async () => {
    const ctrl = new AbortController();
    const big = Array.from({ length: 6 }, () => Float64Array.from({ length: 3000 }, rnd));
    const p = dtwMatrix(big, {}, { threads: 2, signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 5);
    await expect(p).rejects.toMatchObject({ code: "E_ABORTED" });
    const pre = new AbortController();
    pre.abort();
    await expect(dtwMatrix(big, {}, { signal: pre.signal })).rejects.toMatchObject({ code: "E_ABORTED" });
  });

  it("edge cases: 0 or 1 sequence; invalid input", async () => {
    expect(Array.from(await dtwMatrix([]))).toEqual([]);
    expect(Array.from(await dtwMatrix([[1, 2, 3]]))).toEqual([0]);
    await expect(dtwMatrix([[1, Number.NaN], [1]])).rejects.toMatchObject({ code: "E_DTW_NONFINITE" });
    await expect(dtwMatrix([[1], []])).rejects.toMatchObject({ code: "E_DTW_EMPTY" });
  });
});
