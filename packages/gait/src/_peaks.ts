// Peak finding over long recordings: scipy-semantics findPeaks (from @neuropose/segment) per window of
// `window` frames with overlap, thresholds from each window's own 5–95 % range. Prominence walks are O(n)
// per peak when peaks are of equal height (a steady walker), which makes one call over an hour of frames
// quadratic; windows bound a walk to the window, as scipy's `wlen` does, and let the threshold follow slow
// changes (the walker approaching the camera). A recording shorter than a window is one call, as before.
import { findPeaks } from "@neuropose/segment";

/** Robust range (95th − 5th percentile) of x[a, b), on at most ~4000 evenly spaced samples. */
export function robustRange(x: Float64Array, a = 0, b = x.length): number {
  const step = Math.max(1, Math.floor((b - a) / 4000));
  const buf = new Float64Array(Math.ceil((b - a) / step));
  let m = 0;
  for (let i = a; i < b; i += step) if (Number.isFinite(x[i])) buf[m++] = x[i];
  if (m === 0) return Number.NaN;
  const v = buf.subarray(0, m).sort();
  const q = (r: number) => {
    const pos = (v.length - 1) * r;
    const lo = Math.floor(pos);
    const hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - lo);
  };
  return q(0.95) - q(0.05);
}

export interface Peak {
  frame: number;
  prominence: number;
}

/**
 * Peaks of x at least `distance` apart whose prominence is at least `threshold(range)` where range is the
 * window's robust range.
 */
export function windowedPeaks(
  x: Float64Array,
  distance: number,
  threshold: (range: number) => number,
  window: number,
): Peak[] {
  const n = x.length;
  const overlap = Math.max(distance * 4, Math.round(window / 6));
  const out: Peak[] = [];
  for (let a = 0; a < n; a += window) {
    const b = Math.min(n, a + window);
    const lo = Math.max(0, a - overlap);
    const hi = Math.min(n, b + overlap);
    const min = threshold(robustRange(x, lo, hi));
    if (!Number.isFinite(min) || !(min > 0)) continue;
    const r = findPeaks(x.subarray(lo, hi), { distance, prominence: min });
    const prom = r.properties.prominences ?? [];
    r.peaks.forEach((p, i) => {
      const f = p + lo;
      if (f >= a && f < b) out.push({ frame: f, prominence: prom[i] });
    });
  }
  // Across window edges: keep the more prominent of two peaks closer than `distance`.
  const kept: Peak[] = [];
  for (const p of out) {
    const last = kept[kept.length - 1];
    if (last !== undefined && p.frame - last.frame < distance) {
      if (p.prominence > last.prominence) kept[kept.length - 1] = p;
    } else kept.push(p);
  }
  return kept;
}
