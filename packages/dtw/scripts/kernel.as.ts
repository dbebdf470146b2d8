// AssemblyScript source of the exact-DTW WebAssembly SIMD kernel (compiled by build-wasm.mjs, embedded as base64
// in src/_kernel-wasm.ts). Memory is laid out by the caller (src/_wasm.ts):
//   a     : n x d row-major f64 (the "row" series)
//   bp    : ceil(m / 2) blocks of d x 2 f64: block p holds frames 2p and 2p+1 interleaved per dimension
//   cost  : 8 rows of (m + 2) f64 (local costs of a strip of 8 rows)
//   rows  : 9 buffers of (m + 1) f64, `stride` bytes apart (padded DP rows; index 0 is the boundary column)
//   carry : 8 x 2 f64 (per strip row: last value of the previous column block, running row minimum)
// Every cell's cost is accumulated in the same order as the JavaScript engine (sum over dimensions from 0,
// then sqrt), and D = c + min(diag, up, left), so both engines agree bit for bit.

// @ts-nocheck

const INF: f64 = Infinity;

function bandLo(i: i32, n: i32, m: i32, w: i32): i32 {
  if (w < 0) return 0;
  const v = i - w - max<i32>(0, n - m);
  return max<i32>(v, 0);
}

function bandHi(i: i32, n: i32, m: i32, w: i32): i32 {
  if (w < 0) return m - 1;
  const v = i + w + max<i32>(0, m - n);
  return min<i32>(v, m - 1);
}

/**
 * Univariate costs of rows i0..i0+3: |a - b| (Euclidean: exactly sqrt((a - b)^2) without its under/overflow) or
 * (a - b)^2 (squared). The general path below would also serve D = 1 squared, but its loop over dimensions
 * (a splat load per row per column pair, loop control, the sqrt test) made that case ~25% slower per cell than
 * D = 1 Euclidean; here both costs take one sub and one abs or mul per column pair. `sq` is the same for every
 * call of a run, so the branch is perfectly predicted. Two loops on purpose: one loop with `sq ? mul : abs` per
 * store compiles to a select of both (measured ~10% slower per cell for both costs).
 */
function stripCosts1(
  a: usize,
  n: i32,
  bp: usize,
  i0: i32,
  p0: i32,
  p1: i32,
  cost: usize,
  cw: i32,
  sq: i32,
): void {
  const v0 = v128.load64_splat(a + ((<usize>min<i32>(i0, n - 1)) << 3));
  const v1 = v128.load64_splat(a + ((<usize>min<i32>(i0 + 1, n - 1)) << 3));
  const v2 = v128.load64_splat(a + ((<usize>min<i32>(i0 + 2, n - 1)) << 3));
  const v3 = v128.load64_splat(a + ((<usize>min<i32>(i0 + 3, n - 1)) << 3));
  const cwb = (<usize>cw) << 3;
  if (sq) {
    for (let p = p0; p <= p1; p++) {
      const bv = v128.load(bp + ((<usize>p) << 4));
      const o = cost + ((<usize>p) << 4);
      const t0 = f64x2.sub(v0, bv);
      const t1 = f64x2.sub(v1, bv);
      const t2 = f64x2.sub(v2, bv);
      const t3 = f64x2.sub(v3, bv);
      v128.store(o, f64x2.mul(t0, t0));
      v128.store(o + cwb, f64x2.mul(t1, t1));
      v128.store(o + 2 * cwb, f64x2.mul(t2, t2));
      v128.store(o + 3 * cwb, f64x2.mul(t3, t3));
    }
    return;
  }
  for (let p = p0; p <= p1; p++) {
    const bv = v128.load(bp + ((<usize>p) << 4));
    const o = cost + ((<usize>p) << 4);
    v128.store(o, f64x2.abs(f64x2.sub(v0, bv)));
    v128.store(o + cwb, f64x2.abs(f64x2.sub(v1, bv)));
    v128.store(o + 2 * cwb, f64x2.abs(f64x2.sub(v2, bv)));
    v128.store(o + 3 * cwb, f64x2.abs(f64x2.sub(v3, bv)));
  }
}

