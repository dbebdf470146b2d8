// Exact DTW: @neuropose/dtw (built) against dtaidistance's C core, both run in THIS process on the same inputs
// and timed on the same clock, this thread's CPU time (clock_gettime(CLOCK_THREAD_CPUTIME_ID), so other processes
// on a loaded machine and V8's helper threads do not count). dtaidistance is not vendored: its C sources are
// compiled at run time (gcc -O3 -DNDEBUG, plus a second build with -march=native) into a small N-API addon
// (dtaidistance-addon.c) from the folder named by DTAIDISTANCE_SRC (the one holding dd_dtw.c, i.e.
// src/DTAIDistanceC/DTAIDistanceC of https://github.com/wannesm/dtaidistance). Without it (or without gcc or
// node's headers) the script prints why and exits 0.
//
// Settings map one to one: our `window: w` is dtaidistance's `window = w + 1` (it allows shifts < window),
// `psi` is its psi on both series, `cost: "sqeuclidean"` its default inner distance (squared, sqrt at the end)
// and `cost: "euclidean"` its `inner_dist = 1`. Every distance is checked equal (1e-12 relative) before timing.
//
// `DTAIDISTANCE_SRC=/path/to/DTAIDistanceC node benchmarks/dtw/vs-dtaidistance.mjs [--quick] [--dims=1,3]`
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dtwDistance } from "@neuropose/dtw";
import { series } from "./_series.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const dimsArg = process.argv.find((x) => x.startsWith("--dims="));
const dimsList = dimsArg ? dimsArg.slice(7).split(",").map(Number) : [1, 3, 51, 99];

function skip(why) {
  console.log(`vs dtaidistance: skipped (${why})`);
  process.exit(0);
}

const src = process.env.DTAIDISTANCE_SRC;
if (!src) skip("set DTAIDISTANCE_SRC to dtaidistance's src/DTAIDistanceC/DTAIDistanceC folder");
if (!existsSync(join(src, "dd_dtw.c"))) skip(`no dd_dtw.c in ${src}`);
const nodeInclude = [
  join(dirname(process.execPath), "..", "include", "node"),
  "/usr/include/node",
  process.env.NODE_INCLUDE_DIR ?? "",
].find((d) => d && existsSync(join(d, "node_api.h")));
if (!nodeInclude) skip("node's headers (node_api.h) not found; set NODE_INCLUDE_DIR");
const cc = process.env.CC ?? "gcc";

const build = mkdtempSync(join(tmpdir(), "np-dtaidistance-"));
process.on("exit", () => rmSync(build, { recursive: true, force: true }));
const require = createRequire(import.meta.url);
/** Compiles dtaidistance + the wrapper with the given flags and loads it. */
function compile(name, flags) {
  const out = join(build, `${name}.node`);
  const files = ["dd_dtw.c", "dd_ed.c", "dd_globals.c"].map((f) => join(src, f));
  const args = [
    ...flags,
    "-DNDEBUG",
    "-fPIC",
    "-shared",
    `-DNODE_GYP_MODULE_NAME=${name}`,
    `-I${nodeInclude}`,
    `-I${src}`,
    join(here, "dtaidistance-addon.c"),
    ...files,
    "-lm",
    "-o",
    out,
  ];
  const r = spawnSync(cc, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) skip(`${cc} failed: ${r.error?.message ?? r.stderr.trim().split("\n")[0]}`);
  return require(out);
}
const builds = [
  ["-O3", compile("dd_o3", ["-O3"])],
  ["-O3 -march=native", compile("dd_native", ["-O3", "-march=native"])],
];
const clock = builds[0][1].threadCpuNs;

// Inputs: seeded random walks (_series.mjs), the same every run.
/** Cells inside our band (rows = longer series), as both implementations visit them. */
function cells(n, m, w) {
  if (w === undefined) return n * m;
  const [r, c] = n >= m ? [n, m] : [m, n];
  let total = 0;
  for (let i = 0; i < r; i++) total += Math.min(c - 1, i + w) - Math.max(0, i - w - (r - c)) + 1;
  return total;
}

