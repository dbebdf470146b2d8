// Exact DTW speed: ns per cell of @neuropose/dtw (built; WebAssembly SIMD kernel and its pure-JS engine) beside a
// textbook two-row JavaScript DTW run in the same process, for n = 1000, 5000, 10000 at D = 1, 3, 99, full and
// 10% Sakoe-Chiba window; then a cohort matrix with 1 thread vs all threads.
// `node benchmarks/dtw/index.mjs [--quick]` (--quick: n = 1000 and 5000 only, smaller cohort); ends with
// vs-dtaidistance.mjs (set DTAIDISTANCE_SRC to compile and compare dtaidistance's C core in the same process).
import { availableParallelism, cpus, loadavg } from "node:os";
import { dtwDistance, dtwMatrix, fastdtw } from "@neuropose/dtw";
import { rnd, series } from "./_series.mjs";

const quick = process.argv.includes("--quick");
const sizes = quick ? [1000, 5000] : [1000, 5000, 10000];
const dimsList = [1, 3, 99];

/** The textbook two-row DTW (Euclidean local cost, Math.min, optional band). */
function textbook(a, b, n, m, d, w) {
  let prev = new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY);
  let cur = new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY);
  prev[0] = 0;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - w);
    const hi = Math.min(m, i + w);
    cur[lo - 1] = Number.POSITIVE_INFINITY;
    for (let j = lo; j <= hi; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = a[(i - 1) * d + k] - b[(j - 1) * d + k];
        s += t * t;
      }
      cur[j] = Math.sqrt(s) + Math.min(prev[j - 1], prev[j], cur[j - 1]);
    }
    if (hi < m) cur[hi + 1] = Number.POSITIVE_INFINITY;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

function cells(n, w) {
  if (w >= n) return n * n;
  let c = 0;
  for (let i = 0; i < n; i++) c += Math.min(n - 1, i + w) - Math.max(0, i - w) + 1;
  return c;
}

/** CPU milliseconds of this process (robust to other processes sharing the cores, unlike wall time). */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Best-of-k CPU time in ns per cell: a first run (warm-up; kept if it took > 0.25 s), then up to 5 runs in
 * ~0.3 s of CPU time.
 */
function time(fn, nCells) {
  const w0 = cpuMs();
  fn();
  const first = cpuMs() - w0;
  if (first > 250) return (first * 1e6) / nCells;
  let best = Number.POSITIVE_INFINITY;
  const t0 = cpuMs();
  let reps = 0;
  do {
    const s = cpuMs();
    fn();
    best = Math.min(best, cpuMs() - s);
    reps++;
  } while (cpuMs() - t0 < 300 && reps < 5);
  return (best * 1e6) / nCells;
}

const fmt = (x) => x.toFixed(2).padStart(7);
console.log(`CPU: ${cpus()[0]?.model ?? "?"} x ${availableParallelism()}, Node ${process.version}`);
console.log("CPU ns per cell (lower is better); speed-up = textbook JS / ours (WebAssembly kernel)");
console.log("    n    D  window |  wasm     js   textbook | speed-up (wasm)");
const rows = [];
for (const d of dimsList) {
  for (const n of sizes) {
    const a = series(n, d);
    const b = series(n, d);
    for (const frac of [1, 0.1]) {
      const w = frac === 1 ? n : Math.round(n * frac);
      const opt = frac === 1 ? { dims: d } : { dims: d, window: w };
      const c = cells(n, w);
      // the textbook baseline is the slow part: skip it for the largest full D=99 run (extrapolated from n=5000)
      const skipBase = d === 99 && n === 10000 && frac === 1;
      const want = skipBase ? null : textbook(a, b, n, n, d, w);
      const got = dtwDistance(a, b, opt);
      if (want !== null && Math.abs(got - want) > 1e-9 * Math.abs(want)) {
        throw new Error(`mismatch n=${n} d=${d} w=${w}: ${got} vs ${want}`);
      }
      const tw = time(() => dtwDistance(a, b, opt), c);
      const skipJs = d === 99 && n === 10000;
      const tj = skipJs ? Number.NaN : time(() => dtwDistance(a, b, { ...opt, engine: "js" }), c);
      const tb = skipBase ? Number.NaN : time(() => textbook(a, b, n, n, d, w), c);
      rows.push({ n, d, frac, tw, tj, tb });
      console.log(
        `${String(n).padStart(5)} ${String(d).padStart(4)} ${(frac === 1 ? "full" : "10%").padStart(7)} |${fmt(tw)}${skipJs ? "  (skip)" : fmt(tj)}${skipBase ? "   (skip)" : fmt(tb)}   | ${skipBase ? "-" : `${(tb / tw).toFixed(1)}x`}`,
      );
    }
  }
}

// fastdtw (this package's port of fastdtw 0.3.4, radius 1) vs exact DTW: time and distance ratio.
console.log(
  "\nfastdtw radius 1 vs exact DTW, D = 3 white noise (CPU ms; fastdtw's distance / the exact one)",
);
for (const n of quick ? [1000] : [1000, 4000]) {
  const a = Float64Array.from({ length: n * 3 }, rnd);
  const b = Float64Array.from({ length: n * 3 }, rnd);
  let f;
  let e;
  const tf = time(() => {
    f = fastdtw(a, b, { dims: 3, dist: "euclidean" });
  }, 1e6);
  const te = time(() => {
    e = dtwDistance(a, b, { dims: 3 });
  }, 1e6);
  console.log(
    `  n=${n}: fastdtw ${tf.toFixed(1)} ms, exact ${te.toFixed(1)} ms, distance ratio ${(f.distance / e).toFixed(3)}`,
  );
}

// Cohort matrix: 1 thread vs all threads.
const cohortN = quick ? 8 : 16;
const cohortLen = quick ? 1500 : 2000;
const cohort = Array.from({ length: cohortN }, (_, k) => series(cohortLen + 60 * k, 3));
const tm = async (threads) => {
  const s = performance.now();
  const c = cpuMs(); // includes the worker threads' CPU time
  await dtwMatrix(cohort, { dims: 3 }, { threads });
  return [(performance.now() - s) / 1000, (cpuMs() - c) / 1000];
};
const all = availableParallelism();
const [w1, c1] = await tm(1);
const [wn, cn] = await tm(all);
console.log(
  `\ncohort matrix: ${cohortN} sequences of ${cohortLen}-${cohortLen + 60 * (cohortN - 1)} frames, D=3 (${(cohortN * (cohortN - 1)) / 2} pairs):\n` +
    `  1 thread: ${w1.toFixed(2)} s wall (${c1.toFixed(2)} s CPU); ${all} threads: ${wn.toFixed(2)} s wall (${cn.toFixed(2)} s CPU); ` +
    `wall speed-up ${(w1 / wn).toFixed(2)}x (load average ${loadavg()[0].toFixed(1)} on ${all} cores)`,
);

// Against dtaidistance's C core, compiled here and run in one process (skips with a reason without DTAIDISTANCE_SRC).
console.log("");
const { spawnSync } = await import("node:child_process");
const { fileURLToPath } = await import("node:url");
spawnSync(
  process.execPath,
  [fileURLToPath(new URL("./vs-dtaidistance.mjs", import.meta.url)), ...(quick ? ["--quick"] : [])],
  { stdio: "inherit" },
);
