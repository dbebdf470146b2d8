import { z } from "zod";
import { count, float, nonNegative } from "./_numbers.js";

/** A joint, by index into the skeleton (as in the original) or by name (resolved against the skeleton). */
const JointRef = z
  .union([z.int({ error: "expected integer" }).gte(0, { error: "must be >= 0" }), z.string().min(1)], {
    error: "expected a joint index (integer >= 0) or a joint name",
  })
  .describe("Joint index into the skeleton (0-based), or a joint name of the skeleton (e.g. 'rhee').");

/** A joint in a pair/triplet: like the original, negative indices are reported by the object-level check. */
const JointRefLoose = z
  .union([z.int({ error: "expected integer" }), z.string().min(1)], {
    error: "expected a joint index (integer >= 0) or a joint name",
  })
  .describe("Joint index into the skeleton (0-based), or a joint name of the skeleton.");

function negative(j: number | string): boolean {
  return typeof j === "number" && j < 0;
}

/** `{kind: "joint_axis", joint, axis 0..2, invert}`: one coordinate of one joint. */
export const JointAxisExtractorSchema = z
  .strictObject({
    kind: z.literal("joint_axis"),
    joint: JointRef,
    axis: z
      .int({ error: "expected integer" })
      .gte(0, { error: "must be >= 0" })
      .lte(2, { error: "must be <= 2" })
      .describe("Spatial axis: 0 = x, 1 = y, 2 = z."),
    invert: z.boolean().default(false).describe("Negate the signal so valleys become peaks."),
  })
  .describe("Signal = one coordinate of one joint.");

/** `{kind: "joint_pair_distance", joints: [a, b]}` (distinct): distance between two joints. */
export const JointPairDistanceExtractorSchema = z
  .strictObject({
    kind: z.literal("joint_pair_distance"),
    joints: z.tuple([JointRefLoose, JointRefLoose]).describe("The two joints (distinct)."),
  })
  .superRefine((v, ctx) => {
    if (v.joints[0] === v.joints[1]) {
      ctx.addIssue({ code: "custom", message: "joint_pair_distance requires two distinct joints" });
    } else if (negative(v.joints[0]) || negative(v.joints[1])) {
      ctx.addIssue({ code: "custom", message: "joint indices must be non-negative" });
    }
  })
  .describe("Signal = Euclidean distance between two joints per frame.");

/** `{kind: "joint_speed", joint}`: frame-to-frame displacement of one joint. */
export const JointSpeedExtractorSchema = z
  .strictObject({ kind: z.literal("joint_speed"), joint: JointRef })
  .describe("Signal = frame-to-frame displacement magnitude of one joint (first frame 0).");

/** `{kind: "joint_angle", triplet: [a, b, c]}`: angle at b, radians. */
export const JointAngleExtractorSchema = z
  .strictObject({
    kind: z.literal("joint_angle"),
    triplet: z
      .tuple([JointRefLoose, JointRefLoose, JointRefLoose])
      .describe("(a, b, c) joints; the angle is measured at b, in radians."),
  })
  .superRefine((v, ctx) => {
    if (v.triplet.some(negative))
      ctx.addIssue({ code: "custom", message: "joint indices must be non-negative" });
  })
  .describe("Signal = angle at joint b formed by (a, b, c), radians in [0, pi].");

/**
 * How a 1-D signal is extracted from a pose sequence, discriminated on `kind`: `joint_axis`,
 * `joint_pair_distance`, `joint_speed`, `joint_angle`. Joints are indices (as in the original) or names.
 */
export const ExtractorSpecSchema = z
  .discriminatedUnion("kind", [
    JointAxisExtractorSchema,
    JointPairDistanceExtractorSchema,
    JointSpeedExtractorSchema,
    JointAngleExtractorSchema,
  ])
  .describe("Signal extractor, discriminated on `kind`.");

export type ExtractorSpec = z.infer<typeof ExtractorSpecSchema>;
export type ExtractorSpecInput = z.input<typeof ExtractorSpecSchema>;

/**
 * Segmentation methods: `valley_to_valley_v1` (the original NeuroPose's, the default) and `stride_zeni_v1`
 * (gait strides from heel strike to heel strike, see @neuropose/segment).
 */
export const SEGMENTATION_METHODS = ["valley_to_valley_v1", "stride_zeni_v1"] as const;
export type SegmentationMethod = (typeof SEGMENTATION_METHODS)[number];

/** Parameters of one segmentation pass, stored beside the segments it produced. */
export const SegmentationConfigSchema = z
  .strictObject({
    extractor: ExtractorSpecSchema,
    person_index: count().default(0).describe("Which detected person to extract from each frame."),
    min_distance_seconds: nonNegative()
      .nullable()
      .default(null)
      .describe("Minimum time between successive repetition peaks, seconds."),
    min_prominence: float().nullable().default(null).describe("Minimum scipy-style peak prominence."),
    min_height: float().nullable().default(null).describe("Minimum signal value for a peak."),
    pad_seconds: nonNegative().default(0).describe("Time added to each segment on both sides, seconds."),
    method: z
      .enum(SEGMENTATION_METHODS)
      .default("valley_to_valley_v1")
      .describe(
        "Name and version of the segmentation algorithm: valley_to_valley_v1 (the original's: valley to valley around each peak of the extracted signal) or stride_zeni_v1 (one segment per stride, heel strike to the next heel strike of the same foot, heel strikes by Zeni et al. 2008).",
      ),
  })
  .describe("Parameters of one segmentation pass.");

export type SegmentationConfig = z.infer<typeof SegmentationConfigSchema>;
export type SegmentationConfigInput = z.input<typeof SegmentationConfigSchema>;

/** One repetition window: `start` inclusive, `end` exclusive (> start), `peak` in [start, end). */
export const SegmentSchema = z
  .strictObject({
    start: count().describe("Inclusive start frame index."),
    end: z
      .int({ error: "expected integer" })
      .gt(0, { error: "must be > 0" })
      .describe("Exclusive end frame index."),
    peak: count().describe("Frame index of the repetition's apex."),
  })
  .superRefine((v, ctx) => {
    // Like pydantic's model validator, only check the ordering when every field is valid on its own.
    const ok = (x: unknown, min: number) => Number.isInteger(x) && (x as number) >= min;
    if (!(ok(v.start, 0) && ok(v.end, 1) && ok(v.peak, 0))) return;
    if (v.end <= v.start) {
      ctx.addIssue({ code: "custom", message: `end (${v.end}) must be > start (${v.start})` });
    } else if (!(v.start <= v.peak && v.peak < v.end)) {
      ctx.addIssue({
        code: "custom",
        message: `peak (${v.peak}) must be in [start, end) = [${v.start}, ${v.end})`,
      });
    }
  })
  .describe("A repetition window (frame indices; end exclusive).");

export type Segment = z.infer<typeof SegmentSchema>;

/** A named segmentation: the config that produced it and its segments. */
export const SegmentationSchema = z
  .strictObject({
    config: SegmentationConfigSchema,
    segments: z.array(SegmentSchema).describe("The segments, in order."),
  })
  .describe("Segments and the config that produced them.");

export type Segmentation = z.infer<typeof SegmentationSchema>;
export type SegmentationInput = z.input<typeof SegmentationSchema>;
