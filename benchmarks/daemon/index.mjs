// benchmarks/daemon: the job daemon's overhead. 20 short clips go through `neuropose watch --once` (one job
// per clip: claim, status checkpoints, the video's document streamed into results.json, one commit, the status
// entry carried by the next claim) and, in the same run, through `neuropose-infer` (all 20 clips in one
// invocation, one document each) on the same machine, same model (lite, CPU), both as users start them
// (process start and model load included in both). Then the same clips inside one process: worker.process in a
// loop vs runDaemon, which isolates the daemon's own bookkeeping from process start and the CLI's module loading.
// Runs are interleaved (infer, daemon, daemon, infer, ...) and repeated; medians are compared, for wall time and
// for CPU time (the process's threads and the ffmpeg/ffprobe it waited for: much less sensitive to what else the
// machine runs). Also prints the daemon's own bookkeeping per job from its JSON log, and times ffprobe from a
// process without and with the model (the one structural difference left). Target: overhead < 5%.
// NEUROPOSE_BENCH_CLIPS (default 20), NEUROPOSE_BENCH_ROUNDS (default 3 of each).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import {
  benchEnv,
  bookkeeping,
  clipSource,
  cpuReportEnv,
  cpuSecondsNow,
  FRAMES,
  load,
  makeClips,
  median,
  readCpu,
  root,
} from "../_jobs.mjs";

const CLIPS = Number(process.env.NEUROPOSE_BENCH_CLIPS ?? 20);
const ROUNDS = Number(process.env.NEUROPOSE_BENCH_ROUNDS ?? 3);
const work = mkdtempSync(join(tmpdir(), "np-bench-daemon-"));
const env = benchEnv({ NEUROPOSE_LOG_LEVEL: "warn" });
const clips = makeClips(join(work, "clips"), CLIPS);
const loadBefore = load();
console.log(`${CLIPS} clips x ${FRAMES} frames (${clipSource}), ${cpus().length} cores, load ${loadBefore}`);

let runs = 0;
function timed(cmd, args, cwd, extraEnv = {}) {
  const cpuFile = join(work, `cpu-${runs++}.json`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, cmd), ...args], {
    cwd,
    env: { ...env, ...extraEnv, ...cpuReportEnv(cpuFile) },
    encoding: "utf8",
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, cpu: readCpu(cpuFile), stderr: r.stderr };
}

function runInfer() {
  const out = join(work, `infer-${runs}`);
  mkdirSync(out);
  const r = timed(
    "apps/neuropose-infer/bin.js",
    [...clips, "--model", "lite", "--device", "cpu", "--quiet"],
    out,
  );
  if (readdirSync(out).length !== CLIPS) throw new Error("neuropose-infer did not write every document");
  rmSync(out, { recursive: true });
  return r;
}

const logs = [];
function runDaemon() {
  const data = join(work, `data-${runs}`);
  for (const c of clips) {
    const job = join(data, "in", c.replace(/^.*\/(.*)\.mp4$/, "$1"));
    mkdirSync(job, { recursive: true });
    execFileSync("cp", [c, job]);
  }
  const r = timed(
    "apps/neuropose/bin.js",
    [
      ...["watch", "--data-dir", data, "--once", "--skip-checks"],
      ...["--model", "lite", "--device", "cpu", "--poll", "0.05", "--log-format", "json"],
    ],
    work,
    { NEUROPOSE_LOG_LEVEL: "info" },
  );
  logs.push(r.stderr);
  const done = readdirSync(join(data, "out")).filter((d) => existsSync(join(data, "out", d, "results.json")));
  if (done.length !== CLIPS) throw new Error(`the daemon completed ${done.length} of ${CLIPS} jobs`);
  rmSync(data, { recursive: true });
  return r;
}

// warm the model cache (conversion on first use) and the page cache outside the timings
timed(
  "apps/neuropose-infer/bin.js",
  [clips[0], "--model", "lite", "--device", "cpu", "--quiet", "-o", join(work, "warm.json")],
  work,
);

const infer = [];
const daemon = [];
const say = (name, r) =>
  console.log(`  ${name}: ${(r.ms / 1000).toFixed(1)} s wall, ${r.cpu.toFixed(2)} s CPU`);
