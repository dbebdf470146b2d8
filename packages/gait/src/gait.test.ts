import { poseSequence } from "@neuropose/kinematics";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analyzeGait,
  asymmetry,
  detectGaitEvents,
  GaitError,
  stat,
  synthesizeWalker,
  timeNormalize,
} from "./index.js";

const walkerArb = fc.record({
  strideSeconds: fc.double({ min: 0.8, max: 1.6, noNaN: true }),
  // Walking, not running: stance longer than either step (double support > 0).
  left: fc.double({ min: 0.6, max: 0.7, noNaN: true }),
  right: fc.double({ min: 0.6, max: 0.7, noNaN: true }),
  leftStepFraction: fc.double({ min: 0.45, max: 0.55, noNaN: true }),
  heading: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
  strideLength: fc.double({ min: 0.8, max: 1.5, noNaN: true }),
  method: fc.constantFrom("zeni" as const, "velocity" as const),
});

describe("synthetic walkers give back their cadence, asymmetry and stance", () => {
  it("events frame for frame, parameters exactly (both methods, any heading)", () => {
    fc.assert(
      fc.property(walkerArb, (o) => {
        const fps = 30;
        const speed = o.strideLength / o.strideSeconds;
        const w = synthesizeWalker({
          ...o,
          speed,
          fps,
          seconds: 12,
          stance: { left: o.left, right: o.right },
        });
        const g = analyzeGait(w.sequence, { fps, skeleton: "blazepose_33", method: o.method, unit: "mm" });
        const T = w.truth.strideFrames;
        // Every true event (but within a step of the ends) is found on its frame, with its side.
        // Zeni: exact. Velocity (a threshold on the foot's speed): within one frame, rarely (~1 in 100 walkers).
        const slack = o.method === "zeni" ? 0 : 1;
        const near = (list: { frame: number; side: string }[], t: { frame: number; side: string }) =>
          list.some((e) => Math.abs(e.frame - t.frame) <= slack && e.side === t.side);
        for (const t of w.truth.heelStrikes)
          if (t.frame >= 8 && t.frame < w.sequence.frames - 8)
            expect(near(g.events.heelStrikes, t)).toBe(true);
        for (const t of w.truth.toeOffs)
          if (t.frame >= 8 && t.frame < w.sequence.frames - 8) expect(near(g.events.toeOffs, t)).toBe(true);
        const pct = (got: number | null, want: number) =>
          expect(Math.abs((got ?? Number.NaN) - want)).toBeLessThanOrEqual(
            slack === 0 ? 1e-6 : (100 * slack) / T,
          );
        const sec = (got: number | null, want: number) =>
          expect(Math.abs((got ?? Number.NaN) - want)).toBeLessThanOrEqual(slack === 0 ? 1e-6 : slack / fps);
        const p = g.parameters.overall;
        // Cadence: exact for symmetric steps; with asymmetric steps a bout's odd step count biases it slightly.
        expect(Math.abs((p.cadence ?? 0) / ((120 * fps) / T) - 1)).toBeLessThan(0.01);
        const stR = Math.round(o.right * T) / T;
        const stL = Math.round(o.left * T) / T;
        pct(p.left.stancePct.mean, 100 * stL);
        pct(p.right.stancePct.mean, 100 * stR);
        if (slack === 0) expect(p.left.stancePct.sd).toBeCloseTo(0, 6);
        const stepR = Math.round(o.leftStepFraction * T); // left strike → right strike
        sec(p.right.stepTime.mean, stepR / fps);
        sec(p.left.stepTime.mean, (T - stepR) / fps);
        if (slack === 0)
          expect(p.asymmetry.stepTime.symmetryIndex).toBeCloseTo((100 * (T - 2 * stepR)) / (T / 2), 6);
        // Double support: (right toe off − left strike) + (left toe off − right strike), for a left stride.
        const ds = (Math.round(o.right * T) + stepR - T + Math.round(o.left * T) - stepR) / T;
        pct(p.left.doubleSupportPct.mean, 100 * ds);
        const rel = (got: number | null, want: number) =>
          expect(Math.abs((got ?? Number.NaN) / want - 1)).toBeLessThanOrEqual(slack === 0 ? 1e-9 : 0.02);
        rel(p.left.strideLength.mean, (speed * T) / fps);
        rel(p.right.speed.mean, speed);
      }),
      { numRuns: 25 },
    );
  });

  it("knee curve: the generator's knee flexion, time-normalised (any heading)", () => {
    fc.assert(
      fc.property(walkerArb, (o) => {
        const speed = o.strideLength / o.strideSeconds;
        const w = synthesizeWalker({ ...o, speed, seconds: 8, stance: { left: o.left, right: o.right } });
        const g = analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33" });
        for (const s of g.parameters.strides) {
          const leg = s.side === "left" ? 0 : 1;
          const truth = timeNormalize(w.truth.kneeFlexion[leg], s.start, s.end);
          const got = timeNormalize(g.angles.knee[leg], s.start, s.end);
          for (let i = 0; i <= 100; i++) expect(got[i]).toBeCloseTo(truth[i], 6);
        }
        const knee = g.curves.find((c) => c.joint === "knee" && c.side === "left");
        expect(knee?.strides).toBeGreaterThanOrEqual(3);
      }),
      { numRuns: 10 },
    );
  });

  it("no scale, no lengths: image units without height; height scales by the leg", () => {
    const w = synthesizeWalker({ seconds: 8, speed: 1.0, thigh: 0.4, shank: 0.42 });
    const none = analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33" });
    expect(none.parameters.overall.left.strideLength.mean).toBeNull();
    expect(none.conventions.scale).toMatch(/not reported/);
    const h = analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33", height: 0.82 / 0.491 });
    expect(h.parameters.overall.left.strideLength.mean).toBeCloseTo(1.0, 6);
    expect(h.parameters.scale?.source).toBe("height");
    expect(h.conventions.scale).toMatch(/0.491/);
    const l = analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33", legLength: 0.82 * 2 });
    expect(l.parameters.overall.right.speed.mean).toBeCloseTo(2.0, 6);
    expect(() => analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33", height: -1 })).toThrow(
      GaitError,
    );
  });

  it("bouts split at a stop and at a turn", () => {
    const a = synthesizeWalker({ seconds: 5, heading: Math.PI });
    const b = synthesizeWalker({ seconds: 5, heading: 0 });
    const n = a.sequence.frames;
    const stop = 45; // standing still: the last pose of a, repeated
    const J = 33;
    const data = new Float64Array((2 * n + stop) * J * 3);
    data.set(a.sequence.data, 0);
    const last = a.sequence.data.subarray((n - 1) * J * 3, n * J * 3);
    for (let f = 0; f < stop; f++) data.set(last, (n + f) * J * 3);
    data.set(b.sequence.data, (n + stop) * J * 3);
    const seq = poseSequence(2 * n + stop, J, data);
    const ev = detectGaitEvents(seq, { fps: 30, skeleton: "blazepose_33" });
    expect(ev.bouts.length).toBe(2);
    const g = analyzeGait(seq, { fps: 30, skeleton: "blazepose_33" });
    expect(g.parameters.overall.cadence).toBeCloseTo(120, 6);
    expect(g.parameters.bouts.map((x) => x.cadence)).toEqual([120, 120]);
    for (const s of g.parameters.strides) expect(s.end <= n || s.start >= n + stop).toBe(true);
  });

  it("a standing subject has no events", () => {
    const w = synthesizeWalker({ seconds: 1 });
    const J = 33;
    const data = new Float64Array(60 * J * 3);
    for (let f = 0; f < 60; f++) data.set(w.sequence.data.subarray(0, J * 3), f * J * 3);
    const g = analyzeGait(poseSequence(60, J, data), { fps: 30, skeleton: "blazepose_33" });
    expect(g.events.heelStrikes).toEqual([]);
    expect(g.parameters.overall.cadence).toBeNull();
  });
});

