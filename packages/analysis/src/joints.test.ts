import { AnalysisReportSchema, getSkeleton, jointIndex, NeuroPoseError, stringifyJson } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { caught } from "../../../config/expect-error.js";
import { closeJointName } from "./_joints.js";
import { virtualIo as io } from "./_testing.js";
import { parseAnalysisConfig, parseAnalysisConfigText } from "./config.js";
import type { AnalysisConfigError } from "./errors.js";
import { runAnalysis } from "./run.js";
import { synthesizeGaitPredictions } from "./synthesize.js";

type Files = Record<string, unknown>;

const BP = (seed: number, cadence: number) =>
  synthesizeGaitPredictions({ seed, frames: 90, cadence, skeleton: "blazepose_33" });
const MHAD = (seed: number, cadence: number) => synthesizeGaitPredictions({ seed, frames: 90, cadence });

const FILES: Files = {
  "bp_a.json": BP(1, 110),
  "bp_b.json": BP(2, 100),
  "bp_c.json": BP(3, 120),
  "mhad_a.json": MHAD(1, 110),
  "mhad_b.json": MHAD(2, 100),
  // A file of the original (schema v1, no metadata.skeleton): migrates to berkeley_mhad_43.
  "v1.json": (() => {
    const d = MHAD(4, 105) as unknown as { metadata: Record<string, unknown> };
    const { skeleton: _s, poses3d_unit: _u, poses3d_frame: _f, ...metadata } = d.metadata;
    return { ...d, schema_version: 1, metadata };
  })(),
};

const TRIPLET_NAMES = [
  ["left_hip", "left_knee", "left_ankle"],
  ["right_hip", "right_knee", "right_ankle"],
] as const;
const bpIdx = (n: string) => jointIndex("blazepose_33", n);
const TRIPLET_INDICES = TRIPLET_NAMES.map((t) => t.map(bpIdx));

function anglesConfig(triplets: unknown, inputs: Record<string, unknown> = {}) {
  return {
    inputs: { primary: "bp_a.json", reference: "bp_b.json", ...inputs },
    analysis: {
      kind: "dtw",
      align: "procrustes_per_sequence",
      representation: "angles",
      angle_triplets: triplets,
    },
    output: { report: "r.json" },
  };
}

function runError(config: unknown, files: Files = FILES): Promise<NeuroPoseError> {
  return caught(NeuroPoseError, () => runAnalysis(parseAnalysisConfig(config), io(files)));
}

