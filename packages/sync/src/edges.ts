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
