import { describe, expect, it } from "vitest";
import { hampelFilter } from "./_hampel.js";

// Expected values: Pose2Sim's filtering.hampel_filter (window 7, n_sigma 2), run in Debian's python3 + numpy on the
// first two series, gives the same (numpy median/MAD over each full window, replacement by the window's median).
describe("hampelFilter (Pose2Sim's outlier rejection)", () => {
  it("replaces a spike by its window's median and keeps smooth motion", () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 40, 8, 9, 10, 11, 12, 13];
    const { values, replaced } = hampelFilter(x);
    // window around index 7: [4, 5, 6, 40, 8, 9, 10] → median 8, MAD 2 → z = 0.6745·32/2 = 10.8 > 2
    expect(values[7]).toBe(8);
    expect(replaced).toBe(1);
    expect(Array.from(values).filter((_, i) => i !== 7)).toEqual(x.filter((_, i) => i !== 7));
  });
  it("keeps the first and last half-window, NaN samples and windows with MAD 0", () => {
    const x = [50, 0, 0, 0, Number.NaN, 0, 0, 0, 50];
    const { values, replaced } = hampelFilter(x);
    expect(Array.from(values)).toEqual(x);
    expect(replaced).toBe(0);
  });
  it("leaves NaN out of the window's median", () => {
    const x = [0, 1, 2, Number.NaN, 4, 30, 6, 7, 8, 9];
    // index 5: window [2, NaN, 4, 30, 6, 7, 8] → finite [2, 4, 6, 7, 8, 30], median 6.5, MAD 1.5 → z = 10.3
    expect(hampelFilter(x).values[5]).toBe(6.5);
  });
});
