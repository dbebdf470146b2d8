// The PoseEstimation objects of an export: per track a 2D (image pixels) and a 3D (world) PoseEstimation with
// one series per keypoint, their units, reference frames and confidence definitions.
import type { VideoMetadata } from "@neuropose/io";
import type { ChunkSource, NwbPoseEstimation, NwbSkeleton, NwbTimeSeries, NwbTiming } from "../types.js";

/** Pose values: a whole float32 array, or a chunk source. */
export type PoseData = Float32Array | ChunkSource;

import type { Include } from "./_tracks.js";

const UNIT_WORDS: Record<string, string> = { mm: "millimeters", m: "meters", cm: "centimeters" };
const FRAME_WORDS: Record<string, string> = {
  camera:
    "camera frame (MeTRAbs convention): origin at the camera's optical center, x to the right, y down, z forward (away from the camera)",
  hip_centered:
    "hip-centered frame (BlazePose world landmarks): origin at the midpoint of the hips, axes parallel to the camera's (x to the right, y down, z away from the camera)",
  world:
    "world (lab) frame of the camera calibration: its origin and axes, triangulated from several calibrated cameras",
};
const IMAGE_FRAME = "image pixels: (0,0) is the top-left corner of the video frame, x to the right, y down";
const SCORE_DEFINITION =
  "Person detection score of the frame (bounding-box confidence, 0..1), the same for every keypoint of the person: no per-keypoint confidence was estimated; NaN where the person was not detected.";
const VIS_DEFINITION =
  "BlazePose visibility: estimated probability (0..1) that the keypoint is visible (not occluded); NaN where the person was not detected in the frame.";

/** Where a track's values come from: whole arrays in memory, or chunk sources fed from the file. */
export interface TrackData {
  image(j: number): PoseData;
  world(j: number): PoseData;
  /** Per-keypoint visibility, or undefined when the frames have none. */
  visibility(j: number): PoseData | undefined;
  /** Person detection score per frame. */
  score(): PoseData;
  /** View-quality score per frame (neuropose-infer's `view_quality`), or undefined when the frames have none. */
  viewQuality(): PoseData | undefined;
}

/** Fields every PoseEstimation of the export shares. */
export interface PoseCommon {
  scorer?: string;
  sourceSoftware: string;
  sourceSoftwareVersion?: string;
  skeleton: string;
  devices?: string[];
  originalVideos?: string[];
  sourceVideo?: string;
  timing: NwbTiming;
}

/** Build the PoseEstimations of the tracks `ids` (in that order), with values from `dataOf(id)`. */
export function poseEstimations(
  ids: readonly number[],
  useIds: boolean,
  skeleton: NwbSkeleton,
  md: VideoMetadata,
  include: Include,
  common: PoseCommon,
  dataOf: (id: number) => TrackData,
): NwbPoseEstimation[] {
  const poses: NwbPoseEstimation[] = [];
  const unitWord = UNIT_WORDS[md.poses3d_unit] ?? md.poses3d_unit;
  const frameWords = `${FRAME_WORDS[md.poses3d_frame] ?? md.poses3d_frame}${md.poses3d_up ? `; up is ${md.poses3d_up}` : ""}`;
  for (const id of ids) {
    const t = dataOf(id);
    const conf = (j: number) => {
      const v = t.visibility(j);
      return v !== undefined
        ? { confidence: v, confidenceDefinition: VIS_DEFINITION }
        : { confidence: t.score(), confidenceDefinition: SCORE_DEFINITION };
    };
    const who = useIds ? `person ${id} (track id)` : `person ${id} (index in each frame)`;
    if (include.image2d) {
      poses.push({
        kind: "PoseEstimation",
        name: `pose2d_person${id}`,
        description: `2D keypoints of ${who} in image pixels, estimated by NeuroPose (${skeleton.name} skeleton). NaN where the person was not detected.`,
        ...common,
        series: skeleton.nodes.map((node, j) => ({
          name: node,
          description: `Image position (x, y) of keypoint ${node} of ${who}.`,
          data: t.image(j),
          dims: 2 as const,
          unit: "pixels",
          referenceFrame: IMAGE_FRAME,
          ...conf(j),
        })),
      });
    }
    if (include.world3d) {
      poses.push({
        kind: "PoseEstimation",
        name: `pose3d_person${id}`,
        description: `3D keypoints of ${who} in ${unitWord}, ${frameWords}; estimated by NeuroPose (${skeleton.name} skeleton). NaN where the person was not detected.`,
        ...common,
        series: skeleton.nodes.map((node, j) => ({
          name: node,
          description: `3D position (x, y, z) of keypoint ${node} of ${who}, in ${unitWord}.`,
          data: t.world(j),
          dims: 3 as const,
          unit: unitWord,
          referenceFrame: `${frameWords}; unit ${unitWord}`,
          ...conf(j),
        })),
      });
    }
  }
  return poses;
}

const VIEW_QUALITY_DESCRIPTION =
  "how far this camera view supports sagittal (side-view) joint angles, 0..1, per frame (@neuropose/kinematics " +
  "viewQuality: leg and trunk keypoint visibility x presence, times limb foreshortening, times the cosine of the " +
  "body's turn away from a side view); NaN where the person was not detected. Single-camera 3D poses are " +
  "monocular estimates at any score.";

/**
 * One TimeSeries per track with the frames' `view_quality` (the score neuropose-infer writes per person), beside
 * the PoseEstimations in the same processing module; none when the frames have no view quality.
 */
export function viewQualitySeries(
  ids: readonly number[],
  useIds: boolean,
  timing: NwbTiming,
  dataOf: (id: number) => TrackData,
): NwbTimeSeries[] {
  const out: NwbTimeSeries[] = [];
  for (const id of ids) {
    const data = dataOf(id).viewQuality();
    if (data === undefined) continue;
    const who = useIds ? `person ${id} (track id)` : `person ${id} (index in each frame)`;
    out.push({
      kind: "TimeSeries",
      name: `view_quality_person${id}`,
      description: `View quality of ${who}: ${VIEW_QUALITY_DESCRIPTION}`,
      data,
      dtype: "float32",
      unit: "n.a. (score 0..1)",
      timing,
    });
  }
  return out;
}