describe("joints by name", () => {
  it("the schema accepts names and indices side by side and keeps them as written", () => {
    const c = parseAnalysisConfigText(
      "inputs: {primary: a.json, reference: b.json}\nanalysis: {kind: dtw, representation: angles, angle_triplets: [[left_hip, 25, left_ankle]], method: dtw_relation, joint_i: left_hip, joint_j: 3}\noutput: {report: r.json}\n",
      { set: ["analysis.method=dtw_all"] },
    );
    expect(c.analysis).toMatchObject({
      angle_triplets: [["left_hip", 25, "left_ankle"]],
      joint_i: "left_hip",
      joint_j: 3,
    });
  });

  it("invalid joints keep the original's error types and locations", () => {
    const issues = (yaml: string) => {
      try {
        parseAnalysisConfigText(
          `inputs: {primary: a.json, reference: b.json}\nanalysis: {kind: dtw, ${yaml}}\noutput: {report: r.json}\n`,
        );
      } catch (e) {
        return (e as AnalysisConfigError).issues.map((i) => [i.type, i.loc.join(".")]);
      }
      return [];
    };
    expect(issues("joint_i: -1")).toEqual([["greater_than_equal", "analysis.dtw.joint_i"]]);
    expect(issues("joint_i: 1.5")).toEqual([["int_type", "analysis.dtw.joint_i"]]);
    expect(issues("joint_i: ''")).toEqual([["string_too_short", "analysis.dtw.joint_i"]]);
    expect(issues("representation: angles, angle_triplets: [[1, -2, 3]]")).toEqual([
      ["greater_than_equal", "analysis.dtw.angle_triplets.0.1"],
    ]);
    // Neither an integer nor a name: the same type as before names were accepted.
    expect(issues("representation: angles, angle_triplets: [[1, [2], 3]]")).toEqual([
      ["float_type", "analysis.dtw.angle_triplets.0.1"],
    ]);
    expect(issues("representation: angles, angle_triplets: [[left_hip, left_knee]]")).toEqual([
      ["missing", "analysis.dtw.angle_triplets.0.2"],
    ]);
  });

  it("names and indices give identical results; the report keeps the names and records the indices", async () => {
    const byName = await runAnalysis(parseAnalysisConfig(anglesConfig(TRIPLET_NAMES)), io(FILES));
    const byIndex = await runAnalysis(parseAnalysisConfig(anglesConfig(TRIPLET_INDICES)), io(FILES));
    const rn = byName.report.results as { distances: number[]; paths: unknown };
    const ri = byIndex.report.results as { distances: number[]; paths: unknown };
    expect(rn.distances.length).toBeGreaterThan(0);
    expect(rn.distances).toEqual(ri.distances);
    expect(rn.paths).toEqual(ri.paths);
    expect(TRIPLET_INDICES[0]).toEqual([23, 25, 27]);
    expect((byName.report.config.analysis as { angle_triplets: unknown }).angle_triplets).toEqual(
      TRIPLET_NAMES,
    );
    expect(byName.report.resolved_joints).toEqual({
      inputs: { "bp_a.json": "blazepose_33", "bp_b.json": "blazepose_33" },
      analysis: { angle_triplets: TRIPLET_INDICES },
    });
    // Index-only configs are reported exactly as before (no resolved_joints).
    expect(byIndex.report.resolved_joints).toBeUndefined();
    expect(AnalysisReportSchema.safeParse(JSON.parse(stringifyJson(byName.report))).success).toBe(true);
    // Knee angles are drawn as clinical flexion (0° = straight knee), named as such (issue 10).
    expect(byName.figures.pairs[0]?.signalName).toBe(
      "left knee flexion (0° = straight; 180° − interior angle left_hip–left_knee–left_ankle), degrees",
    );
  });

  it("names resolve per input: v1 files of the original migrate to berkeley_mhad_43", async () => {
    const cfg = (a: unknown, b: unknown) => ({
      inputs: { primary: "v1.json", reference: "mhad_a.json" },
      analysis: { kind: "dtw", method: "dtw_relation", joint_i: a, joint_j: b },
      output: { report: "r.json" },
    });
    const named = await runAnalysis(parseAnalysisConfig(cfg("lhee", "rhee")), io(FILES));
    const indexed = await runAnalysis(
      parseAnalysisConfig(
        cfg(jointIndex("berkeley_mhad_43", "lhee"), jointIndex("berkeley_mhad_43", "rhee")),
      ),
      io(FILES),
    );
    expect((named.report.results as { distances: number[] }).distances).toEqual(
      (indexed.report.results as { distances: number[] }).distances,
    );
    expect(named.report.resolved_joints).toEqual({
      inputs: { "v1.json": "berkeley_mhad_43", "mhad_a.json": "berkeley_mhad_43" },
      analysis: { joint_i: 33, joint_j: 41 },
    });
  });

  it("extractor joints by name: stats and extractor segmentation match their index versions", async () => {
    const cfg = (joint: unknown, triplet: unknown[]) => ({
      inputs: { primary: "bp_a.json" },
      segmentation: {
        kind: "extractor",
        extractor: { kind: "joint_axis", joint, axis: 1 },
        min_distance_seconds: 0.4,
      },
      analysis: { kind: "stats", extractor: { kind: "joint_angle", triplet } },
      output: { report: "r.json" },
    });
    const named = await runAnalysis(
      parseAnalysisConfig(cfg("right_heel", ["right_hip", "right_knee", "right_ankle"])),
      io(FILES),
    );
    const indexed = await runAnalysis(parseAnalysisConfig(cfg(30, [24, 26, 28])), io(FILES));
    const sn = named.report.results as { statistics: unknown[]; segment_labels: string[] };
    expect(sn.segment_labels.length).toBeGreaterThan(1);
    expect(sn).toEqual(indexed.report.results);
    expect(named.report.segmentations.segments?.segments).toEqual(
      indexed.report.segmentations.segments?.segments,
    );
    expect(named.report.resolved_joints).toEqual({
      inputs: { "bp_a.json": "blazepose_33" },
      segmentation: { extractor: { kind: "joint_axis", joint: 30, axis: 1, invert: false } },
      analysis: { extractor: { kind: "joint_angle", triplet: [24, 26, 28] } },
    });
  });

  it("an unknown name is one user error naming the field, the input's skeleton and a close match", async () => {
    const e = await runError(anglesConfig([["left_hip", "left_kne", "left_ankle"]]));
    expect(e.code).toBe("E_JOINT_UNKNOWN");
    expect(e.kind).toBe("user");
    expect(e.oneLine()).toBe(
      "analysis.angle_triplets.0.1: unknown joint 'left_kne' for skeleton blazepose_33 of bp_a.json; did you mean 'left_knee'?",
    );
    expect(e.oneLine()).not.toMatch(/\n/);
  });

  it("with no close match, the error lists the skeleton's joints (and where the name belongs)", async () => {
    const e = await runError({
      inputs: { primary: "bp_a.json", reference: "bp_b.json" },
      analysis: { kind: "dtw", method: "dtw_relation", joint_i: "lhee", joint_j: "nose" },
      output: { report: "r.json" },
    });
    const line = e.oneLine();
    expect(line).toMatch(
      /^analysis\.joint_i: unknown joint 'lhee' for skeleton blazepose_33 of bp_a\.json \('lhee' is a joint of berkeley_mhad_43\) \(hint: valid joints of blazepose_33: nose, left_eye_inner, .*right_foot_index\)$/,
    );
  });

  it("a name valid for the primary but not for a reference fails on that reference", async () => {
    const e = await runError(anglesConfig(TRIPLET_NAMES, { reference: "mhad_a.json" }));
    expect(e.code).toBe("E_JOINT_UNKNOWN");
    expect(e.oneLine()).toMatch(
      /^analysis\.angle_triplets\.0\.0: unknown joint 'left_hip' for skeleton berkeley_mhad_43 of mhad_a\.json/,
    );
  });

  it("inputs of different skeletons where a name resolves differently are refused (says so)", async () => {
    // A joint name both skeletons have, at different indices.
    const shared = getSkeleton("coco_17").joints.find(
      (j) => getSkeleton("blazepose_33").joints.includes(j) && jointIndex("coco_17", j) !== bpIdx(j),
    ) as string;
    expect(shared).toBeDefined();
    // A coco_17 trial: the blazepose_33 joints of the same names (coco's are a subset).
    const bp = BP(9, 100) as unknown as {
      metadata: Record<string, unknown>;
      frames: Record<string, { poses3d: number[][][]; poses2d: number[][][] }>;
    };
    const cocoJoints = getSkeleton("coco_17").joints.map(bpIdx);
    const coco = {
      ...bp,
      metadata: { ...bp.metadata, skeleton: "coco_17" },
      frames: Object.fromEntries(
        Object.entries(bp.frames).map(([k, f]) => [
          k,
          {
            ...f,
            poses3d: f.poses3d.map((p) => cocoJoints.map((j) => p[j] as number[])),
            poses2d: f.poses2d.map((p) => cocoJoints.map((j) => p[j] as number[])),
          },
        ]),
      ),
    };
    const e = await runError(
      {
        inputs: { primary: "bp_a.json", reference: "coco.json" },
        analysis: { kind: "dtw", method: "dtw_relation", joint_i: shared, joint_j: 0 },
        output: { report: "r.json" },
      },
      { ...FILES, "coco.json": coco },
    );
    expect(e.code).toBe("E_JOINT_SKELETON_MISMATCH");
    expect(e.oneLine()).toBe(
      `analysis.joint_i: inputs use different skeletons and joint '${shared}' resolves differently: index ${bpIdx(shared)} in bp_a.json (blazepose_33), ${jointIndex("coco_17", shared)} in coco.json (coco_17) (hint: compare trials of one skeleton, or write joints by index)`,
    );
  });

  it("cohorts resolve every trial", async () => {
    const cohort = (triplets: unknown) =>
      runAnalysis(
        parseAnalysisConfig({
          inputs: { cohort: ["bp_a.json", "bp_b.json", "bp_c.json"] },
          analysis: { kind: "dtw", representation: "angles", angle_triplets: triplets },
          output: { report: "r.json" },
        }),
        io(FILES),
      );
    const r = await cohort(TRIPLET_NAMES);
    const byIndex = await cohort(TRIPLET_INDICES);
    expect((r.report.results as { matrix: number[][] }).matrix).toEqual(
      (byIndex.report.results as { matrix: number[][] }).matrix,
    );
    expect(Object.keys(r.report.resolved_joints?.inputs ?? {})).toEqual([
      "bp_a.json",
      "bp_b.json",
      "bp_c.json",
    ]);
  });

  it("a name for a file whose skeleton is not registered is a user error (write indices)", async () => {
    const odd = BP(5, 100) as unknown as { metadata: Record<string, unknown> };
    const files = { ...FILES, "odd.json": { ...odd, metadata: { ...odd.metadata, skeleton: "my_rig_33" } } };
    const e = await runError(anglesConfig(TRIPLET_NAMES, { reference: "odd.json" }), files);
    expect(e.code).toBe("E_SKELETON_UNKNOWN");
    expect(e.oneLine()).toMatch(
      /^analysis\.angle_triplets\.0\.0: joint name 'left_hip' cannot be resolved: odd\.json has skeleton 'my_rig_33', which is not a registered skeleton/,
    );
  });

  it("closeJointName suggests only close, unambiguous names", () => {
    const bp = getSkeleton("blazepose_33");
    expect(closeJointName("left_kne", bp)).toBe("left_knee");
    expect(closeJointName("Left_Knee", bp)).toBe("left_knee");
    expect(closeJointName("elbow", bp)).toBeUndefined();
  });
});
