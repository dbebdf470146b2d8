// `analysis: {kind: gait}` of the analysis YAML and the gait results of its report (issue 18). An extension of
// the analysis config/report (analysis.ts adds both to its unions): nothing here exists in the original.
// The results carry their own `gait_schema_version` (1); later changes are additive or come with a migration.
// Field names carry their unit (`_s` seconds, `_pct` percent, `_deg` degrees, `_m` metres, `_m_per_s`,
// `_steps_per_min`); `GAIT_UNITS` lists them in words and every report repeats that list.
import { z } from "zod";
import { float } from "./_numbers.js";

const Float = float();
const NFloat = Float.nullable();
const Frame = z.int().gte(0);

/** The version of the gait results' layout (`results.gait_schema_version`). */
export const GAIT_RESULTS_VERSION = 1;

/** Units of the gait results, by field-name suffix and by field (written into every report as `results.units`). */
export const GAIT_UNITS: Readonly<Record<string, string>> = Object.freeze({
  _s: "seconds",
  _pct: "percent (of the stride for stance/swing/double support; of the gait cycle for *_pct positions)",
  _deg: "degrees (sagittal joint angles: flexion / dorsiflexion positive)",
  _m: "metres (only with a scale: subject height or leg length given, or metric 3D)",
  _m_per_s: "metres per second (only with a scale)",
  _steps_per_min: "steps per minute",
  frame: "frame index of the input file (0-based)",
  cv_pct: "coefficient of variation = 100 · SD / |mean|, percent",
  symmetry_index_pct: "100 · (left − right) / (½ (left + right)), percent; > 0 when left is larger",
  ratio: "left / right, no unit",
  confidence: "0..1, no unit",
});

const Side = z.enum(["left", "right"]);
const Axis = z.enum(["x", "y", "z"]);
const Metres = (what: string, max: number) =>
  z
    .number()
    .gt(0)
    .lte(max)
    .describe(`${what}, metres (sets the spatial scale: stride length and speed are reported)`);
const Subject = z.strictObject({
  height: Metres("Subject's height (stature)", 3).optional(),
  leg_length: Metres("Subject's leg length (hip joint centre → knee → ankle joint centre)", 2).optional(),
});

/**
 * `analysis: {kind: gait}`: clinical gait measures of the primary (and of each reference, compared with it).
 * `height` / `leg_length` apply to every input; `subjects` gives them per input (keys: the input paths as
 * written in `inputs`). Without either, stride length and speed are null unless `model_scale: true` (the pose
 * model's own metric estimate, stated as such).
 */
export const GaitAnalysisConfigSchema = z
  .strictObject({
    kind: z.literal("gait"),
    method: z
      .enum(["zeni", "velocity"])
      .default("zeni")
      .describe(
        "Gait event detection: zeni (heel/toe extremes along the walking direction, Zeni 2008) or velocity (foot vertical velocity).",
      ),
    height: Subject.shape.height,
    leg_length: Subject.shape.leg_length,
    subjects: z
      .record(z.string().min(1), Subject)
      .optional()
      .describe("Per input (path as written in inputs): height and/or leg_length, metres."),
    model_scale: z
      .boolean()
      .default(false)
      .describe(
        "Without height or leg_length, report stride length and speed in the pose model's own metric scale (BlazePose and MeTRAbs estimate it from an average body; the assumption is stated). Default false: no lengths without the subject's size.",
      ),
    vertical_axis: Axis.optional().describe(
      "Vertical axis of the pose coordinates ('up' along it is found from the data). Absent: each input's declared " +
        "vertical (metadata.poses3d_up, else y down for the 'camera' and 'hip_centered' frames); an input in a " +
        "'world' frame that declares none is refused.",
    ),
    min_strides: z
      .int()
      .gte(2)
      .default(3)
      .describe(
        "Fewest strides per side for cadence and variability: with fewer, that side's SD and CV are null and a warning says so.",
      ),
    min_strike_confidence: z
      .number()
      .gte(0)
      .lte(1)
      .default(0.5)
      .describe("Heel strikes below this confidence (0..1) are listed as warnings."),
    min_cycle_seconds: z.number().gt(0).default(0.4).describe("Shortest stride, seconds."),
    max_cycle_seconds: z
      .number()
      .gt(0)
      .default(2.5)
      .describe("Longest stride inside a walking bout, seconds."),
    min_curve_confidence: z
      .number()
      .gte(0)
      .lte(1)
      .default(0)
      .describe("Strides below this confidence (0..1) are left out of the gait curves."),
  })
  .superRefine((v, ctx) => {
    if (v.min_cycle_seconds >= v.max_cycle_seconds) {
      ctx.addIssue({
        code: "custom",
        message: "min_cycle_seconds must be below max_cycle_seconds",
        path: [],
        params: { pydantic: "value_error" },
      });
    }
  });

