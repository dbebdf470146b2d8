/**
 * A seeded uniform [0, 1) generator (mulberry32, 32-bit state): deterministic across platforms, so synthetic
 * data (analysis's `synthesizeGaitPredictions`, test inputs, benchmark frames) is the same on every machine.
 * Not for anything secret.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "@neuropose/io";
 * const r = mulberry32(1);
 * r(); // 0.6270739405881613
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
