// Inputs as real footage produces them (issue 10): missing detections, units, frame order, and the words a reader
// sees (flexion, sides, captions, summary names, notes, percentiles). Each case answered wrongly with exit 0 before.
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
function absent(preds: Preds, ranges: [number, number][], how: "none" | "nan" = "none"): Preds {
  const out = structuredClone(preds);
  const keys = Object.keys(out.frames);
  for (const [s, e] of ranges) {
    for (let f = s; f < e; f++) {
      const fr = out.frames[keys[f] as string] as Frame;
      if (how === "none") out.frames[keys[f] as string] = { boxes: [], poses3d: [], poses2d: [] };
      else fr.poses3d[0] = (fr.poses3d[0] as number[][]).map(() => [Number.NaN, Number.NaN, Number.NaN]);
    }
  }
  return out;
}

const dtwConfig = (extra: Record<string, unknown> = {}) =>
  parseAnalysisConfig({
    inputs: { primary: "p.json", reference: "r.json" },
    segmentation: { kind: "gait_cycles_bilateral", method: "stride_zeni_v1" },
    analysis: KNEE_ANGLES_DTW,
    output: { report: "r" },
    ...extra,
  });

describe("a trial too short for one stride", () => {
  it("says that its segmentation found nothing and nothing of it is compared (not an empty exit 0)", async () => {
    const files = { "p.json": walker(1, 20), "r.json": walker(2) };
    const { report } = await runAnalysis(dtwConfig(), io(files));
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        "p.json: segmentation left_heel_strikes found no cycles in 20 frames: nothing of it is compared",
        "p.json: segmentation right_heel_strikes found no cycles in 20 frames: nothing of it is compared",
      ]),
    );
  });
});

describe("missing detections (a policy, stated in the report)", () => {
  it("a black intro, a short gap, a long gap and a subject who walks out: trimmed, interpolated, split, stated", async () => {
    const p = absent(walker(1, 240), [
      [0, 30], // 1 s black intro
      [80, 84], // 4 frames: interpolated (<= 0.5 s)
      [130, 160], // 1 s: a long gap, the trial is split there
      [220, 240], // walks out
    ]);
    const files = { "p.json": p, "r.json": walker(2) };
    const { report } = await runAnalysis(dtwConfig(), io(files));
    const rec = report.trials?.[0]?.missing_frames;
    expect(rec).toMatchObject({
      frames: 240,
      absent_frames: 84,
      trimmed_start: 30,
      trimmed_end: 20,
      interpolated: [[80, 84]],
      long_gaps: [[130, 160]],
      parts: [
        [30, 130],
        [160, 220],
      ],
    });
    // No cycle spans the long gap, and cycles are in the file's frame indices.
    for (const s of Object.values(report.segmentations))
      for (const g of s.segments) {
        expect(g.start).toBeGreaterThanOrEqual(30);
        expect(g.end <= 130 || g.start >= 160).toBe(true);
      }
    expect((report.results as { notes: string[] }).notes.join(" ")).toMatch(
      /not detected in 84 of 240 frames; 30 leading frame\(s\) \(1\.00 s\) trimmed; 20 trailing .* filled by linear interpolation \(80–83\); split at 1 long gap\(s\) \(130–159\)/,
    );
    expect(AnalysisReportSchema.safeParse(JSON.parse(stringifyJson(report))).success).toBe(true);
    // NaN landmarks count as absent too.
    const nan = await runAnalysis(
      dtwConfig(),
      io({ ...files, "p.json": absent(walker(1, 240), [[0, 30]], "nan") }),
    );
    expect(nan.report.trials?.[0]?.missing_frames.trimmed_start).toBe(30);
  });

  it("refuse is available, and says where", async () => {
    const files = { "p.json": absent(walker(1), [[40, 44]]), "r.json": walker(2) };
    const cfg = dtwConfig({ preprocessing: { missing_frames: { policy: "refuse" } } });
    await expect(runAnalysis(cfg, io(files))).rejects.toMatchObject({
      code: "E_MISSING_FRAMES",
      kind: "user",
      message: expect.stringMatching(/missing in 4 of 150 frames \(first: frames 40–43\)/),
    });
    const long = dtwConfig({
      preprocessing: { missing_frames: { long_gaps: "refuse", max_gap_seconds: 0.1 } },
    });
    await expect(runAnalysis(long, io(files))).rejects.toMatchObject({ code: "E_MISSING_FRAMES" });
  });

  it("nobody detected (all NaN, or no detections) is refused, not an empty ok report", async () => {
    for (const how of ["nan", "none"] as const) {
      const files = { "p.json": absent(walker(1), [[0, 150]], how), "r.json": walker(2) };
      await expect(runAnalysis(dtwConfig(), io(files))).rejects.toMatchObject({
        code: "E_ALL_ABSENT",
        kind: "user",
        message: expect.stringMatching(/p\.json: person 0 is missing in all 150 frames/),
      });
    }
  });
});

