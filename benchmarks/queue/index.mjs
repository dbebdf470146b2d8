// benchmarks/queue: throughput of the Redis queue. The same 20 short clips (one job each) go, in one run,
// through (a) the filesystem daemon (`neuropose watch --once`, the baseline), (b) the queue with 1 worker and
// (c) the queue with 2 workers (`neuropose submit` then `neuropose worker` processes; model lite, CPU), all as
// users start them (process start and model load included). Prints jobs/minute, the 2-vs-1 scaling ratio and
// the per-job overhead around inference (from each run's JSON log: job wall time minus inference, plus the gap
// before the next job) of the queue vs the daemon. Needs redis-server (started here on a free loopback port).
// Clips: 1 s (30 frames, 640x360) cuts of ../shared/fixtures/videos/gaitlab_input.mp4, else ffmpeg's testsrc.
// NEUROPOSE_BENCH_CLIPS (default 20).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { benchEnv, bookkeeping, clipSource, FRAMES, load, makeClips, root } from "../_jobs.mjs";

const bin = join(root, "apps", "neuropose", "bin.js");
const CLIPS = Number(process.env.NEUROPOSE_BENCH_CLIPS ?? 20);
const redisServer = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find(existsSync);
if (!redisServer) {
  console.log("skipped: redis-server not found (apt install redis-server)");
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), "np-bench-queue-"));
const env = benchEnv({
  NEUROPOSE_DATA_DIR: join(work, "data"),
  NEUROPOSE_LOG_FORMAT: "json",
  NEUROPOSE_LOG_LEVEL: "info",
});

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const redis = spawn(
  redisServer,
  ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", work],
  {
    stdio: "ignore",
  },
);
await new Promise((r) => setTimeout(r, 500));
const url = `redis://127.0.0.1:${port}`;

const clips = makeClips(join(work, "clips"), CLIPS, (i) => `clip${String(i).padStart(2, "0")}/v.mp4`).map(
  (c) => dirname(c),
);
console.log(
  `${CLIPS} clips x ${FRAMES} frames (${clipSource}), ${cpus().length} cores, load ${load()}, Redis on loopback`,
);

const model = ["--model", "lite", "--device", "cpu"];

// warm the model cache outside the timings
spawnSync(
  process.execPath,
  [
    join(root, "apps/neuropose-infer/bin.js"),
    join(clips[0], "v.mp4"),
    ...model,
    "--quiet",
    "-o",
    join(work, "warm.json"),
  ],
  { env },
);

function runDaemon() {
  const data = join(work, "daemon");
  for (const c of clips) {
    mkdirSync(join(data, "in", c.split("/").at(-1)), { recursive: true });
    execFileSync("cp", [join(c, "v.mp4"), join(data, "in", c.split("/").at(-1))]);
  }
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [bin, "watch", "--data-dir", data, "--once", "--skip-checks", ...model, "--poll", "0.05"],
    { env, encoding: "utf8" },
  );
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`watch exited ${r.status}: ${r.stderr}`);
  return { ms, overhead: bookkeeping([r.stderr]) };
}

async function runQueue(workers, tag) {
  const out = join(work, `out-${tag}`);
  const sub = spawnSync(
    process.execPath,
    [bin, "submit", ...clips, "--queue", url, "--out", out, "--attempts", "1"],
    { env, encoding: "utf8" },
  );
  if (sub.status !== 0) throw new Error(`submit exited ${sub.status}: ${sub.stderr}`);
  const t0 = performance.now();
  const procs = [];
  for (let i = 0; i < workers; i++) {
    const p = spawn(process.execPath, [bin, "worker", "--queue", url, ...model], { env });
    p.stderrText = "";
    p.stderr.on("data", (d) => (p.stderrText += d));
    procs.push(p);
  }
  const done = () =>
    existsSync(out) ? readdirSync(out).filter((d) => existsSync(join(out, d, "receipt.json"))).length : 0;
  while (done() < CLIPS) {
    if (performance.now() - t0 > 600_000) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - t0;
  await Promise.all(
    procs.map(
      (p) =>
        new Promise((r) => {
          p.on("close", r);
          p.kill("SIGTERM");
        }),
    ),
  );
  return { ms, overhead: bookkeeping(procs.map((p) => p.stderrText)) };
}

// the queue is emptied between runs by using new clip folders? No: the same clips hash the same, so each run
// writes to its own --out (the idempotency key includes the output folder)
const daemon = runDaemon();
const one = await runQueue(1, "w1");
const two = await runQueue(2, "w2");
redis.kill("SIGTERM");

const row = (name, r) =>
  `${name.padEnd(22)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${((CLIPS * 60000) / r.ms).toFixed(1).padStart(6)} jobs/min`;
console.log(row("daemon (watch --once)", daemon));
console.log(row("queue, 1 worker", one));
console.log(row("queue, 2 workers", two));
console.log(
  `scaling 2 workers / 1 worker = ${(one.ms / two.ms).toFixed(2)}x (ideal 2.00x with a device per worker; this machine has ${cpus().length} cores shared by both)`,
);
console.log(
  `per-job overhead around inference: daemon ${daemon.overhead.total.toFixed(0)} ms (${daemon.overhead.job.toFixed(0)} + ${daemon.overhead.gap.toFixed(0)} gap), queue 1 worker ${one.overhead.total.toFixed(0)} ms (${one.overhead.job.toFixed(0)} + ${one.overhead.gap.toFixed(0)} gap): queue - daemon = ${(one.overhead.total - daemon.overhead.total).toFixed(0)} ms per job`,
);
console.log(`end to end: queue 1 worker / daemon = ${(one.ms / daemon.ms).toFixed(3)}`);
rmSync(work, { recursive: true, force: true });
