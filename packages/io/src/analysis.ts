// AnalysisConfig (the YAML of `neuropose-analyze`) and AnalysisReport (what a run writes).
// Owned by the analysis work (issue 4); @neuropose/io re-exports it and registers "analysis_report" migrations.
//
// The config accepts every document the original's pydantic `AnalysisConfig` accepts and dumps to the same
// object (defaults filled in, key order kept). Extensions beyond the original are optional keys that are left
// out of a parsed config when absent, so original configs round-trip unchanged:
//   inputs.references (list of paths/globs), inputs.cohort (list of paths/globs),
//   analysis.algorithm (exact | fastdtw), analysis.radius, analysis.time_normalize, output.html.
// Joints (analysis.angle_triplets, joint_i, joint_j and extractor joints) are written by index, as in the original,
// or by name of the input's skeleton (metadata.skeleton), e.g. [left_hip, left_knee, left_ankle]: names are
// resolved per input file by @neuropose/analysis, and the parsed config keeps them as written.
import { z } from "zod";
import { float } from "./_numbers.js";
import { GaitAnalysisConfigSchema, GaitResultsSchema } from "./gait-analysis.js";
import { ExtractorSpecSchema, SEGMENTATION_METHODS, SegmentationSchema } from "./segmentation.js";

const Float = float();

/**
 * A joint: an index into the skeleton (integer >= 0, as in the original, with the same error types) or a
 * non-empty joint name of the input's skeleton (resolved against metadata.skeleton when the analysis runs).
 */
const JointRef = z
  .union([z.int().gte(0), z.string().min(1)], {
    error: "expected a joint index (integer >= 0) or a joint name",
  })
  .describe(
    "Joint index into the skeleton (0-based), or a joint name of the input's skeleton (e.g. 'left_knee').",
  );

/** Message shared by config rules; `params.pydantic` names the pydantic error type the issue maps to. */
function rule(
  ctx: z.RefinementCtx,
  message: string,
  path: (string | number)[] = [],
  type = "value_error",
): void {
  ctx.addIssue({ code: "custom", message, path, params: { pydantic: type } });
}

const Axis = z.enum(["x", "y", "z"]);
const PositiveSeconds = z.number().gt(0);

/** Gait segmentation method: the original's valley_to_valley_v1, or stride_zeni_v1 (heel strike to heel strike). */
const GaitMethod = z
  .enum(SEGMENTATION_METHODS)
  .describe(
    "valley_to_valley_v1 (default, the original's) or stride_zeni_v1: one segment per stride, heel strike to heel strike of the same foot.",
  );

/** The fields both gait segmentations share, in the original's order (after `kind` and `joint`). */
const gaitCycleFields = {
  axis: Axis.default("y"),
  invert: z.boolean().default(false),
  min_cycle_seconds: PositiveSeconds.default(0.4),
  min_prominence: z.number().nullable().default(null),
  // Extension (absent unless written; valley_to_valley_v1 then, as in the original).
  method: GaitMethod.optional(),
};
const GaitCyclesSegmentation = z.strictObject({
  kind: z.literal("gait_cycles"),
  joint: z.string().min(1).default("rhee"),
  ...gaitCycleFields,
});
const GaitCyclesBilateralSegmentation = z.strictObject({
  kind: z.literal("gait_cycles_bilateral"),
  ...gaitCycleFields,
});
const ExtractorSegmentation = z.strictObject({
  kind: z.literal("extractor"),
  extractor: ExtractorSpecSchema,
  label: z.string().min(1).default("segments"),
  person_index: z.int().gte(0).nullable().default(null),
  min_distance_seconds: z.number().gte(0).nullable().default(null),
  min_prominence: z.number().nullable().default(null),
  min_height: z.number().nullable().default(null),
  pad_seconds: z.number().gte(0).default(0.0),
});
const Segmentation = z.discriminatedUnion("kind", [
  GaitCyclesSegmentation,
  GaitCyclesBilateralSegmentation,
  ExtractorSegmentation,
]);