describe("units and frame order are checked, not assumed", () => {
  it("a reference in metres beside a primary in millimetres is converted (same distances as all-mm)", async () => {
    const coords = { kind: "dtw", align: "none", representation: "coords" };
    const cfg = parseAnalysisConfig({
      inputs: { primary: "p.json", reference: "r.json" },
      analysis: coords,
      output: { report: "r" },
    });
    const mm = walker(2);
    const m = structuredClone(mm);
    m.metadata.poses3d_unit = "m";
    for (const fr of Object.values(m.frames))
      fr.poses3d = fr.poses3d.map((p) => p.map((v) => v.map((c) => c / 1000)));
    const same = await runAnalysis(cfg, io({ "p.json": walker(1), "r.json": mm }));
    const mixed = await runAnalysis(cfg, io({ "p.json": walker(1), "r.json": m }));
    const d = (r: typeof same) => (r.report.results as { distances: number[] }).distances[0] as number;
    expect(d(mixed)).toBeCloseTo(d(same), 3);
    expect(mixed.report.trials?.[1]).toMatchObject({
      unit: "mm",
      missing_frames: { unit_converted_from: "m" },
    });
    expect((mixed.report.results as { notes: string[] }).notes.join(" ")).toMatch(/converted from m/);
  });

  it("frames are analysed in the order of their index, whatever the key order (and a bare '0' key works)", async () => {
    const p = walker(1);
    const keys = Object.keys(p.frames);
    const shuffled = structuredClone(p);
    shuffled.frames = {};
    const order = keys.map((k, i) => [k, (i * 37) % keys.length] as const).sort((a, b) => a[1] - b[1]);
    for (const [k] of order) shuffled.frames[k] = p.frames[k] as Frame;
    const bare = structuredClone(p);
    bare.frames = {};
    keys.forEach((k, i) => {
      bare.frames[String(i)] = p.frames[k] as Frame;
    });
    const base = await runAnalysis(dtwConfig(), io({ "p.json": p, "r.json": walker(2) }));
    for (const q of [shuffled, bare]) {
      const r = await runAnalysis(dtwConfig(), io({ "p.json": q, "r.json": walker(2) }));
      expect((r.report.results as { distances: number[] }).distances).toEqual(
        (base.report.results as { distances: number[] }).distances,
      );
    }
  });
});