/** Local costs of rows i0..i0+3 (rows past n repeat row n-1) for column blocks p0..p1 (inclusive). */
function stripCosts(
  a: usize,
  n: i32,
  bp: usize,
  d: i32,
  i0: i32,
  p0: i32,
  p1: i32,
  cost: usize,
  cw: i32,
  sq: i32,
): void {
  const rowBytes = (<usize>d) << 3;
  const r0 = a + <usize>min<i32>(i0 + 0, n - 1) * rowBytes;
  const r1 = a + <usize>min<i32>(i0 + 1, n - 1) * rowBytes;
  const r2 = a + <usize>min<i32>(i0 + 2, n - 1) * rowBytes;
  const r3 = a + <usize>min<i32>(i0 + 3, n - 1) * rowBytes;
  const cwb = (<usize>cw) << 3;
  for (let p = p0; p <= p1; p++) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let bptr = bp + <usize>p * (rowBytes << 1);
    for (let k = 0; k < d; k++) {
      const bv = v128.load(bptr);
      const ko = (<usize>k) << 3;
      const t0 = f64x2.sub(v128.load64_splat(r0 + ko), bv);
      s0 = f64x2.add(s0, f64x2.mul(t0, t0));
      const t1 = f64x2.sub(v128.load64_splat(r1 + ko), bv);
      s1 = f64x2.add(s1, f64x2.mul(t1, t1));
      const t2 = f64x2.sub(v128.load64_splat(r2 + ko), bv);
      s2 = f64x2.add(s2, f64x2.mul(t2, t2));
      const t3 = f64x2.sub(v128.load64_splat(r3 + ko), bv);
      s3 = f64x2.add(s3, f64x2.mul(t3, t3));
      bptr += 16;
    }
    if (!sq) {
      s0 = f64x2.sqrt(s0);
      s1 = f64x2.sqrt(s1);
      s2 = f64x2.sqrt(s2);
      s3 = f64x2.sqrt(s3);
    }
    const o = cost + ((<usize>p) << 4);
    v128.store(o + 0 * cwb, s0);
    v128.store(o + 1 * cwb, s1);
    v128.store(o + 2 * cwb, s2);
    v128.store(o + 3 * cwb, s3);
  }
}

// Column block width of the cache-blocked sweep (costs of 8 rows x BLOCK columns stay in L1).
const BLOCK: i32 = 256;

function rowBuf(base: usize, stride: usize, k: i32): usize {
  return base + <usize>k * stride;
}

/**
 * Exact DTW distance in accumulation scale (sum of costs; the caller takes the square root for sqeuclidean).
 * w < 0: no window. bound: early-abandon bound in accumulation scale (Infinity = off).
 * Rows are processed in strips of 8 and columns in blocks of BLOCK: for each block the local costs of the 8
 * rows are computed (SIMD over column pairs, 4 rows at a time), then the recurrence runs on two rows at once,
 * the second one column behind the first, so two dependency chains overlap. Row k of the DP lives in one of 9
 * padded row buffers (m + 1 values each; index 0 is the boundary column) at `rows + k * stride`.
 */
