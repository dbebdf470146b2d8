// `serve`, `reset` and retention through the built binary.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadStatusFile, saveStatusFile } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, startBin, tempDir } from "../../../../../config/cli-process.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bin.js");
const built = existsSync(join(dirname(bin), "dist", "index.js"));
let dir: string;

function start(args: string[], env: Record<string, string> = {}) {
  return startBin(bin, args, { cwd: dir, env });
}

async function until(cond: () => boolean, ms = 60_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => {
  dir = tempDir("np-serve-");
});
afterAll(() => removeDir(dir));

describe.skipIf(!built)("serve, reset, retention (built binary)", () => {
  it("serve prints the URL with the token, warns on a public address without one, stops on SIGINT", async () => {
    const data = join(dir, "d1");
    const s = start(["serve", "--data-dir", data, "--port", "0", "--token", "tk"]);
    await until(() => s.out().includes("monitor: "));
    const url = /monitor: (\S+)/.exec(s.out())?.[1] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=tk$/);
    expect((await fetch(url.replace("?token=tk", "status.json"))).status).toBe(401);
    expect((await fetch(url.replace("?token=tk", "status.json?token=tk"))).status).toBe(200);
    s.child.kill("SIGINT");
    expect((await s.done).code).toBe(0);
    const open = start(["serve", "--data-dir", data, "--port", "0", "--host", "0.0.0.0"]);
    await until(() => open.out().includes("monitor: "));
    expect(open.err()).toMatch(/warn: the monitor listens on 0\.0\.0\.0 without a token/);
    open.child.kill("SIGTERM");
    expect((await open.done).code).toBe(0);
  }, 60_000);

  it("reset stops a running daemon and monitor by their lock pids and wipes the data dir; --dry-run touches nothing", async () => {
    const data = join(dir, "d2");
    mkdirSync(join(data, "in", "j"), { recursive: true });
    writeFileSync(join(data, "in", "j", "notes.txt"), "x"); // a job without videos: fails at once
    const daemon = start(["watch", "--data-dir", data, "--model", "lite", "--poll", "0.2", "--skip-checks"]);
    const monitor = start(["serve", "--data-dir", data, "--port", "0"]);
    await until(() => daemon.err().includes("daemon started") && monitor.out().includes("monitor: "));
    const dry = start(["reset", "--data-dir", data, "--dry-run"]);
    const d = await dry.done;
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain(`would stop daemon pid ${daemon.child.pid}`);
    expect(d.stdout).toContain(`would stop monitor pid ${monitor.child.pid}`);
    expect(existsSync(join(data, "failed", "j"))).toBe(true);
    const refused = await start(["reset", "--data-dir", data]).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: reset deletes data: pass --yes/m);
    const r = await start(["reset", "--data-dir", data, "--yes", "--grace", "20"]).done;
    expect(r.code, r.stderr).toBe(0);
    expect((await daemon.done).code).toBe(0); // SIGINT: a graceful stop
    expect((await monitor.done).code).toBe(0);
    expect(readdirSync(data).sort()).toEqual(["failed", "in", "out"]);
    expect(readdirSync(join(data, "failed"))).toEqual([]);
  }, 120_000);

  it("retentionDays: the daemon prunes old finished jobs as it polls, leaving tombstones", async () => {
    const data = join(dir, "d3");
    mkdirSync(join(data, "in", "old"), { recursive: true });
    writeFileSync(join(data, "in", "old", "a.mp4"), "v");
    mkdirSync(join(data, "out", "old"), { recursive: true });
    writeFileSync(join(data, "out", "old", "results.json"), "{}");
    await saveStatusFile(join(data, "out", "status.json"), {
      old: { status: "completed", started_at: "2020-01-01T00:00:00Z", completed_at: "2020-01-01T00:01:00Z" },
    });
    const r = await start(["watch", "--data-dir", data, "--once", "--model", "lite", "--skip-checks"], {
      NEUROPOSE_RETENTION_DAYS: "30",
    }).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/info: pruned old/);
    const status = await loadStatusFile(join(data, "out", "status.json"));
    expect(status.old?.pruned_at).toMatch(/Z$/);
    expect(existsSync(join(data, "in", "old"))).toBe(false);
    expect(existsSync(join(data, "out", "old"))).toBe(false);
    const st = await start(["status", "--data-dir", data]).done;
    expect(st.stdout).toMatch(/old\s+completed \(pruned \d{4}-\d\d-\d\d\)/);
  }, 120_000);
});
