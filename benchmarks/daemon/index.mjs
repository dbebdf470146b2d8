// benchmarks/daemon: the job daemon's overhead. 20 short clips go through `neuropose watch --once` (one job
// per clip: claim, status checkpoints, per-video document, results.json assembly, status commit, all atomic)
// and, in the same run, through `neuropose-infer` (all 20 clips in one invocation, one document each) on the
// same machine, same model (lite, CPU), both as users start them (process start and model load included in
// both). Prints jobs/minute, frames/s and the daemon's overhead per job against neuropose-infer (target < 5%).
// Clips: 1 s (30 frames, 640x360) cuts of ../shared/fixtures/videos/gaitlab_input.mp4 (a walking person),
// else ffmpeg's testsrc. NEUROPOSE_BENCH_CLIPS (default 20), NEUROPOSE_BENCH_ROUNDS (default 2: ABAB order).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const CLIPS = Number(process.env.NEUROPOSE_BENCH_CLIPS ?? 20);
const ROUNDS = Number(process.env.NEUROPOSE_BENCH_ROUNDS ?? 2);
const FRAMES = 30;
const tools = resolveFfmpeg({});
const work = mkdtempSync(join(tmpdir(), "np-bench-daemon-"));
const cacheDir = join(tmpdir(), "neuropose-bench-models");
const env = {
  ...process.env,
  NEUROPOSE_MODEL_CACHE_DIR: cacheDir,
  NEUROPOSE_CONFIG: "",
  NEUROPOSE_LOG_LEVEL: "warn",
};
const src = join(root, "..", "shared", "fixtures", "videos", "gaitlab_input.mp4");

const clips = [];
mkdirSync(join(work, "clips"));
for (let i = 0; i < CLIPS; i++) {
  const out = join(work, "clips", `clip${String(i).padStart(2, "0")}.mp4`);
  const input = existsSync(src)
    ? ["-ss", String((i * 0.7) % 8), "-i", src]
    : ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=30"];
  execFileSync(tools.ffmpeg, [
    "-v",
    "error",
    "-y",
    ...input,
    "-frames:v",
    String(FRAMES),
    "-vf",
    "scale=640:360",
    "-an",
    "-c:v",
    "libx264",
    out,
  ]);
  clips.push(out);
}
console.log(
  `${CLIPS} clips x ${FRAMES} frames (${existsSync(src) ? "gaitlab_input.mp4 cuts" : "testsrc"}), ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}`,
);

function timed(cmd, args, cwd, extraEnv = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, cmd), ...args], {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: "utf8",
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  timed.stderr = r.stderr;
  return ms;
}

/** The daemon's own bookkeeping per job, from its JSON log: job wall time minus the worker's calls (probe,
 * inference, document write: the work neuropose-infer does too), plus the gap to the next job (claim).
 * Much less sensitive than the wall-clock ratio to what else the machine is doing. */
const bookkeeping = [];
function parseLog(stderr) {
  const lines = stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
  let infer = 0;
  let lastDone;
  for (const l of lines) {
    if (l.msg.startsWith("job started") && lastDone !== undefined)
      bookkeeping.push({ kind: "gap", ms: Date.parse(l.time) - lastDone });
    if (l.msg.startsWith("video done")) infer += l.ms; // the worker's call: the work neuropose-infer does too
    if (l.msg.startsWith("job completed")) {
      bookkeeping.push({ kind: "job", ms: l.ms - infer });
      infer = 0;
      lastDone = Date.parse(l.time);
    }
  }
}

function runInfer() {
  const out = join(work, `infer-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(out);
  const ms = timed(
    "apps/neuropose-infer/bin.js",
    [...clips, "--model", "lite", "--device", "cpu", "--quiet"],
    out,
  );
  if (readdirSync(out).length !== CLIPS) throw new Error("neuropose-infer did not write every document");
  rmSync(out, { recursive: true });
  return ms;
}

function runDaemon() {
  const data = join(work, `data-${Math.random().toString(36).slice(2, 8)}`);
  for (const c of clips) {
    const job = join(data, "in", c.replace(/^.*\/(.*)\.mp4$/, "$1"));
    mkdirSync(job, { recursive: true });
    execFileSync("cp", [c, job]);
  }
  const ms = timed(
    "apps/neuropose/bin.js",
    [
      "watch",
      "--data-dir",
      data,
      "--once",
      "--skip-checks",
      "--model",
      "lite",
      "--device",
      "cpu",
      "--poll",
      "0.05",
      "--log-format",
      "json",
    ],
    work,
    { NEUROPOSE_LOG_LEVEL: "info" },
  );
  parseLog(timed.stderr);
  const done = readdirSync(join(data, "out")).filter((d) => existsSync(join(data, "out", d, "results.json")));
  if (done.length !== CLIPS) throw new Error(`the daemon completed ${done.length} of ${CLIPS} jobs`);
  rmSync(data, { recursive: true });
  return ms;
}

// warm the model cache (conversion on first use) outside the timings
timed(
  "apps/neuropose-infer/bin.js",
  [clips[0], "--model", "lite", "--device", "cpu", "--quiet", "-o", join(work, "warm.json")],
  work,
);

const infer = [];
const daemon = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) {
    infer.push(runInfer());
    daemon.push(runDaemon());
  } else {
    daemon.push(runDaemon());
    infer.push(runInfer());
  }
}
const best = (a) => Math.min(...a);
const frames = CLIPS * FRAMES;
const row = (name, ms) =>
  `${name.padEnd(16)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${((CLIPS * 60000) / ms).toFixed(1).padStart(6)} jobs/min  ${((frames * 1000) / ms).toFixed(1).padStart(6)} frames/s`;
console.log(row("neuropose-infer", best(infer)));
console.log(row("neuropose watch", best(daemon)));
const overhead = best(daemon) / best(infer) - 1;
console.log(
  `daemon / infer = ${(best(daemon) / best(infer)).toFixed(3)}: overhead ${(100 * overhead).toFixed(1)}% (${((best(daemon) - best(infer)) / CLIPS).toFixed(0)} ms per job; target < 5%) [best of ${ROUNDS}; all: infer ${infer.map((m) => (m / 1000).toFixed(1)).join("/")} s, daemon ${daemon.map((m) => (m / 1000).toFixed(1)).join("/")} s]`,
);
const mean = (k) => {
  const v = bookkeeping.filter((b) => b.kind === k).map((b) => b.ms);
  return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
};
const perJob = mean("job") + mean("gap");
const inferPerJob = best(infer) / CLIPS;
console.log(
  `daemon bookkeeping (from its log): ${mean("job").toFixed(0)} ms per job around the worker + ${mean("gap").toFixed(0)} ms between jobs = ${perJob.toFixed(0)} ms = ${((100 * perJob) / inferPerJob).toFixed(1)}% of neuropose-infer's ${inferPerJob.toFixed(0)} ms per clip`,
);
rmSync(work, { recursive: true, force: true });
