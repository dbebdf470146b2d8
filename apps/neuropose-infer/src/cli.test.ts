// Runs the built `neuropose-infer` binary (bin.js -> dist; `pnpm test` builds first) as a user would.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";
import { loadVideoPredictions } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { writeTestPattern, writeTruncated, writeZeroFrameVideo } from "../../../config/test-videos.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin.js");
const tools = resolveFfmpeg({});
// shared with packages/infer's fixture tests: converted once per machine
const cacheDir = join(tmpdir(), "neuropose-infer-test-models");
let dir: string;

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: dir,
      env: { ...process.env, NEUROPOSE_MODEL_CACHE_DIR: cacheDir, NEUROPOSE_CONFIG: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("error:"));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "np-infer-cli-"));
  writeTestPattern(tools.ffmpeg, join(dir, "full.mp4"), {
    size: "320x240",
    rate: 30,
    frames: 60,
    args: ["-movflags", "+faststart"],
  });
  writeTruncated(join(dir, "full.mp4"), join(dir, "trunc.mp4"));
  writeZeroFrameVideo(tools.ffmpeg, join(dir, "zero.avi"));
  writeFileSync(join(dir, "notes.mp4"), "not a video\n");
  writeFileSync(join(dir, "a-file"), "x");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("neuropose-infer: bad input is one error line and exit code 2", () => {
  it.each([
    ["a missing file", ["missing.mp4"], /^error: missing\.mp4: input file not found/],
    ["not a video", ["notes.mp4"], /^error: notes\.mp4: not a readable video/],
    ["zero frames", ["zero.avi"], /^error: zero\.avi: the video has zero frames/],
    [
      "an unsupported provider",
      ["full.mp4", "--device", "coreml"],
      /execution provider "coreml" is not available/,
    ],
    ["a bad flag value", ["full.mp4", "--max-people", "0"], /--max-people must be a positive integer/],
    ["no video", [], /name at least one <video>/],
  ])("%s", async (_name, args, pattern) => {
    if (args.includes("coreml") && process.platform === "darwin") return;
    const r = await run(args);
    expect(r.code).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it("an unusable model cache", async () => {
    const r = await run(["full.mp4", "--max-frames", "1"], {
      NEUROPOSE_MODEL_CACHE_DIR: join(dir, "a-file"),
    });
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/model cache is not usable/)]);
  });

  it("a truncated file reports what was decoded and writes nothing", async () => {
    const r = await run(["trunc.mp4", "--model", "lite", "-o", "trunc.json"]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(/trunc\.mp4: decoding failed after \d+ of 60 frames|decoded \d+ of 60 frames/),
    ]);
    expect(existsSync(join(dir, "trunc.json"))).toBe(false);
  }, 120_000);

  it("--help exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--max-people/);
  });
});

fixtureSuite("neuropose-infer on gaitlab_input.mp4", ["videos", "gaitlab_input.mp4"], () => {
  const video = () => fixturePath("videos", "gaitlab_input.mp4");

  it("writes a valid VideoPredictions and an overlay video", async () => {
    const r = await run([
      video(),
      "--model",
      "lite",
      "--max-frames",
      "12",
      "-o",
      "g.json",
      "--overlay",
      "g.mp4",
    ]);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    const p = await loadVideoPredictions(join(dir, "g.json"));
    expect(p.metadata.frame_count).toBe(12);
    expect(Object.keys(p.frames)).toHaveLength(12);
    expect(p.frames.frame_000005!.poses2d[0]).toHaveLength(33);
    expect(p.provenance?.execution_provider).toBe("cpu");
    // both models, each with the hash of the ONNX run (the legacy field keeps them comma-joined)
    expect(p.provenance?.models?.map((m) => [m.role, m.name])).toEqual([
      ["detector", "pose_detection"],
      ["landmark", "pose_landmark_lite"],
    ]);
    expect(p.provenance?.model_sha256).toBe(p.provenance?.models?.map((m) => m.sha256).join(","));
    const frames = execFileSync(tools.ffprobe, [
      "-v",
      "error",
      "-count_frames",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=nb_read_frames,width,height",
      "-of",
      "csv=p=0",
      join(dir, "g.mp4"),
    ])
      .toString()
      .trim();
    expect(frames).toBe("320,480,12");
  }, 180_000);

  it("--nwb also writes an NWB (HDF5) file", async () => {
    const r = await run([
      video(),
      "--model",
      "lite",
      "--max-frames",
      "4",
      "-o",
      "n.json",
      "--nwb",
      "n.nwb",
      "--session-start",
      "2024-05-01T10:00:00Z",
    ]);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    const head = readFileSync(join(dir, "n.nwb")).subarray(0, 8);
    expect(Array.from(head)).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  }, 180_000);

  it("several videos with -o give one JobResults keyed by file name", async () => {
    const r = await run([
      video(),
      fixturePath("videos", "pose2sim_cam01.mp4"),
      "--model",
      "lite",
      "--max-frames",
      "2",
      "-o",
      "job.json",
    ]);
    expect(r.code).toBe(0);
    const job = JSON.parse(readFileSync(join(dir, "job.json"), "utf8"));
    expect(Object.keys(job).sort()).toEqual(["gaitlab_input.mp4", "pose2sim_cam01.mp4"]);
    expect(job["pose2sim_cam01.mp4"].metadata).toMatchObject({ width: 1080, height: 1920, frame_count: 2 });
  }, 180_000);

  it("--json prints the document on stdout (and writes no file without -o)", async () => {
    const r = await run([video(), "--model", "lite", "--max-frames", "3", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).metadata.frame_count).toBe(3);
    expect(existsSync(join(dir, "gaitlab_input.poses.json"))).toBe(false);
  }, 180_000);

  it("Ctrl-C stops cleanly: exit 130 and no output file, complete or partial", async () => {
    const child = spawn(process.execPath, [bin, video(), "--model", "full", "-o", "int.json"], {
      cwd: dir,
      env: { ...process.env, NEUROPOSE_MODEL_CACHE_DIR: cacheDir, NEUROPOSE_CONFIG: "" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // interrupt once frames are flowing (the first progress line), or after a few seconds
    await new Promise<void>((res) => {
      const t = setTimeout(res, 8000);
      child.stderr.on("data", () => {
        if (/frames/.test(stderr)) {
          clearTimeout(t);
          res();
        }
      });
    });
    child.kill("SIGINT");
    const code = await new Promise<number | null>((res) => child.on("close", res));
    expect(code).toBe(130);
    expect(errorLines(stderr)).toEqual(["error: interrupted; unfinished output files were not written"]);
    expect(readdirSync(dir).filter((f) => f.includes("int.json"))).toEqual([]);
  }, 180_000);
});
