// Seeded inputs shared by the DTW benchmarks (each runs in its own process, so each starts from the same seed).
let seed = 12345;
/** Uniform in [-0.5, 0.5) from a fixed LCG. */
export function rnd() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
}
/** n frames of d random walks, row-major. */
export function series(n, d) {
  const x = new Float64Array(n * d);
  for (let k = 0; k < d; k++) {
    let v = 0;
    for (let i = 0; i < n; i++) {
      v += rnd();
      x[i * d + k] = v;
    }
  }
  return x;
}
