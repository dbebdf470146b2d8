import { SyncError } from "./errors.js";

export interface TrialAlignment {
  /** Per trial: index of the pulse matched (-1: not aligned). */
  pulseIndex: Int32Array;
  /** Per trial: the pulse time (NaN when not aligned). */
  pulseTime: Float64Array;
  /** Per trial: pulse - sync onset, i.e. what to add to the trial's Bpod times to put them on the TTL clock (NaN when not aligned). */
  offset: Float64Array;
  /** Trials with a sync onset that found no pulse left. */
  unmatched: number;
  /** Pulses never used. */
  unusedPulses: number;
}

/**
 * Align trials to a TTL channel the way the W2T design does: trials in order; each trial whose sync state was
 * visited (finite `syncOnsets[i]`, absolute on the Bpod clock: trial start + state onset) takes the next unused
 * pulse; its offset is `pulse - syncOnset`. Trials whose sync state was not visited (NaN) take no pulse. Plain
 * arrays in, plain arrays out, so that any trial reader can feed it.
 *
 * @example
 * ```ts
 * import { alignTrialsToPulses } from "@neuropose/sync";
 * const a = alignTrialsToPulses([7.38, Number.NaN, 28.48], [22.74, 43.84]);
 * console.log(Array.from(a.pulseIndex), a.offset.map((x) => Math.round(x * 100) / 100)); // [0,-1,1] Float64Array [15.36,NaN,15.36]
 * ```
 */
export function alignTrialsToPulses(
  syncOnsets: ArrayLike<number>,
  pulses: ArrayLike<number>,
): TrialAlignment {
  const n = syncOnsets.length;
  for (let i = 1; i < pulses.length; i++) {
    if ((pulses[i] as number) < (pulses[i - 1] as number)) {
      throw new SyncError("E_SYNC_ARGUMENT", `pulse times decrease at index ${i}`, {
        place: `pulses[${i}]`,
        hint: "pass the TTL channel's edge times in order",
      });
    }
  }
  const pulseIndex = new Int32Array(n).fill(-1);
  const pulseTime = new Float64Array(n).fill(Number.NaN);
  const offset = new Float64Array(n).fill(Number.NaN);
  let next = 0;
  let unmatched = 0;
  for (let i = 0; i < n; i++) {
    const on = syncOnsets[i] as number;
    if (!Number.isFinite(on)) continue;
    if (next >= pulses.length) {
      unmatched++;
      continue;
    }
    const p = pulses[next] as number;
    pulseIndex[i] = next;
    pulseTime[i] = p;
    offset[i] = p - on;
    next++;
  }
  return { pulseIndex, pulseTime, offset, unmatched, unusedPulses: pulses.length - next };
}
