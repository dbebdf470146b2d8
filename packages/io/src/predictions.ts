import { z } from "zod";
import { count, float, nonNegative, schemaVersion, unitInterval } from "./_numbers.js";
import { SegmentationSchema } from "./segmentation.js";
import { CURRENT_VERSIONS } from "./versions.js";

/**
 * A float field as NeuroPose stores it: a JSON number, NaN / +-Infinity, or the strings "NaN" / "Infinity" /
 * "-Infinity" (how non-finite numbers are written), always parsed to a number. Use it in schemas of documents
 * that may carry non-finite values.
 */
export const FloatSchema = float();

/** Pose output for one video frame. Each outer list has one entry per detected person. */
export const FramePredictionSchema = z
  .strictObject({
    boxes: z
      .array(z.array(float()))
      .describe("Per person: bounding box [x, y, width, height, confidence], pixels (confidence 0..1)."),
    poses3d: z
      .array(z.array(z.array(float())))
      .describe("Per person, per joint: [x, y, z] in metadata.poses3d_unit and metadata.poses3d_frame."),
    poses2d: z.array(z.array(z.array(float()))).describe("Per person, per joint: [x, y] in image pixels."),
    visibility: z
      .array(z.array(unitInterval()))
      .optional()
      .describe(
        "Optional, per person, per joint: probability (0..1) that the joint is visible (not occluded).",
      ),
    presence: z
      .array(z.array(unitInterval()))
      .optional()
      .describe("Optional, per person, per joint: probability (0..1) that the joint is inside the image."),
    person_ids: z
      .array(count())
      .optional()
      .describe("Optional, per person: a track id stable across frames (the same person keeps the same id)."),
    pose_presence: z
      .array(unitInterval())
      .optional()
      .describe(
        "Optional, per person: probability (0..1) that the person is present in this frame (BlazePose's pose " +
          "flag). People below metadata.presence_threshold are absent: not listed in the frame at all.",
      ),
    reprojection_error: z
      .array(z.array(float()))
      .optional()
      .describe(
        "Optional (multi-camera 3D), per person, per joint: root-mean-square reprojection error of the " +
          "triangulated joint over the views used, pixels; NaN where the joint was not triangulated.",
      ),
    views: z
      .array(z.array(count()))
      .optional()
      .describe(
        "Optional (multi-camera 3D), per person, per joint: bit mask of the cameras the joint was triangulated " +
          "from (bit i = metadata.cameras[i]); 0 where fewer than two good views saw it (the joint is NaN).",
      ),
    view_quality: z
      .array(unitInterval())
      .optional()
      .describe(
        "Optional, per person: how far this camera view supports sagittal joint angles, 0..1 (@neuropose/kinematics " +
          "viewQuality: leg and trunk keypoint visibility x presence, times limb foreshortening, times the cosine of " +
          "the body's turn away from a side view). Single-camera poses3d are monocular estimates at any score.",
      ),
  })
  .superRefine((f, ctx) => {
    const persons = f.poses3d.length;
    for (const key of [
      "visibility",
      "presence",
      "person_ids",
      "pose_presence",
      "reprojection_error",
      "views",
      "view_quality",
    ] as const) {
      const v = f[key];
      if (v !== undefined && v.length !== persons) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `has ${v.length} person(s) but poses3d has ${persons}`,
        });
      }
    }
    for (const key of ["visibility", "presence", "reprojection_error", "views"] as const) {
      const v = f[key];
      if (v === undefined || v.length !== persons) continue;
      v.forEach((row, p) => {
        const joints = f.poses3d[p]?.length ?? 0;
        if (row.length !== joints) {
          ctx.addIssue({
            code: "custom",
            path: [key, p],
            message: `has ${row.length} joint(s) but poses3d[${p}] has ${joints}`,
          });
        }
      });
    }
  })
  .describe("Pose output for one frame; outer lists have one entry per detected person.");

export type FramePrediction = z.infer<typeof FramePredictionSchema>;

/** Units of `poses3d`. */
export const Poses3dUnitSchema = z.enum(["mm", "m"]).describe("Unit of poses3d: millimetres or metres.");
/** Coordinate frames of `poses3d`. */
export const Poses3dFrameSchema = z
  .enum(["camera", "hip_centered", "world"])
  .describe(
    "Coordinate frame of poses3d. 'camera': origin at the camera, x right, y down, z forward (away from the " +
      "camera) -- the MeTRAbs frame of the original. 'hip_centered': origin at the midpoint of the hips, axes " +
      "parallel to the camera's (x right, y down, z away) -- BlazePose world landmarks. 'world': the lab frame " +
      "of a camera calibration (its origin and axes), triangulated from several calibrated cameras.",
  );

