import type { FilterProvenance, ModelProvenance } from "@neuropose/io";
import type { VideoFrame } from "./video.js";

/** One person's pose in one frame, as a model adapter returns it. */
export interface PersonPose {
  /** Stable id of the tracked person (0, 1, ...), kept while the person is tracked. */
  id: number;
  /** Probability that the person is present in the frame (0..1; BlazePose: the pose flag). */
  score: number;
  /** Bounding box in pixels: x, y, width, height, confidence. */
  box: [number, number, number, number, number];
  /** [joint][x, y] in pixels of the upright frame. */
  keypoints2d: number[][];
  /** [joint][x, y, z] in millimetres, in the adapter's coordinate frame. */
  keypoints3d: number[][];
  /** Per-joint visibility (0..1), when the model gives one. */
  visibility?: number[];
  /** Per-joint presence (0..1), when the model gives one. */
  presence?: number[];
}

/** Time spent per stage, milliseconds, accumulated by an adapter. */
export interface StageTimes {
  preprocess: number;
  model: number;
  postprocess: number;
  /** Model invocations (e.g. detector + landmark runs), when the adapter counts them. */
  modelRuns?: number;
}

/**
 * Provenance of one model file an adapter runs: `role` (e.g. "detector", "landmark"), `name`, `filename`,
 * `sha256` of the file that was run (ONNX) and, when converted, `source_sha256` / `source` of the file it was
 * converted from and `converter_version`. It is @neuropose/io's `ModelProvenance`; the pipeline writes these
 * entries to `provenance.models` as they are.
 */
export type ModelProvenanceEntry = ModelProvenance;

/**
 * A pose model plugged into the video pipeline. BlazePose is the first adapter; another ONNX pose model
 * (e.g. a MeTRAbs export) implements this interface and the pipeline, CLI and output stay unchanged.
 *
 * @example
 * ```ts
 * import type { PoseModelAdapter } from "@neuropose/infer";
 * const still: PoseModelAdapter = {
 *   name: "still", skeleton: "coco_17", numJoints: 17, coordinateFrame: "camera", provider: "none",
 *   models: [], runtime: { name: "none", version: "0" }, times: { preprocess: 0, model: 0, postprocess: 0 },
 *   async processFrame() { return []; }, reset() {}, async dispose() {},
 * };
 * ```
 */
export interface PoseModelAdapter {
  /** Model family and variant, e.g. "blazepose_full". */
  readonly name: string;
  /** Skeleton name in @neuropose/io's registry (e.g. "blazepose_33"). */
  readonly skeleton: string;
  readonly numJoints: number;
  /** The poses3d coordinate frame stated in the output metadata ("hip_centered" or "camera"). */
  readonly coordinateFrame: "hip_centered" | "camera";
  /** Execution provider that actually runs the model(s). */
  readonly provider: string;
  readonly models: ModelProvenanceEntry[];
  /** The inference runtime: `name` (e.g. "onnxruntime-node") and `version`. */
  readonly runtime: { name: string; version: string };
  /**
   * The person-presence probability below which the adapter reports a person as absent (not returned), when it
   * has such a rule; written to the output's `metadata.presence_threshold`.
   */
  readonly presenceThreshold?: number;
  /** Filters the adapter applies to its output (e.g. smoothing), with their parameters: `provenance.filters`. */
  readonly filters?: FilterProvenance[];
  /** Accumulated stage times since creation or the last reset. */
  readonly times: StageTimes;
  /** Processes the next frame of a video (adapters may track across frames). */
  processFrame(frame: VideoFrame): Promise<PersonPose[]>;
  /** Forgets tracking state and stage times (call between videos). */
  reset(): void;
  dispose(): Promise<void>;
}