const DtwMethod = z.enum(["dtw_all", "dtw_per_joint", "dtw_relation"]);
const DtwAlgorithm = z.enum(["exact", "fastdtw"]);

const DtwAnalysis = z
  .strictObject({
    kind: z.literal("dtw"),
    method: DtwMethod.default("dtw_all"),
    align: z.enum(["none", "procrustes_per_frame", "procrustes_per_sequence"]).default("none"),
    representation: z.enum(["coords", "angles"]).default("coords"),
    angle_triplets: z
      .array(z.tuple([JointRef, JointRef, JointRef]))
      .nullable()
      .default(null),
    joint_i: JointRef.nullable().default(null),
    joint_j: JointRef.nullable().default(null),
    nan_policy: z.enum(["propagate", "interpolate", "drop"]).default("propagate"),
    // Extensions (absent from a parsed config unless written):
    /** DTW algorithm: "exact" (the default of this port) or "fastdtw" (the original's, approximate). */
    algorithm: DtwAlgorithm.optional(),
    /** fastdtw radius (default 1, the original's). */
    radius: z.int().gte(0).optional(),
    /**
     * How paired segments of different lengths are handled before alignment: "auto" (default: resample both
     * to the longer length when a Procrustes alignment needs equal frame counts), "never" (fail, as the
     * original did) or a frame count N (resample every segment to N frames, e.g. 101 = 0..100 % of a cycle).
     */
    time_normalize: z.union([z.enum(["auto", "never"]), z.int().gte(2)]).optional(),
    /**
     * How segments are paired (absent = "in_order"): "in_order" pairs segment i of the primary with segment i
     * of the same name in the reference (the original's; extra segments are not compared); "all" compares
     * every primary segment with every reference segment of the same name (e.g. each left stride of the
     * subject with each left stride of the reference), so no segment is left out.
     */
    pairing: z.enum(["in_order", "all"]).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.method === "dtw_relation") {
      if (v.joint_i === null || v.joint_j === null) {
        rule(ctx, "method='dtw_relation' requires joint_i and joint_j");
        return;
      }
      if (v.representation !== "coords") {
        rule(
          ctx,
          "method='dtw_relation' only supports representation='coords' (a two-joint displacement is not a joint-angle signal)",
        );
        return;
      }
    }
    if (v.representation === "angles" && (v.angle_triplets === null || v.angle_triplets.length === 0)) {
      rule(ctx, "representation='angles' requires a non-empty angle_triplets list");
      return;
    }
    if (v.radius !== undefined && v.algorithm !== "fastdtw") {
      rule(ctx, "radius only applies to algorithm='fastdtw'");
    }
  });
/**
 * What to do with frames where the analysed person is missing (no detection, pose flag below the threshold, or
 * every landmark NaN): "repair" trims leading/trailing absence (`trim`), fills gaps up to `max_gap_seconds` by
 * linear interpolation and, for longer gaps, splits the trial (`long_gaps: split`: no cycle spans a gap) or
 * refuses; "refuse" refuses any missing frame. The report states what was done (report.trials[].missing_frames).
 */
const MissingFrames = z.strictObject({
  policy: z.enum(["repair", "refuse"]).default("repair"),
  max_gap_seconds: z.number().gte(0).default(0.5),
  trim: z.boolean().default(true),
  long_gaps: z.enum(["split", "refuse"]).default("split"),
});
/** Plausibility checks: gait cycles outside `stride_seconds` or below `min_confidence` are reported as warnings. */
const Checks = z.strictObject({
  stride_seconds: z.tuple([z.number().gt(0), z.number().gt(0)]).default([0.8, 2.0]),
  min_confidence: z.number().gte(0).lte(1).default(0.5),
});
const StatsAnalysis = z.strictObject({ kind: z.literal("stats"), extractor: ExtractorSpecSchema });
const NoneAnalysis = z.strictObject({ kind: z.literal("none") });
// Extension: `kind: gait` (clinical gait measures, issue 18; gait-analysis.ts).
const Analysis = z.discriminatedUnion("kind", [
  DtwAnalysis,
  StatsAnalysis,
  NoneAnalysis,
  GaitAnalysisConfigSchema,
]);

