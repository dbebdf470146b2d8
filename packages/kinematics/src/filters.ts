// Filters clinicians use on joint trajectories: the zero-lag Butterworth low-pass (scipy.signal.butter +
// filtfilt, reproduced step by step so that published settings give the same numbers as in Python: 1e-9 on the
// committed scipy references), gap filling limited to short gaps, and the One Euro filter for live use.
// Hand-written: these are a few dozen lines of numerics with exact semantics to match; no npm package
// reproduces scipy's filtfilt padding and initial conditions.

/** Transfer-function coefficients (b / a), a[0] = 1. */
export interface FilterCoefficients {
  b: number[];
  a: number[];
}

type C = [number, number];
const cmul = (x: C, y: C): C => [x[0] * y[0] - x[1] * y[1], x[0] * y[1] + x[1] * y[0]];
const cdiv = (x: C, y: C): C => {
  const d = y[0] * y[0] + y[1] * y[1];
  return [(x[0] * y[0] + x[1] * y[1]) / d, (x[1] * y[0] - x[0] * y[1]) / d];
};

/** Coefficients of prod (x - r) for complex roots r (numpy.poly), real part. */
function poly(roots: C[]): number[] {
  let c: C[] = [[1, 0]];
  for (const r of roots) {
    const next: C[] = new Array(c.length + 1).fill(null).map((): C => [0, 0]);
    for (let i = 0; i < c.length; i++) {
      const ci = c[i] as C;
      const n0 = next[i] as C;
      n0[0] += ci[0];
      n0[1] += ci[1];
      const m = cmul(ci, r);
      const n1 = next[i + 1] as C;
      n1[0] -= m[0];
      n1[1] -= m[1];
    }
    c = next;
  }
  return c.map((v) => v[0]);
}

/**
 * Digital Butterworth low-pass design, as `scipy.signal.butter(order, cutoffHz, btype="low", fs=fsHz)`:
 * analog prototype poles, frequency pre-warping, low-pass scaling and the bilinear transform.
 *
 * @example
 * ```ts
 * import { butterworthLowpass } from "@neuropose/kinematics";
 * const { b, a } = butterworthLowpass(2, 6, 100);
 * [b.length, a.length, a[0]]; // [3, 3, 1]
 * ```
 */
export function butterworthLowpass(order: number, cutoffHz: number, fsHz: number): FilterCoefficients {
  if (!Number.isInteger(order) || order < 1)
    throw new RangeError(`Butterworth order must be a positive integer (got ${order})`);
  if (!(cutoffHz > 0 && cutoffHz < fsHz / 2))
    throw new RangeError(
      `cut-off ${cutoffHz} Hz must lie between 0 and the Nyquist frequency ${fsHz / 2} Hz`,
    );
  const wn = (2 * cutoffHz) / fsHz; // scipy: Wn = 2 * Wn / fs
  // scipy's digital design runs at fs = 2: pre-warp, scale the prototype, then bilinear with fs2 = 4.
  const warped = 4 * Math.tan((Math.PI * wn) / 2);
  const poles: C[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const th = (Math.PI * m) / (2 * order);
    poles.push([-Math.cos(th) * warped, -Math.sin(th) * warped]);
  }
  let k = warped ** order;
  const fs2: C = [4, 0];
  const pz: C[] = poles.map((p) => cdiv([fs2[0] + p[0], p[1]], [fs2[0] - p[0], -p[1]]));
  // k_z = k * real(prod(fs2 - z) / prod(fs2 - p)); no analog zeros for a low-pass prototype.
  let den: C = [1, 0];
  for (const p of poles) den = cmul(den, [fs2[0] - p[0], -p[1]]);
  k *= cdiv([1, 0], den)[0];
  const zz: C[] = poles.map((): C => [-1, 0]);
  const b = poly(zz).map((v) => v * k);
  const a = poly(pz);
  return { b, a };
}

/** Direct-form II transposed filter of `x` with initial state `zi` (scipy.signal.lfilter, a[0] = 1). */
function lfilter(
  b: readonly number[],
  a: readonly number[],
  x: ArrayLike<number>,
  zi: number[],
): Float64Array {
  const n = Math.max(a.length, b.length);
  const bb = [...b, ...new Array(n - b.length).fill(0)];
  const aa = [...a, ...new Array(n - a.length).fill(0)];
  const z = zi.slice();
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const yi = (bb[0] as number) * xi + (z[0] ?? 0);
    for (let j = 1; j < n - 1; j++)
      z[j - 1] = (bb[j] as number) * xi + (z[j] as number) - (aa[j] as number) * yi;
    if (n > 1) z[n - 2] = (bb[n - 1] as number) * xi - (aa[n - 1] as number) * yi;
    y[i] = yi;
  }
  return y;
}