for (let r = 0; r < ROUNDS; r++) {
  // ABBA order: neither side always runs first (after the other's page cache, or in a quieter minute)
  const pair = r % 2 === 0 ? ["infer", "daemon"] : ["daemon", "infer"];
  for (const side of pair) {
    const res = side === "infer" ? runInfer() : runDaemon();
    (side === "infer" ? infer : daemon).push(res);
    say(`round ${r + 1} ${side === "infer" ? "neuropose-infer" : "neuropose watch"}`, res);
  }
}

// The same comparison inside one process: one loaded worker, the clips through worker.process directly vs
// through runDaemon on a data dir (claim, checkpoints, results.json, status commits). No process start, no
// CLI: what remains is the daemon's own bookkeeping. (The built package by path: benchmarks/ does not
// depend on @neuropose/jobs.)
const jobs = await import(join(root, "packages", "jobs", "dist", "index.js"));
// One structural difference: neuropose-infer probes every clip before it loads the model, the daemon probes each
// video as it comes, from a process holding the model. Spawning (fork) costs more in a bigger process: the same
// ffprobe calls timed here before and after the model is loaded.
const { probeVideo, resolveFfmpeg } = await import("@neuropose/infer");
const tools = resolveFfmpeg({});
async function probeCost() {
  await probeVideo(clips[0], tools);
  const c0 = cpuSecondsNow();
  const t0 = performance.now();
  for (const c of clips) await probeVideo(c, tools);
  return {
    ms: (performance.now() - t0) / CLIPS,
    cpu: (1000 * (cpuSecondsNow() - c0)) / CLIPS,
    rss: process.memoryUsage().rss / 2 ** 20,
  };
}
const probeSmall = await probeCost();
const worker = await jobs.createBlazePoseWorker({
  model: "lite",
  cacheDir: env.NEUROPOSE_MODEL_CACHE_DIR,
  device: "cpu",
});
await worker.process(clips[0], join(work, "warm-inproc.json")); // the first inference of a session is slower
const probeBig = await probeCost();
async function inProcess(kind) {
  const dir = join(work, `inproc-${runs++}`);
  mkdirSync(dir);
  const c0 = cpuSecondsNow();
  const t0 = performance.now();
  if (kind === "direct") {
    for (const c of clips) await worker.process(c, join(dir, `${c.replace(/^.*\//, "")}.json`));
  } else {
    for (const c of clips) {
      mkdirSync(join(dir, "in", c.replace(/^.*\/(.*)\.mp4$/, "$1")), { recursive: true });
      execFileSync("cp", [c, join(dir, "in", c.replace(/^.*\/(.*)\.mp4$/, "$1"))]);
    }
    const source = new jobs.FolderJobSource(dir);
    await source.ensureLayout();
    const t1 = performance.now(); // the copies above are the benchmark's setup, not the daemon's work
    const c1 = cpuSecondsNow();
    const summary = await jobs.runDaemon({ source, worker, once: true });
    if (summary.completed.length !== CLIPS)
      throw new Error("the in-process daemon did not complete every job");
    rmSync(dir, { recursive: true });
    return { ms: performance.now() - t1, cpu: cpuSecondsNow() - c1 };
  }
  rmSync(dir, { recursive: true });
  return { ms: performance.now() - t0, cpu: cpuSecondsNow() - c0 };
}
const direct = [];
const loop = [];
for (let r = 0; r < ROUNDS; r++) {
  const pair = r % 2 === 0 ? ["direct", "daemon"] : ["daemon", "direct"];
  for (const side of pair) (side === "direct" ? direct : loop).push(await inProcess(side));
}
await worker.dispose();
const frames = CLIPS * FRAMES;
const m = (rs, k) => median(rs.map((x) => x[k]));
const row = (name, rs) =>
  `${name.padEnd(16)} ${(m(rs, "ms") / 1000).toFixed(2).padStart(7)} s wall ${m(rs, "cpu").toFixed(2).padStart(7)} s CPU  ${((CLIPS * 60000) / m(rs, "ms")).toFixed(1).padStart(6)} jobs/min  ${((frames * 1000) / m(rs, "ms")).toFixed(1).padStart(6)} frames/s`;
