import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AnalysisConfigSchema, AnalysisReportSchema } from "./analysis.js";

const minimal = {
  inputs: { primary: "data/a.json", reference: "data/b.json" },
  analysis: { kind: "dtw" },
  output: { report: "out/r.json" },
};

describe("AnalysisConfigSchema", () => {
  it("fills the original's defaults and keeps extensions out unless written", () => {
    const c = AnalysisConfigSchema.parse(minimal);
    expect(c).toEqual({
      config_version: 1,
      inputs: { primary: "data/a.json", reference: "data/b.json" },
      preprocessing: { person_index: 0 },
      segmentation: null,
      analysis: {
        kind: "dtw",
        method: "dtw_all",
        align: "none",
        representation: "coords",
        angle_triplets: null,
        joint_i: null,
        joint_j: null,
        nan_policy: "propagate",
      },
      output: { report: "out/r.json" },
    });
  });

  it("accepts the extensions", () => {
    const c = AnalysisConfigSchema.parse({
      inputs: { primary: "a.json", references: ["refs/*.json"] },
      analysis: { kind: "dtw", algorithm: "fastdtw", radius: 2, time_normalize: 101 },
      output: { report: "r.json", html: "r.html" },
    });
    expect(c.analysis).toMatchObject({ algorithm: "fastdtw", radius: 2, time_normalize: 101 });
    expect(c.output.html).toBe("r.html");
  });

  it("rejects unknown keys at every level and enforces the cross-field rules", () => {
    expect(AnalysisConfigSchema.safeParse({ ...minimal, extra: 1 }).success).toBe(false);
    expect(
      AnalysisConfigSchema.safeParse({ ...minimal, analysis: { kind: "dtw", metod: "x" } }).success,
    ).toBe(false);
    expect(AnalysisConfigSchema.safeParse({ ...minimal, inputs: { primary: "a.json" } }).success).toBe(false);
    expect(
      AnalysisConfigSchema.safeParse({ ...minimal, analysis: { kind: "dtw", representation: "angles" } })
        .success,
    ).toBe(false);
    expect(
      AnalysisConfigSchema.safeParse({
        ...minimal,
        analysis: { kind: "dtw", method: "dtw_relation", joint_i: 1 },
      }).success,
    ).toBe(false);
    expect(AnalysisConfigSchema.safeParse({ ...minimal, analysis: { kind: "dtw", radius: 1 } }).success).toBe(
      false,
    );
  });

  it("accepts joints by index or by skeleton name, additively, and keeps them as written", () => {
    const c = AnalysisConfigSchema.parse({
      ...minimal,
      analysis: {
        kind: "dtw",
        representation: "angles",
        angle_triplets: [
          ["left_hip", "left_knee", "left_ankle"],
          [24, "right_knee", 28],
        ],
        joint_i: "lhee",
        joint_j: 41,
      },
    });
    expect(c.analysis).toMatchObject({
      angle_triplets: [
        ["left_hip", "left_knee", "left_ankle"],
        [24, "right_knee", 28],
      ],
      joint_i: "lhee",
      joint_j: 41,
    });
    const bad = (joint_i: unknown) =>
      AnalysisConfigSchema.safeParse({ ...minimal, analysis: { kind: "dtw", joint_i } }).error?.issues[0];
    expect(bad(-1)).toMatchObject({ code: "too_small", path: ["analysis", "joint_i"] });
    expect(bad("")).toMatchObject({ code: "too_small", origin: "string" });
    expect(bad(1.5)).toMatchObject({ code: "invalid_union" });
    expect(bad(true)?.message).toBe("expected a joint index (integer >= 0) or a joint name");
  });

  it("converts to JSON Schema", () => {
    const js = z.toJSONSchema(AnalysisConfigSchema, { unrepresentable: "any", io: "input" }) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(js.properties)).toEqual([
      "config_version",
      "inputs",
      "preprocessing",
      "segmentation",
      "analysis",
      "output",
      "checks",
    ]);
  });
});

describe("AnalysisReportSchema", () => {
  const report = {
    schema_version: 2,
    config: AnalysisConfigSchema.parse(minimal),
    provenance: null,
    primary: { path: "data/a.json", frame_count: 10, fps: 30, provenance: null },
    reference: { path: "data/b.json", frame_count: 12, fps: 30, provenance: null },
    segmentations: {},
    results: {
      kind: "dtw",
      method: "dtw_all",
      distances: ["NaN"],
      paths: [
        [
          [0, 0],
          [1, 1],
        ],
      ],
      per_joint_distances: null,
      segment_labels: ["full_trial"],
      summary: { mean: "NaN", p50: "NaN", p95: "NaN", p99: "NaN" },
    },
  };

  it("reads the original's report shape (non-finite numbers as strings)", () => {
    const r = AnalysisReportSchema.parse(report);
    expect(r.results.kind).toBe("dtw");
    if (r.results.kind === "dtw") expect(Number.isNaN(r.results.distances[0])).toBe(true);
  });

  it("records the indices joint names resolved to (resolved_joints, optional)", () => {
    const resolved_joints = {
      inputs: { "data/a.json": "blazepose_33", "data/b.json": "blazepose_33" },
      analysis: { angle_triplets: [[23, 25, 27]] },
    };
    expect(AnalysisReportSchema.parse({ ...report, resolved_joints }).resolved_joints).toEqual(
      resolved_joints,
    );
    const names = { ...resolved_joints, analysis: { angle_triplets: [["left_hip", 25, 27]] } };
    expect(AnalysisReportSchema.safeParse({ ...report, resolved_joints: names }).success).toBe(false);
  });

  it("rejects unknown result kinds and keys", () => {
    expect(AnalysisReportSchema.safeParse({ ...report, results: { kind: "magic" } }).success).toBe(false);
    expect(AnalysisReportSchema.safeParse({ ...report, surprise: true }).success).toBe(false);
  });
});