describe("words a reader sees", () => {
  it("knee angles are clinical flexion; right strides are drawn with the right knee; captions name joint, axis, unit", async () => {
    const { figures } = await runAnalysis(dtwConfig(), io({ "p.json": walker(1), "r.json": walker(2) }));
    const left = figures.pairs.find((p) => p.label.startsWith("left_"));
    const right = figures.pairs.find((p) => p.label.startsWith("right_"));
    expect(left?.signalName).toMatch(
      /^left knee flexion \(0° = straight; 180° − interior angle lhipb–lkne–lank\)/,
    );
    expect(right?.signalName).toMatch(/^right knee flexion .*rhipb–rkne–rank/);
    // Flexion of a walking knee: near 0° (straight) to ~60°, not the interior angle's 120–180°.
    const values = left?.a ?? [];
    expect(Math.min(...values)).toBeLessThan(30);
    expect(Math.max(...values)).toBeLessThan(90);
    // The stride method segments on the heel's forward (x) position: said so, with the joint's name and the unit.
    const panel = figures.trials[0]?.panels[0]?.name ?? "";
    expect(panel).toBe("left_heel_strikes: lhee (33) x position, mm");
    // The original's method runs on the configured axis (y), and the caption says y.
    const valley = await runAnalysis(
      parseAnalysisConfig({
        inputs: { primary: "p.json" },
        segmentation: { kind: "gait_cycles", joint: "rhee", axis: "y" },
        analysis: { kind: "none" },
        output: { report: "r" },
      }),
      io({ "p.json": walker(1) }),
    );
    expect(valley.figures.trials[0]?.panels[0]?.name).toBe("rhee_cycles: rhee (41) y position, mm");
  });

  // A primary against two references (the second walks faster), run once for the summary and HTML tests.
  let twoReferencesRun: ReturnType<typeof runAnalysis> | undefined;
  const twoReferences = () => {
    twoReferencesRun ??= runAnalysis(
      parseAnalysisConfig({
        inputs: { primary: "p.json", references: ["a.json", "b.json"] },
        segmentation: { kind: "gait_cycles_bilateral", method: "stride_zeni_v1" },
        analysis: KNEE_ANGLES_DTW,
        output: { report: "r" },
      }),
      io({ "p.json": walker(1), "a.json": walker(2), "b.json": walker(3, 150, { cadence: 118 }) }),
    );
    return twoReferencesRun;
  };

  it("summaries are named: `summary` is the first reference's, overall_summary the one over all references", async () => {
    const { report } = await twoReferences();
    const r = report.results as {
      summary_scope: string;
      summary: { mean: number };
      overall_summary: { mean: number };
      reference_summary: { summary: { mean: number } };
      comparisons: { summary: { mean: number } }[];
      reference_range: { min: number; max: number; pairs: unknown[] };
    };
    expect(r.summary_scope).toMatch(/^summary is the first reference only \(a\.json\); overall_summary/);
    expect(r.summary.mean).toBe(r.comparisons[0]?.summary.mean);
    expect(r.overall_summary).toEqual(r.reference_summary.summary);
    expect(r.overall_summary.mean).not.toBe(r.summary.mean);
    expect(r.reference_range.pairs).toHaveLength(1);
  });

  it("the segment-count note says how many pairs were compared and which segments were left out", async () => {
    // 10 s vs 5 s of walking: more strides on both sides in the primary.
    const files = { "p.json": walker(1, 300), "r.json": walker(2, 150) };
    const { report } = await runAnalysis(dtwConfig(), io(files));
    const r = report.results as { notes: string[]; distances: number[] };
    const note = r.notes.find((n) => /primary segment\(s\) vs/.test(n)) ?? "";
    expect(note).toMatch(new RegExp(`; ${r.distances.length} pair\\(s\\) compared`));
    expect(note).toMatch(/not compared \(primary only\): left_heel_strikes\[\d+\]/);
  });

  it("the HTML opens with a plain summary, gives units, hides tail percentiles of a few values, and shows cycle confidence", async () => {
    const run = await twoReferences();
    const html = renderReportHtml(run);
    const body = html.slice(html.indexOf("<body>"));
    expect(body.indexOf('class="summary"')).toBeLessThan(body.indexOf("<table>"));
    expect(body).toMatch(/The main number is the <b>DTW distance, in degrees<\/b>/);
    expect(body).toMatch(/the range between the references themselves/);
    expect(body).not.toMatch(/<th class="l">p95<\/th>/);
    expect(body).toMatch(/Detected cycles: duration and confidence/);
    expect(body).toMatch(/lower = more similar/);
  });
});
