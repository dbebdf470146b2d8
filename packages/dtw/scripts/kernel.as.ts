// AssemblyScript source of the exact-DTW WebAssembly SIMD kernel (compiled by build-wasm.mjs, embedded as base64
// in src/_kernel-wasm.ts). Memory is laid out by the caller (src/_wasm.ts):
//   a     : n x d row-major f64 (the "row" series)
//   bp    : ceil(m / 2) blocks of d x 2 f64: block p holds frames 2p and 2p+1 interleaved per dimension
//   cost  : 8 rows of (m + 2) f64 (local costs of a strip of 8 rows)
//   buf0..2 : (m + 1) f64 each (padded DP rows; index 0 is the boundary column)
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

/**
 * Exact DTW distance in accumulation scale (sum of costs; the caller takes the square root for sqeuclidean).
 * w < 0: no window. bound: early-abandon bound in accumulation scale (Infinity = off).
 * Rows are processed in strips of 8 (costs first, SIMD over column pairs and 8 rows), then the recurrence runs
 * on two rows at once, the second one column behind the first, so two dependency chains overlap.
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
  buf0: usize,
  buf1: usize,
  buf2: usize,
): f64 {
  let prev = buf0;
  let x = buf1;
  let y = buf2;
  const cw = m + 2;
  for (let j = 0; j <= m; j++) store<f64>(prev + ((<usize>j) << 3), j <= psi ? 0 : INF);
  let endBest = INF;
  const vinf = f64x2.splat(INF);
  for (let i0 = 0; i0 < n; i0 += 8) {
    const rows = min<i32>(8, n - i0);
    const lu = bandLo(i0, n, m, w);
    const hu = bandHi(i0 + rows - 1, n, m, w);
    stripCosts(a, n, bp, d, i0, lu >> 1, hu >> 1, cost, cw, sq);
    if (rows > 4) stripCosts(a, n, bp, d, i0 + 4, lu >> 1, hu >> 1, cost + ((<usize>(4 * cw)) << 3), cw, sq);
    for (let r = 0; r < rows; r++) {
      const lo = bandLo(i0 + r, n, m, w);
      const hi = bandHi(i0 + r, n, m, w);
      const crow = cost + ((<usize>(r * cw)) << 3);
      for (let j = lu; j < lo; j++) store<f64>(crow + ((<usize>j) << 3), INF);
      for (let j = hi + 1; j <= hu; j++) store<f64>(crow + ((<usize>j) << 3), INF);
    }
    const fillTo = min<i32>(m, hu + 9);
    let r = 0;
    while (r + 1 < rows) {
      const i = i0 + r;
      const ca = cost + ((<usize>(r * cw)) << 3);
      const cb = ca + ((<usize>cw) << 3);
      const b0a: f64 = lu === 0 ? (i + 1 <= psi ? 0 : INF) : INF;
      const b0b: f64 = lu === 0 ? (i + 2 <= psi ? 0 : INF) : INF;
      store<f64>(x + ((<usize>lu) << 3), b0a);
      store<f64>(y + ((<usize>lu) << 3), b0b);
      // row i at column lu
      let uA = v128.load64_splat(prev + ((<usize>(lu + 1)) << 3));
      let leftA = f64x2.add(
        v128.load64_splat(ca + ((<usize>lu) << 3)),
        f64x2.pmin(f64x2.pmin(v128.load64_splat(prev + ((<usize>lu) << 3)), uA), f64x2.splat(b0a)),
      );
      v128.store_lane<f64>(x + ((<usize>(lu + 1)) << 3), leftA, 0);
      let a2 = f64x2.splat(b0a);
      let leftB = f64x2.splat(b0b);
      let minA = leftA;
      let minB = vinf;
      let pp = prev + ((<usize>(lu + 2)) << 3);
      let xp = x + ((<usize>(lu + 2)) << 3);
      let yp = y + ((<usize>(lu + 1)) << 3);
      let kA = ca + ((<usize>(lu + 1)) << 3);
      let kB = cb + ((<usize>lu) << 3);
      for (let j = lu + 1; j <= hu; j++) {
        // row i at column j and row i + 1 at column j - 1: independent chains
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
      // row i + 1 at column hu
      leftB = f64x2.add(v128.load64_splat(kB), f64x2.pmin(f64x2.pmin(a2, leftA), leftB));
      v128.store_lane<f64>(yp, leftB, 0);
      minB = f64x2.pmin(minB, leftB);
      for (let j = hu + 2; j <= fillTo; j++) {
        store<f64>(x + ((<usize>j) << 3), INF);
        store<f64>(y + ((<usize>j) << 3), INF);
      }
      if (psi > 0) {
        if (i >= n - 1 - psi && bandHi(i, n, m, w) === m - 1)
          endBest = min<f64>(endBest, load<f64>(x + ((<usize>m) << 3)));
        if (i + 1 >= n - 1 - psi && bandHi(i + 1, n, m, w) === m - 1) {
          endBest = min<f64>(endBest, load<f64>(y + ((<usize>m) << 3)));
        }
      }
      if (bound < INF) {
        if (i >= psi && i < n - psi && f64x2.extract_lane(minA, 0) > bound) return INF;
        if (i + 1 >= psi && i + 1 < n - psi && f64x2.extract_lane(minB, 0) > bound) return INF;
      }
      const t = prev;
      prev = y;
      y = x;
      x = t;
      r += 2;
    }
    if (r < rows) {
      const i = i0 + r;
      const crow = cost + ((<usize>(r * cw)) << 3);
      const b0: f64 = lu === 0 ? (i + 1 <= psi ? 0 : INF) : INF;
      store<f64>(x + ((<usize>lu) << 3), b0);
      let left = f64x2.splat(b0);
      let rowMin = vinf;
      let pp = prev + ((<usize>lu) << 3);
      let cp = x + ((<usize>(lu + 1)) << 3);
      let kp = crow + ((<usize>lu) << 3);
      let up = v128.load64_splat(pp);
      for (let j = lu; j <= hu; j++) {
        const diag = up;
        up = v128.load64_splat(pp + 8);
        left = f64x2.add(v128.load64_splat(kp), f64x2.pmin(f64x2.pmin(diag, up), left));
        v128.store_lane<f64>(cp, left, 0);
        rowMin = f64x2.pmin(rowMin, left);
        pp += 8;
        cp += 8;
        kp += 8;
      }
      for (let j = hu + 2; j <= fillTo; j++) store<f64>(x + ((<usize>j) << 3), INF);
      if (psi > 0 && i >= n - 1 - psi && bandHi(i, n, m, w) === m - 1) {
        endBest = min<f64>(endBest, load<f64>(x + ((<usize>m) << 3)));
      }
      if (bound < INF && i >= psi && i < n - psi && f64x2.extract_lane(rowMin, 0) > bound) return INF;
      const t = prev;
      prev = x;
      x = t;
    }
  }
  let best = load<f64>(prev + ((<usize>m) << 3));
  if (psi > 0) {
    const lastLo = bandLo(n - 1, n, m, w);
    for (let j = max<i32>(lastLo + 1, m - psi); j <= m; j++) {
      const v = load<f64>(prev + ((<usize>j) << 3));
      if (v < best) best = v;
    }
    if (endBest < best) best = endBest;
  }
  return best;
}
