// Fault tests with real worker processes (test/worker-child.mjs: the BUILT queue source under @neuropose/jobs'
// runDaemon with a fake, fast video worker; the queue code is the one `neuropose worker` runs) against a real
// redis-server: workers SIGKILLed again and again at seeded moments; Redis stopped mid-run and restarted; two
// workers racing for one job. Every job must end completed exactly once: one receipt, a complete results.json,
// and no worker starting a job after its result was committed.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadJobResults } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../../config/random.js";
import { redisSkipReason, startRedis, type TestRedis } from "../../../config/test-redis.js";
import { QueueJobSource, submitJobs } from "./index.js";

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, "..", "test", "worker-child.mjs");
const built = existsSync(join(here, "..", "dist", "index.js"));
if (!built) console.warn("@neuropose/queue: skipping the fault tests: build the package first (pnpm build)");
const KILLS = Number(process.env.NEUROPOSE_QUEUE_KILLS ?? 8);
const SEED = Number(process.env.NEUROPOSE_QUEUE_SEED ?? 7);

function spawnWorker(url: string, journal: string, frameMs = 20): Promise<ChildProcess> {
  const c = spawn(process.execPath, [child, url, journal, String(frameMs)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  c.stderr?.on("data", () => {});
  return new Promise((resolve, reject) => {
    c.stdout?.once("data", () => resolve(c));
    c.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

const exited = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => c.once("exit", () => r()));

function jobFolders(root: string, count: number, videos: number): string[] {
  const out: string[] = [];
  for (let j = 0; j < count; j++) {
    const dir = join(root, "shared", `subject${String(j).padStart(2, "0")}`);
    mkdirSync(dir, { recursive: true });
    for (let v = 0; v < videos; v++) writeFileSync(join(dir, `clip${v}.mp4`), `video ${j}/${v}`);
    out.push(dir);
  }
  return out;
}

async function waitAllDone(
  source: QueueJobSource,
  ids: string[],
  ms: number,
): Promise<Record<string, string>> {
  const t0 = Date.now();
  let states: Record<string, string> = {};
  while (Date.now() - t0 < ms) {
    states = Object.fromEntries((await source.list()).map((v) => [v.id, v.state]));
    if (ids.every((id) => states[id] === "completed" || states[id] === "failed")) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return states;
}

/** Every job completed exactly once: one receipt, a complete results.json, no start after the commit. */
async function expectExactlyOnce(out: string, ids: string[], journal: string, videos: number) {
  const starts = readFileSync(journal, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" "));
  for (const id of ids) {
    const receipt = JSON.parse(readFileSync(join(out, id, "receipt.json"), "utf8"));
    expect(receipt.job_id).toBe(id);
    const results = await loadJobResults(join(out, id, "results.json"));
    expect(Object.keys(results)).toHaveLength(videos);
    const committed = Date.parse(receipt.completed_at);
    const late = starts.filter(([, job, , ms]) => job === id && Number(ms) > committed);
    expect(late, `${id} was started again after its result was committed`).toEqual([]);
    expect(starts.some(([, job]) => job === id)).toBe(true);
    expect(existsSync(join(out, id, ".parts"))).toBe(false);
  }
}

describe.skipIf(!!redisSkipReason || !built)("queue faults with real worker processes", () => {
  let redis: TestRedis;
  let root: string;
  beforeAll(async () => {
    redis = await startRedis({ persist: true });
    root = mkdtempSync(join(tmpdir(), "np-qfault-"));
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  it(
    `${KILLS} seeded SIGKILLs of workers mid-job (seed ${SEED}): every job completes exactly once, none lost`,
    async () => {
      const rng = mulberry32(SEED);
      const queueName = "neuropose";
      const out = join(root, "kill-out");
      const journal = join(root, "kill.journal");
      writeFileSync(journal, "");
      const jobs = await submitJobs(jobFolders(join(root, "kill"), Math.max(12, Math.ceil(KILLS * 1.5)), 2), {
        url: redis.url,
        queueName,
        outDir: out,
      });
      const ids = jobs.map((j) => j.id);
      const workers = [await spawnWorker(redis.url, journal), await spawnWorker(redis.url, journal)];
      for (let k = 0; k < KILLS; k++) {
        const i = Math.floor(rng() * workers.length);
        const w = workers[i] as ChildProcess;
        // aim at a running job: wait until this worker has started one (at most 3 s), then a seeded 0-300 ms
        const t0 = Date.now();
        while (Date.now() - t0 < 3000 && !readFileSync(journal, "utf8").includes(` ${w.pid} `)) {
          await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, Math.floor(rng() * 300)));
        w.kill("SIGKILL");
        await exited(w);
        workers[i] = await spawnWorker(redis.url, journal);
      }
      const source = new QueueJobSource({ url: redis.url, queueName });
      const states = await waitAllDone(source, ids, 60_000);
      for (const w of workers) w.kill("SIGTERM");
      await Promise.all(workers.map(exited));
      expect(Object.values(states).filter((s) => s === "completed")).toHaveLength(ids.length);
      await expectExactlyOnce(out, ids, journal, 2);
      // the kills did land mid-job: some jobs were started more than once (and still completed exactly once)
      const starts = readFileSync(journal, "utf8").trim().split("\n");
      const redone = ids.filter((id) => starts.filter((l) => l.split(" ")[1] === id).length > 1);
      console.log(`${KILLS} kills: ${redone.length} of ${ids.length} jobs were interrupted and redone`);
      expect(redone.length).toBeGreaterThan(0);
      await source.close();
    },
    60_000 + KILLS * 8000,
  );

  it("Redis stopped mid-run and restarted: the workers reconnect and finish", async () => {
    const queueName = "neuropose";
    const out = join(root, "restart-out");
    const journal = join(root, "restart.journal");
    writeFileSync(journal, "");
    const jobs = await submitJobs(jobFolders(join(root, "restart"), 6, 2), {
      url: redis.url,
      queueName,
      outDir: out,
    });
    const ids = jobs.map((j) => j.id);
    const workers = [await spawnWorker(redis.url, journal, 40), await spawnWorker(redis.url, journal, 40)];
    await new Promise((r) => setTimeout(r, 600));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();
    const source = new QueueJobSource({ url: redis.url, queueName });
    const states = await waitAllDone(source, ids, 60_000);
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map(exited));
    expect(ids.map((id) => states[id])).toEqual(ids.map(() => "completed"));
    await expectExactlyOnce(out, ids, journal, 2);
    await source.close();
  }, 120_000);

  it("two workers racing for one job: one result, one run", async () => {
    const queueName = "neuropose";
    const out = join(root, "race-out");
    const journal = join(root, "race.journal");
    writeFileSync(journal, "");
    const workers = [await spawnWorker(redis.url, journal), await spawnWorker(redis.url, journal)];
    const [job] = await submitJobs(jobFolders(join(root, "race"), 1, 1), {
      url: redis.url,
      queueName,
      outDir: out,
    });
    const source = new QueueJobSource({ url: redis.url, queueName });
    const states = await waitAllDone(source, [job?.id as string], 30_000);
    await new Promise((r) => setTimeout(r, 500)); // give the loser time to (wrongly) start it too
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map(exited));
    expect(states[job?.id as string]).toBe("completed");
    const starts = readFileSync(journal, "utf8")
      .trim()
      .split("\n")
      .filter((l) => l.includes(job?.id as string));
    expect(starts).toHaveLength(1);
    await expectExactlyOnce(out, [job?.id as string], journal, 1);
    await source.close();
  }, 60_000);
});
