import { AnalysisReportSchema, parseJson, stringifyJson, validateDocument } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { virtualIo as io, KNEE_ANGLES_DTW } from "./_testing.js";
import { parseAnalysisConfig } from "./config.js";
import { planAnalysis } from "./plan.js";
import { runAnalysis } from "./run.js";
import { synthesizeGaitPredictions } from "./synthesize.js";

type Files = Record<string, unknown>;

const FILES: Files = {
  "a.json": synthesizeGaitPredictions({ seed: 1, frames: 90, cadence: 110 }),
  "b.json": synthesizeGaitPredictions({ seed: 2, frames: 90, cadence: 110, amplitude: 0.95 }),
  "slow.json": synthesizeGaitPredictions({ seed: 3, frames: 90, cadence: 92, amplitude: 0.8 }),
  "refs/r1.json": synthesizeGaitPredictions({ seed: 4, frames: 90, cadence: 106 }),
  "refs/r2.json": synthesizeGaitPredictions({ seed: 5, frames: 90, cadence: 114 }),
};

function validJson(report: unknown): unknown {
  const text = stringifyJson(report);
  expect(text).not.toMatch(/\bNaN\b(?!")|(?<!")-?Infinity\b(?!")/);
  return JSON.parse(text);
}

describe("synthesizeGaitPredictions", () => {
  it("is deterministic and shaped like VideoPredictions", () => {
    const a = synthesizeGaitPredictions({ seed: 7, frames: 30 });
    const b = synthesizeGaitPredictions({ seed: 7, frames: 30 });
    const c = synthesizeGaitPredictions({ seed: 8, frames: 30 });
    expect(stringifyJson(a)).toBe(stringifyJson(b));
    expect(stringifyJson(a)).not.toBe(stringifyJson(c));
    expect(Object.keys(a.frames)).toHaveLength(30);
    expect(a.frames.frame_000000.poses3d[0]).toHaveLength(43);
    const bp = synthesizeGaitPredictions({ skeleton: "blazepose_33", frames: 5 });
    expect(bp.frames.frame_000004.poses3d[0]).toHaveLength(33);
    // Valid current-version VideoPredictions (no migration needed).
    expect(validateDocument("video_predictions", a).metadata.skeleton).toBe("berkeley_mhad_43");
    expect(validateDocument("video_predictions", bp).metadata.poses3d_unit).toBe("m");
  });

  it("walks at the requested cadence (heel strikes found by gait segmentation)", async () => {
    const files = { "t.json": synthesizeGaitPredictions({ seed: 1, frames: 300, fps: 30, cadence: 120 }) };
    const config = parseAnalysisConfig({
      inputs: { primary: "t.json" },
      segmentation: { kind: "gait_cycles", joint: "rhee" },
      analysis: { kind: "none" },
      output: { report: "r.json" },
    });
    const { report } = await runAnalysis(config, io(files));
    const segs = report.segmentations.rhee_cycles.segments;
    // 120 steps/min = 1 stride/s: 10 s of walking has ~9-10 complete cycles of ~30 frames.
    expect(segs.length).toBeGreaterThanOrEqual(8);
    const lengths = segs.slice(1, -1).map((s) => s.end - s.start);
    for (const l of lengths) expect(Math.abs(l - 30)).toBeLessThanOrEqual(3);
  });
});

describe("runAnalysis", () => {
  it("dtw on full trials: exact DTW by default, a valid report", async () => {
    const config = parseAnalysisConfig({
      inputs: { primary: "a.json", reference: "b.json" },
      analysis: { kind: "dtw" },
      output: { report: "r.json" },
    });
    const { report } = await runAnalysis(config, io(FILES));
    const json = validJson(report) as {
      results: { algorithm: string; distances: number[]; segment_labels: string[] };
    };
    expect(json.results.algorithm).toBe("exact");
    expect(json.results.segment_labels).toEqual(["full_trial"]);
    expect(json.results.distances[0]).toBeGreaterThan(0);
    expect(AnalysisReportSchema.safeParse(parseJson(stringifyJson(report))).success).toBe(true);
    const prov = report.analysis_provenance;
    expect(prov?.inputs.map((i) => [i.role, i.path])).toEqual([
      ["primary", "a.json"],
      ["reference", "b.json"],
    ]);
    expect(prov?.inputs[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(
      (prov?.resolved_config as { analysis?: { algorithm: string } } | undefined)?.analysis?.algorithm,
    ).toBe("exact");
  });

  it("fastdtw is never below exact DTW on the same pair", async () => {
    const base = { inputs: { primary: "a.json", reference: "slow.json" }, output: { report: "r.json" } };
    const exact = await runAnalysis(parseAnalysisConfig({ ...base, analysis: { kind: "dtw" } }), io(FILES));
    const fast = await runAnalysis(
      parseAnalysisConfig({ ...base, analysis: { kind: "dtw", algorithm: "fastdtw" } }),
      io(FILES),
    );
    const de = (exact.report.results as { distances: number[] }).distances[0] as number;
    const df = (fast.report.results as { distances: number[] }).distances[0] as number;
    expect(df).toBeGreaterThanOrEqual(de * (1 - 1e-12));
  });

  it("cycles of different lengths are time-normalised before Procrustes (and refused with time_normalize: never)", async () => {
    const raw = {
      inputs: { primary: "a.json", reference: "slow.json" },
      segmentation: { kind: "gait_cycles_bilateral" },
      analysis: KNEE_ANGLES_DTW,
      output: { report: "r.json" },
    };
    const { report, figures } = await runAnalysis(parseAnalysisConfig(raw), io(FILES));
    const r = report.results as {
      distances: number[];
      time_normalized: { primary_frames: number; reference_frames: number; frames: number }[];
      notes: string[];
    };
    expect(r.distances.length).toBeGreaterThan(0);
    expect(r.time_normalized.length).toBeGreaterThan(0);
    for (const t of r.time_normalized) expect(t.frames).toBe(Math.max(t.primary_frames, t.reference_frames));
    expect(r.notes.join(" ")).toMatch(/time-normalised/);
    expect(figures.pairs).toHaveLength(r.distances.length);
    const strict = parseAnalysisConfig({ ...raw, analysis: { ...raw.analysis, time_normalize: "never" } });
    await expect(runAnalysis(strict, io(FILES))).rejects.toThrow(/frame/);
    const fixed = parseAnalysisConfig({ ...raw, analysis: { ...raw.analysis, time_normalize: 101 } });
    const f = (await runAnalysis(fixed, io(FILES))).report.results as {
      time_normalized: { frames: number }[];
    };
    expect(f.time_normalized.every((t) => t.frames === 101)).toBe(true);
  });

  it("several references (globs) give one distance set per reference and a summary", async () => {
    const config = parseAnalysisConfig({
      inputs: { primary: "a.json", references: ["refs/*.json"] },
      analysis: { kind: "dtw" },
      output: { report: "r.json" },
    });
    const { report } = await runAnalysis(config, io(FILES));
    const r = report.results as {
      comparisons: { reference: string; distances: number[] }[];
      reference_summary: {
        per_reference_mean: { reference: string; mean: number }[];
        summary: { mean: number };
      };
    };
    expect(r.comparisons.map((c) => c.reference)).toEqual(["refs/r1.json", "refs/r2.json"]);
    expect(r.reference_summary.per_reference_mean).toHaveLength(2);
    const m = r.reference_summary.per_reference_mean.map((x) => x.mean);
    expect(r.reference_summary.summary.mean).toBeCloseTo((m[0]! + m[1]!) / 2, 9);
    expect(report.references?.map((x) => x.path)).toEqual(["refs/r1.json", "refs/r2.json"]);
    expect((report.config as { inputs: { references: string[] } }).inputs.references).toEqual([
      "refs/r1.json",
      "refs/r2.json",
    ]);
  });

  it("an unmatched glob is a user error", async () => {
    const config = parseAnalysisConfig({
      inputs: { primary: "a.json", references: ["nothing/*.json"] },
      analysis: { kind: "dtw" },
      output: { report: "r.json" },
    });
    await expect(runAnalysis(config, io(FILES))).rejects.toMatchObject({
      code: "E_INPUT_GLOB",
      kind: "user",
    });
  });

  it("cohort mode writes the full pairwise matrix (symmetric, zero diagonal)", async () => {
    const config = parseAnalysisConfig({
      inputs: { cohort: ["*.json", "refs/*.json"] },
      analysis: { kind: "dtw" },
      output: { report: "r.json" },
    });
    const { report } = await runAnalysis(config, io(FILES));
    const r = report.results as { kind: string; labels: string[]; matrix: number[][] };
    expect(r.kind).toBe("cohort");
    expect(r.labels).toEqual(["a.json", "b.json", "slow.json", "refs/r1.json", "refs/r2.json"]);
    expect(r.matrix).toHaveLength(5);
    for (let i = 0; i < 5; i++) {
      expect(r.matrix[i]![i]).toBe(0);
      for (let j = 0; j < 5; j++) expect(r.matrix[i]![j]).toBeCloseTo(r.matrix[j]![i]!, 6);
    }
    // Cohort entries agree with one-pair runs.
    const pair = await runAnalysis(
      parseAnalysisConfig({
        inputs: { primary: "a.json", reference: "b.json" },
        analysis: { kind: "dtw" },
        output: { report: "r" },
      }),
      io(FILES),
    );
    expect(r.matrix[0]![1]).toBeCloseTo((pair.report.results as { distances: number[] }).distances[0]!, 6);
  });

  it("a cohort given as one glob counts the files it matches, not the patterns (issue 9, item 12)", async () => {
    const one = (cohort: string[]) =>
      parseAnalysisConfig({ inputs: { cohort }, analysis: { kind: "dtw" }, output: { report: "r.json" } });
    const { report } = await runAnalysis(one(["refs/*.json"]), io(FILES));
    expect((report.results as { labels: string[] }).labels).toEqual(["refs/r1.json", "refs/r2.json"]);
    // Fewer than 2 files after expansion: a user error naming the count, before any file is read.
    for (const c of [["refs/r1.json"], ["refs/r1*.json"]]) {
      await expect(runAnalysis(one(c), io(FILES))).rejects.toMatchObject({
        code: "E_INPUT_GLOB",
        kind: "user",
        message: expect.stringMatching(
          /names 1 trial after expanding its patterns; a cohort needs at least 2/,
        ),
      });
    }
    expect(() => one([])).toThrow(/at least 1/);
  });

  it("cohort mode with segmentation compares every cycle of every trial (Procrustes: pair by pair)", async () => {
    const config = parseAnalysisConfig({
      inputs: { cohort: ["a.json", "slow.json"] },
      segmentation: { kind: "gait_cycles" },
      analysis: { kind: "dtw", align: "procrustes_per_sequence" },
      output: { report: "r.json" },
    });
    const { report } = await runAnalysis(config, io(FILES));
    const r = report.results as { labels: string[]; matrix: number[][]; notes: string[] };
    expect(r.labels.length).toBeGreaterThanOrEqual(4);
    expect(r.labels[0]).toBe("a.json:rhee_cycles[0]");
    expect(r.labels.some((l) => l.startsWith("slow.json:rhee_cycles["))).toBe(true);
    expect(r.matrix).toHaveLength(r.labels.length);
    expect(r.notes.join(" ")).toMatch(/time-normalised/);
  });

  it("person_index reaches segmentation and DTW", async () => {
    const files = {
      "two.json": synthesizeGaitPredictions({ seed: 9, frames: 90, people: 2 }),
      "one.json": synthesizeGaitPredictions({ seed: 9, frames: 90, people: 1 }),
    };
    const cfg = (person: number) =>
      parseAnalysisConfig({
        inputs: { primary: "two.json", reference: "one.json" },
        preprocessing: { person_index: person },
        segmentation: { kind: "gait_cycles" },
        analysis: { kind: "dtw", align: "procrustes_per_sequence" },
        output: { report: "r.json" },
      });
    const p0 = await runAnalysis(cfg(0), io(files));
    expect(p0.report.segmentations.rhee_cycles.config.person_index).toBe(0);
    // Person 1 of "two.json" is missing from "one.json": the reference cannot provide it.
    await expect(runAnalysis(cfg(1), io(files))).rejects.toThrow(/person_index=1|person/);
    const solo = await runAnalysis(
      parseAnalysisConfig({
        inputs: { primary: "two.json" },
        preprocessing: { person_index: 1 },
        segmentation: { kind: "gait_cycles" },
        analysis: { kind: "none" },
        output: { report: "r.json" },
      }),
      io(files),
    );
    expect(solo.report.segmentations.rhee_cycles.config.person_index).toBe(1);
    // Person 1 walks with a different phase, so its cycles differ from person 0's.
    expect(solo.report.segmentations.rhee_cycles.segments).not.toEqual(
      p0.report.segmentations.rhee_cycles.segments,
    );
  });

  it("relative inputs resolve against baseDir (the YAML folder), not the working directory", async () => {
    const config = parseAnalysisConfig({
      inputs: { primary: "data/a.json" },
      analysis: { kind: "none" },
      output: { report: "r.json" },
    });
    const plan = await planAnalysis(config, { baseDir: "/studies/exp1" });
    expect(plan.inputs[0]?.absolute).toBe("/studies/exp1/data/a.json");
    const seen: string[] = [];
    await expect(
      runAnalysis(config, {
        configPath: "/studies/exp1/exp.yaml",
        readInput: async (abs) => {
          seen.push(abs);
          throw Object.assign(new Error("absent"), { code: "ENOENT" });
        },
      }),
    ).rejects.toMatchObject({ code: "E_INPUT_MISSING", kind: "user" });
    expect(seen).toEqual(["/studies/exp1/data/a.json"]);
  });

  it("stops with E_ABORTED when the signal fires", async () => {
    const config = parseAnalysisConfig({
      inputs: { primary: "a.json", references: ["refs/*.json"] },
      analysis: { kind: "dtw" },
      output: { report: "r.json" },
    });
    const ac = new AbortController();
    ac.abort();
    await expect(runAnalysis(config, { ...io(FILES), signal: ac.signal })).rejects.toMatchObject({
      code: "E_ABORTED",
    });
  });

  it("stats per cycle", async () => {
    const config = parseAnalysisConfig({
      inputs: { primary: "a.json" },
      segmentation: { kind: "gait_cycles" },
      analysis: { kind: "stats", extractor: { kind: "joint_angle", triplet: [35, 39, 40] } },
      output: { report: "r.json" },
    });
    const { report } = await runAnalysis(config, io(FILES));
    const r = report.results as { statistics: { mean: number; range: number }[]; segment_labels: string[] };
    expect(r.statistics.length).toBe(report.segmentations.rhee_cycles.segments.length);
    expect(r.segment_labels[0]).toBe("rhee_cycles[0]");
    for (const s of r.statistics) {
      expect(s.mean).toBeGreaterThan(1.5); // knee angle near straight (pi) minus flexion, radians
      expect(s.mean).toBeLessThan(Math.PI);
    }
  });
});
