import { describe, expect, it } from "vitest";
import { densifyIndices } from "./_densify.js";

describe("densifyIndices", () => {
  it("scatters CSR rows into a dense row-major matrix", () => {
    // [[1 0 2], [0 0 0], [0 3 0]]
    const out = new Array(9).fill(0);
    const values = [1, 2, 3];
    const used = densifyIndices(
      [3, 3],
      {
        traversalOrder: [0, 1],
        blockMap: [],
        dimMetadata: [
          { format: "DENSE", denseSize: 3, arraySegments: null, arrayIndices: null },
          {
            format: "SPARSE_CSR",
            denseSize: 0,
            arraySegments: Uint8Array.of(0, 2, 2, 3),
            arrayIndices: Uint8Array.of(0, 2, 1),
          },
        ],
      },
      3,
      (flat, k) => {
        out[flat] = values[k];
      },
    );
    expect(used).toBe(3);
    expect(out).toEqual([1, 0, 2, 0, 0, 0, 0, 3, 0]);
  });

  it("honours a column-major traversal order (CSC)", () => {
    const out = new Array(6).fill(0);
    // dense 2x3 [[5 0 0], [0 0 7]] stored by columns: col0 {row0}, col1 {}, col2 {row1}
    densifyIndices(
      [2, 3],
      {
        traversalOrder: [1, 0],
        blockMap: [],
        dimMetadata: [
          { format: "DENSE", denseSize: 3, arraySegments: null, arrayIndices: null },
          {
            format: "SPARSE_CSR",
            denseSize: 0,
            arraySegments: Uint16Array.of(0, 1, 1, 2),
            arrayIndices: Uint16Array.of(0, 1),
          },
        ],
      },
      2,
      (flat, k) => {
        out[flat] = [5, 7][k];
      },
    );
    expect(out).toEqual([5, 0, 0, 0, 0, 7]);
  });

  it("rejects indices outside the dimension", () => {
    expect(() =>
      densifyIndices(
        [1, 2],
        {
          traversalOrder: [0, 1],
          blockMap: [],
          dimMetadata: [
            { format: "DENSE", denseSize: 1, arraySegments: null, arrayIndices: null },
            {
              format: "SPARSE_CSR",
              denseSize: 0,
              arraySegments: Int32Array.of(0, 1),
              arrayIndices: Int32Array.of(5),
            },
          ],
        },
        1,
        () => {},
      ),
    ).toThrow(/coordinate 5/);
  });
});
