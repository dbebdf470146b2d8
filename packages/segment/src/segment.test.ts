import { migrateAndValidate } from "@neuropose/io";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numpyAvx512Argsort } from "./_numpy-argsort.js";
import { roundHalfEven } from "./_python.js";
import {
  cycleConfidence,
  findPeaks,
  localMaxima,
  peakProminences,
  segmentationConfidence,
  segmentByPeaks,
  segmentGaitCycles,
  segmentGaitCyclesBilateral,
  segmentPredictions,
  slicePredictions,
} from "./index.js";

/** Independent reference for scipy's local maxima: scan every maximal run of equal values. */
function referenceMaxima(x: number[]): number[] {
  const out: number[] = [];
  let l = 0;
  while (l < x.length) {
    let r = l;
    while (r + 1 < x.length && x[r + 1] === x[l]) r++;
    if (l > 0 && r < x.length - 1 && x[l - 1] < x[l] && x[r + 1] < x[l]) out.push(Math.floor((l + r) / 2));
    l = r + 1;
  }
  return out;
}

/** Reference prominence: peak minus the higher of the minima of the two slices bounded by higher samples. */
function referenceProminence(x: number[], p: number): number {
  let l = p;
  while (l - 1 >= 0 && x[l - 1] <= x[p]) l--;
  let r = p;
  while (r + 1 < x.length && x[r + 1] <= x[p]) r++;
  return x[p] - Math.max(Math.min(...x.slice(l, p + 1)), Math.min(...x.slice(p, r + 1)));
}

const smallInts = fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 60 });