/** scipy.signal.lfilter_zi: the steady state of the filter for a unit step (solved with partial pivoting). */
function lfilterZi(b: readonly number[], a: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const bb = [...b, ...new Array(n - b.length).fill(0)];
  const aa = [...a, ...new Array(n - a.length).fill(0)];
  const m = n - 1;
  if (m === 0) return [];
  // (I - companion(a).T) zi = b[1:] - a[1:] * b[0]
  const A: number[][] = [];
  for (let i = 0; i < m; i++) {
    const row = new Array<number>(m).fill(0);
    for (let j = 0; j < m; j++) {
      // companion(a)[j][i]: first row -a[1:]/a[0], sub-diagonal ones; transposed.
      const comp = j === 0 ? -(aa[i + 1] as number) : i === j - 1 ? 1 : 0;
      row[j] = (i === j ? 1 : 0) - comp;
    }
    A.push(row);
  }
  const B = Array.from(
    { length: m },
    (_, i) => (bb[i + 1] as number) - (aa[i + 1] as number) * (bb[0] as number),
  );
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++)
      if (Math.abs((A[r] as number[])[c] as number) > Math.abs((A[piv] as number[])[c] as number)) piv = r;
    [A[c], A[piv]] = [A[piv] as number[], A[c] as number[]];
    [B[c], B[piv]] = [B[piv] as number, B[c] as number];
    const rc = A[c] as number[];
    for (let r = c + 1; r < m; r++) {
      const rr = A[r] as number[];
      const f = (rr[c] as number) / (rc[c] as number);
      for (let k = c; k < m; k++) rr[k] = (rr[k] as number) - f * (rc[k] as number);
      B[r] = (B[r] as number) - f * (B[c] as number);
    }
  }
  const zi = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = B[r] as number;
    const rr = A[r] as number[];
    for (let k = r + 1; k < m; k++) s -= (rr[k] as number) * (zi[k] as number);
    zi[r] = s / (rr[r] as number);
  }
  return zi;
}

/**
 * Zero-phase forward-backward filtering with scipy.signal.filtfilt's defaults (odd extension of
 * `3 * max(len(a), len(b))` samples at each end, steady-state initial conditions). The input must be finite and
 * longer than the padding; see {@link lowpassFilter} for series with gaps.
 *
 * @example
 * ```ts
 * import { butterworthLowpass, filtfilt } from "@neuropose/kinematics";
 * const { b, a } = butterworthLowpass(4, 6, 100);
 * const y = filtfilt(b, a, Array.from({ length: 100 }, (_, i) => Math.sin(i / 5)));
 * y.length; // 100
 * ```
 */
export function filtfilt(b: readonly number[], a: readonly number[], x: ArrayLike<number>): Float64Array {
  const a0 = a[0] as number;
  const bn = b.map((v) => v / a0);
  const an = a.map((v) => v / a0);
  const padlen = 3 * Math.max(a.length, b.length);
  const n = x.length;
  if (n <= padlen) throw new RangeError(`filtfilt needs more than ${padlen} samples (got ${n})`);
  const ext = new Float64Array(n + 2 * padlen);
  const x0 = x[0] as number;
  const xn = x[n - 1] as number;
  for (let i = 0; i < padlen; i++) ext[i] = 2 * x0 - (x[padlen - i] as number);
  for (let i = 0; i < n; i++) ext[padlen + i] = x[i] as number;
  for (let i = 0; i < padlen; i++) ext[padlen + n + i] = 2 * xn - (x[n - 2 - i] as number);
  const zi = lfilterZi(bn, an);
  // One pass: filtered from steady state at its first sample, then reversed (forward, then backward, as scipy).
  const pass = (v: Float64Array) =>
    lfilter(
      bn,
      an,
      v,
      zi.map((z) => z * (v[0] as number)),
    ).reverse();
  return pass(pass(ext)).slice(padlen, padlen + n);
}

/** Options of {@link lowpassFilter}. */
export interface LowpassOptions {
  /** Sampling rate of the series, Hz. */
  fsHz: number;
  /** Cut-off, Hz (gait: 6 Hz is the common choice). Default 6. */
  cutoffHz?: number;
  /** Filter order (applied twice by the zero-lag pass, so the effective order doubles). Default 4. */
  order?: number;
  /** Fill gaps (runs of NaN) of at most this many samples by linear interpolation before filtering. Default 0. */
  maxGap?: number;
}

