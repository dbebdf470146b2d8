// The lab frame of `neuropose-infer --cameras` (z up, metres, the calibration's world) against the y-down frames
// of monocular models: the same walker in both gives the same events, sides, parameters and angles, because
// the vertical comes from the document's declaration (poses3d_up / poses3d_frame), never from a guess.
import { describe, expect, it } from "vitest";
import { analyzeGait, analyzePredictions, declaredUp, GaitError, synthesizeWalker } from "./index.js";

type Metadata = Parameters<typeof analyzePredictions>[0]["metadata"];

/** The walker as a predictions document; `toLab` maps a y-down point (metres) to the lab frame. */
function doc(
  w: ReturnType<typeof synthesizeWalker>,
  metadata: Partial<Metadata>,
  toLab: (p: [number, number, number]) => number[] = (p) => p,
) {
  const { frames: n, joints: J, data } = w.sequence;
  const frames: Record<string, { poses3d: number[][][] }> = {};
  for (let f = 0; f < n; f++) {
    const pose = Array.from({ length: J }, (_, j) => {
      const o = (f * J + j) * 3;
      return toLab([data[o] / 1000, data[o + 1] / 1000, data[o + 2] / 1000]);
    });
    frames[`frame_${String(f).padStart(6, "0")}`] = { poses3d: [pose] };
  }
  return { metadata: { fps: 30, skeleton: "blazepose_33", poses3d_unit: "m", ...metadata }, frames };
}

// y-down (x, y, z) → lab (x, z, −y): a proper rotation (det +1, so left stays left), then 2 m / 3 m into the lab.
const zUp = ([x, y, z]: [number, number, number]) => [x + 2, z + 3, -y];

describe("z-up lab frame (--cameras) and y-down frames (monocular) give the same gait", () => {
  const w = synthesizeWalker({ fps: 30, seconds: 8, heading: 0.7, stance: { left: 0.6, right: 0.64 } });
  const yDown = analyzePredictions(doc(w, { poses3d_frame: "hip_centered" }));
  const lab = analyzePredictions(doc(w, { poses3d_frame: "world", poses3d_up: "+z" }, zUp));

  it("events frame for frame, with their sides", () => {
    const ev = (g: typeof yDown) => g.events.heelStrikes.map((e) => [e.frame, e.side]);
    expect(yDown.events.heelStrikes.length).toBeGreaterThan(10);
    expect(ev(lab)).toEqual(ev(yDown));
    expect(lab.events.toeOffs.map((e) => e.frame)).toEqual(yDown.events.toeOffs.map((e) => e.frame));
    // and they are the walker's true strikes
    const truth = w.truth.heelStrikes.filter((t) => t.frame >= 8 && t.frame < w.sequence.frames - 8);
    for (const t of truth) expect(ev(lab)).toContainEqual([t.frame, t.side]);
  });

  it("parameters and sagittal angles to 1e-9", () => {
    const p = (g: typeof yDown) => g.parameters.overall;
    expect(p(lab).cadence).toBeCloseTo(p(yDown).cadence as number, 9);
    expect(p(lab).left.stancePct.mean).toBeCloseTo(p(yDown).left.stancePct.mean as number, 9);
    expect(p(lab).right.strideLength.mean).toBeCloseTo(p(yDown).right.strideLength.mean as number, 9);
    for (const joint of ["hip", "knee", "ankle"] as const)
      for (const s of [0, 1])
        for (let f = 0; f < w.sequence.frames; f += 7)
          expect(lab.angles[joint][s][f]).toBeCloseTo(yDown.angles[joint][s][f] as number, 9);
    expect(lab.conventions.vertical).toMatch(/up = \+z/);
    expect(lab.warnings.map((x) => x.code)).not.toContain("W_GAIT_UP_MISMATCH");
  });

  it("the old default (y vertical) on z-up data gives wrong angles: the declaration is what makes them right", () => {
    const d = doc(w, { poses3d_frame: "world", poses3d_up: "+z" }, zUp);
    const wrong = analyzePredictions(d, { verticalAxis: "y" });
    let diff = 0;
    for (let f = 0; f < w.sequence.frames; f++)
      diff = Math.max(
        diff,
        Math.abs((wrong.angles.hip[0][f] as number) - (yDown.angles.hip[0][f] as number)),
      );
    expect(diff).toBeGreaterThan(30);
  });

  it("a world frame that declares no up is an error naming the fix, never a guess", () => {
    const d = doc(w, { poses3d_frame: "world" }, zUp);
    expect(() => analyzePredictions(d)).toThrow(GaitError);
    expect(() => analyzePredictions(d)).toThrow(/does not declare which way is up/);
    // the caller may say it
    expect(analyzePredictions(d, { verticalAxis: "z" }).events.heelStrikes.map((e) => e.frame)).toEqual(
      yDown.events.heelStrikes.map((e) => e.frame),
    );
  });

  it("a declared up the data contradict is a warning with the numbers", () => {
    const g = analyzePredictions(doc(w, { poses3d_frame: "world", poses3d_up: "-z" }, zUp));
    const m = g.warnings.find((x) => x.code === "W_GAIT_UP_MISMATCH");
    expect(m?.message).toMatch(
      /declared up direction \(-z\) puts the hips below the heels in 100 % of the frames/,
    );
  });

  it("declaredUp reads poses3d_up, else the frame's definition", () => {
    expect(declaredUp({ poses3d_frame: "camera" })).toBe("-y");
    expect(declaredUp({ poses3d_frame: "world", poses3d_up: "+y" })).toBe("+y");
    expect(declaredUp({})).toBeNull();
    expect(() => declaredUp({ poses3d_up: "up" })).toThrow(/poses3d_up must be one of/);
    // analyzeGait takes it directly too
    const g = analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33", up: "-y" });
    expect(g.events.heelStrikes.map((e) => e.frame)).toEqual(yDown.events.heelStrikes.map((e) => e.frame));
  });
});
