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
      const vis = Array.from({ length: joints }, (_, j) =>
        f >= 60 && f < 120 && left.includes(j) ? 0.2 : 1,
      );
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

const strideCfg = (inputs: object, analysis: object = {}) =>
  parseAnalysisConfig({
    inputs,
    segmentation: { kind: "gait_cycles_bilateral", method: "stride_zeni_v1" },
    analysis: { ...KNEE_ANGLES_DTW, ...analysis },
    output: { report: "r" },
  });

/** The page's visible text (tags dropped, entities of the escaper decoded). */
const text = (html: string) =>
  html
    .slice(html.indexOf("<body>"))
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))
    .replace(/\s+/g, " ");

describe("plots count time from the start of the clip", () => {
  it("a trial with a trimmed 1 s intro is drawn from 1.0 s, in seconds, with the axis named", async () => {
    const p = absent(walker(1, 240), [[0, 30]]);
    const run = await runAnalysis(
      strideCfg({ primary: "p.json", reference: "r.json" }),
      io({ "p.json": p, "r.json": walker(2) }),
    );
    expect(run.figures.trials[0]?.firstFrame).toBe(30);
    const html = renderReportHtml(run);
    const first = html.slice(html.indexOf('<figure class="trial">'));
    const svg = first.slice(0, first.indexOf("</figure>"));
    const ticks = [...svg.matchAll(/class="tick" text-anchor="middle">([^<]*)</g)].map((m) => m[1]);
    expect(ticks[0]).toBe("1.0"); // frame 30 at 30 fps, not "0"
    expect(ticks.at(-1)).toBe("8.0"); // the last frame, 239
    expect(svg).toContain("time from the start of the clip (s)");
    // Segment tooltips give the clip's frame and time.
    expect(svg).toMatch(/<title>left_heel_strikes\[0\]: frame \d+ \(\d+\.\d\d s\) to frame \d+/);
    // Pair figures: both sides on one axis, as % of the cycle.
    const pair = html.slice(html.indexOf('<figure class="pair"'));
    expect(pair.slice(0, pair.indexOf("</figure>"))).toMatch(/>0%<.*>100%<.*% of the cycle/);
  });
});

describe("cohort mode gives the cohort's own range", () => {
  it("min, quartiles and max of the pairwise distances, in the JSON and on the page", async () => {
    const files = {
      "a.json": walker(1),
      "b.json": walker(2),
      "c.json": walker(3, 150, { cadence: 118 }),
      "d.json": walker(4, 150, { amplitude: 0.7 }),
    };
    const run = await runAnalysis(
      parseAnalysisConfig({
        inputs: { cohort: ["*.json"] },
        analysis: KNEE_ANGLES_DTW,
        output: { report: "r" },
      }),
      io(files),
    );
    valid(run.report);
    const r = run.report.results as { matrix: number[][]; cohort_range: Record<string, number> };
    const upper = r.matrix.flatMap((row, i) => row.filter((_, j) => j > i)).sort((x, y) => x - y);
    expect(r.cohort_range).toMatchObject({ pairs: 6, min: upper[0], max: upper[5] });
    expect(r.cohort_range.median).toBeCloseTo(((upper[2] as number) + (upper[3] as number)) / 2, 12);
    expect(r.cohort_range.q1).toBeGreaterThanOrEqual(upper[0] as number);
    expect(r.cohort_range.q3).toBeLessThanOrEqual(upper[5] as number);
    const page = text(renderReportHtml(run));
    expect(page).toMatch(/Cohort range \(6 pairs\): min [\d.]+, lower quartile/);
    expect(page).toMatch(/interquartile range/);
    expect(page).toMatch(/mean to the others/);
  });
});

