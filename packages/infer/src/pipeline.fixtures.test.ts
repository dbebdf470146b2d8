// End-to-end tests on real clips with the real converted models (first run converts them into a cache under
// the OS temp folder; later runs reuse it). Bounded: gaitlab 344 frames, sports2d 120 frames, pose2sim 40.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadVideoPredictions, saveVideoPredictions } from "@neuropose/io";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { openTflite } from "../../../config/tflite-oracle.js";
import type { PoseModelAdapter } from "./adapter.js";
import { createBlazePose } from "./blazepose.js";
import { resolveFfmpeg } from "./ffmpeg.js";
import { type InferResult, inferVideo } from "./pipeline.js";
import type { TensorRunner } from "./runtime.js";

const cacheDir = join(tmpdir(), "neuropose-infer-test-models");
const tools = resolveFfmpeg({});
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A TensorRunner over the real TFLite runtime (WASM, SIMD build), as an oracle for the converted ONNX. */
async function createTfliteRunner(tflite: Uint8Array): Promise<TensorRunner> {
  const m = await openTflite(tflite, { from: import.meta.url, simd: true });
  return {
    provider: "tflite-wasm",
    inputNames: m.inputNames,
    outputNames: m.outputNames,
    async run(feeds, outputs) {
      const res = m.run(m.inputNames.map((name, i) => (feeds[name] ?? Object.values(feeds)[i])?.data));
      const out: Record<string, Float32Array> = {};
      m.outputNames.forEach((name, i) => {
        if (!outputs || outputs.includes(name)) out[name] = res[i]!;
      });
      return out;
    },
    async dispose() {},
  };
}

/** Dominant period (s) of a signal by autocorrelation over lags [minS, maxS], and its correlation. */
function dominantPeriod(x: number[], fps: number, minS: number, maxS: number): { period: number; r: number } {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  const d = x.map((v) => v - m);
  const v0 = d.reduce((a, b) => a + b * b, 0);
  let best = { period: 0, r: Number.NEGATIVE_INFINITY };
  for (let lag = Math.round(minS * fps); lag <= Math.round(maxS * fps); lag++) {
    let s = 0;
    for (let i = 0; i + lag < d.length; i++) s += d[i]! * d[i + lag]!;
    const r = (s / v0) * (d.length / (d.length - lag));
    if (r > best.r) best = { period: lag / fps, r };
  }
  return best;
}