describe("sign conventions (clinical)", () => {
  // One frame, walking towards +x, y down, mm: hips at 0, shoulders above.
  function pose(
    knee: [number, number],
    ankle: [number, number],
    heel: [number, number],
    toe: [number, number],
  ) {
    const p = Array.from({ length: 33 }, () => [0, 0, 0]);
    const set = (j: number, [x, y]: [number, number]) => (p[j] = [x, y, 0]);
    for (const s of [0, 1]) {
      set(11 + s, [0, -500]);
      set(23 + s, [0, 0]);
      set(25 + s, knee);
      set(27 + s, ankle);
      set(29 + s, heel);
      set(31 + s, toe);
    }
    return poseSequence(1, 33, Float64Array.from(p.flat()));
  }
  const angles = (seq: ReturnType<typeof pose>) =>
    analyzeGait(seq, { fps: 30, skeleton: "blazepose_33" }).angles;
  it("straight standing: 0, 0, 0", () => {
    const a = angles(pose([0, 400], [0, 800], [-50, 850], [150, 850]));
    expect(a.knee[0][0]).toBeCloseTo(0, 9);
    expect(a.hip[0][0]).toBeCloseTo(0, 9);
    expect(a.ankle[0][0]).toBeCloseTo(0, 9);
  });
  it("thigh forward 30°, shank vertical: hip flexion +30, knee flexion +30; toes up: dorsiflexion +", () => {
    const k: [number, number] = [400 * Math.sin(Math.PI / 6), 400 * Math.cos(Math.PI / 6)];
    const a = angles(pose(k, [k[0], k[1] + 400], [k[0] - 50, k[1] + 450], [k[0] + 150, k[1] + 450 - 20]));
    expect(a.hip[0][0]).toBeCloseTo(30, 9);
    expect(a.knee[0][0]).toBeCloseTo(30, 9);
    expect(a.ankle[0][0]).toBeGreaterThan(5);
  });
  it("knee behind the hip-ankle line: hyperextension is negative; thigh back: hip extension negative", () => {
    const a = angles(pose([-30, 400], [0, 800], [-50, 850], [150, 850]));
    expect(a.knee[0][0]).toBeLessThan(0);
    const b = angles(pose([-100, 390], [-200, 780], [-250, 830], [-50, 850]));
    expect(b.hip[0][0]).toBeLessThan(0);
  });
});

describe("helpers", () => {
  it("stat and asymmetry", () => {
    expect(stat([1, 2, 3])).toEqual({ mean: 2, sd: 1, cv: 50, n: 3 });
    expect(stat([null, Number.NaN])).toEqual({ mean: null, sd: null, cv: null, n: 0 });
    expect(asymmetry(0.55, 0.45).symmetryIndex).toBeCloseTo(20, 12);
    expect(asymmetry(null, 1)).toEqual({ symmetryIndex: null, ratio: null });
  });
  it("refuses a skeleton without feet and fps 0", () => {
    const seq = poseSequence(10, 17);
    expect(() => analyzeGait(seq, { fps: 30, skeleton: "coco_17" })).toThrow(/E_GAIT_SKELETON|heels/);
    expect(() => analyzeGait(seq, { fps: 0, skeleton: "coco_17" })).toThrow(GaitError);
  });
});
