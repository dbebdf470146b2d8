// processVideo on real clips with the real converted models: the absence rule (issue 9 item 6), streamed
// outputs equal to the in-memory document, one pipeline reused across videos.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadVideoPredictions, saveVideoPredictions } from "@neuropose/io";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { resolveFfmpeg } from "./ffmpeg.js";
import { loadPipeline, type PosePipeline, processVideo } from "./process.js";

const cacheDir = join(tmpdir(), "neuropose-infer-test-models");
const tools = resolveFfmpeg({});

fixtureSuite("processVideo on gaitlab_input.mp4", ["videos", "gaitlab_input.mp4"], () => {
  let dir: string;
  let full: PosePipeline;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "np-process-"));
    // 1 s of black, the walk, then the view pans away until the person has left the picture (320x480, 30 fps)
    execFileSync(tools.ffmpeg, [
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "color=black:s=320x480:r=30:d=1",
      "-i",
      fixturePath("videos", "gaitlab_input.mp4"),
      "-filter_complex",
      "[0]format=yuv420p[b];[1]fps=30,format=yuv420p,scale=320:480,setsar=1[v];" +
        "[v]pad=iw*3:ih:0:0:black,crop=320:480:x='min(max(0,(t-2)*150),640)':y=0[p];[b][p]concat=n=2:v=1[o]",
      "-map",
      "[o]",
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-t",
      "5.5",
      join(dir, "walkout.mp4"),
    ]);
    full = await loadPipeline({ model: "full", cacheDir, device: "cpu", tools });
  }, 300_000);
  afterAll(async () => {
    await full?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a person who is not in the picture is absent: not listed, not counted (black intro, walking out)", async () => {
    const out = join(dir, "walkout.json");
    const r = await processVideo({ video: join(dir, "walkout.mp4"), output: out, pipeline: full });
    const p = await loadVideoPredictions(out);
    const frames = Object.values(p.frames);
    expect(frames).toHaveLength(165);
    expect(p.metadata.presence_threshold).toBe(0.5);
    const present = frames.map((f) => f.poses2d.length > 0);
    // the black second: nobody
    expect(present.slice(0, 30).some(Boolean)).toBe(false);
    // the walk: the person is there
    expect(present.slice(32, 110).every(Boolean)).toBe(true);
    // every listed person has a presence above the threshold and at least 20% of the keypoints in the picture
    for (const f of frames) {
      f.poses2d.forEach((pose, k) => {
        expect(f.pose_presence![k]).toBeGreaterThanOrEqual(0.5);
        const inside = pose.filter(([x, y]) => x! >= 0 && y! >= 0 && x! < 320 && y! < 480).length;
        expect(inside).toBeGreaterThanOrEqual(7);
      });
    }
    // after the view has panned away (shift >= 320 px from frame 30 + 2 s + 2.1 s): nobody
    expect(present.slice(155).some(Boolean)).toBe(false);
    expect(r.stats.framesWithPerson).toBe(present.filter(Boolean).length);
  }, 300_000);

  it("the streamed file equals the in-memory document; a pipeline is reused across videos", async () => {
    const a = join(dir, "a.json");
    const b = join(dir, "b.json");
    const r1 = await processVideo({
      video: fixturePath("videos", "gaitlab_input.mp4"),
      output: a,
      pipeline: full,
      maxFrames: 20,
      returnPredictions: true,
    });
    // the same bytes as saving the in-memory document the old way
    await saveVideoPredictions(b, r1.predictions);
    expect(readFileSync(a, "utf8")).toBe(readFileSync(b, "utf8"));
    const r2 = await processVideo({
      video: join(dir, "walkout.mp4"),
      pipeline: full,
      maxFrames: 5,
      returnPredictions: true,
    });
    expect(Object.keys(r2.predictions.frames)).toHaveLength(5);
    expect(r2.outputs).toEqual({});
  }, 300_000);

  it("wholeClip: its result is what every output gets; a throwing step leaves no output at all", async () => {
    const out = join(dir, "whole.json");
    const overlay = join(dir, "whole.mp4");
    let seen = 0;
    const r = await processVideo({
      video: join(dir, "walkout.mp4"),
      output: out,
      overlay,
      pipeline: full,
      maxFrames: 8,
      wholeClip: (doc) => {
        seen = Object.keys(doc.frames).length;
        return { ...doc, metadata: { ...doc.metadata, poses3d_source: "triangulated" } };
      },
    });
    expect(seen).toBe(8);
    expect((await loadVideoPredictions(out)).metadata.poses3d_source).toBe("triangulated");
    expect(r.outputs).toEqual({ predictions: out, overlay });
    const fail = join(dir, "fail.json");
    const failOverlay = join(dir, "fail.mp4");
    await expect(
      processVideo({
        video: join(dir, "walkout.mp4"),
        output: fail,
        overlay: failOverlay,
        pipeline: full,
        maxFrames: 4,
        wholeClip: () => {
          throw new Error("step failed");
        },
      }),
    ).rejects.toThrow("step failed");
    expect(readdirSync(dir).filter((f) => f.startsWith("fail"))).toEqual([]);
  }, 300_000);
});