/** What {@link lowpassFilter} did, to be recorded in provenance beside its parameters. */
export interface LowpassResult {
  values: Float64Array;
  /** The parameters used (for provenance). */
  params: {
    filter: "butterworth_filtfilt";
    order: number;
    cutoff_hz: number;
    fs_hz: number;
    max_gap: number;
  };
  /** Samples filled by interpolation. */
  filled: number;
  /** Finite runs too short to filter (left as they were), as [start, end) sample ranges. */
  unfiltered: [number, number][];
}

/**
 * Zero-lag Butterworth low-pass for a series with gaps: gaps up to `maxGap` samples are filled linearly, longer
 * gaps stay NaN and split the series; each finite run is filtered on its own (runs too short for filtfilt's
 * padding are left unfiltered and reported).
 *
 * @example
 * ```ts
 * import { lowpassFilter } from "@neuropose/kinematics";
 * const x = Array.from({ length: 200 }, (_, i) => (i === 50 ? Number.NaN : Math.sin(i / 10)));
 * const r = lowpassFilter(x, { fsHz: 100, cutoffHz: 6, order: 4, maxGap: 3 });
 * [r.filled, r.params.cutoff_hz]; // [1, 6]
 * ```
 */
export function lowpassFilter(x: ArrayLike<number>, options: LowpassOptions): LowpassResult {
  const order = options.order ?? 4;
  const cutoff = options.cutoffHz ?? 6;
  const maxGap = options.maxGap ?? 0;
  const { b, a } = butterworthLowpass(order, cutoff, options.fsHz);
  const v = Float64Array.from(x as ArrayLike<number>);
  let filled = 0;
  // Fill short interior gaps.
  let i = 0;
  while (i < v.length) {
    if (Number.isFinite(v[i] as number)) {
      i++;
      continue;
    }
    let j = i;
    while (j < v.length && !Number.isFinite(v[j] as number)) j++;
    if (i > 0 && j < v.length && j - i <= maxGap) {
      const lo = v[i - 1] as number;
      const hi = v[j] as number;
      for (let k = i; k < j; k++) v[k] = lo + ((hi - lo) * (k - i + 1)) / (j - i + 1);
      filled += j - i;
    }
    i = j;
  }
  const out = Float64Array.from(v);
  const unfiltered: [number, number][] = [];
  const padlen = 3 * Math.max(a.length, b.length);
  i = 0;
  while (i < v.length) {
    if (!Number.isFinite(v[i] as number)) {
      i++;
      continue;
    }
    let j = i;
    while (j < v.length && Number.isFinite(v[j] as number)) j++;
    if (j - i > padlen) out.set(filtfilt(b, a, v.subarray(i, j)), i);
    else unfiltered.push([i, j]);
    i = j;
  }
  return {
    values: out,
    params: {
      filter: "butterworth_filtfilt",
      order,
      cutoff_hz: cutoff,
      fs_hz: options.fsHz,
      max_gap: maxGap,
    },
    filled,
    unfiltered,
  };
}

/** Options of {@link oneEuroFilter} (Casiez et al. 2012). */
export interface OneEuroOptions {
  fsHz: number;
  /** Minimum cut-off, Hz (jitter at rest). Default 1. */
  minCutoffHz?: number;
  /** Speed coefficient (lag when moving). Default 0.007. */
  beta?: number;
  /** Cut-off of the derivative, Hz. Default 1. */
  dCutoffHz?: number;
}

/**
 * The One Euro filter, causal and adaptive, for live display (not for analysis: it lags). NaN samples pass
 * through as NaN and restart the filter.
 *
 * @example
 * ```ts
 * import { oneEuroFilter } from "@neuropose/kinematics";
 * const y = oneEuroFilter([0, 1, 0, 1, 0, 1], { fsHz: 30 });
 * [y[0], y.length]; // [0, 6]
 * ```
 */
export function oneEuroFilter(x: ArrayLike<number>, options: OneEuroOptions): Float64Array {
  const minCut = options.minCutoffHz ?? 1;
  const beta = options.beta ?? 0.007;
  const dCut = options.dCutoffHz ?? 1;
  const te = 1 / options.fsHz;
  const alpha = (cut: number) => {
    const r = 2 * Math.PI * cut * te;
    return r / (r + 1);
  };
  const y = new Float64Array(x.length);
  let prev = Number.NaN;
  let dPrev = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (!Number.isFinite(v)) {
      y[i] = Number.NaN;
      prev = Number.NaN;
      dPrev = 0;
      continue;
    }
    if (!Number.isFinite(prev)) {
      y[i] = v;
      prev = v;
      continue;
    }
    const d = (v - prev) / te;
    const ad = alpha(dCut);
    dPrev = ad * d + (1 - ad) * dPrev;
    const a = alpha(minCut + beta * Math.abs(dPrev));
    prev = a * v + (1 - a) * prev;
    y[i] = prev;
  }
  return y;
}
