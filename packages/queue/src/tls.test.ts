// Redis over TLS for real: the test makes its own CA and a server certificate with openssl, starts a TLS-only
// redis-server (--port 0 --tls-port), and connects with rediss:// and the CA file from settings (tlsCaFile):
// preflight, submit and a worker's whole job. The wrong CA gives one clear E_QUEUE_TLS line without the
// password. Skips with the reason when openssl or a TLS-capable redis-server is missing.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadJobResults } from "@neuropose/io";
import { runDaemon } from "@neuropose/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCerts, redisTlsSkipReason, startRedis, type TestRedis } from "../../../config/test-redis.js";
import { fakeVideoWorker, jobFolder } from "../../jobs/test/fake-worker.mjs";
import { checkQueue, checkRedis, QueueJobSource, resolveConnection, submitJobs } from "./index.js";

const skip = redisTlsSkipReason();
if (skip) console.warn(`@neuropose/queue: skipping the TLS tests: ${skip}`);

describe.skipIf(!!skip)("Redis over TLS (rediss:// + CA from settings)", () => {
  let redis: TestRedis;
  let dir: string;
  let certs: ReturnType<typeof makeTestCerts>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "np-redis-tls-"));
    certs = makeTestCerts(dir);
    redis = await startRedis({ tls: certs, password: "tls-s3cret" });
  });
  afterAll(async () => {
    await redis?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the preflight, submit and a worker's job run over TLS with the configured CA", async () => {
    expect(redis.url).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+$/);
    const conn = { url: redis.url, password: "tls-s3cret", tlsCaFile: certs.ca, queueName: "tls" };
    expect(await checkRedis(resolveConnection(conn))).toMatch(/^\d+\.\d+/);
    const out = join(dir, "out");
    const [job] = await submitJobs([jobFolder(dir, "walk", ["a.mp4"])], { ...conn, outDir: out });
    const source = new QueueJobSource({ ...conn, provider: "fake", blockSeconds: 0.2 });
    try {
      const summary = await runDaemon({ source, worker: fakeVideoWorker(), once: true, pollMs: 0 });
      expect(summary.completed).toEqual([job?.id]);
    } finally {
      await source.close();
    }
    const results = await loadJobResults(join(out, job?.id as string, "results.json"));
    expect(Object.keys(results)).toEqual(["a.mp4"]);
  });

  it("a plain redis:// URL to the TLS port is refused (no plaintext fallback)", async () => {
    const err = await checkRedis(
      resolveConnection({ url: redis.url.replace("rediss:", "redis:"), password: "tls-s3cret" }),
      2000,
    ).catch((e) => e);
    expect(err.code).toMatch(/^E_QUEUE_(UNREACHABLE|TLS)$/);
  });

  it("the wrong CA (or none) gives one clear E_QUEUE_TLS line, without the password", async () => {
    for (const tlsCaFile of [certs.wrongCa, undefined]) {
      const url = redis.url.replace("rediss://", "rediss://:tls-s3cret@");
      const err = await checkRedis(resolveConnection({ url, tlsCaFile }), 5000).catch((e) => e);
      expect(err.code).toBe("E_QUEUE_TLS");
      expect(err.oneLine()).not.toMatch(/\n/);
      expect(err.message).toMatch(
        /TLS to Redis at rediss:\/\/127\.0\.0\.1:\d+ failed: .*not (signed by a )?trusted/,
      );
      expect(err.hint).toMatch(/queueTlsCa/);
      expect(`${err.message} ${err.hint} ${err.oneLine()}`).not.toContain("tls-s3cret");
    }
    expect(readFileSync(certs.wrongCa, "utf8")).toContain("BEGIN CERTIFICATE");
  });

  it("doctor rows: TLS verified with the right CA, a TLS failure row with the wrong one", async () => {
    const good = await checkQueue({ url: redis.url, password: "tls-s3cret", tlsCaFile: certs.ca });
    expect(good.find((c) => c.name === "queue tls")).toMatchObject({
      status: "pass",
      detail: `certificate verified (CA ${certs.ca})`,
    });
    expect(good.every((c) => c.status === "pass")).toBe(true);
    const bad = await checkQueue({ url: redis.url, password: "tls-s3cret", tlsCaFile: certs.wrongCa });
    expect(bad.map((c) => `${c.name}: ${c.status}`)).toEqual([
      "queue url: pass",
      "queue reachable: pass",
      "queue tls: fail",
    ]);
  });
});
