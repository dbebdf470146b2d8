// Issue 10, second round: every part of a split trial is compared, per-cycle confidence includes how well the
// joints were seen, plots count time from the start of the clip, cohorts get their own range, angles carry
// clinical names, and the page's words agree with its numbers (pairs per reference, units, what the distance is).
import { AnalysisReportSchema, stringifyJson } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { virtualIo as io, KNEE_ANGLES_DTW } from "./_testing.js";
import { parseAnalysisConfig } from "./config.js";
import { renderReportHtml } from "./html.js";
import { runAnalysis } from "./run.js";
import { synthesizeGaitPredictions } from "./synthesize.js";

type Preds = ReturnType<typeof synthesizeGaitPredictions>;
type Frame = Preds["frames"][string];

const walker = (seed: number, frames = 150, extra: object = {}) =>
  synthesizeGaitPredictions({ seed, frames, fps: 30, cadence: 105, ...extra });

/** `preds` with person 0 removed (no detection) in frames [s, e). */
function absent(preds: Preds, ranges: [number, number][]): Preds {
  const out = structuredClone(preds);
  const keys = Object.keys(out.frames);
  for (const [s, e] of ranges)
    for (let f = s; f < e; f++) out.frames[keys[f] as string] = { boxes: [], poses3d: [], poses2d: [] };
  return out;
}

const valid = (report: unknown) =>
  expect(AnalysisReportSchema.safeParse(JSON.parse(stringifyJson(report))).success).toBe(true);

describe("a trial split at a long gap, without segmentation", () => {
  it("compares every part (not only the longest) and says so", async () => {
    const p = absent(walker(1, 240), [[100, 140]]); // 1.3 s gap: parts 0–99 and 140–239
    const cfg = parseAnalysisConfig({
      inputs: { primary: "p.json", reference: "r.json" },
      analysis: { kind: "dtw", align: "none", representation: "coords" },
      output: { report: "r" },
    });
    const { report } = await runAnalysis(cfg, io({ "p.json": p, "r.json": walker(2) }));
    valid(report);
    const r = report.results as { segment_labels: string[]; distances: number[]; notes: string[] };
    expect(r.segment_labels).toEqual(["part[0] vs full_trial", "part[1] vs full_trial"]);
    expect(r.distances).toHaveLength(2);
    expect(r.notes.join(" ")).toMatch(
      /p\.json: without segmentation, each of its 2 parts is compared as a piece of its own \(part\[0\] = frames 0–99, part\[1\] = frames 140–239\)/,
    );
    // Cohort: each part is an item of the matrix.
    const cohort = await runAnalysis(
      parseAnalysisConfig({
        inputs: { cohort: ["p.json", "r.json", "q.json"] },
        analysis: { kind: "dtw", align: "none", representation: "coords" },
        output: { report: "r" },
      }),
      io({ "p.json": p, "r.json": walker(2), "q.json": walker(3) }),
    );
    expect((cohort.report.results as { labels: string[] }).labels).toEqual([
      "p.json:part[0]",
      "p.json:part[1]",
      "r.json",
      "q.json",
    ]);
  });
});

describe("per-cycle confidence of strides", () => {
  it("combines duration regularity with how well the used joints were seen (JSON, warning, HTML)", async () => {
    const p = walker(1, 240);
    // The left leg is poorly seen (visibility 0.2) in frames 60–119; everything else is well seen.
    const left = [27, 31, 32, 33]; // lhipb, lkne, lank, lhee (berkeley_mhad_43)
    Object.values(p.frames).forEach((fr: Frame, f) => {
      const joints = (fr.poses3d[0] as number[][]).length;
      const vis = Array.from({ length: joints }, (_, j) => (f >= 60 && f < 120 && left.includes(j) ? 0.2 : 1));
      Object.assign(fr, { visibility: [vis], presence: [vis.map(() => 1)] });
    });
    const cfg = parseAnalysisConfig({
      inputs: { primary: "p.json", reference: "r.json" },
      segmentation: { kind: "gait_cycles_bilateral", method: "stride_zeni_v1" },
      analysis: KNEE_ANGLES_DTW,
      output: { report: "r" },
    });
    const run = await runAnalysis(cfg, io({ "p.json": p, "r.json": walker(2, 240) }));
    valid(run.report);
    const cycles = run.report.trials?.[0]?.cycles ?? {};
    const l = cycles.left_heel_strikes as Record<string, number[]>;
    const r = cycles.right_heel_strikes as Record<string, number[]>;
    // confidence = segmentation_score × keypoint_score, for every cycle.
    for (const c of [l, r])
      c.confidence?.forEach((v, i) => {
        expect(v).toBeCloseTo((c.segmentation_score?.[i] as number) * (c.keypoint_score?.[i] as number), 12);
      });
    const lSeg = run.report.segmentations.left_heel_strikes?.segments ?? [];
    const inside = lSeg.findIndex((g) => g.start >= 60 && g.end <= 120);
    expect(inside).toBeGreaterThanOrEqual(0);
    // The used joints of a left stride: the left heel, and the compared knee angles (both sides' 6 joints).
    expect(l.keypoint_score?.[inside]).toBeLessThan(0.75);
    expect(l.confidence?.[inside]).toBeLessThan(0.75);
    expect(Math.min(...(r.keypoint_score ?? []))).toBeGreaterThan(0.55);
    // A stride entirely outside the poorly seen frames is fully seen.
    const outside = lSeg.findIndex((g) => g.end <= 60 || g.start >= 120);
    expect(l.keypoint_score?.[outside]).toBe(1);
    const html = renderReportHtml(run);
    expect(html).toMatch(/keypoint score/);
    expect(html).toMatch(/confidence = segmentation score × keypoint score/);
  });
});
