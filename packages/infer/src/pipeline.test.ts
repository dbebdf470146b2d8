import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VideoPredictionsSchema } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PersonPose, PoseModelAdapter } from "./adapter.js";
import { resolveFfmpeg } from "./ffmpeg.js";
import { inferVideo } from "./pipeline.js";
import type { VideoFrame } from "./video.js";

const tools = resolveFfmpeg({});
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "np-infer-pipeline-"));
  const ff = (...a: string[]) => execFileSync(tools.ffmpeg, ["-v", "error", "-y", ...a]);
  ff(
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=96x64:rate=25",
    "-frames:v",
    "20",
    "-c:v",
    "libx264",
    join(dir, "clip.mp4"),
  );
  ff(
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=64x32:rate=10",
    "-frames:v",
    "0",
    "-c:v",
    "mpeg4",
    join(dir, "zero.avi"),
  );
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
    models: [{ name: "fake", sha256: "a".repeat(64) }],
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
    });
    expect(doc.frames.frame_000003!.person_ids).toEqual([7]);
    expect(doc.frames.frame_000003!.poses2d[0]![5]).toEqual([3, 5]);
    expect(doc.provenance).toMatchObject({
      model_sha256: "a".repeat(64),
      model_filename: "fake.onnx",
      runtime: "none",
      execution_provider: "test",
      neuropose_version: "9.9.9",
    });
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
