import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../config/random.js";
import { extractJointAngles } from "./angles.js";
import { BLAZEPOSE_LIMB_BONES, constrainBoneLengths } from "./bones.js";
import { poseSequence } from "./sequence.js";

describe("constrainBoneLengths", () => {
  it("brings limb-length CV to 0 and leaves joint angles as they were (noisy monocular-like lengths)", () => {
    const rnd = mulberry32(5);
    const n = 60;
    const data = new Float64Array(n * 33 * 3);
    for (let i = 0; i < data.length; i++) data[i] = (rnd() - 0.5) * 1000;
    const seq = poseSequence(n, 33, data);
    const conf = new Float64Array(n * 33).map(() => rnd());
    const r = constrainBoneLengths(seq, { confidence: conf, minConfidence: 0.3 });
    for (let k = 0; k < BLAZEPOSE_LIMB_BONES.length; k++) {
      expect(r.cvBefore[k]).toBeGreaterThan(0.1);
      expect(r.cvAfter[k]).toBeLessThan(1e-12);
    }
    const triplets = [
      [23, 25, 27],
      [24, 26, 28],
      [25, 27, 31],
      [11, 13, 15],
    ] as const;
    const before = extractJointAngles(seq, triplets).data;
    const after = extractJointAngles(r.sequence, triplets).data;
    for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i], 10);
    // Roots (hips, shoulders) do not move; the input is not modified.
    for (const j of [11, 12, 23, 24]) expect(r.sequence.data[j * 3]).toBe(seq.data[j * 3]);
    expect(r.sequence.data).not.toBe(seq.data);
  });

  it("refuses a bone outside the sequence", () => {
    expect(() => constrainBoneLengths(poseSequence(1, 2), { bones: [[0, 5]] })).toThrow(
      /outside the 2 joints/,
    );
  });
});
