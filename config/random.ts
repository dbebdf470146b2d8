// The one seeded PRNG for tests (and test helpers): mulberry32, 32-bit state, uniform in [0, 1). Deterministic
// across platforms, so a failing seed reproduces everywhere. Import it relatively, e.g. `../../../config/random.js`.
// It is @neuropose/io's (library code such as analysis's synthesizeGaitPredictions uses the same generator);
// benchmarks (.mjs, run against the build) import it from "@neuropose/io/core".
export { mulberry32 } from "../packages/io/src/random.js";
