import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFfmpeg } from "@neuropose/infer";
import { readNwb } from "@neuropose/nwb";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../config/cli-process.js";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { probeCounted, writeTestPattern } from "../../../config/test-videos.js";
import { buildSession } from "./build.js";
import { readStageSummary } from "./stage.js";

const { ffmpeg } = resolveFfmpeg();

/** A stand-in camera video with exactly `frames` frames (the session's real videos are not published). */
function standInVideo(path: string, frames: number, fps: number): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeTestPattern(ffmpeg, path, { size: "32x24", rate: fps, frames, codec: "mpeg4", args: ["-q:v", "10"] });
}

fixtureSuite(
  "neuropose-session build on the real W2T session",
  ["w2t-session", "Session-000001", "session.toml"],
  () => {
    it("builds end to end: 8580 camera pulses, both Bpod files merged, the DLC .h5 imported, trials in a valid NWB file, a QC page", async () => {
      const root = tempDir("np-w2t-");
      const src = fixturePath("w2t-session", "Session-000001");
      const dir = join(root, "data", "raw", "Session-000001");
      mkdirSync(dir, { recursive: true });
      for (const part of ["TTLs", "Bpod", "pose_sample.h5"]) symlinkSync(join(src, part), join(dir, part));
      // The lab's session.toml, plus the pose file it keeps beside the session (our [[pose]] addition).
      writeFileSync(
        join(dir, "session.toml"),
        `${readFileSync(join(src, "session.toml"), "utf8")}\n[[pose]]\ncamera_id = "cam0"\npaths = "pose_sample.h5"\nformat = "dlc"\n`,
      );
      cpSync(fixturePath("w2t-session", "config.toml"), join(root, "config.toml"));
      standInVideo(join(dir, "Video", "top", "cam0.avi"), 8580, 150);
      standInVideo(join(dir, "Video", "pupil_left", "cam1.avi"), 8580, 150);

      const stages: string[] = [];
      const r = await buildSession({
        sessionDir: dir,
        configPath: join(root, "config.toml"),
        onStage: (e) => stages.push(`${e.stage}:${e.state}`),
      });
      expect(stages.filter((s) => s.endsWith(":done"))).toEqual([
        "ingest:done",
        "sync:done",
        "transcode:done", // the lab's config.toml enables the mezzanine copies
        "events:done",
        "pose:done",
        "facemap:done", // its ROIs are names only: skipped with info flags
        "nwb:done",
        "validate:done",
      ]);
      const facemap = await readStageSummary(r.interim, "facemap");
      expect(facemap?.flags.map((f) => [f.code, f.severity, f.subject])).toEqual([
        ["FACEMAP_ROI_WITHOUT_RECTANGLE", "info", "face"],
        ["FACEMAP_ROI_WITHOUT_RECTANGLE", "info", "left_eye"],
        ["FACEMAP_ROI_WITHOUT_RECTANGLE", "info", "right_eye"],
      ]);
      const ingest = await readStageSummary(r.interim, "ingest");
      expect(ingest?.counts).toMatchObject({ cameras: 2, ttls: 3, frames: 2 * 8580 });
      const manifest = JSON.parse(readFileSync(join(r.interim, "manifest.json"), "utf8"));
      expect(manifest.sync.find((s: { id: string }) => s.id === "ttl_camera").pulse_count).toBe(8580);
      expect(manifest.videos.map((v: { frame_count: number }) => v.frame_count)).toEqual([8580, 8580]);
      const events = await readStageSummary(r.interim, "events");
      expect(events?.counts.trials).toBe(3); // 2 + 1 trials in the two Gen2 files
      const pose = await readStageSummary(r.interim, "pose");
      expect((pose?.details.cam0 as { frames: number } | undefined)?.frames).toBe(8580);
      expect((pose?.details.cam0 as { keypoints: number } | undefined)?.keypoints).toBe(18);
      expect((await readStageSummary(r.interim, "validate"))?.counts.errors).toBe(0);

      // pynwb + nwbinspector (DANDI configuration) where the developer machine has them (../shared/tools/nwb-validator).
      const validator = fixturePath("..", "tools", "nwb-validator", "validate.sh");
      if (existsSync("/tmp/nwb-validator") && existsSync(validator)) {
        const out = execFileSync("bash", [validator, r.nwb, "--strict", "--dandi"], { encoding: "utf8" });
        expect(out).not.toMatch(/^\s*(CRITICAL|BEST_PRACTICE_VIOLATION)\s/m);
        expect(out).toMatch(/0 CRITICAL\/ERROR/);
      } else
        console.warn(
          "skipped the pynwb/nwbinspector check: /tmp/nwb-validator is not built (../shared/tools/nwb-validator/setup.sh)",
        );
      const nwb = await readNwb(r.nwb);
      expect(nwb.trials?.startTime.length).toBe(3);
      expect(r.qc && existsSync(r.qc)).toBe(true);
      expect(readFileSync(r.qc as string, "utf8")).toContain("QC of session Session-000001");

      // A second run with nothing changed redoes nothing.
      const again: string[] = [];
      await buildSession({
        sessionDir: dir,
        configPath: join(root, "config.toml"),
        onStage: (e) => again.push(`${e.stage}:${e.state}`),
      });
      expect(again.filter((s) => s.endsWith(":done"))).toEqual([]);
    }, 240_000);
  },
);

