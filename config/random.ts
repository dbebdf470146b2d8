// The one seeded PRNG for tests (and test helpers): mulberry32, 32-bit state, uniform in [0, 1). Deterministic
// across platforms, so a failing seed reproduces everywhere. Import it relatively, e.g. `../../../config/random.js`.
// (@neuropose/analysis's synthesizeGaitPredictions is library code and keeps its own copy of the same generator.)

/** A uniform [0, 1) generator seeded with `seed` (mulberry32). */
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
