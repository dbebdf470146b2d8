import { SyncError } from "./errors.js";

/** How a sample that falls between timebase points is mapped. */
export type MappingMode = "nearest" | "linear";

/**
 * The nominal-rate timebase: `offset + i / rate` for i = 0..n-1 (the W2T `nominal_rate` source).
 *
 * @example
 * ```ts
 * import { nominalTimebase } from "@neuropose/sync";
 * nominalTimebase(3, 150, 2); // Float64Array [2,2.006666666666667,2.013333333333333]
 * ```
 */
export function nominalTimebase(n: number, rate: number, offset = 0): Float64Array {
  if (!(rate > 0) || !Number.isInteger(n) || n < 0) {
    throw new SyncError(
      "E_SYNC_ARGUMENT",
      `nominal timebase needs n >= 0 samples and rate > 0 (got n=${n}, rate=${rate})`,
      {
        place: "rate",
        hint: "set timebase.rate to the camera's frame rate in Hz",
      },
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = offset + i / rate;
  return out;
}

/**
 * A TTL timebase: the pulse times plus an offset (the W2T `ttl` source; one pulse per sample).
 *
 * @example
 * ```ts
 * import { ttlTimebase } from "@neuropose/sync";
 * ttlTimebase([1, 2, 3], 0.5); // Float64Array [1.5,2.5,3.5]
 * ```
 */
export function ttlTimebase(pulses: ArrayLike<number>, offset = 0): Float64Array {
  return Float64Array.from(pulses, (t) => t + offset);
}

function checkSorted(name: string, x: ArrayLike<number>): void {
  for (let i = 1; i < x.length; i++) {
    if (!((x[i] as number) >= (x[i - 1] as number))) {
      throw new SyncError(
        "E_SYNC_ARGUMENT",
        `${name} must not decrease (index ${i}: ${x[i]} after ${x[i - 1]})`,
        {
          place: `${name}[${i}]`,
          hint: "timestamps must be monotonic: check the TTL file or the stream's timestamps",
        },
      );
    }
  }
}

/**
 * Times of (possibly fractional) sample indices on a timebase: "nearest" takes `timebase[round(i)]`; "linear"
 * interpolates between the two neighbouring points and extrapolates past the ends with the end intervals. Indices
 * beyond the timebase give NaN with "nearest".
 *
 * @example
 * ```ts
 * import { sampleTimes } from "@neuropose/sync";
 * sampleTimes([0, 1, 3], [0.5, 1.5, 2.5], "linear"); // Float64Array [0.5,2,4]
 * sampleTimes([0, 1, 3], [0.4, 2, 7], "nearest"); // Float64Array [0,3,NaN]
 * ```
 */
export function sampleTimes(
  timebase: ArrayLike<number>,
  indices: ArrayLike<number>,
  mode: MappingMode,
): Float64Array {
  const n = timebase.length;
  const out = new Float64Array(indices.length);
  if (mode !== "nearest" && mode !== "linear") {
    throw new SyncError("E_SYNC_ARGUMENT", `unknown mapping ${JSON.stringify(mode)}`, {
      place: "mapping",
      hint: "use nearest or linear",
    });
  }
  for (let k = 0; k < indices.length; k++) {
    const x = indices[k] as number;
    if (mode === "nearest") {
      const i = Math.round(x);
      out[k] = i >= 0 && i < n ? (timebase[i] as number) : Number.NaN;
      continue;
    }
    if (n === 0) out[k] = Number.NaN;
    else if (n === 1) out[k] = x === 0 ? (timebase[0] as number) : Number.NaN;
    else {
      const i = Math.min(n - 2, Math.max(0, Math.floor(x)));
      const a = timebase[i] as number;
      const b = timebase[i + 1] as number;
      out[k] = a + (x - i) * (b - a);
    }
  }
  return out;
}

/**
 * Map times from clock A to clock B given paired sync events (`from[i]` on A is `to[i]` on B), e.g. Bpod times to
 * the NIDQ clock or one stream onto another. "linear": piecewise-linear between the pairs (extrapolated with the
 * end segments); "nearest": the nearest pair's offset (`to[k] - from[k]`) is added.
 *
 * @example
 * ```ts
 * import { mapClock } from "@neuropose/sync";
 * mapClock([0, 10], [100, 110.001], [5], "linear"); // Float64Array [105.0005]
 * mapClock([0, 10], [100, 110.001], [4], "nearest"); // Float64Array [104]
 * ```
 */
export function mapClock(
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  query: ArrayLike<number>,
  mode: MappingMode,
): Float64Array {
  if (from.length !== to.length || from.length === 0) {
    throw new SyncError(
      "E_SYNC_ARGUMENT",
      `paired sync events differ in length or are empty (${from.length} vs ${to.length})`,
      {
        place: "from/to",
        hint: "pair each sync event on one clock with the same event on the other",
      },
    );
  }
  checkSorted("from", from);
  const n = from.length;
  const out = new Float64Array(query.length);
  for (let k = 0; k < query.length; k++) {
    const q = query[k] as number;
    // first index with from[i] > q
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((from[mid] as number) <= q) lo = mid + 1;
      else hi = mid;
    }
    if (mode === "nearest") {
      let j = lo;
      if (j === n || (j > 0 && q - (from[j - 1] as number) <= (from[j] as number) - q)) j -= 1;
      out[k] = q + ((to[j] as number) - (from[j] as number));
    } else if (mode === "linear") {
      if (n === 1) {
        out[k] = q + ((to[0] as number) - (from[0] as number));
        continue;
      }
      const i = Math.min(n - 2, Math.max(0, lo - 1));
      const a = from[i] as number;
      const b = from[i + 1] as number;
      const ya = to[i] as number;
      const yb = to[i + 1] as number;
      out[k] = b === a ? ya : ya + ((q - a) * (yb - ya)) / (b - a);
    } else {
      throw new SyncError("E_SYNC_ARGUMENT", `unknown mapping ${JSON.stringify(mode)}`, {
        place: "mapping",
        hint: "use nearest or linear",
      });
    }
  }
  return out;
}
