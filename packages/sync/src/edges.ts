import { Growable } from "./_growable.js";

/** Edges of one bit in a sampled digital signal, as sample indices. */
export interface WordEdges {
  bit: number;
  rising: Float64Array;
  falling: Float64Array;
}

/**
 * Rising and falling edges of chosen bits of an in-memory digital word signal (integers, or float64 holding
 * integers as iblrig's camera GPIO files do), as sample indices: an edge is at i when bit(i) differs from bit(i-1)
 * (numpy: `np.flatnonzero(np.diff((w >> bit) & 1) == 1) + 1`). For SpikeGLX files use the streamed
 * `extractSpikeGlxEdges`; divide indices by the sample rate for seconds.
 *
 * @example
 * ```ts
 * import { digitalEdges } from "@neuropose/sync";
 * const [b0] = digitalEdges([0, 1, 1, 0, 1], [0]);
 * console.log(Array.from(b0.rising), Array.from(b0.falling)); // [1,4] [3]
 * ```
 */
export function digitalEdges(words: ArrayLike<number>, bits: number[]): WordEdges[] {
  const rise = bits.map(() => new Growable());
  const fall = bits.map(() => new Growable());
  // Bits up to 52 are addressed by division (float64 words hold integers exactly up to 2^53).
  const bitOf = (w: number, b: number) => Math.floor(w / 2 ** b) % 2;
  for (let j = 0; j < bits.length; j++) {
    const b = bits[j] as number;
    let prev = words.length ? bitOf(words[0] as number, b) : 0;
    for (let i = 1; i < words.length; i++) {
      const x = bitOf(words[i] as number, b);
      if (x !== prev) {
        if (x) (rise[j] as Growable).push(i);
        else (fall[j] as Growable).push(i);
        prev = x;
      }
    }
  }
  return bits.map((bit, j) => ({
    bit,
    rising: (rise[j] as Growable).toArray(),
    falling: (fall[j] as Growable).toArray(),
  }));
}

/** Edges of a sampled analog TTL trace (see {@link analogEdges}). */
export interface AnalogEdges {
  /** The threshold used (the trace's mean unless one was given). */
  threshold: number;
  /** Sample indices of rising / falling crossings. */
  rising: Float64Array;
  falling: Float64Array;
}

/**
 * Rising and falling edges of an analog TTL trace (a voltage sampled by a DAQ, as neuroconv's mock TTL signals or
 * an NWB acquisition TimeSeries): neuroconv's `get_rising_frames_from_ttl` / `get_falling_frames_from_ttl` rule,
 * so the indices equal theirs: `s = sign(trace - threshold)`, rising where `diff(s) > 0`, falling where
 * `diff(s) < 0` (index of the later sample), threshold the trace's mean by default. Divide by the rate (and add
 * the series' starting time) for seconds.
 *
 * @example
 * ```ts
 * import { analogEdges } from "@neuropose/sync";
 * const e = analogEdges([0, 0, 5, 5, 0, 5]);
 * console.log(Array.from(e.rising), Array.from(e.falling)); // [2,5] [4]
 * ```
 */
export function analogEdges(trace: ArrayLike<number>, options: { threshold?: number } = {}): AnalogEdges {
  let threshold = options.threshold;
  if (threshold === undefined) {
    // The mean as numpy takes it for integer traces (float64 sum, exact below 2^53, divided by n).
    let sum = 0;
    for (let i = 0; i < trace.length; i++) sum += trace[i] as number;
    threshold = trace.length ? sum / trace.length : 0;
  }
  const rise = new Growable();
  const fall = new Growable();
  let prev = trace.length ? Math.sign((trace[0] as number) - threshold) : 0;
  for (let i = 1; i < trace.length; i++) {
    const s = Math.sign((trace[i] as number) - threshold);
    if (s > prev) rise.push(i);
    else if (s < prev) fall.push(i);
    prev = s;
  }
  return { threshold, rising: rise.toArray(), falling: fall.toArray() };
}