const Inputs = z
  .strictObject({
    primary: z.string().min(1).optional(),
    reference: z.string().min(1).nullable().default(null),
    // Extensions:
    /** Several reference trials (paths or globs, relative to the YAML file): one distance set per reference. */
    references: z.array(z.string().min(1)).optional(),
    /**
     * Cohort mode (paths or globs): the full pairwise distance matrix of these trials. Replaces primary. One
     * glob may name the whole cohort: the "at least 2 trials" rule is checked on the files the patterns expand
     * to (by @neuropose/analysis's planAnalysis), not on the number of patterns.
     */
    cohort: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.cohort !== undefined) {
      if (v.primary !== undefined || v.reference !== null || v.references !== undefined) {
        rule(ctx, "inputs.cohort replaces inputs.primary / reference / references; set one or the other");
      }
    } else if (v.primary === undefined) {
      rule(ctx, "Field required", ["primary"], "missing");
    }
  });

/**
 * The analysis YAML (`config_version: 1`), as the original's pydantic model plus optional extensions.
 *
 * @example
 * ```ts
 * import { AnalysisConfigSchema } from "@neuropose/io";
 * const cfg = AnalysisConfigSchema.parse({
 *   inputs: { primary: "a.json", reference: "b.json" },
 *   analysis: { kind: "dtw" },
 *   output: { report: "out/report.json" },
 * });
 * cfg.analysis.kind; // "dtw"
 * ```
 */
export const AnalysisConfigSchema = z
  .strictObject({
    config_version: z.literal(1).default(1),
    inputs: Inputs,
    preprocessing: z
      .strictObject({
        person_index: z.int().gte(0).default(0),
        // Extension (absent unless written; the defaults below apply):
        missing_frames: MissingFrames.optional(),
      })
      .default({ person_index: 0 }),
    segmentation: Segmentation.nullable().default(null),
    analysis: Analysis,
    output: z.strictObject({
      report: z.string().min(1),
      /** Extension: also write a self-contained HTML page here. */
      html: z.string().min(1).optional(),
    }),
    // Extension: plausibility checks that add warnings to the report (defaults apply when absent).
    checks: Checks.optional(),
  })
  .superRefine((v, ctx) => {
    const hasRef = v.inputs.reference !== null || (v.inputs.references?.length ?? 0) > 0;
    const cohort = v.inputs.cohort !== undefined;
    if (v.analysis.kind === "dtw" && !hasRef && !cohort) {
      rule(ctx, "analysis.kind='dtw' requires inputs.reference to be set");
    } else if (v.analysis.kind === "stats" && (hasRef || cohort)) {
      rule(
        ctx,
        "analysis.kind='stats' operates on inputs.primary only; remove inputs.reference or switch analysis.kind to 'dtw'",
      );
    } else if (v.analysis.kind !== "dtw" && cohort) {
      rule(ctx, "inputs.cohort needs analysis.kind='dtw'");
    }
  });

/** A parsed analysis config (defaults filled in). */
export type AnalysisConfig = z.infer<typeof AnalysisConfigSchema>;
/** An analysis config as written (before defaults). */
export type AnalysisConfigInput = z.input<typeof AnalysisConfigSchema>;

/** The discriminated-union points of the config, for error locations that name the variant (as pydantic does). */
export const ANALYSIS_CONFIG_UNIONS: readonly (readonly string[])[] = [
  ["segmentation"],
  ["segmentation", "extractor"],
  ["analysis"],
  ["analysis", "extractor"],
];