export function distance(
  a: usize,
  n: i32,
  bp: usize,
  m: i32,
  d: i32,
  sq: i32,
  w: i32,
  psi: i32,
  bound: f64,
  cost: usize,
  rows: usize,
  stride: usize,
  carry: usize,
): f64 {
  const cw = m + 2;
  let prevK = 0;
  const p0 = rowBuf(rows, stride, 0);
  for (let j = 0; j <= m; j++) store<f64>(p0 + ((<usize>j) << 3), j <= psi ? 0 : INF);
  let endBest = INF;
  // carry: per strip row r, [left value, row minimum] as f64 pairs
  for (let i0 = 0; i0 < n; i0 += 8) {
    const nr = min<i32>(8, n - i0);
    const lu = bandLo(i0, n, m, w);
    const hu = bandHi(i0 + nr - 1, n, m, w);
    for (let r = 0; r < nr; r++) {
      const i = i0 + r;
      const b0: f64 = lu === 0 ? (i + 1 <= psi ? 0 : INF) : INF;
      store<f64>(rowBuf(rows, stride, (prevK + 1 + r) % 9) + ((<usize>lu) << 3), b0);
      store<f64>(carry + ((<usize>r) << 4), b0);
      store<f64>(carry + ((<usize>r) << 4) + 8, INF);
    }
    for (let c0 = lu; c0 <= hu; c0 += BLOCK) {
      const c1 = min<i32>(hu, c0 + BLOCK - 1);
      if (d === 1) {
        stripCosts1(a, n, bp, i0, c0 >> 1, c1 >> 1, cost, cw, sq);
        if (nr > 4) stripCosts1(a, n, bp, i0 + 4, c0 >> 1, c1 >> 1, cost + ((<usize>(4 * cw)) << 3), cw, sq);
      } else {
        stripCosts(a, n, bp, d, i0, c0 >> 1, c1 >> 1, cost, cw, sq);
        if (nr > 4)
          stripCosts(a, n, bp, d, i0 + 4, c0 >> 1, c1 >> 1, cost + ((<usize>(4 * cw)) << 3), cw, sq);
      }
      for (let r = 0; r < nr; r++) {
        const lo = bandLo(i0 + r, n, m, w);
        const hi = bandHi(i0 + r, n, m, w);
        const crow = cost + ((<usize>(r * cw)) << 3);
        const e1 = min<i32>(lo - 1, c1);
        for (let j = c0; j <= e1; j++) store<f64>(crow + ((<usize>j) << 3), INF);
        for (let j = max<i32>(hi + 1, c0); j <= c1; j++) store<f64>(crow + ((<usize>j) << 3), INF);
      }
      let r = 0;
      while (r + 1 < nr) {
        const prev = rowBuf(rows, stride, (prevK + r) % 9);
        const x = rowBuf(rows, stride, (prevK + 1 + r) % 9);
        const y = rowBuf(rows, stride, (prevK + 2 + r) % 9);
        const ca = cost + ((<usize>(r * cw)) << 3);
        const cb = ca + ((<usize>cw) << 3);
        const carA = carry + ((<usize>r) << 4);
        const carB = carA + 16;
        const inA = v128.load64_splat(carA);
        // row r at column c0
        let uA = v128.load64_splat(prev + ((<usize>(c0 + 1)) << 3));
        let leftA = f64x2.add(
          v128.load64_splat(ca + ((<usize>c0) << 3)),
          f64x2.pmin(f64x2.pmin(v128.load64_splat(prev + ((<usize>c0) << 3)), uA), inA),
        );
        v128.store_lane<f64>(x + ((<usize>(c0 + 1)) << 3), leftA, 0);
        let a2 = inA;
        let leftB = v128.load64_splat(carB);
        let minA = f64x2.pmin(v128.load64_splat(carA + 8), leftA);
        let minB = v128.load64_splat(carB + 8);
        let pp = prev + ((<usize>(c0 + 2)) << 3);
        let xp = x + ((<usize>(c0 + 2)) << 3);
        let yp = y + ((<usize>(c0 + 1)) << 3);
        let kA = ca + ((<usize>(c0 + 1)) << 3);
        let kB = cb + ((<usize>c0) << 3);
        for (let j = c0 + 1; j <= c1; j++) {
          // row r at column j and row r + 1 at column j - 1: independent chains
          const dA = uA;
          uA = v128.load64_splat(pp);
          const nA = f64x2.add(v128.load64_splat(kA), f64x2.pmin(f64x2.pmin(dA, uA), leftA));
          const nB = f64x2.add(v128.load64_splat(kB), f64x2.pmin(f64x2.pmin(a2, leftA), leftB));
          v128.store_lane<f64>(xp, nA, 0);
          v128.store_lane<f64>(yp, nB, 0);
          minA = f64x2.pmin(minA, nA);
          minB = f64x2.pmin(minB, nB);
          a2 = leftA;
          leftA = nA;
          leftB = nB;
          pp += 8;
          xp += 8;
          yp += 8;
          kA += 8;
          kB += 8;
        }
        // row r + 1 at column c1
        leftB = f64x2.add(v128.load64_splat(kB), f64x2.pmin(f64x2.pmin(a2, leftA), leftB));
        v128.store_lane<f64>(yp, leftB, 0);
        minB = f64x2.pmin(minB, leftB);
        v128.store_lane<f64>(carA, leftA, 0);
        v128.store_lane<f64>(carA + 8, minA, 0);
        v128.store_lane<f64>(carB, leftB, 0);
        v128.store_lane<f64>(carB + 8, minB, 0);
        r += 2;
      }
      if (r < nr) {
        const prev = rowBuf(rows, stride, (prevK + r) % 9);
        const x = rowBuf(rows, stride, (prevK + 1 + r) % 9);
        const crow = cost + ((<usize>(r * cw)) << 3);
        const car = carry + ((<usize>r) << 4);
        let left = v128.load64_splat(car);
        let rowMin = v128.load64_splat(car + 8);
        let pp = prev + ((<usize>c0) << 3);
        let cp = x + ((<usize>(c0 + 1)) << 3);
        let kp = crow + ((<usize>c0) << 3);
        let up = v128.load64_splat(pp);
        for (let j = c0; j <= c1; j++) {
          const diag = up;
          up = v128.load64_splat(pp + 8);
          left = f64x2.add(v128.load64_splat(kp), f64x2.pmin(f64x2.pmin(diag, up), left));
          v128.store_lane<f64>(cp, left, 0);
          rowMin = f64x2.pmin(rowMin, left);
          pp += 8;
          cp += 8;
          kp += 8;
        }
        v128.store_lane<f64>(car, left, 0);
        v128.store_lane<f64>(car + 8, rowMin, 0);
      }
    }
    const fillTo = min<i32>(m, hu + 9);
    for (let r = 0; r < nr; r++) {
      const i = i0 + r;
      const x = rowBuf(rows, stride, (prevK + 1 + r) % 9);
      for (let j = hu + 2; j <= fillTo; j++) store<f64>(x + ((<usize>j) << 3), INF);
      if (psi > 0 && i >= n - 1 - psi && bandHi(i, n, m, w) === m - 1) {
        endBest = min<f64>(endBest, load<f64>(x + ((<usize>m) << 3)));
      }
      if (bound < INF && i >= psi && i < n - psi && load<f64>(carry + ((<usize>r) << 4) + 8) > bound)
        return INF;
    }
    prevK = (prevK + nr) % 9;
  }
  const last = rowBuf(rows, stride, prevK);
  let best = load<f64>(last + ((<usize>m) << 3));
  if (psi > 0) {
    const lastLo = bandLo(n - 1, n, m, w);
    for (let j = max<i32>(lastLo + 1, m - psi); j <= m; j++) {
      const v = load<f64>(last + ((<usize>j) << 3));
      if (v < best) best = v;
    }
    if (endBest < best) best = endBest;
  }
  return best;
}
