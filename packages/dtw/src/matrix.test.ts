import { describe, expect, it } from "vitest";
import { dtwDistance } from "./dtw.js";
import { dtwMatrix } from "./matrix.js";

let seed = 3;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
};

function checkMatrix(m: Float64Array, seqs: Float64Array[], opts: { dims: number; window?: number }) {
  const n = seqs.length;
  for (let i = 0; i < n; i++) {
    expect(m[i * n + i]).toBe(0);
    for (let j = i + 1; j < n; j++) {
      const d = dtwDistance(seqs[i] as Float64Array, seqs[j] as Float64Array, opts);
      expect(m[i * n + j]).toBe(d);
      expect(m[j * n + i]).toBe(d);
    }
  }
}

describe("dtwMatrix", () => {
  // big enough to go to worker threads (these run the built worker in dist/: `pnpm test` builds first)
  const big = Array.from({ length: 5 }, (_, k) => Float64Array.from({ length: (2500 + 100 * k) * 2 }, rnd));
  // small: computed on the calling thread
  const small = Array.from({ length: 7 }, (_, k) => Float64Array.from({ length: (40 + 7 * k) * 3 }, rnd));

  it("worker threads: equals pairwise dtwDistance, symmetric, zero diagonal, with progress", async () => {
    const seen: number[] = [];
    const m = await dtwMatrix(
      big,
      { dims: 2, window: 300 },
      { threads: 2, onProgress: (p) => seen.push(p.done) },
    );
    checkMatrix(m, big, { dims: 2, window: 300 });
    expect(seen.at(-1)).toBe(10);
  });

  it("calling thread (small job, or threads: 1) gives the same numbers", async () => {
    const seen: number[] = [];
    const m = await dtwMatrix(small, { dims: 3 }, { onProgress: (p) => seen.push(p.done) });
    checkMatrix(m, small, { dims: 3 });
    expect(seen.at(-1)).toBe(21);
    const one = await dtwMatrix(big, { dims: 2, window: 300 }, { threads: 1 });
    const many = await dtwMatrix(big, { dims: 2, window: 300 }, { threads: 3 });
    expect(Array.from(one)).toEqual(Array.from(many));
  });

  it("aborts (workers and calling thread)", async () => {
    const long = Array.from({ length: 6 }, () => Float64Array.from({ length: 8000 }, rnd));
    for (const threads of [2, 1]) {
      const ctrl = new AbortController();
      const p = dtwMatrix(long, {}, { threads, signal: ctrl.signal });
      setTimeout(() => ctrl.abort(), 5);
      await expect(p).rejects.toMatchObject({ code: "E_ABORTED" });
    }
    const pre = new AbortController();
    pre.abort();
    await expect(dtwMatrix(long, {}, { signal: pre.signal })).rejects.toMatchObject({ code: "E_ABORTED" });
  });

  it("edge cases: 0 or 1 sequence; invalid input", async () => {
    expect(Array.from(await dtwMatrix([]))).toEqual([]);
    expect(Array.from(await dtwMatrix([[1, 2, 3]]))).toEqual([0]);
    await expect(dtwMatrix([[1, Number.NaN], [1]])).rejects.toMatchObject({ code: "E_DTW_NONFINITE" });
    await expect(dtwMatrix([[1], []])).rejects.toMatchObject({ code: "E_DTW_EMPTY" });
    await expect(dtwMatrix([[1], [2]], {}, { threads: 0 })).rejects.toMatchObject({ code: "E_DTW_OPTION" });
  });
});