describe("findPeaks", () => {
  it("finds the same local maxima as an independent plateau scan (ties, plateaus, edges)", () => {
    fc.assert(
      fc.property(smallInts, (x) => {
        expect(localMaxima(x)).toEqual(referenceMaxima(x));
      }),
      { numRuns: 500 },
    );
  });

  it("computes prominences as their definition says", () => {
    fc.assert(
      fc.property(smallInts, (x) => {
        const peaks = localMaxima(x);
        const { prominences } = peakProminences(x, peaks);
        expect(prominences).toEqual(peaks.map((p) => referenceProminence(x, p)));
      }),
      { numRuns: 500 },
    );
  });

  it("distance filter: kept peaks are far enough apart, and every dropped peak is near a kept one at least as high", () => {
    fc.assert(
      fc.property(smallInts, fc.double({ min: 1, max: 8, noNaN: true }), (x, distance) => {
        const all = localMaxima(x);
        const { peaks } = findPeaks(x, { distance });
        const d = Math.ceil(distance);
        for (let i = 1; i < peaks.length; i++) expect(peaks[i] - peaks[i - 1]).toBeGreaterThanOrEqual(d);
        for (const p of all) {
          if (peaks.includes(p)) continue;
          expect(peaks.some((k) => Math.abs(k - p) < d && x[k] >= x[p])).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("prefers the right-most of equal peaks (stable order) and reports properties only when asked", () => {
    expect(findPeaks([0, 1, 0, 1, 0], { distance: 3 }).peaks).toEqual([3]);
    expect(findPeaks([0, 2, 0, 1, 0], { distance: 3 }).peaks).toEqual([1]);
    const r = findPeaks([0, 3, 1, 2, 0], { height: 2.5, prominence: 0 });
    expect(r).toEqual({
      peaks: [1],
      properties: { peak_heights: [3], prominences: [3], left_bases: [0], right_bases: [4] },
    });
    expect(findPeaks([0, 1, 0]).properties).toEqual({});
  });

  it("ignores NaN, handles infinities and tiny inputs, rejects bad arguments", () => {
    expect(findPeaks([0, Number.NaN, 0, 1, 0]).peaks).toEqual([3]);
    expect(findPeaks([0, Number.POSITIVE_INFINITY, 0], { prominence: 0 }).properties.prominences).toEqual([
      Number.POSITIVE_INFINITY,
    ]);
    expect(findPeaks([]).peaks).toEqual([]);
    expect(findPeaks([1, 2]).peaks).toEqual([]);
    expect(findPeaks([0, 1, 1]).peaks).toEqual([]); // a plateau at the edge is no peak
    expect(() => findPeaks([0, 1, 0], { distance: 0.5 })).toThrowError(
      "`distance` must be greater or equal to 1",
    );
    expect(() => findPeaks([[1, 2]] as unknown as number[])).toThrowError(
      expect.objectContaining({ code: "E_NOT_1D" }),
    );
  });
});

describe("roundHalfEven", () => {
  it("rounds like Python's round()", () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4999999999999996].map(roundHalfEven)).toEqual([
      0, 2, 2, 4, 0, -2, -2, 2,
    ]);
    expect(roundHalfEven(0.14 * 25)).toBe(4); // 3.5000000000000004
    expect(roundHalfEven(0.1 * 25)).toBe(2); // exactly 2.5
  });
});

describe("segmentByPeaks", () => {
  it("produces valley-to-valley windows that contain their peak, for any signal", () => {
    fc.assert(
      fc.property(smallInts, fc.integer({ min: 0, max: 3 }), (x, pad) => {
        const segs = segmentByPeaks(x, { pad });
        expect(segs.map((s) => s.peak)).toEqual(localMaxima(x));
        for (const s of segs) {
          expect(s.start).toBeGreaterThanOrEqual(0);
          expect(s.end).toBeLessThanOrEqual(x.length);
          expect(s.start <= s.peak && s.peak < s.end).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("shares the valley frame between neighbours, pads and clamps", () => {
    const x = [0, 1, 2, 1, 0, 1, 3, 1, 0];
    expect(segmentByPeaks(x)).toEqual([
      { start: 0, end: 5, peak: 2 },
      { start: 4, end: 9, peak: 6 },
    ]);
    expect(segmentByPeaks(x, { pad: 2 })).toEqual([
      { start: 0, end: 7, peak: 2 },
      { start: 2, end: 9, peak: 6 },
    ]);
    expect(segmentByPeaks(x, { minHeight: 2.5 })).toEqual([{ start: 4, end: 9, peak: 6 }]);
    expect(segmentByPeaks([1, 1, 1])).toEqual([]);
    expect(() => segmentByPeaks(x, { pad: -1 })).toThrowError("pad must be non-negative; got -1");
  });
});

/** Predictions of a walker: person 0 has heel strikes every `period` frames; person 1 stands still. */
function walker(opts: { skeleton: "blazepose_33" | "berkeley_mhad_43"; frames: number; period: number[] }) {
  const joints = opts.skeleton === "blazepose_33" ? 33 : 43;
  const heels = opts.skeleton === "blazepose_33" ? [29, 30] : [33, 41];
  const y: number[] = [];
  for (const p of opts.period) for (let i = 0; i < p; i++) y.push(Math.sin((2 * Math.PI * i) / p));
  const frames: Record<string, unknown> = {};
  for (let f = 0; f < opts.frames; f++) {
    const moving = Array.from({ length: joints }, (_, j) =>
      heels.includes(j) ? [0, (j === heels[0] ? -1 : 1) * y[f % y.length], 0] : [0, 0, 0],
    );
    const still = Array.from({ length: joints }, () => [0, 0, 0]);
    frames[`frame_${String(f).padStart(6, "0")}`] = { boxes: [], poses3d: [moving, still], poses2d: [] };
  }
  return migrateAndValidate("video_predictions", {
    schema_version: 2,
    metadata: { frame_count: opts.frames, fps: 30, width: 640, height: 480 },
    frames,
  });
}

describe("gait cycles", () => {
  it("uses the predictions' skeleton (blazepose_33 heels) and honours person_index", () => {
    const preds = walker({ skeleton: "blazepose_33", frames: 120, period: [30] });
    const withSkel = { ...preds, metadata: { ...preds.metadata, skeleton: "blazepose_33" } };
    const right = segmentGaitCycles(withSkel);
    expect(right.config.extractor).toEqual({ kind: "joint_axis", joint: 30, axis: 1, invert: false });
    expect(right.segments.length).toBe(4);
    const both = segmentGaitCyclesBilateral(withSkel);
    expect(both.left_heel_strikes.config.extractor).toMatchObject({ joint: 29 });
    expect(both.left_heel_strikes.segments.map((s) => s.peak)).toEqual([23, 53, 83, 113]);
    // Person 1 stands still: a graceful empty result, not an error.
    const still = segmentGaitCycles(withSkel, { personIndex: 1 });
    expect(still.segments).toEqual([]);
    expect(still.config.person_index).toBe(1);
  });

  it("resolves berkeley_mhad_43 names and rejects unknown joints and axes", () => {
    const preds = walker({ skeleton: "berkeley_mhad_43", frames: 60, period: [30] });
    expect(segmentGaitCycles(preds).config.extractor).toMatchObject({ joint: 41 });
    expect(segmentGaitCycles(preds, { joint: "lhee", axis: "y" }).config.extractor).toMatchObject({
      joint: 33,
    });
    expect(() => segmentGaitCycles(preds, { joint: "rheel" })).toThrowError(
      expect.objectContaining({ code: "E_JOINT_UNKNOWN" }),
    );
    expect(() => segmentGaitCycles(preds, { axis: "w" })).toThrowError(
      "axis must be one of 'x', 'y', 'z'; got 'w'",
    );
  });

  it("scores regular, prominent cycles high and an irregular cycle lower", () => {
    const preds = walker({ skeleton: "berkeley_mhad_43", frames: 150, period: [30, 30, 45, 30, 15] });
    const seg = segmentGaitCycles(preds);
    const conf = segmentationConfidence(preds, seg);
    expect(conf.length).toBe(seg.segments.length);
    for (const c of conf) {
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
    const longest = seg.segments.reduce(
      (m, s, i) => (s.end - s.start > seg.segments[m].end - seg.segments[m].start ? i : m),
      0,
    );
    expect(conf[longest].regularityScore).toBeLessThan(0.9);
    expect(Math.max(...conf.map((c) => c.confidence))).toBe(1);
  });

  it("defines confidence from prominence and regularity", () => {
    const signal = [0, 1, 2, 1, 0, 1, 3, 1, 0, 0.2, 0.4, 0.2, 0];
    const c = cycleConfidence(signal, segmentByPeaks(signal));
    expect(c.map((v) => v.prominence)).toEqual([2, 3, 0.4]);
    expect(c[2].prominenceScore).toBeCloseTo(0.2, 12);
    expect(c[2].regularityScore).toBe(1);
    expect(c[0].confidence).toBe(1);
    expect(cycleConfidence(signal, [])).toEqual([]);
  });
});

describe("segmentPredictions and slicePredictions", () => {
  const preds = walker({ skeleton: "berkeley_mhad_43", frames: 90, period: [30] });

  it("converts seconds with banker's rounding and records the config", () => {
    const seg = segmentPredictions(
      preds,
      { kind: "joint_axis", joint: "rhee", axis: 1 },
      { minDistanceSeconds: 0.5 },
    );
    expect(seg.config).toMatchObject({ min_distance_seconds: 0.5, method: "valley_to_valley_v1" });
    expect(seg.segments.length).toBe(3);
    const zeroFps = { ...preds, metadata: { ...preds.metadata, fps: 0 } };
    expect(() =>
      segmentPredictions(zeroFps, { kind: "joint_axis", joint: 41, axis: 1 }, { padSeconds: 0.1 }),
    ).toThrowError(expect.objectContaining({ code: "E_FPS_ZERO" }));
    expect(segmentPredictions(zeroFps, { kind: "joint_axis", joint: 41, axis: 1 }).segments.length).toBe(3);
  });

  it("slices frames, re-keys them, keeps metadata and cuts timestamps", () => {
    const timed = {
      ...preds,
      metadata: { ...preds.metadata, timestamps: Array.from({ length: 90 }, (_, i) => i / 30) },
    };
    const [a, b] = slicePredictions(timed, [
      { start: 10, end: 20, peak: 15 },
      { start: 89, end: 90, peak: 89 },
    ]);
    expect(Object.keys(a.frames)[0]).toBe("frame_000000");
    expect(Object.keys(a.frames).length).toBe(10);
    expect(a.metadata.frame_count).toBe(10);
    expect(a.metadata.timestamps?.[0]).toBeCloseTo(10 / 30, 12);
    expect(a.metadata.skeleton).toBe(preds.metadata.skeleton);
    expect(b.frames.frame_000000).toBe(preds.frames.frame_000089);
    expect(a.segmentations).toEqual({});
    expect(a.provenance).toBeNull();
    expect(() => slicePredictions(preds, [{ start: 0, end: 91, peak: 1 }])).toThrowError(
      "segment 0 end=91 exceeds frame count 90",
    );
    expect(() => slicePredictions(preds, [{ start: 5, end: 5, peak: 5 }])).toThrowError(
      expect.objectContaining({ code: "E_SCHEMA" }),
    );
  });
});

describe("numpy_avx512 tie order", () => {
  it("is a permutation that sorts, keeps sorted input, and only reorders ties", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 300 }), (keys) => {
        const order = numpyAvx512Argsort(keys);
        expect([...order].sort((a, b) => a - b)).toEqual(keys.map((_, i) => i));
        for (let i = 1; i < order.length; i++)
          expect(keys[order[i]]).toBeGreaterThanOrEqual(keys[order[i - 1]]);
      }),
      { numRuns: 300 },
    );
    expect(numpyAvx512Argsort([1, 1, 2, 2])).toEqual([0, 1, 2, 3]); // already sorted: early exit
  });

  it("reproduces np.argsort of numpy 2.4.6 on an AVX-512 CPU (bitonic, partition and std::sort paths)", () => {
    // Keys from an LCG (few distinct values: many ties); expected: numpy 2.4.6's np.argsort on an AVX-512
    // machine, first 8 indices and sum((i + 1) * order[i]) mod 1e9+7.
    const lcgKeys = (n: number, k: number, seed: number) => {
      const out: number[] = [];
      let s = BigInt(seed);
      for (let i = 0; i < n; i++) {
        s = (s * 1103515245n + 12345n) % 2147483648n;
        out.push(Number(s % BigInt(k)));
      }
      return out;
    };
    const reference: [number, number, number, number[], number][] = [
      [100, 2, 1, [0, 2, 6, 4, 12, 14, 10, 8], 286615],
      [256, 3, 2, [2, 5, 13, 11, 21, 18, 17, 16], 4609220],
      [257, 2, 3, [150, 130, 132, 134, 136, 138, 140, 142], 4093264],
      [300, 2, 4, [299, 1, 297, 3, 295, 5, 39, 41], 6704517],
      [1000, 3, 5, [29, 960, 963, 967, 968, 970, 971, 975], 253866565],
      [1000, 1000, 6, [414, 358, 11, 276, 68, 353, 857, 634], 250577318],
      [5000, 2, 7, [3964, 2054, 2056, 3970, 2058, 2060, 3968, 2062], 459412055],
      [5000, 10, 8, [653, 657, 4979, 41, 4995, 31, 55, 3531], 359171587],
    ];
    for (const [n, k, seed, head, checksum] of reference) {
      const order = numpyAvx512Argsort(lcgKeys(n, k, seed));
      expect(order.slice(0, 8)).toEqual(head);
      expect(order.reduce((acc, v, i) => (acc + (i + 1) * v) % 1000000007, 0)).toBe(checksum);
    }
  });

  it("is threaded through segmentByPeaks and segmentPredictions", () => {
    const x = [
      0, -1, 0, 5, 0, 0, 5, 0, -1, 0, 5, 0, 0, -1, 0, 7, 0, 0, 7, 0, 7, 0, 0, 0, -1, 0, 0, 4, 0, 4, 0, 4, 0,
      0, -1, 0, 2, 0, 0, 0,
    ];
    const peaks = (tieOrder: "stable" | "numpy_avx512") =>
      segmentByPeaks(x, { minDistance: 3, tieOrder }).map((s) => s.peak);
    expect(peaks("stable")).toContain(31);
    expect(peaks("numpy_avx512")).toContain(29);
    const frames = Object.fromEntries(x.map((v, i) => [`frame_${i}`, { poses3d: [[[0, v, 0]]] }]));
    const preds = { metadata: { fps: 10 }, frames };
    const seg = segmentPredictions(
      preds,
      { kind: "joint_axis", joint: 0, axis: 1 },
      { minDistanceSeconds: 0.3, tieOrder: "numpy_avx512" },
    );
    expect(seg.segments.map((s) => s.peak)).toEqual(peaks("numpy_avx512"));
  });

  it("changes the distance filter's choice among equal peaks the way numpy does", () => {
    // The fixture's find_peaks/ties signal: scipy on an AVX-512 machine keeps 29 among the three 4s.
    const x = [
      0, -1, 0, 5, 0, 0, 5, 0, -1, 0, 5, 0, 0, -1, 0, 7, 0, 0, 7, 0, 7, 0, 0, 0, -1, 0, 0, 4, 0, 4, 0, 4, 0,
      0, -1, 0, 2, 0, 0, 0,
    ];
    expect(findPeaks(x, { distance: 3 }).peaks).toEqual([3, 6, 10, 15, 20, 27, 31, 36]);
    expect(findPeaks(x, { distance: 3, tieOrder: "numpy_avx512" }).peaks).toEqual([3, 6, 10, 15, 20, 29, 36]);
  });
});
