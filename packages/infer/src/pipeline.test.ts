import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadVideoPredictions, saveVideoPredictions, VideoPredictionsSchema } from "@neuropose/io";
import { CONVERTER_VERSION } from "@neuropose/tflite-to-onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTestPattern, writeZeroFrameVideo } from "../../../config/test-videos.js";
import type { PersonPose, PoseModelAdapter } from "./adapter.js";
import { createBlazePose } from "./blazepose.js";
import { resolveFfmpeg } from "./ffmpeg.js";
import { ensureModel } from "./models.js";
import { inferVideo } from "./pipeline.js";
import type { VideoFrame } from "./video.js";

const tools = resolveFfmpeg({});
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "np-infer-pipeline-"));
  writeTestPattern(tools.ffmpeg, join(dir, "clip.mp4"), { size: "96x64", rate: 25, frames: 20 });
  writeZeroFrameVideo(tools.ffmpeg, join(dir, "zero.avi"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in model: one "person" per odd frame whose joints sit on the frame's mean-red column. */
function fakeAdapter(): PoseModelAdapter & { seen: VideoFrame[] } {
  const seen: VideoFrame[] = [];
  return {
    name: "fake",
    skeleton: "coco_17",
    numJoints: 17,
    coordinateFrame: "camera",
    provider: "test",
    models: [{ role: "pose", name: "fake", filename: "fake.onnx", sha256: "a".repeat(64) }],
    runtime: { name: "none", version: "0" },
    times: { preprocess: 0, model: 0, postprocess: 0 },
    seen,
    async processFrame(frame: VideoFrame): Promise<PersonPose[]> {
      seen.push(frame);
      if (frame.index % 2 === 0) return [];
      const x = frame.index;
      return [
        {
          id: 7,
          score: 0.9,
          box: [x, 1, 10, 20, 0.9],
          keypoints2d: Array.from({ length: 17 }, (_, j) => [x, j]),
          keypoints3d: Array.from({ length: 17 }, (_, j) => [x, j, 1000]),
          visibility: Array.from({ length: 17 }, () => 0.5),
          presence: Array.from({ length: 17 }, () => 1),
        },
      ];
    },
    reset() {
      seen.length = 0;
    },
    async dispose() {},
  };
}

describe("inferVideo with a plugged-in adapter", () => {
  it("feeds every frame in order and builds a valid VideoPredictions v3 from the adapter's output", async () => {
    const adapter = fakeAdapter();
    const progress: number[] = [];
    const { predictions, stats } = await inferVideo(join(dir, "clip.mp4"), {
      adapter,
      tools,
      onProgress: (p) => progress.push(p.done),
      neuroposeVersion: "9.9.9",
    });
    expect(adapter.seen.map((f) => f.index)).toEqual([...Array(20).keys()]);
    expect(progress).toEqual([...Array(21).keys()].slice(1));
    expect(stats).toMatchObject({ frames: 20, framesWithPerson: 10 });
    const doc = VideoPredictionsSchema.parse(predictions);
    expect(doc.metadata).toMatchObject({
      frame_count: 20,
      fps: 25,
      width: 96,
      height: 64,
      skeleton: "coco_17",
      poses3d_unit: "mm",
      poses3d_frame: "camera",
      poses3d_source: "monocular_estimate",
    });
    expect(doc.metadata.timestamps![4]).toBeCloseTo(0.16, 6);
    expect(Object.keys(doc.frames)[3]).toBe("frame_000003");
    expect(doc.frames.frame_000002).toEqual({
      boxes: [],
      poses3d: [],
      poses2d: [],
      visibility: [],
      presence: [],
      person_ids: [],
      pose_presence: [],
      view_quality: [],
    });
    expect(doc.frames.frame_000003!.person_ids).toEqual([7]);
    // kinematics' viewQuality: visibility 0.5 × limbs (legs 4 px / torso 6 px / 1.7) × side cos(asin(1/6/0.6)).
    expect(doc.frames.frame_000003!.view_quality).toEqual([0.188]);
    expect(doc.frames.frame_000003!.poses2d[0]![5]).toEqual([3, 5]);
    expect(doc.provenance).toMatchObject({
      model_sha256: "a".repeat(64),
      model_filename: "fake.onnx",
      models: [{ role: "pose", name: "fake", filename: "fake.onnx", sha256: "a".repeat(64) }],
      runtime: "none",
      execution_provider: "test",
      neuropose_version: "9.9.9",
    });
    expect(doc.provenance!.filters).toBeUndefined(); // this adapter does not say
  });

  it("a zero-frame video is E_VIDEO_EMPTY", async () => {
    await expect(inferVideo(join(dir, "zero.avi"), { adapter: fakeAdapter(), tools })).rejects.toMatchObject({
      code: "E_VIDEO_EMPTY",
      kind: "user",
    });
  });

  it("an abort mid-video rejects with E_ABORTED and stops feeding the adapter", async () => {
    const adapter = fakeAdapter();
    const ac = new AbortController();
    const run = inferVideo(join(dir, "clip.mp4"), {
      adapter,
      tools,
      signal: ac.signal,
      onProgress: (p) => p.done === 5 && ac.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: "E_ABORTED" });
    expect(adapter.seen.length).toBeLessThanOrEqual(6);
  });
});

describe("provenance of a BlazePose run", () => {
  // shared with the fixture tests and the CLI's: the real models are converted once per machine
  const cacheDir = join(tmpdir(), "neuropose-infer-test-models");

  it("lists the detector and the landmark model with the hashes and converter version of their cache entries", async () => {
    const adapter = await createBlazePose({ variant: "lite", cacheDir, device: "cpu" });
    let prov: NonNullable<Awaited<ReturnType<typeof inferVideo>>["predictions"]["provenance"]>;
    try {
      const { predictions } = await inferVideo(join(dir, "clip.mp4"), { adapter, tools, maxFrames: 2 });
      prov = predictions.provenance!;
      // it survives save -> load (the io schema accepts it)
      const out = join(dir, "blazepose.json");
      await saveVideoPredictions(out, predictions);
      expect((await loadVideoPredictions(out)).provenance).toEqual(prov);
    } finally {
      await adapter.dispose();
    }
    expect(prov.models?.map((m) => [m.role, m.name, m.filename])).toEqual([
      ["detector", "pose_detection", "pose_detection.onnx"],
      ["landmark", "pose_landmark_lite", "pose_landmark_lite.onnx"],
    ]);
    for (const m of prov.models!) {
      const cached = await ensureModel(m.name as "pose_detection", { cacheDir }); // warm: reads the entry
      expect(cached.converted).toBe(false);
      const entry = JSON.parse(readFileSync(join(dirname(cached.onnxPath), "entry.json"), "utf8"));
      expect(m.sha256).toBe(entry.onnx_sha256);
      expect(m.sha256).toBe(createHash("sha256").update(readFileSync(cached.onnxPath)).digest("hex"));
      expect(m.source_sha256).toBe(entry.source_sha256);
      expect(m.converter_version).toBe(entry.converter_version);
      expect(m.converter_version).toBe(CONVERTER_VERSION);
    }
    expect(prov.models![0]!.source).toBe(
      "@mediapipe/pose@0.5.1675469404/pose_solution_packed_assets.data#bytes=0-2962287",
    );
    expect(prov.models![1]!.source).toBe("@mediapipe/pose@0.5.1675469404/pose_landmark_lite.tflite");
    // the original's fields stay filled, comma-joined in the same order
    expect(prov.model_sha256).toBe(prov.models!.map((m) => m.sha256).join(","));
    expect(prov.model_filename).toBe("pose_detection.onnx,pose_landmark_lite.onnx");
  }, 300_000);
});

describe("inferVideo provenance of output filters", () => {
  it("records the adapter's filters (e.g. One Euro smoothing) in provenance.filters, and none without", async () => {
    const smooth = {
      ...fakeAdapter(),
      outputFilters: [{ filter: "one_euro", applied_to: "poses3d", min_cutoff: 0.1, beta: 40, d_cutoff: 1 }],
    };
    const a = await inferVideo(join(dir, "clip.mp4"), { adapter: smooth, tools, maxFrames: 2 });
    expect(VideoPredictionsSchema.parse(a.predictions).provenance?.filters).toEqual(smooth.outputFilters);
    const b = await inferVideo(join(dir, "clip.mp4"), { adapter: fakeAdapter(), tools, maxFrames: 2 });
    expect(b.predictions.provenance).not.toHaveProperty("filters");
  });

  it("BlazePose states its One Euro settings only when smoothing", async () => {
    const cacheDir = join(tmpdir(), "neuropose-infer-test-models");
    const on = await createBlazePose({ variant: "lite", cacheDir, device: "cpu", smoothing: true });
    const off = await createBlazePose({ variant: "lite", cacheDir, device: "cpu" });
    try {
      expect(on.outputFilters?.map((f) => `${f.filter} ${f.applied_to}`)).toEqual([
        "one_euro poses2d",
        "one_euro poses3d",
        "exponential visibility",
      ]);
      expect(off.outputFilters).toEqual([]);
    } finally {
      await on.dispose();
      await off.dispose();
    }
  }, 120_000);
});
