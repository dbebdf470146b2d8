// Emulation of numpy 2.x's default `np.argsort` for float64 on x86-64 CPUs with AVX-512 (numpy dispatches to
// x86-simd-sort's `avx512_argsort`, which is NOT stable). scipy's find_peaks distance filter visits peaks in
// this order, so reproducing scipy's choice among equal-height peaks needs it. Covered: arrays of up to 256
// elements (x86-simd-sort's bitonic key-index network over 8-lane registers, with its early exit for
// already-sorted input); longer arrays fall back to a stable order (their quicksort partitioning is not
// emulated). NaN never reaches here (NaN is never a peak).

const LANES = 8;

type Regs = { k: Float64Array; i: Float64Array }[];

/** Lane-wise `cmp_merge`: lane gets max where the mask bit is set, else min; ties keep their own index. */
function cmpMerge(
  reg: { k: Float64Array; i: Float64Array },
  partner: (l: number) => number,
  mask: number,
): void {
  const k = reg.k;
  const idx = reg.i;
  const k2 = new Float64Array(LANES);
  const i2 = new Float64Array(LANES);
  for (let l = 0; l < LANES; l++) {
    k2[l] = k[partner(l)];
    i2[l] = idx[partner(l)];
  }
  for (let l = 0; l < LANES; l++) {
    const a = k[l];
    const b = k2[l];
    // biome-ignore lint/complexity/useMathMinMax: _mm512_min_pd(in2, in1) operand order, kept exact
    const mn = b < a ? b : a;
    // biome-ignore lint/complexity/useMathMinMax: _mm512_max_pd(in2, in1) operand order, kept exact
    const mx = b > a ? b : a;
    const t = (mask >> l) & 1 ? mx : mn;
    if (t !== a) idx[l] = i2[l];
    k[l] = t;
  }
}

/** x86-simd-sort `sort_reg_8lanes` (bitonic network inside one register). */
function sortReg(reg: { k: Float64Array; i: Float64Array }): void {
  cmpMerge(reg, (l) => l ^ 1, 0xaa);
  cmpMerge(reg, (l) => l ^ 3, 0xcc);
  cmpMerge(reg, (l) => l ^ 1, 0xaa);
  cmpMerge(reg, (l) => l ^ 7, 0xf0);
  cmpMerge(reg, (l) => l ^ 2, 0xcc);
  cmpMerge(reg, (l) => l ^ 1, 0xaa);
}

/** x86-simd-sort `bitonic_merge_reg_8lanes` (half cleaners inside one register). */
function mergeReg(reg: { k: Float64Array; i: Float64Array }): void {
  cmpMerge(reg, (l) => l ^ 4, 0xf0);
  cmpMerge(reg, (l) => l ^ 2, 0xcc);
  cmpMerge(reg, (l) => l ^ 1, 0xaa);
}

/** Lane-wise compare-exchange of two registers; equal keys keep their indices. */
function coex(a: { k: Float64Array; i: Float64Array }, b: { k: Float64Array; i: Float64Array }): void {
  for (let l = 0; l < LANES; l++) {
    const k1 = a.k[l];
    const k2 = b.k[l];
    // biome-ignore lint/complexity/useMathMinMax: _mm512_min_pd(k1, k2) operand order, kept exact
    const mn = k1 < k2 ? k1 : k2;
    // biome-ignore lint/complexity/useMathMinMax: _mm512_max_pd(k1, k2) operand order, kept exact
    const mx = k1 > k2 ? k1 : k2;
    const keep = mn === k1;
    const i1 = a.i[l];
    const i2 = b.i[l];
    a.k[l] = mn;
    b.k[l] = mx;
    a.i[l] = keep ? i1 : i2;
    b.i[l] = keep ? i2 : i1;
  }
}

function reverse(reg: { k: Float64Array; i: Float64Array }): void {
  reg.k.reverse();
  reg.i.reverse();
}

function mergeNVec(regs: Regs, off: number, numVecs: number): void {
  for (let v = 0; v < numVecs / 2; v++) {
    const hi = regs[off + numVecs - v - 1];
    reverse(hi);
    coex(regs[off + v], hi);
    reverse(hi);
  }
  for (let num = numVecs / 2; num >= 2; num /= 2) {
    for (let j = 0; j < numVecs; j += num) {
      for (let v = 0; v < num / 2; v++) coex(regs[off + v + j], regs[off + v + j + num / 2]);
    }
  }
  for (let v = 0; v < numVecs; v++) mergeReg(regs[off + v]);
}

function stableArgsort(keys: ArrayLike<number>): number[] {
  return Array.from({ length: keys.length }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
}

/**
 * numpy's `np.argsort(keys)` (default kind) as computed on an AVX-512 CPU, for up to 256 keys without NaN;
 * a stable argsort otherwise.
 */
export function numpyAvx512Argsort(keys: ArrayLike<number>): number[] {
  const n = keys.length;
  const identity = Array.from({ length: n }, (_, i) => i);
  if (n <= 1) return identity;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (keys[i] < keys[i - 1]) sorted = false;
  if (sorted) return identity; // x86-simd-sort's early exit
  if (n > 256) return stableArgsort(keys);
  let numVecs = 32;
  while (numVecs > 1 && n * 2 <= numVecs * LANES) numVecs /= 2;
  const regs: Regs = [];
  for (let v = 0; v < numVecs; v++) {
    const k = new Float64Array(LANES).fill(Number.POSITIVE_INFINITY);
    const i = new Float64Array(LANES).fill(Number.MAX_SAFE_INTEGER);
    for (let l = 0; l < LANES; l++) {
      const p = v * LANES + l;
      if (p < n) {
        k[l] = keys[p];
        i[l] = p;
      }
    }
    regs.push({ k, i });
  }
  for (const r of regs) sortReg(r);
  for (let per = 2; per <= numVecs; per *= 2) {
    for (let v = 0; v < numVecs / per; v++) mergeNVec(regs, v * per, per);
  }
  const out: number[] = [];
  for (let p = 0; p < n; p++) out.push(regs[Math.floor(p / LANES)].i[p % LANES]);
  return out;
}
