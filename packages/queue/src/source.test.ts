// The queue source against a real redis-server (started on a free loopback port), driven by @neuropose/jobs'
// runDaemon with an in-process fake video worker: submission, idempotent results, retries only for transient
// errors, release on a graceful stop, redelivery of a finished or half-done job, Redis preflight errors.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadJobResults, NeuroPoseError } from "@neuropose/io";
import { runDaemon } from "@neuropose/jobs";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisSkipReason, startRedis, type TestRedis } from "../../../config/test-redis.js";
import { fakeVideoWorker as fakeWorker, jobFolder } from "../../jobs/test/fake-worker.mjs";
import {
  checkRedis,
  QueueJobSource,
  redactUrl,
  redisVersionAtLeast,
  resolveConnection,
  submitJobs,
} from "./index.js";

const FAST = { lockMs: 2000, stalledIntervalMs: 1000, blockSeconds: 0.2, progressMs: 10 };

describe("redis preflight and URLs (no server needed)", () => {
  it("redacts passwords and resolves TLS, db and password settings", () => {
    expect(redactUrl("redis://user:hunter2@db.lab:6390/3")).toBe("redis://db.lab:6390/3");
    const c = resolveConnection({ url: "rediss://:inurl@db.lab:6380/2", password: "fromsettings" });
    expect(c.options).toMatchObject({
      host: "db.lab",
      port: 6380,
      db: 2,
      password: "fromsettings",
      maxRetriesPerRequest: null,
    });
    expect(c.options.tls).toBeTruthy();
    expect(c.display).not.toContain("inurl");
    expect(() => resolveConnection({ url: "http://x" })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(redisVersionAtLeast("4.0.9", "5.0.0")).toBe(false);
    expect(redisVersionAtLeast("7.0.15", "5.0.0")).toBe(true);
  });

  it("says clearly when Redis is unreachable, without the password", async () => {
    const err = await checkRedis(resolveConnection({ url: "redis://:s3cret@127.0.0.1:1" }), 2000).catch(
      (e) => e,
    );
    expect(err.code).toBe("E_QUEUE_UNREACHABLE");
    expect(err.message).toContain("cannot reach Redis at redis://127.0.0.1:1");
    expect(`${err.message} ${err.hint}`).not.toContain("s3cret");
  });
});

describe.skipIf(!!redisSkipReason)("queue source on a real redis-server", () => {
  let redis: TestRedis;
  let root: string;
  let n = 0;
  const qname = () => `t${++n}`;
  beforeAll(async () => {
    redis = await startRedis();
    root = mkdtempSync(join(tmpdir(), "np-queue-"));
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  it("checks the server version and refuses a wrong password", async () => {
    expect(await checkRedis(resolveConnection({ url: redis.url }))).toMatch(/^\d+\.\d+/);
    const locked = await startRedis({ password: "right" });
    try {
      const err = await checkRedis(resolveConnection({ url: locked.url, password: "wrong" })).catch((e) => e);
      expect(err.code).toBe("E_QUEUE_AUTH");
      expect(err.message).not.toContain("wrong");
      expect(await checkRedis(resolveConnection({ url: locked.url, password: "right" }))).toBeTruthy();
    } finally {
      await locked.dispose();
    }
  });

  it("submit → worker → results.json + receipt; the same inputs again add nothing", async () => {
    const queueName = qname();
    const out = join(root, "out1");
    const a = jobFolder(root, "subjA", ["b.mp4", "a.mp4", "notes.txt"]);
    const jobs = await submitJobs([a], { url: redis.url, queueName, outDir: out });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ name: "subjA", videos: 2, added: true });
    const again = await submitJobs([a], { url: redis.url, queueName, outDir: out });
    expect(again[0]).toMatchObject({ id: jobs[0]?.id, added: false });
    const source = new QueueJobSource({ url: redis.url, queueName, provider: "fake", ...FAST });
    const worker = fakeWorker();
    const summary = await runDaemon({ source, worker, once: true, pollMs: 0 });
    expect(summary.completed).toEqual([jobs[0]?.id]);
    const dir = join(out, jobs[0]?.id as string);
    const results = await loadJobResults(join(dir, "results.json"));
    expect(Object.keys(results)).toEqual(["a.mp4", "b.mp4"]);
    const receipt = JSON.parse(readFileSync(join(dir, "receipt.json"), "utf8"));
    expect(receipt).toMatchObject({ job_id: jobs[0]?.id, worker: { pid: process.pid, provider: "fake" } });
    expect(JSON.stringify(receipt)).not.toContain("redis://");
    const views = await source.list();
    expect(views).toHaveLength(1);
    expect(views[0]?.state).toBe("completed");
    expect(views[0]?.entry?.results_path).toBe(join(dir, "results.json"));
    expect(existsSync(join(dir, ".parts"))).toBe(false);
    await source.close();
  });

  it("a bad video fails at once with its reason (no retry); a transient error is retried with backoff", async () => {
    const queueName = qname();
    const out = join(root, "out2");
    const bad = jobFolder(root, "bad", ["corrupt.mp4"]);
    const flaky = jobFolder(root, "flaky", ["x.mp4"]);
    const [b, f] = await submitJobs([bad, flaky], { url: redis.url, queueName, outDir: out, backoffMs: 50 });
    const source = new QueueJobSource({ url: redis.url, queueName, ...FAST });
    const worker = fakeWorker({
      fail: (video, call) =>
        video.endsWith("corrupt.mp4")
          ? new NeuroPoseError("E_VIDEO_CORRUPT", "ffmpeg could not decode frame 2", {
              path: video,
              kind: "user",
            })
          : call === 2
            ? new Error("ECONNRESET on the shared mount")
            : undefined,
    });
    const t0 = Date.now();
    while (Date.now() - t0 < 15_000) {
      await runDaemon({ source, worker, once: true, pollMs: 0 });
      const states = Object.fromEntries((await source.list()).map((v) => [v.id, v.state]));
      if (states[b?.id as string] === "failed" && states[f?.id as string] === "completed") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const q = new Queue(queueName, { connection: resolveConnection({ url: redis.url }).options });
    const badJob = await q.getJob(b?.id as string);
    expect(await badJob?.getState()).toBe("failed");
    expect(badJob?.attemptsMade).toBe(1);
    expect(badJob?.failedReason).toMatch(/ffmpeg could not decode frame 2/);
    const flakyJob = await q.getJob(f?.id as string);
    expect(await flakyJob?.getState()).toBe("completed");
    expect(flakyJob?.attemptsMade).toBe(2);
    expect(existsSync(join(out, b?.id as string))).toBe(false); // no partial output left
    await q.close();
    await source.close();
  });

  it("a graceful stop puts the running job back; another worker finishes it", async () => {
    const queueName = qname();
    const out = join(root, "out3");
    const [j] = await submitJobs([jobFolder(root, "long", ["a.mp4", "b.mp4"])], {
      url: redis.url,
      queueName,
      outDir: out,
    });
    const source = new QueueJobSource({ url: redis.url, queueName, ...FAST });
    const ac = new AbortController();
    const summary = await runDaemon({
      source,
      worker: fakeWorker({ frames: 20, frameMs: 20 }),
      signal: ac.signal,
      pollMs: 0,
      onEvent: (e) => {
        if (e.type === "video-progress" && e.done === 5) ac.abort();
      },
    });
    expect(summary.requeued).toEqual([j?.id]);
    expect((await source.list())[0]?.state).toBe("queued");
    const second = new QueueJobSource({ url: redis.url, queueName, ...FAST });
    const s2 = await runDaemon({ source: second, worker: fakeWorker(), once: true, pollMs: 0 });
    expect(s2.completed).toEqual([j?.id]);
    await Promise.all([source.close(), second.close()]);
  });

  it("a redelivered job with a complete result is acknowledged, not redone; a half-done one is redone from scratch", async () => {
    const queueName = qname();
    const out = join(root, "out4");
    const [j, h] = await submitJobs(
      [jobFolder(root, "done", ["a.mp4"]), jobFolder(root, "half", ["a.mp4"])],
      {
        url: redis.url,
        queueName,
        outDir: out,
      },
    );
    const source = new QueueJobSource({ url: redis.url, queueName, ...FAST });
    const first = fakeWorker();
    // only the first job: the worker runs once, then we look at the second job's folder
    await runDaemon({ source, worker: first, once: true, pollMs: 0 });
    expect(first.calls).toHaveLength(2);
    // redeliver the finished job (as after a lost acknowledgement) and fake a half-done attempt of the other
    const q = new Queue(queueName, { connection: resolveConnection({ url: redis.url }).options });
    await (await q.getJob(j?.id as string))?.retry("completed");
    await (await q.getJob(h?.id as string))?.retry("completed");
    const halfDir = join(out, h?.id as string);
    const { rmSync } = await import("node:fs");
    rmSync(join(halfDir, "receipt.json"));
    mkdirSync(join(halfDir, ".parts"), { recursive: true });
    writeFileSync(join(halfDir, ".parts", "stale.json"), "{half");
    const second = fakeWorker();
    const s = await runDaemon({ source, worker: second, once: true, pollMs: 0 });
    expect(second.calls).toHaveLength(1); // only the half-done job ran again
    expect(s.completed).toEqual([h?.id]);
    expect(existsSync(join(halfDir, ".parts", "stale.json"))).toBe(false);
    expect(existsSync(join(halfDir, "receipt.json"))).toBe(true);
    const states = (await source.list()).map((v) => v.state);
    expect(states).toEqual(["completed", "completed"]);
    await q.close();
    await source.close();
  });
});
