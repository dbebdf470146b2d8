import { SyncError } from "./errors.js";

function sortedCopy(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x).sort();
}

/**
 * numpy's default percentile ("linear" method) of sorted data, with numpy 1.22+'s exact arithmetic: virtual index
 * n·q + (1 - q) - 1 and the two-sided lerp (b - (b-a)(1-t) when t >= 0.5), so results agree to the last bit.
 */
function percentileSorted(s: Float64Array, percent: number): number {
  const n = s.length;
  if (n === 0) return Number.NaN;
  const q = percent / 100;
  const vi = n * q + (1 + q * (1 - 1 - 1)) - 1;
  const prev = Math.min(n - 1, Math.max(0, Math.floor(vi)));
  const next = Math.min(n - 1, prev + 1);
  const t = vi - Math.floor(vi);
  const a = s[prev] as number;
  const b = s[next] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy's median: the middle value, or the mean of the two middle values. */
function median(x: ArrayLike<number>): number {
  const s = sortedCopy(x);
  const n = s.length;
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  return n % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

function intervals(times: ArrayLike<number>): Float64Array {
  const d = new Float64Array(Math.max(0, times.length - 1));
  for (let i = 1; i < times.length; i++) d[i - 1] = (times[i] as number) - (times[i - 1] as number);
  return d;
}

function needTimes(times: ArrayLike<number>, min: number, what: string): void {
  if (times.length < min) {
    throw new SyncError("E_SYNC_ARGUMENT", `${what} needs at least ${min} pulse times, got ${times.length}`, {
      place: "times",
      hint: "check that the TTL channel recorded pulses",
    });
  }
}

export interface JitterStats {
  /** The period the deviations are measured from (given, or the median interval). */
  period: number;
  /** Number of single-period intervals measured (intervals outside 0.5..1.5 periods are drops/duplicates, skipped). */
  n: number;
  /** |interval - period|: maximum, 95th percentile (numpy's linear rule), mean; seconds. */
  max: number;
  p95: number;
  mean: number;
}

/**
 * Jitter of a pulse train: the deviation of each inter-pulse interval from the period. Intervals that are not
 * about one period (outside 0.5..1.5 periods: dropped or duplicated pulses, reported by {@link detectDrops}) are
 * left out so that one drop does not read as jitter.
 *
 * @example
 * ```ts
 * import { jitter } from "@neuropose/sync";
 * const j = jitter([0, 0.1, 0.21, 0.3, 0.4]);
 * console.log(j.period, Math.round(j.max * 1000)); // 0.1 10
 * ```
 */
export function jitter(times: ArrayLike<number>, options: { period?: number } = {}): JitterStats {
  needTimes(times, 2, "jitter");
  const d = intervals(times);
  const period = options.period ?? median(d);
  // Typed arrays throughout: an hour of 150 Hz pulses is 540k intervals.
  const dev = new Float64Array(d.length);
  let m = 0;
  for (const x of d) if (x >= 0.5 * period && x <= 1.5 * period) dev[m++] = Math.abs(x - period);
  const kept = dev.subarray(0, m);
  let sum = 0;
  for (const x of kept) sum += x; // in order, as the mean was summed before
  const s = kept.sort();
  return {
    period,
    n: s.length,
    max: s.length ? (s[s.length - 1] as number) : Number.NaN,
    p95: percentileSorted(s, 95),
    mean: s.length ? sum / s.length : Number.NaN,
  };
}

export interface DriftFit {
  /** b ≈ intercept + slope * a. */
  slope: number;
  intercept: number;
  /** (slope - 1) * 1e6: how many microseconds clock B gains per second of clock A. */
  ppm: number;
  /** Residuals b - fit(a): maximum absolute and median absolute, seconds. */
  maxResidual: number;
  medianAbsResidual: number;
  n: number;
}

/**
 * Drift between two clocks from paired event times (`a[i]` and `b[i]` are the same event), by Theil's (1950)
 * complete split-pair estimator: the slope is the median of the slopes of the pairs (i, i + ⌊n/2⌋) — a robust
 * linear fit (breakdown point ~29 %, like Theil–Sen) in O(n log n), with long baselines that make it exact for
 * clean data; the intercept is the median of b - slope·a. Robust to a few mismatched pairs, unlike least squares.
 *
 * @example
 * ```ts
 * import { drift } from "@neuropose/sync";
 * const a = [0, 10, 20, 30, 40];
 * const b = a.map((t) => 5 + t * (1 + 20e-6)); // clock B runs 20 ppm fast, 5 s later
 * const f = drift(a, b);
 * console.log(Math.round(f.ppm * 1000) / 1000, Math.round(f.intercept * 1e9) / 1e9); // 20 5
 * ```
 */
export function drift(a: ArrayLike<number>, b: ArrayLike<number>): DriftFit {
  if (a.length !== b.length) {
    throw new SyncError("E_SYNC_ARGUMENT", `drift needs paired times: ${a.length} vs ${b.length}`, {
      place: "a/b",
      hint: "pair each event on clock A with the same event on clock B (equal counts)",
    });
  }
  needTimes(a, 2, "drift");
  const n = a.length;
  const h = Math.floor(n / 2);
  const all = new Float64Array(Math.max(0, n - h));
  let m = 0;
  for (let i = 0; i + h < n; i++) {
    const da = (a[i + h] as number) - (a[i] as number);
    if (da !== 0) all[m++] = ((b[i + h] as number) - (b[i] as number)) / da;
  }
  const slopes = all.subarray(0, m);
  if (slopes.length === 0) {
    throw new SyncError("E_SYNC_ARGUMENT", "drift needs events at different times on clock A", {
      place: "a",
      hint: "the times are all equal",
    });
  }
  const slope = median(slopes);
  const off = new Float64Array(n);
  for (let i = 0; i < n; i++) off[i] = (b[i] as number) - slope * (a[i] as number);
  const intercept = median(off);
  const res = off.map((o) => Math.abs(o - intercept));
  return {
    slope,
    intercept,
    ppm: (slope - 1) * 1e6,
    maxResidual: res.reduce((m, x) => Math.max(m, x), 0),
    medianAbsResidual: median(res),
    n,
  };
}

export interface DropReport {
  period: number;
  /** Pulses seen. */
  observed: number;
  /** Sum of missing pulses over all gaps. */
  dropped: number;
  /** Gaps of ≈k periods (k ≥ 2): `after` = index of the pulse before the gap, `missing` = k - 1. */
  gaps: { after: number; missing: number; interval: number }[];
  /** Indices of pulses closer than `duplicateBelow` periods to the previous one. */
  duplicates: number[];
  /** observed - duplicates + dropped: the pulses a clean recording would hold. */
  expected: number;
}

/**
 * Dropped and duplicated pulses in a nominally periodic train: an interval of ≈k periods (k = round(interval /
 * period) ≥ 2) means k - 1 missing pulses; an interval below `duplicateBelow` periods (default 0.5) is a duplicate.
 * The period is given or the median interval (robust while fewer than half the intervals are anomalous).
 *
 * @example
 * ```ts
 * import { detectDrops } from "@neuropose/sync";
 * const r = detectDrops([0, 1, 2, 5, 6, 6.01, 7]);
 * console.log(r.dropped, r.gaps, r.duplicates, r.expected); // 2 [{"after":2,"missing":2,"interval":3}] [5] 8
 * ```
 */
export function detectDrops(
  times: ArrayLike<number>,
  options: { period?: number; duplicateBelow?: number } = {},
): DropReport {
  needTimes(times, 2, "detectDrops");
  const d = intervals(times);
  const below = options.duplicateBelow ?? 0.5;
  let period = options.period;
  if (period === undefined) {
    // median of intervals that are not duplicates: a burst of duplicates must not halve the period
    const normal = d.filter((x) => x > 0);
    period = median(normal.length ? normal : d);
  }
  if (!(period > 0)) {
    throw new SyncError("E_SYNC_ARGUMENT", `the pulse period must be positive (got ${period})`, {
      place: "period",
      hint: "the pulses are all at one time",
    });
  }
  const gaps: DropReport["gaps"] = [];
  const duplicates: number[] = [];
  let dropped = 0;
  for (let i = 0; i < d.length; i++) {
    const x = d[i] as number;
    if (x < below * period) {
      duplicates.push(i + 1);
      continue;
    }
    const k = Math.round(x / period);
    if (k >= 2) {
      gaps.push({ after: i, missing: k - 1, interval: x });
      dropped += k - 1;
    }
  }
  return {
    period,
    observed: times.length,
    dropped,
    gaps,
    duplicates,
    expected: times.length - duplicates.length + dropped,
  };
}

export interface CountCheck {
  frames: number;
  pulses: number;
  /** frames - pulses. */
  difference: number;
  tolerance: number;
  ok: boolean;
}

/**
 * Frame count against pulse count (the W2T `mismatch_tolerance_frames` check): ok when |frames - pulses| ≤ tolerance.
 *
 * @example
 * ```ts
 * import { checkCounts } from "@neuropose/sync";
 * checkCounts(8580, 8579, 0).ok; // false
 * ```
 */
export function checkCounts(frames: number, pulses: number, tolerance: number): CountCheck {
  if (!(tolerance >= 0)) {
    throw new SyncError("E_SYNC_ARGUMENT", `tolerance must be >= 0 (got ${tolerance})`, {
      place: "mismatch_tolerance_frames",
      hint: "set verification.mismatch_tolerance_frames to 0 or more",
    });
  }
  const difference = frames - pulses;
  return { frames, pulses, difference, tolerance, ok: Math.abs(difference) <= tolerance };
}

export interface PulseSummary {
  count: number;
  jitter: JitterStats;
  drops: DropReport;
  /** Present when `frames` was given. */
  counts?: CountCheck;
  /** Present when `jitterBudget` was given: max jitter ≤ budget. */
  withinJitterBudget?: boolean;
}

/**
 * The sync statistics of one pulse train in one call (what a sync stage summary reports): jitter, drops and
 * duplicates, and optionally the frame-vs-pulse count check and the jitter budget (W2T `jitter_budget_s`).
 *
 * @example
 * ```ts
 * import { summarizePulses } from "@neuropose/sync";
 * const s = summarizePulses([0, 1, 2, 4, 5], { frames: 6, tolerance: 0, jitterBudget: 0.01 });
 * console.log(s.drops.dropped, s.counts?.ok, s.withinJitterBudget); // 1 false true
 * ```
 */
export function summarizePulses(
  times: ArrayLike<number>,
  options: { period?: number; frames?: number; tolerance?: number; jitterBudget?: number } = {},
): PulseSummary {
  const drops = detectDrops(times, options.period === undefined ? {} : { period: options.period });
  const j = jitter(times, { period: drops.period });
  const out: PulseSummary = { count: times.length, jitter: j, drops };
  if (options.frames !== undefined)
    out.counts = checkCounts(options.frames, times.length, options.tolerance ?? 0);
  if (options.jitterBudget !== undefined) out.withinJitterBudget = !(j.max > options.jitterBudget);
  return out;
}
