// A careful 3x3 singular value decomposition: one-sided (Hestenes) Jacobi on the columns of A, which gives
// singular values and vectors with high relative accuracy (no squaring of A as in eigen-decompositions of
// AᵀA). Returns A = U · diag(s) · Vᵀ with s descending and U, V orthogonal (row-major 3x3 arrays).

export interface Svd3 {
  /** Row-major 3x3, columns are left singular vectors. */
  u: Float64Array;
  /** Singular values, descending, >= 0. */
  s: Float64Array;
  /** Row-major 3x3, columns are right singular vectors. */
  v: Float64Array;
}

const EPS = 2.220446049250313e-16;

/**
 * SVD of a row-major 3x3 matrix. Returns `undefined` when the matrix has a non-finite entry (numpy's
 * LAPACK call raises `LinAlgError: SVD did not converge` there).
 */
export function svd3(a: ArrayLike<number>): Svd3 | undefined {
  let amax = 0;
  for (let i = 0; i < 9; i++) {
    if (!Number.isFinite(a[i])) return undefined;
    amax = Math.max(amax, Math.abs(a[i]));
  }
  // Scale to O(1) so squares neither underflow nor overflow; singular values are scaled back at the end.
  const scale = amax > 0 ? amax : 1;
  // Work on columns: w[c*3 + r] = A[r][c] / scale.
  const w = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) w[c * 3 + r] = a[r * 3 + c] / scale;
  // Same layout for V (column-major): v[c*3 + r].
  const v = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (let sweep = 0; sweep < 64; sweep++) {
    let rotated = false;
    for (let p = 0; p < 2; p++) {
      for (let q = p + 1; q < 3; q++) {
        const po = p * 3;
        const qo = q * 3;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < 3; r++) {
          const x = w[po + r];
          const y = w[qo + r];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let r = 0; r < 3; r++) {
          const x = w[po + r];
          const y = w[qo + r];
          w[po + r] = c * x - s * y;
          w[qo + r] = s * x + c * y;
          const vx = v[po + r];
          const vy = v[qo + r];
          v[po + r] = c * vx - s * vy;
          v[qo + r] = s * vx + c * vy;
        }
      }
    }
    if (!rotated) break;
  }
  const n0 = Math.hypot(w[0], w[1], w[2]);
  const n1 = Math.hypot(w[3], w[4], w[5]);
  const n2 = Math.hypot(w[6], w[7], w[8]);
  // Order of the columns by decreasing norm (stable).
  let o0 = 0;
  let o1 = 1;
  let o2 = 2;
  const norms = [n0, n1, n2];
  if (norms[o1] > norms[o0]) [o0, o1] = [o1, o0];
  if (norms[o2] > norms[o1]) {
    [o1, o2] = [o2, o1];
    if (norms[o1] > norms[o0]) [o0, o1] = [o1, o0];
  }
  const order = [o0, o1, o2];
  const s = new Float64Array(3);
  const u = new Float64Array(9); // row-major U
  const vv = new Float64Array(9); // row-major V (sorted)
  for (let k = 0; k < 3; k++) {
    const c = order[k];
    s[k] = norms[c];
    for (let r = 0; r < 3; r++) vv[r * 3 + k] = v[c * 3 + r];
  }
  // Left singular vectors: normalised columns; complete a rank-deficient basis with cross products.
  let rank = 0;
  for (let k = 0; k < 3; k++) {
    if (s[k] > 1e-300 && s[k] > s[0] * EPS * 1e-3) {
      const c = order[k];
      for (let r = 0; r < 3; r++) u[r * 3 + k] = w[c * 3 + r] / s[k];
      rank++;
    } else break;
  }
  if (rank === 0) {
    u[0] = 1;
    u[4] = 1;
    u[8] = 1;
  } else if (rank === 1) {
    // Any unit vector orthogonal to u0: cross with the axis least aligned with it.
    const x = u[0];
    const y = u[3];
    const z = u[6];
    const ax =
      Math.abs(x) <= Math.abs(y) && Math.abs(x) <= Math.abs(z) ? 0 : Math.abs(y) <= Math.abs(z) ? 1 : 2;
    const e = [0, 0, 0];
    e[ax] = 1;
    const c1 = cross([x, y, z], e);
    const m1 = Math.hypot(c1[0], c1[1], c1[2]);
    for (let r = 0; r < 3; r++) u[r * 3 + 1] = c1[r] / m1;
  }
  if (rank < 3) {
    const c2 = cross([u[0], u[3], u[6]], [u[1], u[4], u[7]]);
    const m2 = Math.hypot(c2[0], c2[1], c2[2]);
    for (let r = 0; r < 3; r++) u[r * 3 + 2] = c2[r] / m2;
  }
  for (let k = 0; k < 3; k++) s[k] *= scale;
  return { u, s, v: vv };
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Determinant of a row-major 3x3 matrix. */
export function det3(m: ArrayLike<number>): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) -
    m[1] * (m[3] * m[8] - m[5] * m[6]) +
    m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}