console.log(row("neuropose-infer", infer));
console.log(row("neuropose watch", daemon));
const all = (rs, k, d) => rs.map((x) => (k === "ms" ? x.ms / 1000 : x[k]).toFixed(d)).join("/");
const wall = m(daemon, "ms") / m(infer, "ms");
const cpu = m(daemon, "cpu") / m(infer, "cpu");
console.log(
  `daemon / infer (medians of ${ROUNDS}): wall ${wall.toFixed(3)} (${(100 * (wall - 1)).toFixed(1)}%, ${((m(daemon, "ms") - m(infer, "ms")) / CLIPS).toFixed(0)} ms per job), CPU ${cpu.toFixed(3)} (${(100 * (cpu - 1)).toFixed(1)}%, ${((1000 * (m(daemon, "cpu") - m(infer, "cpu"))) / CLIPS).toFixed(0)} ms per job); target < 5%`,
);
console.log(
  `  all runs: infer ${all(infer, "ms", 1)} s wall, ${all(infer, "cpu", 1)} s CPU; daemon ${all(daemon, "ms", 1)} s wall, ${all(daemon, "cpu", 1)} s CPU`,
);
const inWall = m(loop, "ms") / m(direct, "ms");
const inCpu = m(loop, "cpu") / m(direct, "cpu");
console.log(
  `in one process (no process start, no CLI), runDaemon / worker.process loop: wall ${inWall.toFixed(3)} (${((m(loop, "ms") - m(direct, "ms")) / CLIPS).toFixed(0)} ms per job), CPU ${inCpu.toFixed(3)} (${((1000 * (m(loop, "cpu") - m(direct, "cpu"))) / CLIPS).toFixed(0)} ms per job) [all: loop ${all(direct, "ms", 1)} s / ${all(direct, "cpu", 1)} s CPU, daemon ${all(loop, "ms", 1)} s / ${all(loop, "cpu", 1)} s CPU]`,
);
const b = bookkeeping(logs);
const inferPerJob = m(infer, "ms") / CLIPS;
console.log(
  `daemon bookkeeping (median from its log): ${b.job.toFixed(0)} ms per job around the worker + ${b.gap.toFixed(0)} ms between jobs = ${b.total.toFixed(0)} ms = ${((100 * b.total) / inferPerJob).toFixed(1)}% of neuropose-infer's ${inferPerJob.toFixed(0)} ms per clip`,
);
// The fixed part of the difference: loading each CLI's code (no work), CPU seconds, median of 3
const loadCpu = (entry) =>
  median(
    [0, 1, 2].map(() => {
      const f = join(work, `cpu-load-${runs++}.json`);
      const url = JSON.stringify(`file://${join(root, entry)}`);
      spawnSync(process.execPath, ["--input-type=module", "-e", `await import(${url})`], {
        env: { ...env, ...cpuReportEnv(f) },
      });
      return readCpu(f);
    }),
  );
const npLoad = loadCpu("apps/neuropose/dist/index.js");
const inferLoad = loadCpu("apps/neuropose-infer/dist/index.js");
console.log(
  `CLI code load (CPU, once per run): neuropose ${npLoad.toFixed(2)} s, neuropose-infer ${inferLoad.toFixed(2)} s: ${((1000 * (npLoad - inferLoad)) / CLIPS).toFixed(0)} ms per job of the CPU difference above is the umbrella CLI's start`,
);
const f1 = (x) => x.toFixed(1);
console.log(
  `ffprobe per clip (spawn + probe, CPU incl. ffprobe): ${f1(probeSmall.ms)} ms wall / ${f1(probeSmall.cpu)} ms CPU from a ${probeSmall.rss.toFixed(0)} MiB process (as neuropose-infer probes), ${f1(probeBig.ms)} ms / ${f1(probeBig.cpu)} ms from a ${probeBig.rss.toFixed(0)} MiB one holding the model (as the daemon probes): ${f1(probeBig.ms - probeSmall.ms)} ms wall, ${f1(probeBig.cpu - probeSmall.cpu)} ms CPU per job of the difference`,
);
console.log(`load average: ${loadBefore} at start, ${load()} at end`);
rmSync(work, { recursive: true, force: true });
