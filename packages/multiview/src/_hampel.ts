// Outlier rejection on triangulated trajectories before the low-pass, as Pose2Sim's `reject_outliers` does
// (filtering.py `hampel_filter`, window 7, n_sigma 2): in a sliding window, a sample whose modified z-score
// 0.6745·|x − median| / MAD exceeds n_sigma is replaced by the window's median. Hand-written: a dozen lines,
// and what it must match is Pose2Sim's rule (not a library's variant). NaN samples stay NaN and are left out of
// the window's median (Pose2Sim's windows hold no NaN: it interpolates first); the first and last half-window
// samples are kept, as in Pose2Sim.

const median = (xs: number[]): number => {
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? (xs[m] as number) : ((xs[m - 1] as number) + (xs[m] as number)) / 2;
};

/** Pose2Sim's Hampel filter of one series (see the file comment); returns the series and how many samples it replaced. */
export function hampelFilter(
  x: ArrayLike<number>,
  windowSize = 7,
  nSigma = 2,
): { values: Float64Array; replaced: number } {
  const out = Float64Array.from(x);
  const half = windowSize >> 1;
  let replaced = 0;
  const win: number[] = [];
  for (let i = half; i < x.length - half; i++) {
    const xi = x[i] as number;
    if (!Number.isFinite(xi)) continue;
    win.length = 0;
    for (let j = i - half; j <= i + half; j++) if (Number.isFinite(x[j] as number)) win.push(x[j] as number);
    const med = median(win);
    const mad = median(win.map((v) => Math.abs(v - med)));
    if (mad !== 0 && Math.abs((0.6745 * (xi - med)) / mad) > nSigma) {
      out[i] = med;
      replaced++;
    }
  }
  return { values: out, replaced };
}
