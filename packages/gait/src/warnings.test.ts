// Warnings a reader needs before trusting gait numbers: few strides (variability from 1–2 strides is null, not a
// number) and unsure heel strikes, each with a stable code, the numbers and the threshold.
import { describe, expect, it } from "vitest";
import { analyzeGait, gaitWarnings, MAX_LISTED_STRIKES, synthesizeWalker } from "./index.js";

const opts = { fps: 30, skeleton: "blazepose_33" as const, unit: "mm" as const };

describe("gait warnings", () => {
  it("a short walk: 2 strides per side give means, null SD/CV and one warning per side", () => {
    // 1 s strides over 3.6 s: strikes every 0.5 s, two complete strides per foot.
    const g = analyzeGait(synthesizeWalker({ fps: 30, seconds: 3.6 }).sequence, opts);
    const p = g.parameters.overall;
    expect([p.left.strides, p.right.strides]).toEqual([2, 2]);
    for (const s of [p.left, p.right]) {
      expect(s.strideTime.mean).toBeCloseTo(1, 9);
      expect(s.strideTime).toMatchObject({ sd: null, cv: null, n: 2 });
      expect(s.stancePct.cv).toBeNull();
    }
    const few = g.warnings.filter((w) => w.code === "W_GAIT_FEW_STRIDES");
    expect(few.map((w) => w.message)).toEqual([
      "only 2 strides on the left side (≥ 3 recommended for cadence/variability): its SD and CV are not reported and its means rest on few strides",
      "only 2 strides on the right side (≥ 3 recommended for cadence/variability): its SD and CV are not reported and its means rest on few strides",
    ]);
    expect(few[0]).toMatchObject({ side: "left", value: 2, threshold: 3, frame: null });
    expect(g.conventions.variability).toMatch(/from 3 strides on/);
  });

  it("a long walk: no warnings, SD and CV are numbers; the threshold is an option", () => {
    const seq = synthesizeWalker({ fps: 30, seconds: 10 }).sequence;
    const g = analyzeGait(seq, opts);
    expect(g.warnings).toEqual([]);
    expect(g.parameters.overall.left.strideTime.sd).toBeCloseTo(0, 9);
    const strict = analyzeGait(seq, { ...opts, minStrides: 20 });
    expect(strict.warnings.map((w) => [w.code, w.value, w.threshold])).toEqual([
      ["W_GAIT_FEW_STRIDES", 9, 20],
      ["W_GAIT_FEW_STRIDES", 8, 20],
    ]);
    expect(strict.parameters.overall.left.strideTime.cv).toBeNull();
  });

  it("a heel strike below the confidence threshold is named with its time, side and confidence", () => {
    const seq = synthesizeWalker({ fps: 30, seconds: 10 }).sequence;
    const g = analyzeGait(seq, { ...opts, minStrikeConfidence: 0.99, frameOffset: 12 });
    const ev = g.events;
    // make one strike unsure and ask again (the warning reads the events as they are)
    const hs = ev.heelStrikes[3] as (typeof ev.heelStrikes)[number];
    hs.confidence = 0.44;
    const ws = gaitWarnings(ev, g.parameters, { minStrikeConfidence: 0.5, frameOffset: 12 });
    expect(ws).toEqual([
      {
        code: "W_GAIT_LOW_CONFIDENCE_STRIKE",
        message: `heel strike (${hs.side}) at ${((hs.frame + 12) / 30).toFixed(2)} s (frame ${hs.frame + 12}) has confidence 0.44 < 0.5`,
        side: hs.side,
        frame: hs.frame,
        value: 0.44,
        threshold: 0.5,
      },
    ]);
  });

  it("many unsure strikes: the first ones listed, the rest counted", () => {
    const g = analyzeGait(synthesizeWalker({ fps: 30, seconds: 40 }).sequence, opts);
    for (const e of g.events.heelStrikes) e.confidence = 0.1;
    const ws = gaitWarnings(g.events, g.parameters);
    const n = g.events.heelStrikes.length;
    expect(n).toBeGreaterThan(MAX_LISTED_STRIKES);
    expect(ws.filter((w) => w.code === "W_GAIT_LOW_CONFIDENCE_STRIKE")).toHaveLength(MAX_LISTED_STRIKES);
    expect(ws.at(-1)?.message).toBe(
      `${n - MAX_LISTED_STRIKES} more heel strikes have confidence < 0.5 (${n} of ${n} in all)`,
    );
  });
});