fixtureSuite('pose.source = "neuropose": our BlazePose on a camera', ["videos", "pose2sim_cam01.mp4"], () => {
  it("runs the model over the camera's video, harmonises 33 keypoints and times them by the camera's TTL", async () => {
    const root = tempDir("np-session-blaze-");
    const dir = join(root, "S1");
    mkdirSync(join(dir, "Video"), { recursive: true });
    mkdirSync(join(dir, "TTLs"), { recursive: true });
    // A short real clip: the fixture's first 24 frames, halved (a person walking in front of the camera).
    execFileSync(ffmpeg, [
      ...["-v", "error", "-y", "-i", fixturePath("videos", "pose2sim_cam01.mp4")],
      ...[
        "-frames:v",
        "24",
        "-vf",
        "scale=540:960",
        "-c:v",
        "mpeg4",
        "-q:v",
        "3",
        join(dir, "Video", "cam.avi"),
      ],
    ]);
    const ttl = Array.from({ length: 24 }, (_, i) => 2 + i / 60);
    writeFileSync(join(dir, "TTLs", "cam.txt"), ttl.map((t) => t.toFixed(6)).join("\n"));
    writeFileSync(
      join(dir, "session.toml"),
      '[session]\nid = "S1"\nsubject_id = "p1"\ndate = "2025-01-01"\nspecies = "Homo sapiens"\n\n[[TTLs]]\nid = "cam"\npaths = "TTLs/cam.txt"\n\n[[cameras]]\nid = "cam0"\npaths = "Video/*.avi"\nttl_id = "cam"\n',
    );
    writeFileSync(
      join(root, "config.toml"),
      '[project]\nname = "t"\n[timebase]\nsource = "ttl"\nttl_id = "cam"\n[pose]\nsource = "neuropose"\nmodel = "lite"\n[qc]\ngenerate_report = false\n',
    );
    const r = await buildSession({
      sessionDir: dir,
      configPath: join(root, "config.toml"),
      modelCacheDir: join(tmpdir(), "neuropose-infer-test-models"),
    });
    const pose = await readStageSummary(r.interim, "pose");
    expect(pose?.details.cam0).toMatchObject({ frames: 24, keypoints: 33, model: "lite" });
    const nwb = await readNwb(r.nwb);
    const pe = nwb.poseEstimations.find((p) => p.name === "pose_cam0");
    expect(pe?.sourceSoftware).toBe("NeuroPose");
    expect(pe?.series).toHaveLength(33);
    const timing = pe?.timing as { timestamps: Float64Array } | undefined;
    expect(Array.from(timing?.timestamps ?? [])).toEqual(ttl.map((t) => Number(t.toFixed(6))));
    // a person is found: most keypoints in most frames are inside the (540 x 960) frame
    const nose = pe?.series.find((s) => s.name === "nose");
    const xs = Array.from(nose?.data ?? []).filter((_, i) => i % 2 === 0);
    expect(xs.filter((x) => x > 0 && x < 540).length).toBeGreaterThan(12);
    expect((await readStageSummary(r.interim, "validate"))?.counts.errors).toBe(0);
  }, 300_000);
});

