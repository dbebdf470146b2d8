import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { repoRoot } from "../../../config/vitest.js";
import { inferCached, readOpenPoseFolder } from "./_gaitlab.js";
import { analyzeGait, analyzePredictions, type GaitAnalysis } from "./index.js";

const FPS = 29.97;

fixtureSuite(
  "gait measures on gaitlab_input.mp4: OpenPose keypoints vs neuropose-infer",
  ["openpose"],
  () => {
    const op = analyzeGait(readOpenPoseFolder(fixturePath("openpose", "mobile-gaitlab_input_keypoints")), {
      fps: FPS,
      skeleton: "openpose_body_25",
    });

    it("OpenPose: the strides of both walks, cadence ~121 steps/min, the textbook knee curve", () => {
      expect(op.events.heelStrikes.map((h) => h.frame)).toEqual([
        18, 31, 47, 61, 76, 90, 106, 121, 135, 151, 191, 209, 223, 238, 252, 267, 282, 297, 311, 326,
      ]);
      expect(op.events.bouts.length).toBe(2);
      expect(op.parameters.strides.length).toBeGreaterThanOrEqual(14);
      expect(op.parameters.overall.cadence).toBeGreaterThan(115);
      expect(op.parameters.overall.cadence).toBeLessThan(126);
      for (const side of ["left", "right"] as const) {
        const p = op.parameters.overall[side];
        expect(p.stancePct.mean).toBeGreaterThan(55);
        expect(p.stancePct.mean).toBeLessThan(70);
        expect(p.strideLength.mean).toBeNull(); // pixels, no height given
        const knee = op.curves.find(
          (c) => c.joint === "knee" && c.side === side,
        ) as GaitAnalysis["curves"][0];
        const m = knee.mean as number[];
        // Loading response: flexion rises after heel strike; extension in mid/terminal stance; ~60° in swing.
        const loading = Math.max(...m.slice(0, 21));
        const stanceMin = Math.min(...m.slice(25, 51));
        expect(loading).toBeGreaterThan(m[0] + 2);
        expect(stanceMin).toBeLessThan(loading - 5);
        expect(knee.swingMax?.value).toBeGreaterThan(50);
        expect(knee.swingMax?.value).toBeLessThan(80);
        expect(knee.swingMax?.pct).toBeGreaterThan(65);
        expect(knee.swingMax?.pct).toBeLessThan(85);
      }
    });

    describe("neuropose-infer (BlazePose world 3D), events by the same rule", () => {
      const preds = JSON.parse(
        readFileSync(
          inferCached(repoRoot, fixturePath("videos", "gaitlab_input.mp4"), "gaitlab_input"),
          "utf8",
        ),
      );
      const bp = analyzePredictions(preds);

      it("every OpenPose stride found: heel strikes ±2 frames, its toe offs ±3 frames; cadence within 5 %", () => {
        const hs = bp.events.heelStrikes.map((h) => h.frame);
        const to = bp.events.toeOffs.map((h) => h.frame);
        const near = (list: number[], f: number, tol: number) => list.some((x) => Math.abs(x - f) <= tol);
        for (const s of op.parameters.strides) {
          expect(near(hs, s.start, 2)).toBe(true);
          expect(near(hs, s.end, 2)).toBe(true);
          expect(
            bp.parameters.strides.some(
              (b) => Math.abs(b.start - s.start) <= 2 && Math.abs(b.end - s.end) <= 2,
            ),
          ).toBe(true);
          for (const t of [s.toeOff, s.oppositeToeOff]) if (t !== null) expect(near(to, t, 3)).toBe(true);
        }
        const a = op.parameters.overall.cadence as number;
        const b = bp.parameters.overall.cadence as number;
        expect(Math.abs(b / a - 1)).toBeLessThan(0.05);
        // Metric 3D: lengths are given, with the assumption stated.
        expect(bp.parameters.scale?.source).toBe("metric_3d");
        expect(bp.conventions.scale).toMatch(/metric/);
      });

      it("the knee curve has the textbook shape (BlazePose sees a smaller swing peak than OpenPose)", () => {
        for (const side of ["left", "right"] as const) {
          const knee = bp.curves.find(
            (c) => c.joint === "knee" && c.side === side,
          ) as GaitAnalysis["curves"][0];
          const m = knee.mean as number[];
          expect(Math.max(...m.slice(0, 21))).toBeGreaterThan(m[0] + 2);
          expect(knee.swingMax?.value).toBeGreaterThan(40);
          expect(knee.swingMax?.pct).toBeGreaterThan(60);
          expect(Math.min(...m.slice(25, 51))).toBeLessThan(Math.max(...m.slice(0, 21)));
        }
      });
    });
  },
);