/** A parsed `analysis: {kind: gait}` block. */
export type GaitAnalysisConfig = z.infer<typeof GaitAnalysisConfigSchema>;

const Stat = z
  .strictObject({ mean: NFloat, sd: NFloat, cv_pct: NFloat, n: z.int().gte(0) })
  .describe(
    "Mean, sample SD (n − 1) and CV (%) over strides, in the field's unit; null where not computable.",
  );
const Asymmetry = z.strictObject({ symmetry_index_pct: NFloat, ratio: NFloat });
const SideParameters = z.strictObject({
  strides: z.int().gte(0),
  stride_time_s: Stat,
  step_time_s: Stat,
  stance_pct: Stat,
  swing_pct: Stat,
  double_support_pct: Stat,
  stride_length_m: Stat,
  step_length_m: Stat,
  speed_m_per_s: Stat,
  cadence_steps_per_min: NFloat.describe("60 / mean step time of this foot."),
});
/** The per-side spatiotemporal parameters (each a Stat); all but speed also get a left/right asymmetry. */
export const GAIT_SIDE_PARAMETERS = [
  "stride_time_s",
  "step_time_s",
  "stance_pct",
  "swing_pct",
  "double_support_pct",
  "stride_length_m",
  "step_length_m",
  "speed_m_per_s",
] as const;
const ASYMMETRY_FIELDS = GAIT_SIDE_PARAMETERS.slice(0, 7);
const ParameterSet = z.strictObject({
  cadence_steps_per_min: NFloat.describe("All steps of the walking bouts over their duration."),
  steps: z.int().gte(0),
  walking_s: Float,
  left: SideParameters,
  right: SideParameters,
  asymmetry: z.strictObject(Object.fromEntries(ASYMMETRY_FIELDS.map((k) => [k, Asymmetry]))),
});
const Event = z.strictObject({
  frame: Frame,
  time_s: Float,
  side: Side.describe("The foot, by alternation within the walking bout."),
  label_side: Side.describe("The foot the pose model's labels say."),
  bout: z.int().gte(-1).describe("Walking bout index; −1 outside every bout."),
  confidence: Float,
});
const Peak = z.strictObject({ value_deg: Float, pct: Float }).nullable();
const Curve = z.strictObject({
  joint: z.enum(["hip", "knee", "ankle"]),
  side: Side,
  strides: z.int().gte(0),
  mean_deg: z
    .array(NFloat)
    .describe("Mean angle at 0, 1, …, 100 % of the gait cycle (heel strike to heel strike)."),
  sd_deg: z.array(NFloat).describe("SD (n − 1) over strides at each percent."),
  rom_deg: NFloat.describe("Range of motion of the mean curve."),
  rom_per_stride_deg: z.strictObject({ mean: NFloat, sd: NFloat }),
  max: Peak,
  min: Peak,
  loading_max: Peak.describe("Largest value in 0–25 % of the cycle (knee: loading-response flexion)."),
  swing_max: Peak.describe("Largest value from toe off to 100 % (knee: peak swing flexion)."),
  toe_off_pct: NFloat,
});
const StrideRecord = z.strictObject({
  side: Side,
  bout: z.int(),
  start_frame: Frame,
  end_frame: Frame,
  toe_off_frame: Frame.nullable(),
  stride_time_s: Float,
  step_time_s: NFloat,
  stance_pct: NFloat,
  swing_pct: NFloat,
  double_support_pct: NFloat,
  stride_length_m: NFloat,
  step_length_m: NFloat,
  speed_m_per_s: NFloat,
  confidence: Float,
});

