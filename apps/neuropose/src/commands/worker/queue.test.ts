// The queue as users run it: the built `neuropose` binary against a real redis-server (password-protected) with
// the real BlazePose worker on tiny generated clips: submit prints job ids, a worker process runs them
// (results.json + receipt with host/pid/provider), a corrupt video fails at once with its reason, status and
// serve --queue show the jobs under the monitor's token rules, SIGTERM stops the worker cleanly, and the
// password never appears in output, logs or results.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";
import { loadJobResults } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, startBin, tempDir } from "../../../../../config/cli-process.js";
import { freePort, redisSkipReason, startRedis, type TestRedis } from "../../../../../config/test-redis.js";
import { writeTestPattern, writeTruncated } from "../../../../../config/test-videos.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bin.js");
const built = existsSync(join(dirname(bin), "dist", "index.js"));
const PASSWORD = "pw-Zq81xK";
let dir: string;
let redis: TestRedis;

function start(args: string[], env: Record<string, string> = {}) {
  const s = startBin(bin, args, {
    cwd: dir,
    env: { NEUROPOSE_DATA_DIR: join(dir, "data"), NEUROPOSE_QUEUE_PASSWORD: PASSWORD, ...env },
  });
  return { child: s.child, done: s.done, out: () => s.out() + s.err() };
}

describe.skipIf(!built || !!redisSkipReason)(
  "neuropose submit/worker/status/serve --queue (real Redis, real BlazePose)",
  () => {
    beforeAll(async () => {
      dir = tempDir("np-qcli-");
      redis = await startRedis({ password: PASSWORD });
      const tools = resolveFfmpeg({});
      mkdirSync(join(dir, "shared", "walk"), { recursive: true });
      mkdirSync(join(dir, "shared", "broken"), { recursive: true });
      writeTestPattern(tools.ffmpeg, join(dir, "shared", "walk", "a.mp4"), {
        size: "96x72",
        rate: 10,
        frames: 6,
      });
      const long = join(dir, "long.mp4");
      writeTestPattern(tools.ffmpeg, long, {
        size: "96x72",
        rate: 10,
        frames: 200,
        args: ["-movflags", "+faststart"],
      });
      writeTruncated(long, join(dir, "shared", "broken", "b.mp4"), 0.5);
    });
    afterAll(async () => {
      await redis?.dispose();
      removeDir(dir);
    });

    it("submits, works, reports, serves; a bad video fails once with its reason; no password anywhere", async () => {
      const url = redis.url;
      const out = join(dir, "results");
      const sub = await start([
        "submit",
        join(dir, "shared", "walk"),
        join(dir, "shared", "broken"),
        "--queue",
        url,
        "--out",
        out,
      ]).done;
      expect(sub.code, sub.stderr).toBe(0);
      const ids = sub.stdout.trim().split("\n");
      expect(ids).toHaveLength(2);
      expect(ids[0]).toMatch(/^walk-[0-9a-f]{16}$/);
      const worker = start(["worker", "--queue", url, "--model", "lite", "--log-format", "json"]);
      const t0 = Date.now();
      let status:
        | {
            counts: Record<string, number>;
            jobs: { id: string; state: string; entry: { error: string | null } | null }[];
          }
        | undefined;
      while (Date.now() - t0 < 120_000) {
        const s = await start(["status", "--queue", url, "--json"]).done;
        expect(s.code, s.stderr).toBe(0);
        status = JSON.parse(s.stdout);
        if (status?.jobs.every((j) => j.state === "completed" || j.state === "failed")) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const byId = Object.fromEntries((status?.jobs ?? []).map((j) => [j.id, j]));
      expect(byId[ids[0] as string]?.state).toBe("completed");
      expect(byId[ids[1] as string]?.state).toBe("failed");
      expect(byId[ids[1] as string]?.entry?.error).toMatch(/InferError: .*b\.mp4/);
      const results = await loadJobResults(join(out, ids[0] as string, "results.json"));
      expect(results["a.mp4"]?.metadata.frame_count).toBe(6);
      expect(results["a.mp4"]?.metadata.skeleton).toBe("blazepose_33");
      const receipt = JSON.parse(readFileSync(join(out, ids[0] as string, "receipt.json"), "utf8"));
      expect(receipt.worker.pid).toBe(worker.child.pid);
      expect(receipt.worker.provider).toBe("cpu");

      // serve --queue: same page and token rules as the folder monitor
      const port = await freePort();
      const serve = start(["serve", "--queue", url, "--port", String(port), "--token", "tok"]);
      const until = Date.now() + 30_000;
      while (!serve.out().includes("monitor: ") && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/status.json`)).status).toBe(401);
      const snap = (await (await fetch(`${base}/status.json?token=tok`)).json()) as Record<
        string,
        { status: string }
      >;
      expect(snap[ids[0] as string]?.status).toBe("completed");
      expect(
        (await fetch(`${base}/status.json?job=nope`, { headers: { "X-Status-Token": "tok" } })).status,
      ).toBe(404);
      const page = await (await fetch(`${base}/?token=tok`)).text();
      expect(page).toContain("NeuroPose jobs");
      serve.child.kill("SIGTERM");
      await serve.done;

      worker.child.kill("SIGTERM");
      const w = await worker.done;
      expect(w.code, w.stderr).toBe(0);
      expect(w.stderr).toContain("worker stopped: 1 completed, 1 failed");
      for (const text of [
        sub.stdout,
        sub.stderr,
        w.stdout,
        w.stderr,
        readFileSync(join(out, ids[0] as string, "results.json"), "utf8"),
        JSON.stringify(receipt),
      ]) {
        expect(text).not.toContain(PASSWORD);
      }
    }, 240_000);

    it("says clearly when Redis is unreachable", async () => {
      const port = await freePort();
      const r = await start(["status", "--queue", `redis://:${PASSWORD}@127.0.0.1:${port}`]).done;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expect(r.stderr).not.toContain(PASSWORD);
    }, 60_000);

    it("doctor --queue adds pass/warn/fail rows for reachability, version, auth, TLS and eviction", async () => {
      const ok = await start(["doctor", "--queue", redis.url, "--json"]).done;
      const rows = (
        JSON.parse(ok.stdout).checks as { name: string; status: string; detail: string }[]
      ).filter((c) => c.name.startsWith("queue "));
      expect(rows.map((c) => `${c.name}: ${c.status}`)).toEqual([
        "queue url: pass",
        "queue reachable: pass",
        "queue version: pass",
        "queue auth: pass",
        "queue tls: pass",
        "queue eviction: pass",
      ]);
      expect(rows[2]?.detail).toMatch(/^Redis \d+\.\d+\.\d+ \(BullMQ needs 5\.0\.0 or newer\)$/);
      const wrong = await start(["doctor", "--queue", redis.url], { NEUROPOSE_QUEUE_PASSWORD: "not-it" })
        .done;
      expect(wrong.code).toBe(2);
      expect(wrong.stdout).toMatch(
        /queue auth\s+FAIL\s+Redis at redis:\/\/127\.0\.0\.1:\d+ refused the credentials/,
      );
      const port = await freePort();
      const down = await start(["doctor", "--queue", `redis://127.0.0.1:${port}`]).done;
      expect(down.code).toBe(2);
      expect(down.stdout).toMatch(
        /queue reachable\s+FAIL\s+cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      );
      for (const text of [ok.stdout, ok.stderr, wrong.stdout, wrong.stderr]) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain("not-it");
      }
    }, 120_000);
  },
);