fixtureSuite(
  "BlazePose on gaitlab_input.mp4 (full model, all 344 frames)",
  ["videos", "gaitlab_input.mp4"],
  () => {
    let adapter: PoseModelAdapter;
    let res: InferResult;
    beforeAll(async () => {
      adapter = await createBlazePose({ variant: "full", cacheDir, device: "cpu" });
      res = await inferVideo(fixturePath("videos", "gaitlab_input.mp4"), { adapter, tools });
    }, 300_000);
    afterAll(() => adapter?.dispose());

    it("finds the person in at least 95% of frames and writes a valid v3 document", async () => {
      const p = res.predictions;
      expect(p.metadata).toMatchObject({
        frame_count: 344,
        width: 320,
        height: 480,
        skeleton: "blazepose_33",
      });
      expect(p.metadata.poses3d_unit).toBe("mm");
      expect(p.metadata.timestamps).toHaveLength(344);
      expect(p.provenance).toMatchObject({ runtime: "onnxruntime-node", execution_provider: "cpu" });
      expect(p.provenance!.model_sha256).toMatch(/^[0-9a-f]{64},[0-9a-f]{64}$/);
      expect(res.stats.framesWithPerson / res.stats.frames).toBeGreaterThanOrEqual(0.95);
      const out = join(tmpdir(), `np-gaitlab-${process.pid}.json`);
      await saveVideoPredictions(out, p);
      const back = await loadVideoPredictions(out);
      expect(back.frames.frame_000100!.poses2d).toEqual(p.frames.frame_000100!.poses2d);
    });

    it("left and right heel heights oscillate at a walking cadence", () => {
      const fps = res.info.fps;
      const frames = Object.values(res.predictions.frames);
      // heel height above the hips in world landmarks (mm, y down): forward-fill the rare empty frames
      const heel = (j: number) => {
        let last = 0;
        return frames.map((f) => {
          if (f.poses3d[0]) last = -f.poses3d[0][j]![1]!;
          return last;
        });
      };
      const left = dominantPeriod(heel(29), fps, 0.6, 2.0);
      const right = dominantPeriod(heel(30), fps, 0.6, 2.0);
      console.log(
        `gaitlab heel stride period: left ${left.period.toFixed(2)} s (r=${left.r.toFixed(2)}), right ${right.period.toFixed(2)} s (r=${right.r.toFixed(2)})`,
      );
      for (const h of [left, right]) {
        expect(h.period).toBeGreaterThan(0.8); // a stride (same heel to same heel) of a walking child
        expect(h.period).toBeLessThan(1.6);
        expect(h.r).toBeGreaterThan(0.3);
      }
      expect(Math.abs(left.period - right.period)).toBeLessThan(0.2);
    });

    it("3D world landmarks are in mm with plausible, left/right-consistent leg lengths", () => {
      const leg = (hip: number, knee: number, ankle: number) =>
        median(
          Object.values(res.predictions.frames)
            .filter((f) => f.poses3d.length > 0)
            .map((f) => {
              const p = f.poses3d[0]!;
              const d = (a: number, b: number) => Math.hypot(...p[a]!.map((v, i) => v - p[b]![i]!));
              return d(hip, knee) + d(knee, ankle);
            }),
        );
      const left = leg(23, 25, 27);
      const right = leg(24, 26, 28);
      console.log(
        `gaitlab world leg length (hip-knee-ankle), median: left ${left.toFixed(0)} mm, right ${right.toFixed(0)} mm`,
      );
      for (const l of [left, right]) {
        expect(l).toBeGreaterThan(450); // a child's leg, in millimetres (metres from the model x 1000)
        expect(l).toBeLessThan(1000);
      }
      expect(Math.abs(left - right) / left).toBeLessThan(0.15);
    });

    it("2D keypoints agree with OpenPose BODY_25 on the same clip (median distance / torso < 0.1)", () => {
      // [BlazePose index, BODY_25 index]
      const joints: Record<string, [number, number]> = {
        left_shoulder: [11, 5],
        right_shoulder: [12, 2],
        left_hip: [23, 12],
        right_hip: [24, 9],
        left_knee: [25, 13],
        right_knee: [26, 10],
        left_ankle: [27, 14],
        right_ankle: [28, 11],
      };
      const dist: Record<string, number[]> = {};
      Object.values(res.predictions.frames).forEach((f, i) => {
        const file = fixturePath(
          "openpose",
          "mobile-gaitlab_input_keypoints",
          `input_${String(i).padStart(12, "0")}_keypoints.json`,
        );
        const op = JSON.parse(readFileSync(file, "utf8")).people?.[0]?.pose_keypoints_2d as
          | number[]
          | undefined;
        const ours = f.poses2d[0];
        if (!op || !ours) return;
        const P = (j: number) => [op[3 * j]!, op[3 * j + 1]!, op[3 * j + 2]!] as const;
        const neck = P(1);
        const midHip = P(8);
        if (!neck[2] || !midHip[2]) return;
        const torso = Math.hypot(neck[0] - midHip[0], neck[1] - midHip[1]);
        for (const [name, [b, o]] of Object.entries(joints)) {
          const q = P(o);
          if (!q[2]) continue;
          dist[name] ??= [];
          dist[name].push(Math.hypot(ours[b]![0]! - q[0], ours[b]![1]! - q[1]) / torso);
        }
      });
      const report = Object.entries(dist).map(([k, v]) => `${k} ${median(v).toFixed(3)} (n=${v.length})`);
      console.log(`gaitlab vs OpenPose, median distance / torso length: ${report.join(", ")}`);
      for (const [name, v] of Object.entries(dist)) {
        expect(v.length, name).toBeGreaterThan(250);
        expect(median(v), name).toBeLessThan(0.1);
      }
    });
  },
);

fixtureSuite(
  "BlazePose --max-people 2 on sports2d_demo.mp4 (first 120 frames)",
  ["videos", "sports2d_demo.mp4"],
  () => {
    it("tracks both people with two stable ids", async () => {
      const adapter = await createBlazePose({ variant: "lite", cacheDir, device: "cpu", maxPeople: 2 });
      try {
        const res = await inferVideo(fixturePath("videos", "sports2d_demo.mp4"), {
          adapter,
          tools,
          maxFrames: 120,
        });
        const frames = Object.values(res.predictions.frames);
        const counts = new Map<number, number>();
        for (const f of frames) for (const id of f.person_ids!) counts.set(id, (counts.get(id) ?? 0) + 1);
        const total = [...counts.values()].reduce((a, b) => a + b, 0);
        const top2 = [...counts.values()].sort((a, b) => b - a).slice(0, 2);
        const both = frames.slice(60).filter((f) => f.person_ids!.length === 2).length;
        console.log(
          `sports2d ids: ${JSON.stringify(Object.fromEntries(counts))}; frames 60-119 with both: ${both}/60`,
        );
        expect(frames.every((f) => f.person_ids!.length <= 2)).toBe(true);
        expect(both).toBeGreaterThanOrEqual(54); // both people visible in this span
        expect((top2[0]! + top2[1]!) / total).toBeGreaterThan(0.95); // ids stay stable
        // the two tracks are different people: their hips are far apart
        const f = frames[100]!;
        expect(Math.abs(f.poses2d[0]![23]![0]! - f.poses2d[1]![23]![0]!)).toBeGreaterThan(200);
        // one batched landmark run per frame gives the same poses as one run per person
        const clip = fixturePath("videos", "sports2d_demo.mp4");
        const single = await createBlazePose({
          variant: "lite",
          cacheDir,
          device: "cpu",
          maxPeople: 2,
          batchLandmarks: false,
        });
        const seq = await inferVideo(clip, { adapter: single, tools, maxFrames: 75 });
        const bat = await inferVideo(clip, { adapter, tools, maxFrames: 75 });
        await single.dispose();
        expect(bat.stats.stageMs.modelRuns).toBeLessThan(seq.stats.stageMs.modelRuns!);
        let diff = 0;
        for (const [k, fb] of Object.entries(bat.predictions.frames)) {
          const fs = seq.predictions.frames[k]!;
          expect(fb.person_ids).toEqual(fs.person_ids);
          fb.poses2d.forEach((pose, p) => {
            pose.forEach((xy, j) => {
              const q = fs.poses2d[p]![j]!;
              diff = Math.max(diff, Math.abs(xy[0]! - q[0]!), Math.abs(xy[1]! - q[1]!));
            });
          });
        }
        console.log(`batched vs one-by-one landmarks: max 2D difference ${diff.toFixed(4)} px`);
        expect(diff).toBeLessThan(0.05);
      } finally {
        await adapter.dispose();
      }
    }, 300_000);
  },
);