const Provenance = z.record(z.string(), z.unknown());
const InputSummary = z.strictObject({
  path: z.string(),
  frame_count: z.int().gte(0),
  fps: z.number(),
  provenance: Provenance.nullable(),
});
const Summary = z.union([
  z.strictObject({ mean: Float, p50: Float, p95: Float, p99: Float }),
  z.strictObject({}),
]);
const Path = z.array(z.tuple([z.int(), z.int()]));
const TimeNormalization = z.strictObject({
  label: z.string(),
  primary_frames: z.int(),
  reference_frames: z.int(),
  frames: z.int(),
});
const Comparison = z.strictObject({
  reference: z.string(),
  distances: z.array(Float),
  paths: z.array(Path),
  per_joint_distances: z.array(z.array(Float)).nullable(),
  segment_labels: z.array(z.string()),
  summary: Summary,
  time_normalized: z.array(TimeNormalization),
  segmentations: z.record(z.string(), SegmentationSchema).optional(),
});
const DtwResults = z.strictObject({
  kind: z.literal("dtw"),
  method: DtwMethod,
  distances: z.array(Float),
  paths: z.array(Path),
  per_joint_distances: z.array(z.array(Float)).nullable(),
  segment_labels: z.array(z.string()),
  summary: Summary,
  // Extensions:
  algorithm: DtwAlgorithm.optional(),
  radius: z.int().nullable().optional(),
  time_normalized: z.array(TimeNormalization).optional(),
  comparisons: z.array(Comparison).optional(),
  reference_summary: z
    .strictObject({
      per_reference_mean: z.array(z.strictObject({ reference: z.string(), mean: Float })),
      summary: Summary,
    })
    .optional(),
  notes: z.array(z.string()).optional(),
  /** Extension: what `summary` covers (the first reference only, as the original), to quote the right one. */
  summary_scope: z.string().optional(),
  /** Extension: the summary over all references (= reference_summary.summary). */
  overall_summary: Summary.optional(),
  /** Extension: mean distance between each pair of references (same segments): the range the references span. */
  reference_range: z
    .strictObject({
      pairs: z.array(z.strictObject({ a: z.string(), b: z.string(), mean: Float })),
      min: Float,
      max: Float,
    })
    .optional(),
  /** Extension: the unit of every distance: "rad" (angles), else the poses' unit ("mm" or "m"). */
  distance_unit: z.enum(["rad", "mm", "m"]).optional(),
  /** Extension: clinical names of the compared angles, in the order of angle_triplets ("left knee flexion"). */
  angle_names: z.array(z.string()).optional(),
});
/**
 * Extension: the spread of a cohort's pairwise distances (upper triangle of the matrix): the cohort's own range,
 * against which one trial's distances can be read (quartiles as numpy's linear percentile).
 */
const CohortRange = z.strictObject({
  pairs: z.int(),
  min: Float,
  q1: Float,
  median: Float,
  q3: Float,
  max: Float,
});
const CohortResults = z.strictObject({
  kind: z.literal("cohort"),
  method: DtwMethod,
  algorithm: DtwAlgorithm,
  radius: z.int().nullable(),
  labels: z.array(z.string()),
  matrix: z.array(z.array(Float)),
  summary: Summary,
  notes: z.array(z.string()),
  distance_unit: z.enum(["rad", "mm", "m"]).optional(),
  angle_names: z.array(z.string()).optional(),
  cohort_range: CohortRange.optional(),
});
const StatsResults = z.strictObject({
  kind: z.literal("stats"),
  statistics: z.array(z.strictObject({ mean: Float, std: Float, min: Float, max: Float, range: Float })),
  segment_labels: z.array(z.string()),
  notes: z.array(z.string()).optional(),
});
const NoneResults = z.strictObject({ kind: z.literal("none"), notes: z.array(z.string()).optional() });

