// Keypoint-name mappings: rename and select keypoints of a harmonised pose. Pure (no I/O).
import { PoseFormatError } from "./errors.js";
import type { HarmonisedPose, KeypointMapping } from "./types.js";

const COCO_17_FROM_OPENPOSE: [string, string][] = [
  ["Nose", "nose"], ["LEye", "left_eye"], ["REye", "right_eye"], ["LEar", "left_ear"], ["REar", "right_ear"],
  ["LShoulder", "left_shoulder"], ["RShoulder", "right_shoulder"], ["LElbow", "left_elbow"],
  ["RElbow", "right_elbow"], ["LWrist", "left_wrist"], ["RWrist", "right_wrist"], ["LHip", "left_hip"],
  ["RHip", "right_hip"], ["LKnee", "left_knee"], ["RKnee", "right_knee"], ["LAnkle", "left_ankle"],
  ["RAnkle", "right_ankle"],
]; // biome-ignore format: one pair per joint

/**
 * Built-in mappings for common skeletons, by name:
 * - `openpose-body25-to-coco17`, `openpose-coco18-to-coco17`: OpenPose part names → the 17 COCO keypoints
 *   (snake_case, COCO order; Neck, MidHip and the feet are dropped);
 * - `sleap-coco17`: SLEAP's COCO-style node names (nose, left_eye, ...) kept in COCO order.
 */
export const BUILTIN_KEYPOINT_MAPPINGS: Readonly<Record<string, readonly (readonly [string, string])[]>> =
  Object.freeze({
    "openpose-body25-to-coco17": COCO_17_FROM_OPENPOSE,
    "openpose-coco18-to-coco17": COCO_17_FROM_OPENPOSE,
    "sleap-coco17": COCO_17_FROM_OPENPOSE.map(([, b]) => [b, b] as const),
  });

/**
 * Renames and selects keypoints: each `[source, target]` pair (or `{ source: target }` entry) keeps the source
 * keypoint under the target name, in the mapping's order; keypoints the mapping does not name are dropped,
 * skeleton edges between kept keypoints are kept. `mapping` may be the name of a built-in mapping. A source name
 * the pose does not have is an error unless `allowMissing` (then the keypoint is all NaN).
 *
 * @example
 * ```ts
 * import { mapKeypoints, readOpenPose } from "@neuropose/pose-formats";
 * const coco = mapKeypoints(await readOpenPose("keypoints/"), "openpose-body25-to-coco17");
 * console.log(coco.keypoints.length); // 17
 * ```
 */
export function mapKeypoints(
  pose: HarmonisedPose,
  mapping: KeypointMapping | string,
  options: { allowMissing?: boolean } = {},
): HarmonisedPose {
  let pairs: (readonly [string, string])[];
  if (typeof mapping === "string") {
    const b = BUILTIN_KEYPOINT_MAPPINGS[mapping];
    if (!b) {
      throw new PoseFormatError("E_POSE_MAPPING", `unknown built-in mapping "${mapping}"`, {
        hint: `use one of ${Object.keys(BUILTIN_KEYPOINT_MAPPINGS).join(", ")} or pass { source: target } pairs`,
      });
    }
    pairs = [...b];
  } else
    pairs = Array.isArray(mapping)
      ? [...(mapping as readonly (readonly [string, string])[])]
      : Object.entries(mapping);
  const targets = new Set<string>();
  for (const [, t] of pairs) {
    if (targets.has(t))
      throw new PoseFormatError("E_POSE_MAPPING", `target name "${t}" is used twice`, {
        hint: "each harmonised keypoint name must come from one source keypoint",
      });
    targets.add(t);
  }
  const srcIdx = pairs.map(([s]) => pose.keypoints.indexOf(s));
  const missing = pairs.filter((_, i) => srcIdx[i] === -1).map(([s]) => s);
  if (missing.length && !options.allowMissing) {
    throw new PoseFormatError(
      "E_POSE_MAPPING",
      `the pose has no keypoint ${missing.map((m) => `"${m}"`).join(", ")}`,
      {
        path: pose.source.path,
        hint: `its keypoints are ${pose.keypoints.join(", ")}; fix the mapping or pass allowMissing`,
      },
    );
  }
  const nK = pairs.length;
  const { nFrames, nIndividuals: nI, nKeypoints: oK, nDims: D } = pose;
  const coords = new Float64Array(nFrames * nI * nK * D).fill(Number.NaN);
  const confidence = new Float64Array(nFrames * nI * nK).fill(Number.NaN);
  let missingPoints = 0;
  for (let fi = 0; fi < nFrames * nI; fi++) {
    for (let k = 0; k < nK; k++) {
      const s = srcIdx[k] as number;
      const q = fi * nK + k;
      if (s < 0) {
        missingPoints++;
        continue;
      }
      const p = fi * oK + s;
      confidence[q] = pose.confidence[p] as number;
      for (let d = 0; d < D; d++) coords[q * D + d] = pose.coords[p * D + d] as number;
      if (Number.isNaN(coords[q * D] as number)) missingPoints++;
    }
  }
  const newOf = new Map<number, number>();
  srcIdx.forEach((s, k) => {
    if (s >= 0) newOf.set(s, k);
  });
  const edges = pose.edges
    .filter(([a, b]) => newOf.has(a) && newOf.has(b))
    .map(([a, b]) => [newOf.get(a) as number, newOf.get(b) as number] as [number, number]);
  return {
    ...pose,
    nKeypoints: nK,
    keypoints: pairs.map(([, t]) => t),
    edges,
    coords,
    confidence,
    warnings: missing.length
      ? [...pose.warnings, `mapping: no source keypoint ${missing.join(", ")} (all NaN)`]
      : pose.warnings,
    stats: { ...pose.stats, missingPoints },
  };
}
