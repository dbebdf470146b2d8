// Inputs a worker makes ready before the first video, against a real redis-server and a local node:http
// server: URL inputs are downloaded (streamed, hashed into the receipt, temp folder emptied); 404, timeouts and
// oversize bodies fail at once (user errors), 503 is retried; a shared file changed since submission is refused
// without being analysed.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadJobResults } from "@neuropose/io";
import { runDaemon } from "@neuropose/jobs";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisSkipReason, startRedis, type TestRedis } from "../../../config/test-redis.js";
import { fakeVideoWorker, jobFolder } from "../../jobs/test/fake-worker.mjs";
import { planSubmission, QueueJobSource, resolveConnection, submitJobs } from "./index.js";

const VIDEO = Buffer.from("fake video bytes served over http ".repeat(20));

describe("URL inputs (no server needed)", () => {
  it("submit takes http(s) URLs of videos as jobs of their own and refuses other links", async () => {
    const jobs = await planSubmission(["https://lab.example/data/walk%2001.mp4?token=abc"]);
    expect(jobs).toEqual([
      {
        name: "walk 01",
        inputs: [{ name: "walk 01.mp4", url: "https://lab.example/data/walk%2001.mp4?token=abc" }],
      },
    ]);
    const err = await planSubmission(["https://lab.example/data/?token=secret"]).catch((e) => e);
    expect(err.code).toBe("E_QUEUE_INPUT");
    expect(err.message).toMatch(/does not name a video file/);
    expect(err.message).not.toContain("secret");
  });
});

describe.skipIf(!!redisSkipReason)("inputs made ready by the worker (real Redis, local http server)", () => {
  let redis: TestRedis;
  let http: Server;
  let base: string;
  let root: string;
  const hits: Record<string, number> = {};
  let n = 0;
  const qname = () => `inputs${++n}`;
  // a long idle timeout where nothing should time out (a loaded CI machine), a short one for the stalled server
  const FAST = { blockSeconds: 0.2, progressMs: 10, downloadIdleTimeoutMs: 15_000, maxDownloadBytes: 4096 };

  beforeAll(async () => {
    redis = await startRedis();
    root = mkdtempSync(join(tmpdir(), "np-queue-inputs-"));
    http = createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0] as string;
      hits[path] = (hits[path] ?? 0) + 1;
      if (path === "/walk.mp4") return res.end(VIDEO);
      if (path === "/busy.mp4" && hits[path] === 1) {
        res.statusCode = 503;
        return res.end("busy");
      }
      if (path === "/busy.mp4") return res.end(VIDEO);
      if (path === "/slow.mp4") {
        res.writeHead(200, { "content-length": String(VIDEO.length) });
        res.write(VIDEO.subarray(0, 10)); // then nothing: the worker's idle timeout must end it
        return;
      }
      if (path === "/huge.mp4") return res.end(Buffer.alloc(10_000));
      res.statusCode = 404;
      res.end("not found");
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    http?.closeAllConnections();
    await new Promise((r) => http?.close(r));
    await redis?.dispose();
  });

  async function runAll(queueName: string, ids: string[], worker = fakeVideoWorker(), idleMs = 15_000) {
    const downloadDir = mkdtempSync(join(root, "dl-"));
    const source = new QueueJobSource({
      ...FAST,
      url: redis.url,
      queueName,
      provider: "fake",
      downloadDir,
      downloadIdleTimeoutMs: idleMs,
    });
    const q = new Queue(queueName, { connection: resolveConnection({ url: redis.url }).options });
    try {
      const t0 = Date.now();
      for (;;) {
        await runDaemon({ source, worker, once: true, pollMs: 0 });
        const states = await Promise.all(ids.map(async (id) => (await q.getJob(id))?.getState()));
        if (states.every((s) => s === "completed" || s === "failed") || Date.now() - t0 > 20_000) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const jobs = await Promise.all(ids.map((id) => q.getJob(id)));
      return { jobs, states: await Promise.all(jobs.map((j) => j?.getState())), downloadDir };
    } finally {
      await q.close();
      await source.close();
    }
  }

  it("a URL input is downloaded, analysed, and its sha256 is in the receipt; the download is removed", async () => {
    const queueName = qname();
    const out = join(root, "out-url");
    const [job] = await submitJobs([`${base}/walk.mp4?sig=abc`], { url: redis.url, queueName, outDir: out });
    const worker = fakeVideoWorker();
    const { states, downloadDir } = await runAll(queueName, [job?.id as string], worker);
    expect(states).toEqual(["completed"]);
    const dir = join(out, job?.id as string);
    expect(Object.keys(await loadJobResults(join(dir, "results.json")))).toEqual(["walk.mp4"]);
    const receipt = JSON.parse(readFileSync(join(dir, "receipt.json"), "utf8"));
    expect(receipt.inputs).toEqual([
      {
        name: "walk.mp4",
        sha256: createHash("sha256").update(VIDEO).digest("hex"),
        url: `${base}/walk.mp4?…`,
      },
    ]);
    expect(worker.calls).toHaveLength(1);
    expect(readdirSync(downloadDir)).toEqual([]);
  });

  it("404, a stalled download and an oversize body fail at once with a clear reason; 503 is retried", async () => {
    const queueName = qname();
    const out = join(root, "out-errors");
    const submitted = await submitJobs(
      ["missing", "slow", "huge", "busy"].map((n) => `${base}/${n}.mp4`),
      { url: redis.url, queueName, outDir: out, backoffMs: 50 },
    );
    const ids = submitted.map((j) => j.id);
    const { jobs, states } = await runAll(queueName, ids, fakeVideoWorker(), 2000);
    expect(states).toEqual(["failed", "failed", "failed", "completed"]);
    const [missing, slow, huge, busy] = jobs;
    expect(missing?.failedReason).toMatch(
      /QueueError: downloading http:\/\/127\.0\.0\.1:\d+\/missing\.mp4 failed: HTTP 404/,
    );
    expect(slow?.failedReason).toMatch(
      /downloading http:\/\/127\.0\.0\.1:\d+\/slow\.mp4 timed out \(no data for 2 s\)/,
    );
    expect(huge?.failedReason).toMatch(/larger than the download limit \(4096 bytes\)/);
    for (const j of [missing, slow, huge]) expect(j?.attemptsMade).toBe(1);
    expect(busy?.attemptsMade).toBe(2);
    expect(hits["/busy.mp4"]).toBe(2);
    for (const id of ids.slice(0, 3)) expect(existsSync(join(out, id))).toBe(false);
  });

  it("a shared input changed since submission is refused at once, before any analysis", async () => {
    const queueName = qname();
    const out = join(root, "out-changed");
    const folder = jobFolder(root, "edited", ["a.mp4"]);
    const [job] = await submitJobs([folder], { url: redis.url, queueName, outDir: out });
    writeFileSync(join(folder, "a.mp4"), "fake video EDITED/a.mp4"); // same size, other bytes
    const worker = fakeVideoWorker();
    const { jobs, states } = await runAll(queueName, [job?.id as string], worker);
    expect(states).toEqual(["failed"]);
    expect(jobs[0]?.attemptsMade).toBe(1);
    expect(jobs[0]?.failedReason).toMatch(
      /a\.mp4 changed since it was submitted \(sha256 [0-9a-f]{12}…, submitted [0-9a-f]{12}…\)/,
    );
    expect(worker.calls).toEqual([]);
  });
});