const GaitWarning = z.strictObject({
  code: z
    .string()
    .describe(
      "Stable code: W_GAIT_FEW_STRIDES, W_GAIT_LOW_CONFIDENCE_STRIKE, W_GAIT_LOW_CONFIDENCE_STRIKES_MORE, W_GAIT_UP_MISMATCH.",
    ),
  message: z.string(),
  side: Side.nullable(),
  frame: Frame.nullable().describe("The event's frame (of the input file), null for a whole side."),
  time_s: NFloat,
  value: Float.describe("The measured value (strides, confidence, count, fraction)."),
  threshold: Float,
});

/** The gait measures of one input. */
const GaitTrial = z.strictObject({
  role: z.enum(["primary", "reference"]),
  path: z.string(),
  fps: Float,
  /** [start, end) frames of the input file that were analysed. */
  frames: z.tuple([Frame, Frame]),
  scale: z
    .strictObject({
      source: z.enum(["metric_3d", "leg_length", "height"]),
      length_unit: z.literal("m"),
      assumption: z.string(),
    })
    .nullable()
    .describe("How lengths were scaled to metres, in words; null: no scale (lengths and speed are null)."),
  events: z.strictObject({
    heel_strikes: z.array(Event),
    toe_offs: z.array(Event),
    label_agreement: NFloat.describe("Fraction of heel strikes whose label agrees with the alternation."),
  }),
  bouts: z.array(
    z.strictObject({ index: z.int().gte(0), start_frame: Frame, end_frame: Frame, strikes: z.int().gte(0) }),
  ),
  parameters: z.strictObject({
    overall: ParameterSet,
    bouts: z.array(ParameterSet.extend({ bout: z.int().gte(0), start_frame: Frame, end_frame: Frame })),
  }),
  strides: z.array(StrideRecord),
  curves: z.array(Curve),
  warnings: z
    .array(GaitWarning)
    .optional()
    .describe(
      "What a reader must know before trusting these numbers (few strides, unsure heel strikes), each with a stable code; also in the report's warnings.",
    ),
  vertical: z
    .string()
    .optional()
    .describe("The vertical the measures used and where it came from (declared by the input, or given)."),
});

const PathSchema = z.array(z.tuple([z.int().gte(0), z.int().gte(0)]));
const CurveComparison = z.strictObject({
  joint: z.enum(["hip", "knee", "ankle", "hip_knee_ankle"]),
  side: Side,
  dtw_distance_deg: Float.describe(
    "DTW distance of the mean curves: |difference| summed along the warping path.",
  ),
  dtw_mean_deg: Float.describe("dtw_distance_deg / path length: the mean difference once aligned in time."),
  mean_abs_difference_deg: Float.describe("Mean |difference| at equal % of the cycle (no time warping)."),
  max_abs_difference_deg: Float,
  path: PathSchema.describe("Warping path: [primary %, reference %] pairs."),
});
const ParameterDifference = z.strictObject({
  name: z.string(),
  side: z.enum(["left", "right", "both"]),
  unit: z.string(),
  primary: NFloat,
  reference: NFloat,
  difference: NFloat.describe("primary − reference, in `unit`."),
  percent_difference: NFloat.describe("100 · (primary − reference) / |reference|."),
});
const GaitComparison = z.strictObject({
  reference: z.string(),
  curves: z.array(CurveComparison),
  parameters: z.array(ParameterDifference),
  statements: z.array(z.string()).describe("The differences in plain sentences."),
});

/** `results` of a gait run (kind "gait"): every input's measures and, with references, their comparison. */
export const GaitResultsSchema = z.strictObject({
  kind: z.literal("gait"),
  gait_schema_version: z.literal(GAIT_RESULTS_VERSION),
  method: z.enum(["zeni", "velocity"]),
  units: z.record(z.string(), z.string()),
  conventions: z.record(z.string(), z.string()),
  trials: z.array(GaitTrial),
  comparisons: z.array(GaitComparison).optional(),
  notes: z.array(z.string()).optional(),
});

/** A gait run's results. */
export type GaitResults = z.infer<typeof GaitResultsSchema>;
/** One input's gait measures in a report. */
export type GaitTrialResult = z.infer<typeof GaitTrial>;
/** One reference compared with the primary. */
export type GaitComparisonResult = z.infer<typeof GaitComparison>;