const Index = z.int().gte(0);
/**
 * Extension: the joint indices that joint names in the config resolved to (present when the config names a
 * joint). `inputs` maps each input path to the skeleton its names were resolved against; the other keys mirror
 * the config (`analysis.angle_triplets`, `analysis.joint_i` / `joint_j`, `analysis.extractor`,
 * `segmentation.extractor`) with every joint as an index. The report's `config` keeps the names as written.
 */
const ResolvedJoints = z.strictObject({
  inputs: z.record(z.string(), z.string()),
  analysis: z
    .strictObject({
      angle_triplets: z.array(z.tuple([Index, Index, Index])).optional(),
      joint_i: Index.optional(),
      joint_j: Index.optional(),
      extractor: ExtractorSpecSchema.optional(),
    })
    .optional(),
  segmentation: z.strictObject({ extractor: ExtractorSpecSchema }).optional(),
});

const Range = z.tuple([z.int(), z.int()]);
const TrialRecord = z.strictObject({
  role: z.string(),
  path: z.string(),
  unit: z.enum(["m", "mm"]),
  missing_frames: z.strictObject({
    path: z.string(),
    frames: z.int(),
    absent_frames: z.int(),
    trimmed_start: z.int(),
    trimmed_end: z.int(),
    interpolated: z.array(Range),
    long_gaps: z.array(Range),
    parts: z.array(Range),
    unit_converted_from: z.enum(["m", "mm"]).nullable(),
  }),
  /**
   * Per segmentation, each cycle's duration (s) and confidence (0..1) = segmentation_score × keypoint_score
   * (extension, optional for reports written before: the segmentation signal's regularity/prominence, and the
   * mean visibility × presence of the joints used in the cycle, interpolated frames counting 0).
   */
  cycles: z.record(
    z.string(),
    z.strictObject({
      seconds: z.array(Float),
      confidence: z.array(Float),
      segmentation_score: z.array(Float).optional(),
      keypoint_score: z.array(Float).optional(),
    }),
  ),
});

/**
 * The report of one analysis run (`schema_version` 2, as the original's). Extensions: `references`,
 * `cohort`, `resolved_joints` (the indices joint names resolved to), `analysis_provenance` (resolved config,
 * input hashes, versions) and optional result fields.
 *
 * @example
 * ```ts
 * import { AnalysisReportSchema } from "@neuropose/io";
 * const ok = AnalysisReportSchema.safeParse({ schema_version: 2 }).success; // false: fields missing
 * ```
 */
export const AnalysisReportSchema = z.strictObject({
  schema_version: z.literal(2),
  config: z.record(z.string(), z.unknown()),
  provenance: Provenance.nullable(),
  primary: InputSummary.nullable(),
  reference: InputSummary.nullable(),
  segmentations: z.record(z.string(), SegmentationSchema),
  results: z.discriminatedUnion("kind", [
    DtwResults,
    CohortResults,
    StatsResults,
    NoneResults,
    GaitResultsSchema,
  ]),
  // Extensions:
  references: z.array(InputSummary).optional(),
  cohort: z.array(InputSummary).optional(),
  resolved_joints: ResolvedJoints.optional(),
  /**
   * Extension: per input, what its preparation did (missing frames trimmed / interpolated / split, unit
   * converted) and each gait cycle's duration (s) and confidence (0..1), per segmentation.
   */
  trials: z.array(TrialRecord).optional(),
  /** Extension: warnings for the reader (implausible stride durations, low-confidence cycles). */
  warnings: z.array(z.string()).optional(),
  analysis_provenance: z
    .strictObject({
      tool: z.string(),
      version: z.string(),
      node_version: z.string(),
      config_path: z.string().nullable(),
      config_sha256: z.string().nullable(),
      resolved_config: z.record(z.string(), z.unknown()),
      inputs: z.array(
        z.strictObject({ role: z.string(), path: z.string(), sha256: z.string(), bytes: z.int() }),
      ),
    })
    .optional(),
});

/** A report of one analysis run. */
export type AnalysisReport = z.infer<typeof AnalysisReportSchema>;
