// kinematics' 2D sagittal angles (image keypoints of a side view) use this package's sign convention: the
// same synthetic walk gives the same hip, knee and ankle angles either way, and classifyView sees the turn.
import { classifyView, poseSequence, sagittalAngles2d } from "@neuropose/kinematics";
import { describe, expect, it } from "vitest";
import { analyzeGait } from "./gait.js";
import { synthesizeWalker } from "./synthesize.js";

/** Orthographic camera looking along +z (image x = world x, image y = world y, y down). */
function project(seq: { frames: number; joints: number; data: Float64Array }) {
  const d = new Float64Array(seq.data.length);
  for (let i = 0; i < d.length; i += 3) {
    d[i] = seq.data[i];
    d[i + 1] = seq.data[i + 1];
  }
  return poseSequence(seq.frames, seq.joints, d);
}

describe("2D sagittal angles against gait's angles", () => {
  it("match on a side view of the synthetic walker, walking either way (1e-9 degrees)", () => {
    for (const heading of [Math.PI, 0]) {
      const w = synthesizeWalker({ seconds: 4, heading });
      const gait = analyzeGait(w.sequence, { fps: w.fps });
      const a2 = sagittalAngles2d(project(w.sequence), { skeleton: "blazepose_33" });
      for (const j of ["hip", "knee", "ankle"] as const) {
        for (let s = 0; s < 2; s++) {
          for (let f = 0; f < w.sequence.frames; f++) {
            expect(Math.abs(a2[j][s][f] - gait.angles[j][s][f])).toBeLessThan(1e-9);
          }
        }
      }
      for (let f = 0; f < w.sequence.frames; f++) {
        expect(Math.abs(a2.knee[0][f] - w.truth.kneeFlexion[0][f])).toBeLessThan(1e-9);
      }
      expect(classifyView(project(w.sequence), { skeleton: "blazepose_33" }).clip.label).toBe("sagittal");
    }
  });

  it("a walk filmed from the front or at 45° is labelled frontal / oblique and warned about", () => {
    const front = synthesizeWalker({ seconds: 2, heading: Math.PI / 2 });
    const v = classifyView(project(front.sequence), { skeleton: "blazepose_33" });
    expect(v.clip.label).toBe("frontal");
    expect(v.warnings[0]).toMatch(/frontal view/);
    const oblique = synthesizeWalker({ seconds: 2, heading: (3 * Math.PI) / 4 });
    expect(classifyView(project(oblique.sequence), { skeleton: "blazepose_33" }).clip.label).toBe("oblique");
  });
});