/** Directions "up" can have in `poses3d` coordinates (`metadata.poses3d_up`). */
export const Poses3dUpSchema = z
  .enum(["+x", "-x", "+y", "-y", "+z", "-z"])
  .describe(
    "Direction of 'up' (against gravity) in poses3d coordinates, e.g. '+z' for a lab frame with z up (Qualisys, " +
      "Pose2Sim). Absent: '-y' for 'camera' and 'hip_centered' (y points down by their definition); unknown for " +
      "'world', whose axes are the calibration's own.",
  );

/** One of {@link Poses3dUpSchema}: "+x" … "-z". */
export type Poses3dUp = z.infer<typeof Poses3dUpSchema>;

/** Facts about the source video (deliberately no file path: it may identify a subject). */
export const VideoMetadataSchema = z
  .strictObject({
    frame_count: count().describe("Number of frames actually processed."),
    fps: nonNegative().describe(
      "Source video frame rate (frames per second); nominal for variable-rate video.",
    ),
    width: count().describe("Frame width in pixels."),
    height: count().describe("Frame height in pixels."),
    skeleton: z
      .string()
      .min(1)
      .describe(
        "Skeleton of poses3d/poses2d (joint order): berkeley_mhad_43, blazepose_33, coco_17, openpose_body_25, " +
          "or another name.",
      ),
    poses3d_unit: Poses3dUnitSchema,
    poses3d_frame: Poses3dFrameSchema,
    poses3d_up: Poses3dUpSchema.optional(),
    poses3d_source: z
      .enum(["monocular_estimate", "triangulated"])
      .optional()
      .describe(
        "Optional: where poses3d come from. 'monocular_estimate': one camera's model estimate (e.g. BlazePose " +
          "world landmarks): depth, scale and left/right lengths are priors of the model, and joint angles change " +
          "with the camera's position (see frames' view_quality); 'triangulated': from several calibrated cameras.",
      ),
    presence_threshold: unitInterval()
      .optional()
      .describe(
        "Optional: the pose-presence probability below which a person was treated as absent in a frame (BlazePose " +
          "also treats a person with fewer than 20% of keypoints inside the frame as absent; absent " +
          "people are not listed in that frame; a frame where nobody is present has empty lists). Every frame of " +
          "the video is listed whether or not anyone is present.",
      ),
    cameras: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Optional (multi-camera 3D): names of the calibrated cameras the poses were triangulated from, in the " +
          "bit order of the frames' views masks; width/height/fps are the first camera's.",
      ),
    timestamps: z
      .array(float())
      .optional()
      .describe(
        "Optional presentation time of each processed frame, seconds from the start of the video (length = " +
          "frame_count). Present for variable-frame-rate video; otherwise frame i is at i / fps.",
      ),
  })
  .superRefine((m, ctx) => {
    if (m.timestamps !== undefined && m.timestamps.length !== m.frame_count) {
      ctx.addIssue({
        code: "custom",
        path: ["timestamps"],
        message: `has ${m.timestamps.length} entries but frame_count is ${m.frame_count}`,
      });
    }
  })
  .describe("Facts about the source video.");

export type VideoMetadata = z.infer<typeof VideoMetadataSchema>;

const optionalString = (d: string) => z.string().nullable().optional().describe(d);

const sha256Hex = (d: string) =>
  z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: "must be a lowercase hex SHA-256 (64 characters)" })
    .describe(d);

/**
 * One model file a run used, in `provenance.models` (optional, added in v3 without a version bump): its role in
 * the pipeline, the hash of the file actually run and, for a converted model, the hash and origin of the file
 * it was converted from and the converter's version.
 */
export const ModelProvenanceSchema = z
  .strictObject({
    role: z
      .string()
      .min(1)
      .describe("Role of the model in the pipeline, e.g. 'detector', 'landmark', or another name ('pose')."),
    name: z.string().min(1).describe("Model name, e.g. 'pose_landmark_full'."),
    filename: z
      .string()
      .min(1)
      .describe(
        "File name of the model that was run, e.g. 'pose_landmark_full.onnx' (a name, never a path).",
      ),
    sha256: sha256Hex("SHA-256 (lowercase hex) of the model file actually run (e.g. the converted ONNX)."),
    source_sha256: sha256Hex(
      "SHA-256 (lowercase hex) of the file the model was converted from (e.g. the .tflite); absent when the " +
        "model was run as shipped.",
    ).optional(),
    source: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Where the source file comes from, e.g. '@mediapipe/pose@0.5.1675469404/pose_landmark_full.tflite' " +
          "(a '#bytes=START-END' suffix, END inclusive, when the model is a byte range of that file).",
      ),
    converter_version: z
      .string()
      .min(1)
      .optional()
      .describe("Version of the converter that produced the model file (e.g. @neuropose/tflite-to-onnx's)."),
  })
  .describe("One model file used by the run.");

