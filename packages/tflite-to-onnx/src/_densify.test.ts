import { describe, expect, it } from "vitest";
import { densifyIndices } from "./_densify.js";
import type { TfliteSparsity } from "./read.js";

/** A 2-D sparsity in `traversalOrder`: the first traversed dimension dense (`denseSize`), the second CSR. */
function denseThenCsr(
  traversalOrder: number[],
  denseSize: number,
  arraySegments: TfliteSparsity["dimMetadata"][number]["arraySegments"],
  arrayIndices: TfliteSparsity["dimMetadata"][number]["arrayIndices"],
): TfliteSparsity {
  return {
    traversalOrder,
    blockMap: [],
    dimMetadata: [
      { format: "DENSE", denseSize, arraySegments: null, arrayIndices: null },
      { format: "SPARSE_CSR", denseSize: 0, arraySegments, arrayIndices },
    ],
  };
}

/** The dense row-major array of `shape` with stored value k written where densifyIndices puts it. */
function scatter(shape: number[], sparsity: TfliteSparsity, values: number[]) {
  const out = new Array(shape.reduce((a, b) => a * b, 1)).fill(0);
  const used = densifyIndices(shape, sparsity, values.length, (flat, k) => {
    out[flat] = values[k];
  });
  return { used, out };
}

describe("densifyIndices", () => {
  it("scatters CSR rows into a dense row-major matrix", () => {
    // [[1 0 2], [0 0 0], [0 3 0]]
    const sparsity = denseThenCsr([0, 1], 3, Uint8Array.of(0, 2, 2, 3), Uint8Array.of(0, 2, 1));
    const { used, out } = scatter([3, 3], sparsity, [1, 2, 3]);
    expect(used).toBe(3);
    expect(out).toEqual([1, 0, 2, 0, 0, 0, 0, 3, 0]);
  });

  it("honours a column-major traversal order (CSC)", () => {
    // dense 2x3 [[5 0 0], [0 0 7]] stored by columns: col0 {row0}, col1 {}, col2 {row1}
    const sparsity = denseThenCsr([1, 0], 3, Uint16Array.of(0, 1, 1, 2), Uint16Array.of(0, 1));
    expect(scatter([2, 3], sparsity, [5, 7]).out).toEqual([5, 0, 0, 0, 0, 7]);
  });

  it("rejects indices outside the dimension", () => {
    const sparsity = denseThenCsr([0, 1], 1, Int32Array.of(0, 1), Int32Array.of(5));
    expect(() => scatter([1, 2], sparsity, [0])).toThrow(/coordinate 5/);
  });
});