const cases = [];
for (const d of dimsList) {
  const lens = quick ? [1000] : d >= 51 ? [1000, 2000] : [1000, 4000];
  for (const n of lens) {
    cases.push({ d, n, m: n, window: undefined, psi: 0 });
    if (!quick) cases.push({ d, n, m: Math.round(0.9 * n), window: Math.round(0.1 * n), psi: 0 });
  }
  cases.push({ d, n: 500, m: 450, window: 40, psi: 10 });
}

console.log(
  `CPU: ${cpus()[0]?.model ?? "?"}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}; dtaidistance from ${src}`,
);
console.log(
  "thread-CPU ns per cell (best of 9 interleaved calls, 5 for the largest); ratio = C / ours (> 1: we are faster)\n" +
    "   D     n     m window psi  cost        |   ours  C -O3  ratio | C native ratio",
);
const fmt = (x, w = 6) => x.toFixed(2).padStart(w);
const summary = new Map();
for (const { d, n, m, window, psi } of cases) {
  const a = series(n, d);
  const b = series(m, d);
  const c = cells(n, m, window);
  for (const cost of ["sqeuclidean", "euclidean"]) {
    const inner = cost === "euclidean" ? 1 : 0;
    const opt = { dims: d, cost, psi, ...(window === undefined ? {} : { window }) };
    const ddWindow = window === undefined ? 0 : window + 1;
    const ours = dtwDistance(a, b, opt);
    for (const [flags, dd] of builds) {
      const theirs = dd.timeRuns(a, b, n, m, d, ddWindow, psi, inner, 1)[1];
      if (!(Math.abs(ours - theirs) <= 1e-12 * Math.abs(theirs))) {
        throw new Error(
          `distance mismatch D=${d} n=${n} m=${m} w=${window} psi=${psi} ${cost} (${flags}): ours ${ours}, dtaidistance ${theirs}`,
        );
      }
    }
    // one call of each per round, interleaved, best of the rounds: a burst of load from other processes (which
    // also slows this thread: shared caches, SMT siblings) then hits all three alike and rarely every round
    const rounds = c * d > 2e8 ? 5 : 9;
    let tOurs = Number.POSITIVE_INFINITY;
    const tC = builds.map(() => Number.POSITIVE_INFINITY);
    dtwDistance(a, b, opt); // warm-up (JIT, WebAssembly memory growth)
    for (let round = 0; round < rounds; round++) {
      const s0 = clock();
      dtwDistance(a, b, opt);
      tOurs = Math.min(tOurs, clock() - s0);
      builds.forEach(([, dd], k) => {
        tC[k] = Math.min(tC[k], dd.timeRuns(a, b, n, m, d, ddWindow, psi, inner, 1)[0]);
      });
    }
    const [o, c3, cn] = [tOurs / c, tC[0] / c, tC[1] / c];
    const key = `${d} ${cost}`;
    const s = summary.get(key) ?? { min: Number.POSITIVE_INFINITY, max: 0, minN: Number.POSITIVE_INFINITY };
    s.min = Math.min(s.min, c3 / o);
    s.max = Math.max(s.max, c3 / o);
    s.minN = Math.min(s.minN, cn / o);
    summary.set(key, s);
    console.log(
      `${String(d).padStart(4)} ${String(n).padStart(5)} ${String(m).padStart(5)} ${String(window ?? "full").padStart(6)} ${String(psi).padStart(3)}  ${cost.padEnd(11)} | ${fmt(o)} ${fmt(c3)} ${fmt(c3 / o, 5)}x | ${fmt(cn)} ${fmt(cn / o, 5)}x`,
    );
  }
}
console.log("\nlead over dtaidistance -O3 (min-max over the rows above; worst case against -march=native):");
for (const [key, s] of summary) {
  console.log(
    `  D=${key.padEnd(14)} ${s.min.toFixed(2)}-${s.max.toFixed(2)}x  (native: >= ${s.minN.toFixed(2)}x)`,
  );
}