export type ModelProvenance = z.infer<typeof ModelProvenanceSchema>;

/**
 * One filter applied to the poses, in `provenance.filters` (optional, added in v3 without a version bump): its
 * name ('butterworth_filtfilt', 'one_euro', ...), what it was applied to, and its parameters as numbers.
 */
export const FilterProvenanceSchema = z
  .looseObject({
    filter: z.string().min(1).describe("Filter name, e.g. 'butterworth_filtfilt' or 'one_euro'."),
    applied_to: z.string().optional().describe("What was filtered, e.g. 'poses3d' or 'poses2d and poses3d'."),
  })
  .describe("A filter applied to the poses, with its parameters (e.g. order, cutoff_hz, fs_hz, max_gap).");

export type FilterProvenance = z.infer<typeof FilterProvenanceSchema>;

/** Reproducibility record of the environment that produced a document. */
export const ProvenanceSchema = z
  .strictObject({
    model_sha256: z
      .string()
      .describe("SHA-256 (lowercase hex) of the model file(s) used, comma-joined when several (see models)."),
    model_filename: z.string().describe("Name of the model file, companion to model_sha256."),
    models: z
      .array(ModelProvenanceSchema)
      .optional()
      .describe(
        "Optional: every model file the run used, one entry each (e.g. BlazePose's detector and landmark " +
          "models). model_sha256 / model_filename stay filled (comma-joined when there are several models) " +
          "for readers of the original format.",
      ),
    runtime: z
      .string()
      .describe(
        "Inference runtime that ran the model, e.g. 'onnxruntime-node' ('tensorflow' for the original).",
      ),
    runtime_version: z.string().describe("Version of that runtime."),
    execution_provider: z
      .string()
      .nullable()
      .describe(
        "Execution provider / device that actually ran the model (e.g. 'cpu', 'cuda', 'coreml', 'webgpu'); " +
          "null when not recorded (files written by the original).",
      ),
    neuropose_version: z.string().describe("NeuroPose version that wrote the document."),
    node_version: optionalString("Node.js version (MAJOR.MINOR.PATCH) of the run."),
    python_version: optionalString("Python version of the run (files from the original)."),
    tensorflow_version: optionalString("TensorFlow version (files from the original)."),
    tensorflow_metal_version: optionalString(
      "tensorflow-metal version, if installed (files from the original).",
    ),
    numpy_version: optionalString("NumPy version (files from the original)."),
    seed: z.int().nullable().default(null).describe("Random seed of the run, if one was set."),
    deterministic: z.boolean().default(false).describe("True if the run used deterministic mode."),
    analysis_config: z
      .record(z.string(), z.unknown())
      .nullable()
      .default(null)
      .describe("The analysis config (YAML as an object) when produced by an analysis run."),
    filters: z
      .array(FilterProvenanceSchema)
      .optional()
      .describe(
        "Optional: every filter applied to the poses, in the order applied, with its parameters; an empty list " +
          "says that the output is the raw model output (absent: not recorded).",
      ),
    multiview: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "Optional (multi-camera 3D): how the views were combined -- calibration file name and SHA-256, per-camera " +
          "source videos and time offsets (frames, and whether estimated or given), association and " +
          "triangulation settings.",
      ),
  })
  .describe("Reproducibility record of the run that produced the document.");

export type Provenance = z.infer<typeof ProvenanceSchema>;
export type ProvenanceInput = z.input<typeof ProvenanceSchema>;

/** Per-frame predictions of one video with its metadata, segmentations and provenance (schema_version 3). */
export const VideoPredictionsSchema = z
  .strictObject({
    schema_version: schemaVersion(CURRENT_VERSIONS.video_predictions),
    metadata: VideoMetadataSchema,
    frames: z
      .record(z.string(), FramePredictionSchema)
      .describe("Frames in order, keyed 'frame_000000', 'frame_000001', ..."),
    segmentations: z
      .record(z.string(), SegmentationSchema)
      .default({})
      .describe("Named segmentations (e.g. 'rhee_cycles')."),
    provenance: ProvenanceSchema.nullable()
      .default(null)
      .describe("Reproducibility record of the run; null when unknown (e.g. files from before v2)."),
  })
  .describe("Per-frame pose predictions of one video (NeuroPose format v3).");

export type VideoPredictions = z.infer<typeof VideoPredictionsSchema>;
export type VideoPredictionsInput = z.input<typeof VideoPredictionsSchema>;

/** A job's results.json: {video file name: VideoPredictions}. */
export const JobResultsSchema = z
  .record(z.string(), VideoPredictionsSchema)
  .describe("A job's results: video file name -> VideoPredictions.");

export type JobResults = z.infer<typeof JobResultsSchema>;