fixtureSuite(
  "BlazePose on portrait pose2sim_cam01.mp4 (first 40 frames)",
  ["videos", "pose2sim_cam01.mp4"],
  () => {
    it("comes out upright: 1080x1920, head above hips above ankles", async () => {
      const adapter = await createBlazePose({ variant: "lite", cacheDir, device: "cpu" });
      try {
        const res = await inferVideo(fixturePath("videos", "pose2sim_cam01.mp4"), {
          adapter,
          tools,
          maxFrames: 40,
        });
        expect([res.predictions.metadata.width, res.predictions.metadata.height]).toEqual([1080, 1920]);
        expect(res.predictions.metadata.fps).toBeCloseTo(60, 6);
        const withPerson = Object.values(res.predictions.frames).filter((f) => f.poses2d.length > 0);
        expect(withPerson.length).toBeGreaterThanOrEqual(36);
        for (const f of withPerson) {
          const p = f.poses2d[0]!;
          const hipY = (p[23]![1]! + p[24]![1]!) / 2;
          const ankleY = (p[27]![1]! + p[28]![1]!) / 2;
          expect(p[0]![1]).toBeLessThan(hipY);
          expect(hipY).toBeLessThan(ankleY);
          expect(ankleY - p[0]![1]!).toBeGreaterThan(400); // a standing adult spans much of the 1920 px frame
        }
      } finally {
        await adapter.dispose();
      }
    }, 300_000);
  },
);

fixtureSuite(
  "converted ONNX vs the real TFLite runtime, whole pipeline",
  ["videos", "gaitlab_input.mp4"],
  () => {
    it("the first 8 gaitlab frames agree within 0.05 px (2D) and 0.1 mm (3D)", async () => {
      const { MODEL_REGISTRY, readModelSource } = await import("./models.js");
      const onnx = await createBlazePose({ variant: "lite", cacheDir, device: "cpu" });
      const tflite = await createBlazePose({
        runners: {
          detector: await createTfliteRunner(readModelSource(MODEL_REGISTRY.pose_detection).bytes),
          landmark: await createTfliteRunner(readModelSource(MODEL_REGISTRY.pose_landmark_lite).bytes),
        },
      });
      try {
        const path = fixturePath("videos", "gaitlab_input.mp4");
        const a = await inferVideo(path, { adapter: onnx, tools, maxFrames: 8 });
        const b = await inferVideo(path, { adapter: tflite, tools, maxFrames: 8 });
        let d2 = 0;
        let d3 = 0;
        for (const [k, fa] of Object.entries(a.predictions.frames)) {
          const fb = b.predictions.frames[k]!;
          expect(fa.poses2d).toHaveLength(1);
          expect(fb.poses2d).toHaveLength(1);
          fa.poses2d[0]!.forEach((p, j) => {
            d2 = Math.max(
              d2,
              Math.abs(p[0]! - fb.poses2d[0]![j]![0]!),
              Math.abs(p[1]! - fb.poses2d[0]![j]![1]!),
            );
          });
          fa.poses3d[0]!.forEach((p, j) => {
            for (let c = 0; c < 3; c++) d3 = Math.max(d3, Math.abs(p[c]! - fb.poses3d[0]![j]![c]!));
          });
        }
        console.log(
          `ONNX vs TFLite pipeline, 8 frames: max 2D ${d2.toFixed(4)} px, max 3D ${d3.toFixed(4)} mm`,
        );
        expect(d2).toBeLessThan(0.05);
        expect(d3).toBeLessThan(0.1);
      } finally {
        await onnx.dispose();
        await tflite.dispose();
      }
    }, 120_000);
  },
);
