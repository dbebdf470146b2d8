// Densify a TFLite sparse constant (TACO-style format, as TFLite's FormatConverter does it).
import type { TfliteSparsity } from "./read.js";

/**
 * Scatter the stored values of a sparse tensor into a dense row-major array of `shape`.
 * `read(i)` returns stored value i (in storage order); `write(flatIndex, i)` stores it. Block sparsity
 * (`blockMap`) is handled by the caller refusing it; traversal order may be any permutation.
 * Returns how many stored values were consumed.
 */
export function densifyIndices(
  shape: readonly number[],
  sparsity: TfliteSparsity,
  stored: number,
  write: (flatIndex: number, storedIndex: number) => void,
): number {
  const rank = shape.length;
  const order = sparsity.traversalOrder;
  const meta = sparsity.dimMetadata;
  const strides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const idx = new Array<number>(order.length).fill(0);
  let next = 0;
  const visit = (level: number, prev: number): void => {
    if (level === order.length) {
      let flat = 0;
      for (let i = 0; i < rank; i++) flat += idx[i] * strides[order[i]];
      if (next >= stored)
        throw new Error(`sparse tensor stores fewer values than its indices address (${stored})`);
      write(flat, next++);
      return;
    }
    const m = meta[level];
    if (m.format === "DENSE") {
      const n = m.denseSize;
      for (let i = 0; i < n; i++) {
        idx[level] = i;
        visit(level + 1, prev * n + i);
      }
      return;
    }
    const seg = m.arraySegments;
    const ind = m.arrayIndices;
    if (!seg || !ind) throw new Error(`sparse dimension ${level} has no segment or index array`);
    if (prev + 1 >= seg.length) throw new Error(`sparse dimension ${level}: segment ${prev} out of range`);
    const dimSize = shape[order[level]];
    for (let i = seg[prev]; i < seg[prev + 1]; i++) {
      if (i >= ind.length) throw new Error(`sparse dimension ${level}: index ${i} out of range`);
      const j = ind[i];
      if (j >= dimSize) throw new Error(`sparse dimension ${level}: coordinate ${j} >= size ${dimSize}`);
      idx[level] = j;
      visit(level + 1, i);
    }
  };
  visit(0, 0);
  return next;
}
