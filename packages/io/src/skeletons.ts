import { NeuroPoseError } from "./errors.js";

/** A named skeleton: joint names in model output order and the edges drawn between joints (index pairs). */
export interface Skeleton {
  readonly name: string;
  readonly joints: readonly string[];
  readonly edges: readonly (readonly [number, number])[];
  /** One line on where the joint order comes from. */
  readonly description: string;
}

const BERKELEY_MHAD_43 = [
  "head", "lhead", "rhead", "rback", "backl", "backt", "lback", "lside", "bell", "chest", "rside",
  "lsho1", "lsho2", "larm", "lelb", "lwri", "lhan1", "lhan2", "lhan3",
  "rsho1", "rsho2", "rarm", "relb", "rwri", "rhan1", "rhan2", "rhan3",
  "lhipb", "lhipf", "lhipl", "lleg", "lkne", "lank", "lhee", "lfoo",
  "rhipb", "rhipf", "rhipl", "rleg", "rkne", "rank", "rhee", "rfoo",
] as const; // biome-ignore format: one row per body part

const BLAZEPOSE_33 = [
  "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
  "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
  "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
  "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
  "left_heel", "right_heel", "left_foot_index", "right_foot_index",
] as const; // biome-ignore format: keep compact

const COCO_17 = [
  "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow",
  "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
  "right_ankle",
] as const; // biome-ignore format: keep compact

const OPENPOSE_BODY_25 = [
  "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist", "MidHip", "RHip", "RKnee",
  "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar", "LBigToe", "LSmallToe", "LHeel",
  "RBigToe", "RSmallToe", "RHeel",
] as const; // biome-ignore format: keep compact

type Edge = readonly [number, number];

function edgesByName(joints: readonly string[], pairs: [string, string][]): Edge[] {
  return pairs.map(([a, b]) => {
    const ia = joints.indexOf(a);
    const ib = joints.indexOf(b);
    if (ia < 0 || ib < 0) throw new Error(`skeleton edge ${a}-${b}: unknown joint`);
    return [ia, ib] as const;
  });
}

// Marker-based Berkeley MHAD skeleton of MeTRAbs: head cluster, torso, arms with three hand markers, hips,
// legs with heel and foot markers.
const BERKELEY_EDGES = edgesByName(BERKELEY_MHAD_43, [
  ["head", "lhead"], ["head", "rhead"], ["lhead", "rhead"], ["head", "chest"],
  ["chest", "bell"], ["backt", "backl"], ["chest", "lsho1"], ["chest", "rsho1"], ["backt", "lsho2"],
  ["backt", "rsho2"], ["lsho1", "lsho2"], ["rsho1", "rsho2"], ["lback", "backl"], ["rback", "backl"],
  ["lside", "lsho1"], ["rside", "rsho1"], ["lback", "lside"], ["rback", "rside"],
  ["bell", "lhipf"], ["bell", "rhipf"], ["backl", "lhipb"], ["backl", "rhipb"], ["lside", "lhipl"],
  ["rside", "rhipl"],
  ["lsho1", "larm"], ["larm", "lelb"], ["lelb", "lwri"], ["lwri", "lhan1"], ["lwri", "lhan2"], ["lwri", "lhan3"],
  ["rsho1", "rarm"], ["rarm", "relb"], ["relb", "rwri"], ["rwri", "rhan1"], ["rwri", "rhan2"], ["rwri", "rhan3"],
  ["lhipb", "lhipf"], ["lhipf", "lhipl"], ["lhipl", "lhipb"], ["rhipb", "rhipf"], ["rhipf", "rhipl"],
  ["rhipl", "rhipb"],
  ["lhipl", "lleg"], ["lleg", "lkne"], ["lkne", "lank"], ["lank", "lhee"], ["lank", "lfoo"], ["lhee", "lfoo"],
  ["rhipl", "rleg"], ["rleg", "rkne"], ["rkne", "rank"], ["rank", "rhee"], ["rank", "rfoo"], ["rhee", "rfoo"],
]); // biome-ignore format: grouped by body part

// MediaPipe's POSE_CONNECTIONS (mediapipe/python/solutions/pose_connections.py).
const BLAZEPOSE_EDGES: Edge[] = [
  [0, 1], [1, 2], [2, 3], [3, 7], [0, 4], [4, 5], [5, 6], [6, 8], [9, 10], [11, 12], [11, 13], [13, 15],
  [15, 17], [15, 19], [15, 21], [17, 19], [12, 14], [14, 16], [16, 18], [16, 20], [16, 22], [18, 20], [11, 23],
  [12, 24], [23, 24], [23, 25], [24, 26], [25, 27], [26, 28], [27, 29], [28, 30], [29, 31], [30, 32], [27, 31],
  [28, 32],
]; // biome-ignore format: keep compact

// The COCO keypoint skeleton (person_keypoints annotations), converted to 0-based indices.
const COCO_EDGES: Edge[] = [
  [15, 13], [13, 11], [16, 14], [14, 12], [11, 12], [5, 11], [6, 12], [5, 6], [5, 7], [6, 8], [7, 9], [8, 10],
  [1, 2], [0, 1], [0, 2], [1, 3], [2, 4], [3, 5], [4, 6],
]; // biome-ignore format: keep compact

