// `neuropose nwb export` as a real child process, stopped by real signals (issue 9 item 8; item 4 for SIGKILL).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = join(dirname(fileURLToPath(import.meta.url)), "../../../bin.js");
let dir: string;
const FRAMES = 15000;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "neuropose-nwb-signals-"));
  // seeded pseudo-random pose, one person, BlazePose 33 (about 15 MB of JSON: a write of a few seconds)
  let s = 7;
  const r = () => {
    s = (s * 16807) % 2147483647;
    return (s % 1000) / 10;
  };
  const parts: string[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const p3 = Array.from({ length: 33 }, () => [r(), r(), r()]);
    const p2 = Array.from({ length: 33 }, () => [r(), r()]);
    parts.push(
      `"frame_${String(i).padStart(6, "0")}":${JSON.stringify({ boxes: [[1, 2, 3, 4, 0.9]], poses3d: [p3], poses2d: [p2] })}`,
    );
  }
  writeFileSync(
    join(dir, "p.json"),
    `{"schema_version":3,"metadata":{"frame_count":${FRAMES},"fps":30,"width":640,"height":480,"skeleton":"blazepose_33","poses3d_unit":"m","poses3d_frame":"hip_centered"},"frames":{${parts.join(",")}},"segmentations":{},"provenance":null}`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function exportTo(out: string): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
} {
  const child = spawn(
    process.execPath,
    [
      bin,
      "nwb",
      "export",
      join(dir, "p.json"),
      "-o",
      out,
      "--session-start",
      "2024-05-01T10:00:00Z",
      "--subject-id",
      "S1",
      "--log-level",
      "silent",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((res) =>
    child.on("exit", (code, signal) => res({ code, signal, stderr })),
  );
  return { child, done };
}

/** Resolves once the NWB writer's temp file (`.x.nwb.neuropose-tmp-<pid>-<rand>.nwb`) exists: the write has begun. */
async function tempAppears(folder: string, exited: Promise<unknown>): Promise<string> {
  let over = false;
  void exited.then(() => {
    over = true;
  });
  const t0 = Date.now();
  while (!over && Date.now() - t0 < 120_000) {
    let names: string[] = [];
    try {
      names = readdirSync(folder);
    } catch {
      // the folder is created by the export
    }
    const tmp = names.find((n) => /neuropose-tmp-\d+-[0-9a-z]+\.nwb$/.test(n));
    if (tmp) return tmp;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("the export never started writing (or finished first)");
}

describe("neuropose nwb export under signals (real process)", () => {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    it(`${sig} during the write: exit 130, one error line, no file at the target, no temp left`, async () => {
      const folder = join(dir, sig);
      const out = join(folder, "x.nwb");
      const { child, done } = exportTo(out);
      await tempAppears(folder, done);
      child.kill(sig);
      const r = await done;
      expect(r.code).toBe(130);
      expect(r.stderr.trim().split("\n")).toEqual([`error: interrupted by ${sig}; nothing was written`]);
      expect(readdirSync(folder)).toEqual([]);
    }, 180_000);
  }

  it("SIGKILL during the write leaves a recognisable temp that the next export removes", async () => {
    const folder = join(dir, "kill");
    mkdirSync(folder, { recursive: true });
    const out = join(folder, "x.nwb");
    const first = exportTo(out);
    await tempAppears(folder, first.done);
    first.child.kill("SIGKILL");
    await first.done;
    // the NWB temp (and the frames spill): hidden, named after the target, carrying the dead owner's pid
    const left = readdirSync(folder);
    expect(left.length).toBeGreaterThan(0);
    for (const name of left) expect(name).toMatch(/^\.x\.nwb\.neuropose-tmp-\d+-[0-9a-z]+(\.nwb)?$/);
    const second = exportTo(out);
    const r = await second.done;
    expect(r.code).toBe(0);
    expect(readdirSync(folder)).toEqual(["x.nwb"]);
  }, 240_000);
});
