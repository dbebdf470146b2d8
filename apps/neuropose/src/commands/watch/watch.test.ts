// The daemon as users run it: the built `neuropose` binary (bin.js -> dist; `pnpm test` builds first) with the
// real BlazePose worker on tiny generated clips, and its error paths (second daemon, stale lock, a corrupt
// video, permission denied on out/, a full disk, a graceful stop).
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";
import { loadJobResults, loadStatusFile } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, startProcess, tempDir } from "../../../../../config/cli-process.js";
import { writeTestPattern, writeTruncated } from "../../../../../config/test-videos.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bin.js");
const built = existsSync(join(dirname(bin), "dist", "index.js"));
const tools = resolveFfmpeg({});
let dir: string;
let clip: string;
let longClip: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string> = {}, prefix: string[] = []) {
  const cmd = prefix.length ? (prefix[0] as string) : process.execPath;
  const argv = prefix.length ? [...prefix.slice(1), process.execPath, bin, ...args] : [bin, ...args];
  const s = startProcess(cmd, argv, { cwd: dir, env });
  return { child: s.child, done: s.done as Promise<Run>, stderr: s.err };
}

const run = (args: string[], env: Record<string, string> = {}, prefix: string[] = []) =>
  start(args, env, prefix).done;

async function until(cond: () => boolean, ms = 60_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

let dataDirs = 0;
function dataDir(jobs: Record<string, Record<string, string>>): string {
  const root = join(dir, `data-${dataDirs++}`);
  mkdirSync(root);
  for (const [job, files] of Object.entries(jobs)) {
    mkdirSync(join(root, "in", job), { recursive: true });
    for (const [name, src] of Object.entries(files))
      writeFileSync(join(root, "in", job, name), readFileSync(src));
  }
  return root;
}

beforeAll(() => {
  dir = tempDir("np-watch-");
  clip = join(dir, "clip.mp4");
  writeTestPattern(tools.ffmpeg, clip, { size: "96x72", rate: 10, frames: 6 });
  longClip = join(dir, "long.mp4");
  writeTestPattern(tools.ffmpeg, longClip, {
    size: "96x72",
    rate: 10,
    frames: 400,
    args: ["-movflags", "+faststart"],
  });
  // index first, then half the frames: ffprobe reads it, decoding fails half-way (a corrupt video mid-decode)
  writeTruncated(longClip, join(dir, "truncated.mp4"), 0.5);
  writeTestPattern(tools.ffmpeg, join(dir, "mid.mp4"), { size: "96x72", rate: 10, frames: 60 });
  chmodSync(dir, 0o755);
});
afterAll(() => removeDir(dir));

describe.skipIf(!built)("neuropose watch (built binary, real BlazePose worker)", () => {
  it("runs jobs end to end; a corrupt video fails its job and the daemon goes on; JSON logs name job and video", async () => {
    const root = dataDir({
      a: { "walk.mp4": clip },
      b: { "x.mp4": clip, "y.mp4": join(dir, "truncated.mp4") },
      c: { "z.mp4": clip },
    });
    const r = await run([
      "watch",
      "--data-dir",
      root,
      "--once",
      "--model",
      "lite",
      "--log-format",
      "json",
      "--skip-checks",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const status = await loadStatusFile(join(root, "out", "status.json"));
    expect(status.a?.status).toBe("completed");
    expect(status.c?.status).toBe("completed");
    expect(status.b?.status).toBe("failed");
    expect(status.b?.error).toMatch(
      /^InferError: .*\/y\.mp4: .*\(hint: the file may be (corrupt or )?truncated/,
    );
    expect(readdirSync(join(root, "failed", "b")).sort()).toEqual(["x.mp4", "y.mp4"]);
    const results = await loadJobResults(join(root, "out", "a", "results.json"));
    expect(Object.keys(results)).toEqual(["walk.mp4"]);
    expect(results["walk.mp4"]?.metadata.frame_count).toBe(6);
    expect(results["walk.mp4"]?.metadata.skeleton).toBe("blazepose_33");
    const lines = r.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const videoDone = lines.filter((l) => String(l.msg).startsWith("video done"));
    expect(videoDone.map((l) => [l.job, l.video])).toEqual([
      ["a", "walk.mp4"],
      ["b", "x.mp4"],
      ["c", "z.mp4"],
    ]);
    for (const l of lines.filter((l) => /^(job|video) /.test(String(l.msg)))) expect(l.job).toBeTruthy();
  }, 180_000);

  it("a second daemon is refused with the holder's pid; SIGTERM puts the running job back", async () => {
    const root = dataDir({ long: { "long.mp4": longClip } });
    const first = start(["watch", "--data-dir", root, "--model", "lite", "--poll", "0.2", "--skip-checks"]);
    await until(() => first.stderr().includes("job started"));
    const second = await run(["watch", "--data-dir", root, "--model", "lite", "--skip-checks"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `error: another NeuroPose daemon (pid ${first.child.pid}) already holds ${join(root, ".neuropose.lock")}`,
    );
    await until(() => {
      const s = existsSync(join(root, "out", "status.json"))
        ? readFileSync(join(root, "out", "status.json"), "utf8")
        : "";
      return /"frames_processed": [1-9]/.test(s);
    });
    first.child.kill("SIGTERM");
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/job put back to be redone/);
    expect(await loadStatusFile(join(root, "out", "status.json"))).toEqual({});
    expect(readdirSync(join(root, "in", "long"))).toEqual(["long.mp4"]);
    expect(existsSync(join(root, ".neuropose.lock"))).toBe(false);
    const st = await run(["status", "--data-dir", root, "--json"]);
    expect(JSON.parse(st.stdout).jobs).toEqual([{ id: "long", state: "queued", entry: null }]);
  }, 180_000);

  it("recovers a stale lock with a warning; requeue brings a failed job back", async () => {
    const root = dataDir({ bad: { "v.mp4": join(dir, "truncated.mp4") } });
    writeFileSync(
      join(root, ".neuropose.lock"),
      JSON.stringify({ pid: 999999, host: hostname(), started_at: "x", role: "daemon", nonce: "n" }),
    );
    const r = await run(["watch", "--data-dir", root, "--once", "--model", "lite", "--skip-checks"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      "warn: removing the stale lock .neuropose.lock of pid 999999 (no longer running)",
    );
    const q = await run(["requeue", "bad", "--data-dir", root]);
    expect(q.code, q.stderr).toBe(0);
    expect(readdirSync(join(root, "in", "bad"))).toEqual(["v.mp4"]);
    const again = await run(["requeue", "bad", "--data-dir", root]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: .*no failed job "bad"/m);
  }, 180_000);

  const root = process.getuid?.() === 0;
  it.skipIf(process.platform !== "linux")(
    "permission denied on out/ is one clear error line",
    async () => {
      const data = dataDir({ j: { "a.mp4": clip } });
      mkdirSync(join(data, "out"));
      mkdirSync(join(data, "failed"));
      // root ignores file modes: run the daemon as nobody over a data dir whose out/ is not writable
      const prefix = root ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
      chmodSync(join(data, "out"), 0o555);
      if (root) {
        execFileSync("chown", ["-R", "65534:65534", join(data, "in"), join(data, "failed")]);
        execFileSync("chown", ["65534:65534", data]);
      }
      const doctor = await run(
        ["doctor", "--data-dir", data],
        { NEUROPOSE_MODEL_CACHE_DIR: join(data, "models") },
        prefix,
      );
      expect(doctor.code).toBe(2);
      expect(doctor.stdout).toMatch(/out\/\s+FAIL\s+.*out is not writable \(EACCES\)/);
      const r = await run(
        ["watch", "--data-dir", data, "--once", "--model", "lite"],
        { NEUROPOSE_MODEL_CACHE_DIR: join(data, "models") },
        prefix,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/doctor: out\/: .*out is not writable \(EACCES\)/);
      expect(r.stderr.trim().split("\n").at(-1)).toBe(
        "error: the doctor checks failed (see above) (hint: neuropose doctor)",
      );
    },
    120_000,
  );

  it.skipIf(!root || process.platform !== "linux")(
    "a full disk while writing results fails the job with 'the disk is full'",
    async () => {
      const data = join(dir, "full");
      mkdirSync(data);
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", data]);
      } catch (err) {
        console.log(
          `skipping the tmpfs disk-full test: cannot mount (${(err as Error).message.split("\n")[0]})`,
        );
        return;
      }
      try {
        mkdirSync(join(data, "in", "j"), { recursive: true });
        writeFileSync(join(data, "in", "j", "a.mp4"), readFileSync(join(dir, "mid.mp4")));
        // leave 20 KB (5 tmpfs pages) free: enough for the status file, not for the outputs of 60 frames
        const free = () =>
          Number(execFileSync("df", ["-B1", "--output=avail", data]).toString().split("\n")[1]);
        writeFileSync(join(data, "filler"), Buffer.alloc(Math.max(0, free() - 20480)));
        const r = await run(["watch", "--data-dir", data, "--once", "--model", "lite", "--skip-checks"]);
        expect(r.code, r.stderr).toBe(0);
        const status = JSON.parse(readFileSync(join(data, "out", "status.json"), "utf8"));
        expect(status.j.status).toBe("failed");
        expect(status.j.error).toMatch(
          /^(NeuroPose|Jobs)Error: could not write .*: ENOSPC.* \(hint: the disk is full; free space/,
        );
        expect(r.stderr).toMatch(/error: job failed: .*ENOSPC/);
        expect(readdirSync(join(data, "failed", "j"))).toEqual(["a.mp4"]);
      } finally {
        execFileSync("umount", [data]);
      }
    },
    120_000,
  );
});
