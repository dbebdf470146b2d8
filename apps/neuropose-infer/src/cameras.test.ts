// `neuropose-infer --cameras … --calibration …` run as a user would (the built bin.js), on the four-camera
// pose2sim fixture: one camera made late by dropping its first frames, the offset recovered and applied.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";
import { loadVideoPredictions } from "@neuropose/io";
import { readNwb } from "@neuropose/nwb";
import { beforeAll, describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { runFfmpeg, writeTestPattern } from "../../../config/test-videos.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin.js");
const tools = resolveFfmpeg({});
// shared with the other infer tests: converted once per machine
const cacheDir = join(tmpdir(), "neuropose-infer-test-models");
const CALIB = fixturePath("pose2sim_multiperson", "calibration", "Calib.qca.txt");
const LATE = 5; // frames dropped from the start of cam02

function run(cwd: string, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, NEUROPOSE_MODEL_CACHE_DIR: cacheDir, NEUROPOSE_CONFIG: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("error:"));

describe("neuropose-infer --cameras: usage", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "np-infer-cams-"));
    for (const name of ["cam01", "cam02"])
      writeTestPattern(tools.ffmpeg, join(dir, `${name}.mp4`), { size: "320x240", rate: 30, frames: 3 });
  }, 60_000);

  it.each([
    [["--cameras", "cam01.mp4", "cam02.mp4"], /--cameras needs --calibration/],
    [["--cameras", "cam01.mp4", "--calibration", "c.toml"], /--cameras needs at least two videos/],
    [["cam01.mp4", "--calibration", "c.toml"], /--calibration goes with --cameras/],
    [
      ["--cameras", "cam01.mp4", "cam02.mp4", "--calibration", "c.toml", "--offsets", "0,1,2"],
      /--offsets has 3 values for 2 --cameras/,
    ],
    [
      ["--cameras", "cam01.mp4", "cam02.mp4", "--calibration", "c.toml", "--offsets", "0,x"],
      /--offsets must be whole frame counts/,
    ],
    [
      ["cam01.mp4", "--cameras", "cam02.mp4", "cam01.mp4", "--calibration", "c.toml"],
      /either as arguments or after --cameras/,
    ],
    [["cam01.mp4", "--save-2d", "2d"], /--save-2d goes with --cameras/],
    [["cam01.mp4", "--reject-outliers"], /--reject-outliers goes with --cameras/],
    [
      ["--cameras", "cam01.mp4", "cam02.mp4", "--calibration", "c.toml", "--max-reprojection", "0"],
      /--max-reprojection must be a distance in pixels above 0/,
    ],
    [
      ["--cameras", "cam01.mp4", "cam02.mp4", "--calibration", "c.toml", "--save-2d", "a", "--from-2d", "b"],
      /give one of them/,
    ],
  ])("%j: one error line, exit 2", async (args, message) => {
    const r = await run(dir, args);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it.runIf(existsSync(CALIB))(
    "a video whose size is not its calibrated camera's is refused before any inference",
    async () => {
      const r = await run(dir, [
        "--cameras",
        "cam01.mp4",
        "cam02.mp4",
        "--calibration",
        CALIB,
        "-o",
        "x.json",
      ]);
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toEqual([
        expect.stringMatching(/cam01.mp4 is 320×240 but calibrated camera cam01 is 1088×1920/),
      ]);
      expect(existsSync(join(dir, "x.json"))).toBe(false);
    },
  );
});

