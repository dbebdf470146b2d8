import { AnalysisReportSchema, type GaitResults, stringifyJson, validateDocument } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { walkerPredictions } from "./_gait-testing.js";
import { virtualIo } from "./_testing.js";
import { parseAnalysisConfig, parseAnalysisConfigText } from "./config.js";
import { AnalysisConfigError } from "./errors.js";
import { runAnalysis } from "./run.js";

const subject = walkerPredictions({ strideSeconds: 1.2, stance: { left: 0.64, right: 0.58 }, speed: 1.0 });
const reference = walkerPredictions({ strideSeconds: 1.0, stance: { left: 0.6, right: 0.6 }, speed: 1.3 });
const FILES = { "subject.json": subject.doc, "ref.json": reference.doc };

async function gaitRun(analysis: Record<string, unknown> = {}, inputs: Record<string, unknown> = {}) {
  const config = parseAnalysisConfig({
    inputs: { primary: "subject.json", reference: "ref.json", ...inputs },
    analysis: { kind: "gait", ...analysis },
    output: { report: "r.json", html: "r.html" },
  });
  return runAnalysis(config, virtualIo(FILES));
}

describe("analysis: gait", () => {
  it("config: defaults explicit, height/leg_length/subjects checked, cohort refused", () => {
    const cfg = parseAnalysisConfigText(
      "inputs: {primary: a.json}\nanalysis: {kind: gait, height: 1.72}\noutput: {report: r.json}\n",
    );
    expect(cfg.analysis).toEqual({
      kind: "gait",
      method: "zeni",
      height: 1.72,
      model_scale: false,
      min_strides: 3,
      min_strike_confidence: 0.5,
      min_cycle_seconds: 0.4,
      max_cycle_seconds: 2.5,
      min_curve_confidence: 0,
    });
    const bad = (analysis: string, inputs = "{primary: a.json}") => {
      try {
        parseAnalysisConfigText(`inputs: ${inputs}\nanalysis: ${analysis}\noutput: {report: r.json}\n`, {
          file: "exp.yaml",
        });
      } catch (e) {
        expect(e).toBeInstanceOf(AnalysisConfigError);
        return (e as AnalysisConfigError).issues.map((i) => `${i.loc.join(".")} ${i.type} line ${i.line}`);
      }
      throw new Error("accepted");
    };
    expect(bad("{kind: gait, height: 172}")).toEqual(["analysis.gait.height less_than_equal line 2"]);
    expect(bad("{kind: gait, method: fancy}")).toEqual(["analysis.gait.method literal_error line 2"]);
    expect(bad("{kind: gait, subjects: {a.json: {height: -1}}}")).toEqual([
      "analysis.gait.subjects.a.json.height greater_than line 2",
    ]);
    expect(bad("{kind: gait}", "{cohort: [a.json, b.json]}")).toEqual([" value_error line 1"]);
  });

  it("primary and reference: events, parameters, curves and the comparison, as the walkers were made", async () => {
    const { report } = await gaitRun({
      model_scale: true,
      subjects: { "subject.json": { leg_length: 0.9 } },
    });
    // The report validates against io's schema (what writeAnalysisOutputs writes).
    expect(AnalysisReportSchema.safeParse(report).success).toBe(true);
    validateDocument("analysis_report", JSON.parse(stringifyJson(report)));
    const r = report.results as GaitResults;
    expect(r.kind).toBe("gait");
    expect(r.gait_schema_version).toBe(1);
    expect(r.units._s).toBe("seconds");
    const [p, ref] = r.trials;
    expect(p?.role).toBe("primary");
    expect(ref?.path).toBe("ref.json");
    // Events frame for frame (the file's frame indices), cadence, stance per side.
    // Every true heel strike but within 8 frames of the ends (as @neuropose/gait's own tests).
    const n = subject.doc.metadata.frame_count;
    expect(
      p?.events.heel_strikes.filter((h) => h.frame >= 8 && h.frame < n - 8).map((h) => [h.frame, h.side]),
    ).toEqual(
      subject.truth.heelStrikes.filter((h) => h.frame >= 8 && h.frame < n - 8).map((h) => [h.frame, h.side]),
    );
    const po = p?.parameters.overall;
    expect(po?.cadence_steps_per_min).toBeCloseTo(100, 6);
    expect(po?.left.stance_pct.mean).toBeCloseTo(64, 0);
    expect(po?.right.stance_pct.mean).toBeCloseTo(58, 0);
    expect(po?.left.stride_time_s.mean).toBeCloseTo(1.2, 9);
    expect(po?.left.stride_time_s.sd).toBeCloseTo(0, 9);
    expect(po?.asymmetry.stance_pct.symmetry_index_pct).toBeGreaterThan(5);
    // Scale: the subject's leg length given → metres and the assumption stated; the reference: metric 3D (mm).
    expect(p?.scale?.source).toBe("leg_length");
    expect(p?.scale?.assumption).toMatch(/0\.9 m/);
    expect(ref?.scale?.source).toBe("metric_3d");
    expect(ref?.parameters.overall.left.stride_length_m.mean).toBeCloseTo(1.3, 1);
    expect(ref?.parameters.overall.left.speed_m_per_s.mean).toBeCloseTo(1.3, 1);
    // Curves: 101 points per joint and side, the knee's swing peak after toe off.
    expect(p?.curves).toHaveLength(6);
    const knee = p?.curves.find((c) => c.joint === "knee" && c.side === "left");
    expect(knee?.mean_deg).toHaveLength(101);
    expect(knee?.swing_max?.pct ?? 0).toBeGreaterThan(knee?.toe_off_pct ?? 100);
    // Comparison: cadence 100 vs 120, DTW of every curve in degrees, a path from (0, 0) to (100, 100).
    const c = r.comparisons?.[0];
    const cad = c?.parameters.find((x) => x.name === "cadence_steps_per_min");
    expect(cad?.difference).toBeCloseTo(-20, 6);
    expect(cad?.percent_difference).toBeCloseTo(-100 / 6, 6);
    expect(c?.curves.map((x) => `${x.joint} ${x.side}`)).toEqual([
      "hip left",
      "knee left",
      "ankle left",
      "hip_knee_ankle left",
      "hip right",
      "knee right",
      "ankle right",
      "hip_knee_ankle right",
    ]);
    for (const x of c?.curves ?? []) {
      expect(x.path[0]).toEqual([0, 0]);
      expect(x.path[x.path.length - 1]).toEqual([100, 100]);
      expect(x.dtw_mean_deg).toBeLessThanOrEqual(x.mean_abs_difference_deg + 1e-9);
    }
    expect(c?.statements[0]).toMatch(
      /^Cadence: 100\.0 steps\/min vs 120\.0 steps\/min in the reference \(−20\.0 steps\/min, −16\.7 %\)\.$/,
    );
    expect(
      c?.statements.some((s) => /^Knee \(left\): once the two mean gait cycles are aligned/.test(s)),
    ).toBe(true);
    expect(c?.statements).toContain(
      // 0.64 of a 36-frame stride is 23 frames: 63.9 %.
      "Stance (left): 63.9 % vs 60.0 % of the stride in the reference (+3.9 percentage points, +6.5 %).",
    );
    expect(report.reference?.path).toBe("ref.json");
  });

  it("a trial compared with itself differs by 0 everywhere", async () => {
    const config = parseAnalysisConfig({
      inputs: { primary: "subject.json", reference: "subject.json" },
      analysis: { kind: "gait" },
      output: { report: "r.json" },
    });
    const files = { "subject.json": { ...subject.doc, metadata: { ...subject.doc.metadata } } };
    const { report } = await runAnalysis(config, virtualIo(files));
    const r = report.results as GaitResults;
    expect(r.comparisons?.[0]?.curves.every((c) => c.dtw_distance_deg === 0)).toBe(true);
    // No height, leg length or model_scale: no lengths, and the report says why.
    expect(r.trials[0]?.scale).toBeNull();
    expect(r.trials[0]?.parameters.overall.left.stride_length_m.mean).toBeNull();
    expect(r.conventions.scale).toMatch(/no spatial scale/);
    expect(r.comparisons?.[0]?.statements.at(-1)).toMatch(/^Stride length and speed are not compared/);
    expect(r.comparisons?.[0]?.parameters.every((d) => d.difference === null || d.difference === 0)).toBe(
      true,
    );
  });
});