// facemap's *_proc.mat is generated by Debian's python3 with numpy + scipy (packages/facemap/scripts/make_proc.py).
const canMakeProc = (() => {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import numpy, scipy.io"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!canMakeProc)
  console.warn(
    "skipped the facemap *_proc.mat session test: /usr/bin/python3 with numpy and scipy is needed",
  );

/**
 * A one-camera session (50 stand-in frames) with facemap's outputs written as facemap's save() writes them
 * (packages/facemap/scripts/make_proc.py: *_proc.mat, *_proc.npy and expected.json), imported by `paths`.
 */
/** Builds a session again with one `--set` change, recording each stage's `stage:state`. */
async function buildAgain(sessionDir: string, configPath: string, set: string) {
  const states: string[] = [];
  const second = await buildSession({
    sessionDir,
    configPath,
    set: [set],
    onStage: (e) => states.push(`${e.stage}:${e.state}`),
  });
  return { second, states };
}

function facemapSession(prefix: string, paths: string, config: string): { root: string; dir: string } {
  const root = tempDir(prefix);
  const dir = join(root, "S1");
  standInVideo(join(dir, "Video", "face.avi"), 50, 30);
  execFileSync("/usr/bin/python3", [
    join(import.meta.dirname, "..", "..", "facemap", "scripts", "make_proc.py"),
    join(dir, "facemap"),
    "50",
  ]);
  writeFileSync(
    join(dir, "session.toml"),
    `[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n\n[[cameras]]\nid = "cam0"\npaths = "Video/*.avi"\n\n[[facemap]]\ncamera_id = "cam0"\npaths = "${paths}"\n`,
  );
  writeFileSync(join(root, "config.toml"), config);
  return { root, dir };
}

describe("buildSession failures", () => {
  it("a frame/pulse mismatch fails ingest with the camera, the counts and the tolerance", async () => {
    const root = tempDir("np-session-bad-");
    const dir = join(root, "S1");
    mkdirSync(join(dir, "TTLs"), { recursive: true });
    writeFileSync(
      join(dir, "TTLs", "cam.txt"),
      Array.from({ length: 40 }, (_, i) => (i / 30).toFixed(6)).join("\r\n"),
    );
    standInVideo(join(dir, "Video", "c.avi"), 37, 30);
    writeFileSync(
      join(dir, "session.toml"),
      '[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n\n[[TTLs]]\nid = "ttl_cam"\npaths = "TTLs/*.txt"\n\n[[cameras]]\nid = "cam0"\npaths = "Video/*.avi"\nttl_id = "ttl_cam"\n',
    );
    writeFileSync(
      join(root, "config.toml"),
      '[project]\nname = "t"\n[verification]\nmismatch_tolerance_frames = 1\n',
    );
    await expect(
      buildSession({ sessionDir: dir, configPath: join(root, "config.toml") }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(
        /^ingest: camera cam0: 37 video frames but 40 pulses on ttl_cam \(difference -3, tolerance 1\)/,
      ),
    });
    const s = await readStageSummary(join(root, "data", "interim", "S1"), "ingest");
    expect(s?.status).toBe("failed");
  }, 60_000);

  it("non-increasing TTL times fail sync with the camera, the frame index and the TTL file", async () => {
    const root = tempDir("np-session-mono-");
    const dir = join(root, "S1");
    mkdirSync(join(dir, "TTLs"), { recursive: true });
    const t = Array.from({ length: 12 }, (_, i) => i / 30);
    t[8] = t[7] as number; // a duplicated line (a decreasing one is caught earlier, by the TTL reader in ingest)
    writeFileSync(join(dir, "TTLs", "cam.txt"), t.map((x) => x.toFixed(6)).join("\r\n"));
    standInVideo(join(dir, "Video", "c.avi"), 12, 30);
    writeFileSync(
      join(dir, "session.toml"),
      '[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n\n[[TTLs]]\nid = "ttl_cam"\npaths = "TTLs/*.txt"\n\n[[cameras]]\nid = "cam0"\npaths = "Video/*.avi"\nttl_id = "ttl_cam"\n',
    );
    writeFileSync(
      join(root, "config.toml"),
      '[project]\nname = "t"\n[timebase]\nsource = "ttl"\nttl_id = "ttl_cam"\n',
    );
    const err = await buildSession({ sessionDir: dir, configPath: join(root, "config.toml") }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({
      code: "E_SESSION_TIMESTAMPS",
      path: join(dir, "TTLs", "cam.txt"),
      message: expect.stringMatching(/^sync: camera cam0: timestamps not increasing at frame 8 /),
      hint: expect.stringContaining("pulse 8"),
    });
    // ingest completed and stays valid; sync failed and left no timestamps file.
    const interim = join(root, "data", "interim", "S1");
    expect((await readStageSummary(interim, "ingest"))?.status).toBe("ok");
    expect((await readStageSummary(interim, "sync"))?.status).toBe("failed");
    expect(existsSync(join(interim, "sync", "timestamps_cam0.csv"))).toBe(false);
  }, 60_000);

  it("a missing input names the session.toml key to fix", async () => {
    const root = tempDir("np-session-missing-");
    const dir = join(root, "S1");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "session.toml"),
      '[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n\n[[cameras]]\nid = "cam0"\npaths = "Video/*.avi"\n',
    );
    writeFileSync(join(root, "config.toml"), '[project]\nname = "t"\n');
    await expect(
      buildSession({ sessionDir: dir, configPath: join(root, "config.toml") }),
    ).rejects.toMatchObject({
      code: "E_SESSION_MISSING_INPUT",
      message: expect.stringContaining('cameras[0].paths (cam0) = "Video/*.avi"'),
    });
  });

  it("a multi-file camera keeps its ImageSeries starting_frame when ingest comes from the cache", async () => {
    const root = tempDir("np-session-multi-");
    const dir = join(root, "S1");
    standInVideo(join(dir, "Video", "part1.avi"), 7, 30);
    standInVideo(join(dir, "Video", "part2.avi"), 5, 30);
    writeFileSync(
      join(dir, "session.toml"),
      '[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n\n[[cameras]]\nid = "cam0"\npaths = "Video/*.avi"\n',
    );
    writeFileSync(join(root, "config.toml"), '[project]\nname = "t"\n[qc]\ngenerate_report = false\n');
    const startingFrame = async (nwbPath: string) =>
      (await readNwb(nwbPath)).acquisition.find((a) => a.name === "video_cam0") as {
        startingFrame?: number[];
      };
    const first = await buildSession({ sessionDir: dir, configPath: join(root, "config.toml") });
    expect((await startingFrame(first.nwb)).startingFrame).toEqual([0, 7]);
    // Only the NWB stage's config changes: ingest is skipped (from the cache), the NWB file is written again.
    const { second, states } = await buildAgain(dir, join(root, "config.toml"), "nwb.lab=Cache Lab");
    expect(states).toContain("ingest:skipped");
    expect(states).toContain("nwb:done");
    expect((await readNwb(second.nwb)).lab).toBe("Cache Lab");
    expect((await startingFrame(second.nwb)).startingFrame).toEqual([0, 7]);
  }, 60_000);

  it.runIf(canMakeProc)(
    "imports facemap's own *_proc.mat into the NWB file as TimeSeries (NaN kept), also when the stage is cached",
    async () => {
      const { root, dir } = facemapSession(
        "np-session-facemap-",
        "facemap/*_proc.mat",
        '[project]\nname = "t"\n',
      );
      const check = async (nwbPath: string) => {
        const nwb = await readNwb(nwbPath);
        const fm = nwb.processing.find((m) => m.name === "facemap");
        const series = (fm?.dataInterfaces ?? []) as { name: string; data: Float64Array; width?: number }[];
        const area = series.find((x) => x.name === "facemap_pupil_0_area_cam0");
        expect(area?.data.length).toBe(50);
        expect(area?.data[7]).toBeNaN();
        const svd = series.find((x) => x.name === "facemap_motSVD_0_cam0");
        expect(svd?.data.length).toBe(50 * 5);
        expect(series.map((x) => x.name)).toContain("facemap_running_0_cam0");
      };
      const first = await buildSession({ sessionDir: dir, configPath: join(root, "config.toml") });
      expect((await readStageSummary(first.interim, "facemap"))?.counts.imported).toBe(1);
      await check(first.nwb);
      expect(readFileSync(first.qc as string, "utf8")).toContain("facemap_pupil_0_area");
      const { second, states } = await buildAgain(dir, join(root, "config.toml"), "nwb.lab=Again");
      expect(states).toContain("facemap:skipped");
      await check(second.nwb);
    },
    60_000,
  );

  it.runIf(canMakeProc)(
    "imports facemap's *_proc.npy (np.save of the proc dict) with numpy's values, NaN kept",
    async () => {
      const { root, dir } = facemapSession(
        "np-session-facemap-npy-",
        "facemap/*_proc.npy",
        '[project]\nname = "t"\n[qc]\ngenerate_report = false\n',
      );
      const expected = JSON.parse(readFileSync(join(dir, "facemap", "expected.json"), "utf8")) as {
        series: Record<string, { data: (number | "NaN")[] }>;
      };
      const r = await buildSession({ sessionDir: dir, configPath: join(root, "config.toml") });
      expect((await readStageSummary(r.interim, "facemap"))?.counts.imported).toBe(1);
      const nwb = await readNwb(r.nwb);
      const fm = nwb.processing.find((m) => m.name === "facemap");
      const series = (fm?.dataInterfaces ?? []) as { name: string; data: Float64Array }[];
      for (const name of ["pupil_0_area", "motSVD_1", "running_0"]) {
        const got = series.find((x) => x.name === `facemap_${name}_cam0`);
        expect(
          Array.from(got?.data ?? [], (x) => (Number.isNaN(x) ? "NaN" : x)),
          name,
        ).toEqual(expected.series[name]?.data);
      }
    },
    60_000,
  );

  it("transcode writes mezzanine copies atomically (same frame count, no temp file left) and NWB links them", async () => {
    const root = tempDir("np-session-tc-");
    const dir = join(root, "S1");
    standInVideo(join(dir, "Video", "c.avi"), 24, 30);
    writeFileSync(
      join(dir, "session.toml"),
      '[session]\nid = "S1"\nsubject_id = "m1"\ndate = "2025-01-01"\n\n[[cameras]]\nid = "cam0"\npaths = "Video/*.avi"\n',
    );
    writeFileSync(
      join(root, "config.toml"),
      '[project]\nname = "t"\n[video.transcode]\nenabled = true\ncodec = "h264"\ncrf = 30\npreset = "ultrafast"\nkeyint = 10\n[qc]\ngenerate_report = false\n',
    );
    const r = await buildSession({ sessionDir: dir, configPath: join(root, "config.toml") });
    const tc = await readStageSummary(r.interim, "transcode");
    expect(tc?.counts.files).toBe(1);
    const out = join(r.interim, "video", "cam0", "c.mp4");
    const frames = probeCounted(resolveFfmpeg().ffprobe, out, "nb_read_frames,codec_name");
    expect(frames).toBe("h264,24");
    expect(readdirSync(join(r.interim, "video", "cam0"))).toEqual(["c.mp4"]);
    const nwb = await readNwb(r.nwb);
    expect(JSON.stringify(nwb)).toContain("../../interim/S1/video/cam0/c.mp4");
  }, 60_000);
});
