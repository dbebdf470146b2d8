// Daemon logic over a real data dir with a fake worker (the real BlazePose worker: e2e.test.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadJobResults, loadStatusFile, type StatusFile } from "@neuropose/io";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../../../config/cli-process.js";
import { fakeWorker } from "./_testing.js";
import { FolderJobSource, INTERRUPTED_ERROR, runDaemon } from "./index.js";

let root: string;
const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const logger = {
  debug: (msg: string, fields?: Record<string, unknown>) => logs.push({ level: "debug", msg, fields }),
  info: (msg: string, fields?: Record<string, unknown>) => logs.push({ level: "info", msg, fields }),
  warn: (msg: string, fields?: Record<string, unknown>) => logs.push({ level: "warn", msg, fields }),
  error: (msg: string, fields?: Record<string, unknown>) => logs.push({ level: "error", msg, fields }),
};

function job(name: string, files: string[]) {
  const dir = join(root, "in", name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f), `video ${f}`);
}

async function source() {
  const s = new FolderJobSource(root, { logger, checkpointMs: 0 });
  await s.ensureLayout();
  return s;
}

beforeEach(() => {
  root = tempDir("np-jobs-");
  logs.length = 0;
});
afterEach(() => removeDir(root));

describe("runDaemon over a folder source", () => {
  it("runs jobs in name order, videos sorted, and writes a JobResults results.json per job", async () => {
    job("b", ["2.MOV", "1.mp4", "notes.txt"]);
    job("a", ["x.mkv"]);
    mkdirSync(join(root, "in", "empty"));
    const worker = fakeWorker({ frames: 4 });
    const summary = await runDaemon({ source: await source(), worker, once: true, logger });
    expect(summary).toEqual({ completed: ["a", "b"], failed: [], requeued: [] });
    expect(worker.calls.map((c) => c.slice(root.length))).toEqual([
      "/in/a/x.mkv",
      "/in/b/1.mp4",
      "/in/b/2.MOV",
    ]);
    const results = await loadJobResults(join(root, "out", "b", "results.json"));
    expect(Object.keys(results)).toEqual(["1.mp4", "2.MOV"]);
    expect(Object.keys(results["1.mp4"]?.frames ?? {})).toHaveLength(4);
    const status = await loadStatusFile(join(root, "out", "status.json"));
    expect(Object.keys(status).sort()).toEqual(["a", "b"]); // the empty folder is skipped
    expect(status.b).toMatchObject({
      status: "completed",
      percent_complete: 100,
      videos_completed: 2,
      videos_total: 2,
      results_path: join(root, "out", "b", "results.json"),
    });
    expect(status.b?.completed_at).toMatch(/Z$/);
    expect(readdirSync(join(root, "out", "b"))).toEqual(["results.json"]); // no parts, no temp files
    expect(existsSync(join(root, "in", "b", "1.mp4"))).toBe(true); // completed inputs stay
    // every log line of a job names the job, and video lines the video
    const jobLines = logs.filter((l) => /^(job|video) /.test(l.msg));
    expect(jobLines.length).toBeGreaterThan(0);
    for (const l of jobLines) expect(l.fields?.job).toBeDefined();
    for (const l of logs.filter((l) => l.msg.startsWith("video "))) expect(l.fields?.video).toBeDefined();
  });

  it("a corrupt video fails its job with 'Type: message', quarantines the inputs, and the daemon goes on", async () => {
    job("a-bad", ["ok.mp4", "broken.mp4"]);
    job("b-good", ["fine.mp4"]);
    const summary = await runDaemon({
      source: await source(),
      worker: fakeWorker({ corrupt: ["broken.mp4"] }),
      once: true,
      logger,
    });
    expect(summary.failed).toEqual(["a-bad"]);
    expect(summary.completed).toEqual(["b-good"]);
    const status = await loadStatusFile(join(root, "out", "status.json"));
    expect(status["a-bad"]?.status).toBe("failed");
    expect(status["a-bad"]?.error).toBe(
      `InferError: ${join(root, "in", "a-bad", "broken.mp4")}: ffmpeg could not decode frame 3 (hint: the file may be corrupt or truncated; re-export or re-copy it)`,
    );
    expect(readdirSync(join(root, "failed", "a-bad")).sort()).toEqual(["broken.mp4", "ok.mp4"]);
    expect(readFileSync(join(root, "failed", "a-bad", "broken.mp4"), "utf8")).toBe("video broken.mp4");
    expect(existsSync(join(root, "in", "a-bad"))).toBe(false);
    expect(existsSync(join(root, "out", "a-bad"))).toBe(false);
  });

  it("a job without videos fails with a reason; a second failure of the same name goes to <job>.1", async () => {
    job("docs", ["readme.txt"]);
    const s = await source();
    await runDaemon({ source: s, worker: fakeWorker(), once: true, logger });
    const status = await loadStatusFile(join(root, "out", "status.json"));
    expect(status.docs?.error).toMatch(/^JobsError: docs: the job folder holds no video/);
    await s.requeue("docs");
    mkdirSync(join(root, "failed", "docs")); // an older copy kept by hand
    await runDaemon({ source: s, worker: fakeWorker(), once: true, logger });
    expect(readdirSync(join(root, "failed")).sort()).toEqual(["docs", "docs.1"]);
    expect((await s.requeue("docs")).from).toBe(join(root, "failed", "docs.1")); // the newest copy
  });

  it("a graceful stop puts the running job back (not failed); the next run completes it", async () => {
    job("long", ["a.mp4", "b.mp4"]);
    const s = await source();
    const ac = new AbortController();
    const worker = fakeWorker({ frames: 50, frameMs: 5 });
    const summary = await runDaemon({
      source: s,
      worker,
      signal: ac.signal,
      pollMs: 10,
      logger,
      onEvent: (e) => {
        if (e.type === "video-progress" && e.video === "b.mp4" && e.done === 10)
          ac.abort(new Error("SIGTERM"));
      },
    });
    expect(summary).toEqual({ completed: [], failed: [], requeued: ["long"] });
    expect(await loadStatusFile(join(root, "out", "status.json"))).toEqual({});
    expect(readdirSync(join(root, "in", "long")).sort()).toEqual(["a.mp4", "b.mp4"]);
    expect(existsSync(join(root, "out", "long"))).toBe(false);
    expect(logs.some((l) => l.level === "warn" && /put back/.test(l.msg) && l.fields?.job === "long")).toBe(
      true,
    );
    const again = await runDaemon({ source: s, worker: fakeWorker(), once: true, logger });
    expect(again.completed).toEqual(["long"]);
  });

  it("records progress checkpoints while a job runs", async () => {
    job("p", ["a.mp4", "b.mp4"]);
    const s = await source();
    const seen: number[] = [];
    let reading = Promise.resolve();
    await runDaemon({
      source: s,
      worker: fakeWorker({ frames: 20, frameMs: 3 }),
      once: true,
      onEvent: (e) => {
        if (e.type === "video-progress" && e.done % 5 === 0) {
          reading = reading.then(async () => {
            const st = await loadStatusFile(join(root, "out", "status.json"));
            if (st.p?.status === "processing" && st.p.percent_complete !== null)
              seen.push(st.p.percent_complete);
          });
        }
      },
    });
    await reading;
    expect(seen.length).toBeGreaterThan(3);
    expect(Math.max(...seen)).toBeGreaterThan(50);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});

describe("crash recovery", () => {
  it("turns processing entries into failed + quarantined, or completed when results.json is whole", async () => {
    job("dead", ["a.mp4"]);
    job("done", ["a.mp4"]);
    const s = await source();
    // a first daemon ran "done" to the end and was killed before its final status write
    await runDaemon({ source: s, worker: fakeWorker(), once: true });
    const status = await loadStatusFile(join(root, "out", "status.json"));
    const t = "2026-01-01T00:00:00.000Z";
    status.dead = {
      ...(status.done as NonNullable<typeof status.done>),
      status: "processing",
      started_at: t,
    };
    status.done = {
      ...(status.done as NonNullable<typeof status.done>),
      status: "processing",
      completed_at: null,
    };
    writeFileSync(join(root, "out", "status.json"), JSON.stringify(status));
    rmSync(join(root, "out", "dead"), { recursive: true });
    mkdirSync(join(root, "out", "dead", ".parts"), { recursive: true });
    rmSync(join(root, "failed", "dead"), { recursive: true, force: true });
    mkdirSync(join(root, "in", "dead"), { recursive: true });
    writeFileSync(join(root, "in", "dead", "a.mp4"), "video");
    // a temp file of a killed writer (pid 999999 does not run) and one of a live one (ours) stay apart
    writeFileSync(join(root, "out", ".status.json.999999.abc123.tmp"), "{");
    writeFileSync(join(root, "out", "done", ".results.json.999999.x1.tmp"), "{");
    const report = await s.recover();
    expect(report.interrupted).toEqual(["dead"]);
    expect(report.completed).toEqual(["done"]);
    expect(report.quarantined).toEqual(["dead"]);
    expect(report.tempsRemoved).toBe(2);
    const after = await loadStatusFile(join(root, "out", "status.json"));
    expect(after.dead).toMatchObject({ status: "failed", error: INTERRUPTED_ERROR });
    expect(after.done).toMatchObject({ status: "completed", percent_complete: 100 });
    expect(readFileSync(join(root, "failed", "dead", "a.mp4"), "utf8")).toBe("video");
    expect(existsSync(join(root, "out", "dead"))).toBe(false);
    expect(
      logs.some((l) => l.level === "warn" && l.msg.includes(INTERRUPTED_ERROR) && l.fields?.job === "dead"),
    ).toBe(true);
  });
});

describe("requeue and prune", () => {
  it("requeue moves the newest failed copy back into in/ and forgets the entry", async () => {
    job("j", ["bad.mp4"]);
    const s = await source();
    await runDaemon({ source: s, worker: fakeWorker({ corrupt: ["bad.mp4"] }), once: true });
    const r = await s.requeue("j");
    expect(r.to).toBe(join(root, "in", "j"));
    expect(await loadStatusFile(join(root, "out", "status.json"))).toEqual({});
    expect((await s.list()).map((v) => [v.id, v.state])).toEqual([["j", "queued"]]);
    await expect(s.requeue("j")).rejects.toThrow(/no failed job "j"/);
    await expect(s.requeue("../x")).rejects.toThrow(/not a job name/);
    await runDaemon({ source: s, worker: fakeWorker(), once: true });
    await expect(s.requeue("j")).rejects.toThrow(/job "j" is completed, not failed/);
  });

  it("prune deletes old finished jobs and leaves a tombstone; dry run touches nothing", async () => {
    job("old", ["a.mp4"]);
    job("bad", ["a.mp4"]);
    let now = new Date("2026-01-01T00:00:00Z");
    const s = new FolderJobSource(root, { now: () => now });
    await s.ensureLayout();
    await runDaemon({ source: s, worker: fakeWorker({ corrupt: ["a.mp4"] }), once: true });
    now = new Date("2026-01-20T00:00:00Z");
    const dry = await s.prune({ olderThanDays: 7, dryRun: true });
    expect(dry.jobs.sort()).toEqual(["bad", "old"]);
    expect(existsSync(join(root, "failed", "old"))).toBe(true);
    const done = await s.prune({ olderThanDays: 7 });
    expect(done.paths.sort()).toEqual([join(root, "failed", "bad"), join(root, "failed", "old")]);
    expect(readdirSync(join(root, "failed"))).toEqual([]);
    const status = await loadStatusFile(join(root, "out", "status.json"));
    expect(status.old?.pruned_at).toBe("2026-01-20T00:00:00.000Z");
    expect((await s.prune({ olderThanDays: 7 })).jobs).toEqual([]);
    // a new folder with a pruned job's name is not picked up (the tombstone holds the name)
    job("old", ["a.mp4"]);
    expect(await s.claim()).toBeUndefined();
  });

  it("one status write per job: a completion rides on the next claim; a crash before it is recovered as completed", async () => {
    for (const n of ["a", "b", "c"]) job(n, ["v.mp4"]);
    let writes = 0;
    class Counted extends FolderJobSource {
      override updateStatus<T>(fn: (status: StatusFile) => T): Promise<T> {
        writes++;
        return super.updateStatus(fn);
      }
    }
    const s = new Counted(root, { checkpointMs: 60_000 }); // no time-based checkpoints
    await s.ensureLayout();
    const seen: string[] = [];
    await runDaemon({
      source: s,
      worker: fakeWorker(),
      once: true,
      onEvent: async (e) => {
        // when job-done is reported, results.json is committed; the entry is written with the next claim
        if (e.type === "job-done") seen.push(`${e.job}:${existsSync(e.resultsPath)}`);
      },
    });
    expect(seen).toEqual(["a:true", "b:true", "c:true"]);
    expect(writes).toBe(4); // three claims (each carrying the previous completion) and the last completion
    const status = await loadStatusFile(join(root, "out", "status.json"));
    expect(Object.values(status).map((e) => e.status)).toEqual(["completed", "completed", "completed"]);

    // the daemon dies after a commit, before the next status write: the entry still says processing
    job("d", ["v.mp4"]);
    const dying = await source();
    const claimed = await dying.claim();
    if (!claimed) throw new Error("no job claimed");
    await fakeWorker().process(
      join(root, "in", "d", "v.mp4"),
      await claimed.outputFor(claimed.videos[0] as never),
    );
    await claimed.complete();
    expect((await loadStatusFile(join(root, "out", "status.json"))).d?.status).toBe("processing");
    const report = await (await source()).recover(); // the next start
    expect(report.completed).toEqual(["d"]);
    const after = await loadStatusFile(join(root, "out", "status.json"));
    expect(after.d).toMatchObject({ status: "completed", percent_complete: 100 });
    expect(Object.keys(await loadJobResults(join(root, "out", "d", "results.json")))).toEqual(["v.mp4"]);
  });
});
