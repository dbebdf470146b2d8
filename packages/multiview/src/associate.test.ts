import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../config/random.js";
import { body, detect, JOINTS, PAIRS, rig } from "./_testing.js";
import { createMultiviewTracker, sidePairs } from "./associate.js";

describe("createMultiviewTracker", () => {
  it("follows two people across 4 views whatever each view's detection order, and unswaps a view that confused the sides", () => {
    const cams = rig(4, 11, true);
    const rnd = mulberry32(5);
    const noise = () => (rnd() - 0.5) * 2; // ±1 px
    const tracker = createMultiviewTracker(cams, { sidePairs: PAIRS, maxReprojectionPx: 15 });
    const idOf = new Map<number, number>(); // true person -> tracker id
    let swappedFrames = 0;
    for (let f = 0; f < 40; f++) {
      const truth = [body(-0.6 + 0.02 * f, 0.3, 0.1), body(0.7, -0.4 + 0.015 * f, 1.2)];
      const flipView = f % 3 === 0 ? 2 : -1; // camera 3 names the sides the other way round every third frame
      const order = cams.map(() => (rnd() < 0.5 ? [0, 1] : [1, 0]));
      const dets = cams.map((c, i) =>
        (order[i] as number[]).map((p) => detect(c, truth[p] as number[][], noise, i === flipView)),
      );
      const people = tracker.step(dets);
      expect(people).toHaveLength(2);
      for (const person of people) {
        // which true person this is: the detection of view 0 it took
        const p = (order[0] as number[])[person.detections[0] as number] as number;
        for (let i = 0; i < 4; i++)
          expect((order[i] as number[])[person.detections[i] as number], `frame ${f} view ${i}`).toBe(p);
        if (!idOf.has(p)) idOf.set(p, person.id);
        expect(person.id).toBe(idOf.get(p));
        const flipped = PAIRS.every((_, j) => ((person.swapped[2] as number) >> j) & 1);
        expect(flipped, `frame ${f}`).toBe(flipView === 2);
        if (flipped) swappedFrames++;
        expect(person.swapped[0]).toBe(0);
        const X = truth[p] as number[][];
        for (let k = 0; k < 33; k++) {
          const d = Math.hypot(
            (person.points[3 * k] as number) - (X[k] as number[])[0]!,
            (person.points[3 * k + 1] as number) - (X[k] as number[])[1]!,
            (person.points[3 * k + 2] as number) - (X[k] as number[])[2]!,
          );
          expect(d).toBeLessThan(0.03);
        }
      }
    }
    expect(swappedFrames).toBe(2 * 14);
    expect(new Set(idOf.values()).size).toBe(2);
  });

  it("reports nobody rather than a guess when a person is seen by one camera only", () => {
    const cams = rig(3, 2, false);
    const tracker = createMultiviewTracker(cams);
    const X = body(0, 0, 0);
    const d = detect(cams[0]!, X, () => 0, false);
    expect(tracker.step([[d], [], []])).toEqual([]);
  });

  it("pairs left/right joints by name", () => {
    expect(sidePairs(JOINTS)).toHaveLength(16);
    expect(sidePairs(["left_x", "right_x", "leftover", "mouth_left", "mouth_right"])).toEqual([
      [0, 1],
      [3, 4],
    ]);
  });
});