fixtureSuite("neuropose-infer --cameras on the pose2sim four-camera trial", ["pose2sim_multiperson"], () => {
  let dir: string;
  let r: { code: number | null; stdout: string; stderr: string };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "np-infer-cams-fx-"));
    for (const c of ["cam01", "cam03", "cam04"])
      symlinkSync(fixturePath("pose2sim_multiperson", "videos", `${c}.mp4`), join(dir, `${c}.mp4`));
    // cam02 starts LATE frames late: its first frames dropped (timestamps restarted at 0)
    runFfmpeg(
      tools.ffmpeg,
      "-i",
      fixturePath("pose2sim_multiperson", "videos", "cam02.mp4"),
      "-vf",
      `select=gte(n\\,${LATE}),setpts=PTS-STARTPTS`,
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      join(dir, "cam02.mp4"),
    );
    r = await run(dir, [
      "--cameras",
      ...["cam01", "cam02", "cam03", "cam04"].map((c) => `${c}.mp4`),
      "--calibration",
      CALIB,
      "--max-people",
      "2",
      "--max-frames",
      "45",
      "--sync",
      "auto",
      "--lowpass",
      "6",
      "--save-2d",
      "2d",
      "-o",
      "trial.json",
      "--nwb",
      "trial.nwb",
      "--session-start",
      "2024-05-01T10:00:00+02:00",
    ]);
  }, 600_000);

  it("recovers the late camera's offset, prints and records it", async () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/time offsets estimated from the keypoints .*cam02 \+[3-7] /);
    const doc = await loadVideoPredictions(join(dir, "trial.json"));
    const mv = doc.provenance?.multiview as { offsets_frames: number[]; offsets_source: string };
    // 45 frames of noisy single-view keypoints pin the lag to ±2 frames (33 ms at 60 fps; exact on 100 frames)
    expect(Math.abs((mv.offsets_frames[1] as number) - LATE)).toBeLessThanOrEqual(2);
    expect(mv.offsets_source).toMatch(/estimated/);
    expect(doc.provenance?.filters).toEqual([
      expect.objectContaining({
        filter: "butterworth_filtfilt",
        cutoff_hz: 6,
        fs_hz: 60,
        applied_to: "poses3d",
      }),
    ]);
  });

  it("writes a 3D document in the lab frame: both people, views and reprojection error per keypoint, NaN below two views", async () => {
    const doc = await loadVideoPredictions(join(dir, "trial.json"));
    expect(doc.metadata).toMatchObject({
      poses3d_unit: "m",
      poses3d_frame: "world",
      poses3d_up: "+z",
      cameras: ["cam01", "cam02", "cam03", "cam04"],
      frame_count: 45,
    });
    // the declared up is the data's: hips above heels along +z in (nearly) every pose (Qualisys' lab frame)
    let above = 0;
    let poses = 0;
    for (const f of Object.values(doc.frames))
      for (const pose of f.poses3d) {
        const dz = (pose[23]?.[2] as number) - (pose[29]?.[2] as number);
        if (!Number.isFinite(dz)) continue;
        poses++;
        if (dz > 0) above++;
      }
    expect(above / poses).toBeGreaterThan(0.95);
    const ids = new Set<number>();
    const thighs: number[] = [];
    for (const f of Object.values(doc.frames)) {
      for (const id of f.person_ids ?? []) ids.add(id);
      f.poses3d.forEach((pose, p) => {
        pose.forEach((X, k) => {
          const views = f.views?.[p]?.[k] as number;
          let bits = 0;
          for (let v = views; v; v &= v - 1) bits++;
          if (Number.isFinite(X[0])) {
            expect(bits).toBeGreaterThanOrEqual(2);
            expect(f.reprojection_error?.[p]?.[k]).toBeLessThan(20);
          } else expect(views).toBe(0);
        });
        const [h, kn] = [pose[23], pose[25]] as number[][];
        const d = Math.hypot(h![0]! - kn![0]!, h![1]! - kn![1]!, h![2]! - kn![2]!);
        if (Number.isFinite(d)) thighs.push(d);
      });
    }
    expect(ids.size).toBe(2);
    thighs.sort((a, b) => a - b);
    const median = thighs[thighs.length >> 1] as number;
    expect(median).toBeGreaterThan(0.25);
    expect(median).toBeLessThan(0.55);
  });

  it("re-triangulates from the saved 2D (--from-2d) without the model: the same 3D, then with outliers rejected", async () => {
    // the same cameras and calibration, the 2D read back from 2d/
    const fromSaved = (...args: string[]) =>
      run(dir, [
        "--cameras",
        ...["cam01", "cam02", "cam03", "cam04"].map((c) => `${c}.mp4`),
        "--calibration",
        CALIB,
        "--from-2d",
        "2d",
        "--lowpass",
        "6",
        ...args,
      ]);
    const again = await fromSaved("--sync", "auto", "-o", "again.json");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/cam02: 2D read from .*cam02\.json \(45 frames/);
    const first = await loadVideoPredictions(join(dir, "trial.json"));
    const second = await loadVideoPredictions(join(dir, "again.json"));
    expect(second.frames).toEqual(first.frames);
    const offsets = (first.provenance?.multiview as { offsets_frames?: number[] } | undefined)
      ?.offsets_frames;
    const robust = await fromSaved("--offsets", String(offsets), "--reject-outliers", "-o", "robust.json");
    expect(robust.code, robust.stderr).toBe(0);
    const filters = (await loadVideoPredictions(join(dir, "robust.json"))).provenance?.filters;
    expect(filters?.map((f) => f.filter)).toEqual(["hampel", "butterworth_filtfilt"]);
    expect(filters?.[0]).toMatchObject({ window_size: 7, n_sigma: 2, applied_to: "poses3d" });
    // gaps up to 0.1 s (6 frames at 60 fps) filled before the low-pass by default
    expect(filters?.[1]).toMatchObject({ max_gap: 6 });
    // the saved 2D is an input: a 3D output over one of its files is refused even with --force, nothing replaced
    const before = readFileSync(join(dir, "2d", "cam01.json"), "utf8");
    const over = await fromSaved("-o", join("2d", "cam01.json"), "--force");
    expect(over.code).toBe(2);
    expect(errorLines(over.stderr)).toEqual([expect.stringMatching(/2d\/cam01\.json is also the input/)]);
    expect(readFileSync(join(dir, "2d", "cam01.json"), "utf8")).toBe(before);
  }, 180_000);

  it("writes an NWB file with every camera as a device and an ImageSeries", async () => {
    const nwb = await readNwb(join(dir, "trial.nwb"));
    expect(nwb.devices.map((d) => d.name).sort()).toEqual(["cam01", "cam02", "cam03", "cam04"]);
    expect(nwb.acquisition.map((a) => a.name).sort()).toEqual([
      "video_cam01",
      "video_cam02",
      "video_cam03",
      "video_cam04",
    ]);
    expect(nwb.poseEstimations.map((p) => p.devices)).toEqual([
      ["cam01", "cam02", "cam03", "cam04"],
      ["cam01", "cam02", "cam03", "cam04"],
    ]);
  });
});