describe("what the page says agrees with what it shows", () => {
  it("clinical angle names, degrees throughout, the distance defined once, pair counts explained, units per input", async () => {
    const ref = walker(2, 150); // 5 s of walking against the subject's 10 s: fewer strides
    const m = structuredClone(walker(3, 150, { cadence: 118 }));
    m.metadata.poses3d_unit = "m";
    for (const fr of Object.values(m.frames))
      fr.poses3d = fr.poses3d.map((p) => p.map((v) => v.map((c) => c / 1000)));
    const run = await runAnalysis(
      strideCfg({ primary: "p.json", references: ["a.json", "b.json"] }),
      io({ "p.json": walker(1, 300), "a.json": ref, "b.json": m }),
    );
    valid(run.report);
    const r = run.report.results as {
      angle_names: string[];
      distance_unit: string;
      comparisons: { reference: string; distances: number[]; summary: { mean: number } }[];
    };
    // Angles by their clinical names (the config gave indices), in the JSON and everywhere on the page.
    expect(r.angle_names).toEqual(["left knee flexion", "right knee flexion"]);
    expect(r.distance_unit).toBe("rad");
    const html = renderReportHtml(run);
    const page = text(html);
    expect(page).toMatch(/on left knee flexion and right knee flexion \(joint angles\)/);
    expect(page).not.toMatch(/27–31–32/);
    // One unit: degrees (the JSON's radians × 180/π), said once where the JSON differs.
    const a = r.comparisons[0] as { distances: number[]; summary: { mean: number } };
    const cells = [...html.matchAll(/<tr><td class="l">left_heel_strikes\[0\]<\/td><td>([^<]+)<\/td>/g)];
    expect(Number(cells[0]?.[1])).toBeCloseTo(((a.distances[0] as number) * 180) / Math.PI, 0);
    expect(page).toMatch(/The main number is the DTW distance, in degrees/);
    expect(page.match(/radians/g)).toHaveLength(1);
    expect(page).toMatch(/report\.json records the same distances in radians; × 180\/π gives these degrees/);
    // What the number is: a sum over matched frames, said without contradiction.
    expect(page).not.toMatch(/summed over aligned frames/);
    expect(page).toMatch(
      /It is therefore a sum, not an average: longer pieces give larger sums\. Here the matched frames number \d+–\d+ per pair/,
    );
    expect(page).toMatch(
      /\(summed over a cycle's matched frames — about [\d.]+ degrees per matched frame, all compared angles together\)/,
    );
    // Pair counts: the summary, the table and the JSON agree, and unpaired cycles are explained.
    const n = (k: number) => r.comparisons[k]?.distances.length;
    expect(page).toContain(`pairs of cycles compared: ${n(0)} with a.json, ${n(1)} with b.json;`);
    expect(html).toMatch(new RegExp(`<th class="l">pairs compared</th><th>${n(0)}</th><th>${n(1)}</th>`));
    const subject = Object.values(run.report.trials?.[0]?.cycles ?? {}).reduce(
      (k, c) => k + c.seconds.length,
      0,
    );
    expect(subject).toBeGreaterThan(n(0) as number);
    expect(page).toContain(
      `a.json: ${n(0)} pair(s) (${subject - (n(0) as number)} of the subject's ${subject} cycles had no partner)`,
    );
    // The unit conversion is stated for the input it applies to, and every input says its unit.
    expect(page).toMatch(/b\.json [^|]*recorded in m, converted to mm/);
    expect(page.match(/mm \(as recorded\)/g)).toHaveLength(2);
    // Read by someone who saw only the page: how the reference range is made, which angles a figure draws,
    // what each setting means, and that no cycle is flagged when none is below the threshold.
    expect(page).toMatch(
      /each reference compared with each other reference exactly as the subject was compared/,
    );
    expect(page).toMatch(/a\.json vs b\.json [\d.]+/);
    expect(page).toMatch(
      /Each figure draws one angle, .* combines all 2 compared angles \(left knee flexion and right knee flexion\)/,
    );
    expect(page).toMatch(/strides from heel strike to heel strike/);
    expect(page).toMatch(/which detected person in each frame is the subject/);
    const low = Object.values(run.report.trials ?? []).some((t) =>
      Object.values(t.cycles).some((c) => c.confidence.some((v) => v < 0.5)),
    );
    expect(page.includes("so none is flagged")).toBe(!low);
  });
});

describe("pairing: all compares every cycle", () => {
  it("each subject cycle with each reference cycle of the same side; none left out, and the page says so", async () => {
    const files = { "p.json": walker(1, 300), "r.json": walker(2, 150) };
    const inOrder = await runAnalysis(strideCfg({ primary: "p.json", reference: "r.json" }), io(files));
    expect(text(renderReportHtml(inOrder))).toMatch(/had no partner\).*set analysis\.pairing: all/);
    const cfg = strideCfg({ primary: "p.json", reference: "r.json" }, { pairing: "all" });
    const run = await runAnalysis(cfg, io(files));
    valid(run.report);
    const count = (role: number, side: string) =>
      run.report.trials?.[role]?.cycles[`${side}_heel_strikes`]?.seconds.length ?? 0;
    const r = run.report.results as { segment_labels: string[]; distances: number[]; notes: string[] };
    const expected = count(0, "left") * count(1, "left") + count(0, "right") * count(1, "right");
    expect(r.distances).toHaveLength(expected);
    expect(r.distances.length).toBeGreaterThan(20);
    expect(r.segment_labels).toContain("left_heel_strikes[0] vs [1]");
    expect(r.segment_labels.every((l) => /^(left|right)_heel_strikes\[\d+\] vs \[\d+\]$/.test(l))).toBe(true);
    // Left with left and right with right only, and no "not compared" note.
    expect(r.segment_labels.filter((l) => l.startsWith("left")).length).toBe(
      count(0, "left") * count(1, "left"),
    );
    expect(r.notes.join(" ")).not.toMatch(/not compared/);
    const page = text(renderReportHtml(run));
    expect(page).toMatch(
      /Every cycle of the subject was compared with every cycle of the same side .* so no cycle is left out/,
    );
    expect(page).toContain(`r.json: ${expected} pair(s)`);
    expect(() =>
      parseAnalysisConfig({
        inputs: { primary: "p.json" },
        analysis: { ...KNEE_ANGLES_DTW, pairing: "best" },
        output: { report: "r" },
      }),
    ).toThrow(/expected one of 'in_order', 'all'/);
  });
});

describe("a page of many pairs", () => {
  it("draws the first 200 pair figures and says how many pairs there are", async () => {
    const files = { "p.json": walker(1, 900), "r.json": walker(2, 900) };
    const cfg = strideCfg({ primary: "p.json", reference: "r.json" }, { pairing: "all" });
    const run = await runAnalysis(cfg, io(files));
    const n = run.figures.pairs.length;
    expect(n).toBeGreaterThan(200);
    const html = renderReportHtml(run);
    expect(html.match(/<figure class="pair"/g)).toHaveLength(200);
    expect(text(html)).toContain(`The first 200 of ${n} pairs are drawn`);
  });
});