// OpenPose's POSE_BODY_25_PAIRS_RENDER.
const OPENPOSE_EDGES: Edge[] = [
  [1, 8], [1, 2], [1, 5], [2, 3], [3, 4], [5, 6], [6, 7], [8, 9], [9, 10], [10, 11], [8, 12], [12, 13], [13, 14],
  [1, 0], [0, 15], [15, 17], [0, 16], [16, 18], [14, 19], [19, 20], [14, 21], [11, 22], [22, 23], [11, 24],
]; // biome-ignore format: keep compact

function freeze(s: Skeleton): Skeleton {
  return Object.freeze({
    ...s,
    joints: Object.freeze([...s.joints]),
    edges: Object.freeze(s.edges.map((e) => Object.freeze([e[0], e[1]] as const))),
  });
}

/** Names of the built-in skeletons. */
export type SkeletonName = "berkeley_mhad_43" | "blazepose_33" | "coco_17" | "openpose_body_25";

/**
 * The built-in skeletons, keyed by name: `berkeley_mhad_43` (MeTRAbs, the original NeuroPose's output),
 * `blazepose_33` (MediaPipe BlazePose), `coco_17` (COCO keypoints), `openpose_body_25` (OpenPose BODY_25).
 *
 * @example
 * ```ts
 * import { SKELETONS } from "@neuropose/io";
 * console.log(SKELETONS.blazepose_33.joints.length); // 33
 * ```
 */
export const SKELETONS: Readonly<Record<SkeletonName, Skeleton>> = Object.freeze({
  berkeley_mhad_43: freeze({
    name: "berkeley_mhad_43",
    joints: BERKELEY_MHAD_43,
    edges: BERKELEY_EDGES,
    description: "MeTRAbs berkeley_mhad_43 (the original NeuroPose): poses3d in mm, camera frame, y down",
  }),
  blazepose_33: freeze({
    name: "blazepose_33",
    joints: BLAZEPOSE_33,
    edges: BLAZEPOSE_EDGES,
    description: "MediaPipe BlazePose GHUM 33 landmarks (edges: POSE_CONNECTIONS)",
  }),
  coco_17: freeze({
    name: "coco_17",
    joints: COCO_17,
    edges: COCO_EDGES,
    description: "COCO 17 person keypoints",
  }),
  openpose_body_25: freeze({
    name: "openpose_body_25",
    joints: OPENPOSE_BODY_25,
    edges: OPENPOSE_EDGES,
    description: "OpenPose BODY_25 (edges: POSE_BODY_25_PAIRS_RENDER)",
  }),
});

/** The names of the built-in skeletons, in a stable order. */
export const SKELETON_NAMES: readonly SkeletonName[] = Object.freeze(
  Object.keys(SKELETONS) as SkeletonName[],
);

/**
 * Look up a built-in skeleton by name; throws `E_SKELETON_UNKNOWN` listing the valid names.
 *
 * @example
 * ```ts
 * import { getSkeleton } from "@neuropose/io";
 * const s = getSkeleton("berkeley_mhad_43");
 * console.log(s.joints[41], s.edges.length); // rhee ...
 * ```
 */
export function getSkeleton(name: string): Skeleton {
  const s = (SKELETONS as Record<string, Skeleton>)[name];
  if (!s || !Object.hasOwn(SKELETONS, name)) {
    throw new NeuroPoseError("E_SKELETON_UNKNOWN", `unknown skeleton "${name}"`, {
      hint: `valid skeletons: ${SKELETON_NAMES.join(", ")}`,
      kind: "user",
    });
  }
  return s;
}

/**
 * Resolve a joint (by name, or by index which is range-checked) to its index in a skeleton. Names match exactly
 * first, then case-insensitively. Throws `E_JOINT_UNKNOWN` listing the skeleton's joint names.
 *
 * @example
 * ```ts
 * import { jointIndex } from "@neuropose/io";
 * console.log(jointIndex("berkeley_mhad_43", "rhee")); // 41
 * console.log(jointIndex("blazepose_33", "left_heel")); // 29
 * ```
 */
export function jointIndex(skeleton: Skeleton | string, joint: string | number): number {
  const s = typeof skeleton === "string" ? getSkeleton(skeleton) : skeleton;
  if (typeof joint === "number") {
    if (Number.isInteger(joint) && joint >= 0 && joint < s.joints.length) return joint;
    throw new NeuroPoseError(
      "E_JOINT_UNKNOWN",
      `joint index ${joint} out of range [0, ${s.joints.length}) for skeleton ${s.name}`,
      { hint: `use 0..${s.joints.length - 1} or a joint name`, kind: "user" },
    );
  }
  let i = s.joints.indexOf(joint);
  if (i < 0) {
    const lower = joint.toLowerCase();
    i = s.joints.findIndex((j) => j.toLowerCase() === lower);
  }
  if (i < 0) {
    throw new NeuroPoseError("E_JOINT_UNKNOWN", `unknown joint "${joint}" in skeleton ${s.name}`, {
      hint: `valid joints: ${s.joints.join(", ")}`,
      kind: "user",
    });
  }
  return i;
}
