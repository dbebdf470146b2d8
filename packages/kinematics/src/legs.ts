// The leg and trunk joints of each skeleton, by name and as indices: the one table 2D sagittal angles, the view
// check and @neuropose/gait measure with.
import type { Skeleton } from "@neuropose/io/core";
import { KinematicsError } from "./errors.js";
import { inferSkeleton, resolveJoint } from "./joints.js";

type Pair = readonly [string, string];
type Group = readonly [readonly string[], readonly string[]];

/** The names of one skeleton's leg and trunk joints, [left, right]. */
export interface LegJointNames {
  hip: Group;
  knee: Pair;
  ankle: Pair;
  heel: Pair | null;
  toe: Pair | null;
  shoulder: Group;
}

/** One skeleton's entry from its side prefixes ("left_"/"right_", "L"/"R", …) and the names after them. */
function sides(
  left: string,
  right: string,
  p: {
    hip: string[];
    knee: string;
    ankle: string;
    heel: string | null;
    toe: string | null;
    shoulder: string[];
  },
): LegJointNames {
  const pair = (n: string): Pair => [left + n, right + n];
  const group = (ns: string[]): Group => [ns.map((n) => left + n), ns.map((n) => right + n)];
  return {
    hip: group(p.hip),
    knee: pair(p.knee),
    ankle: pair(p.ankle),
    heel: p.heel === null ? null : pair(p.heel),
    toe: p.toe === null ? null : pair(p.toe),
    shoulder: group(p.shoulder),
  };
}

/**
 * Joint names of the legs and trunk ([left, right]) per skeleton; hips and shoulders may be the mean of several
 * joints. The one table of these names: `@neuropose/gait` measures with it too. `coco_17` has no feet, so
 * only hip and knee angles (and thigh, shank, trunk) exist for it.
 */
export const LEG_JOINT_NAMES: Readonly<Record<string, LegJointNames>> = Object.freeze({
  blazepose_33: sides("left_", "right_", {
    hip: ["hip"],
    knee: "knee",
    ankle: "ankle",
    heel: "heel",
    toe: "foot_index",
    shoulder: ["shoulder"],
  }),
  openpose_body_25: sides("L", "R", {
    hip: ["Hip"],
    knee: "Knee",
    ankle: "Ankle",
    heel: "Heel",
    toe: "BigToe",
    shoulder: ["Shoulder"],
  }),
  berkeley_mhad_43: sides("l", "r", {
    hip: ["hipb", "hipf", "hipl"],
    knee: "kne",
    ankle: "ank",
    heel: "hee",
    toe: "foo",
    shoulder: ["sho1", "sho2"],
  }),
  coco_17: sides("left_", "right_", {
    hip: ["hip"],
    knee: "knee",
    ankle: "ankle",
    heel: null,
    toe: null,
    shoulder: ["shoulder"],
  }),
});

/** `LEG_JOINT_NAMES` resolved to joint indices ([left, right]); heel and toe null for a skeleton without feet. */
export interface LegJointIndices {
  hip: [number[], number[]];
  knee: [number, number];
  ankle: [number, number];
  heel: [number, number] | null;
  toe: [number, number] | null;
  shoulder: [number[], number[]];
}

/**
 * The leg and trunk joints of a skeleton (`LEG_JOINT_NAMES`) as indices. Throws `E_UNKNOWN_JOINT` for a
 * skeleton without an entry.
 *
 * @example
 * ```ts
 * import { resolveLegJoints } from "@neuropose/kinematics";
 * resolveLegJoints("blazepose_33", 33).knee; // [25, 26]
 * ```
 */
export function resolveLegJoints(skeletonIn: Skeleton | string | undefined, joints: number): LegJointIndices {
  const skeleton = inferSkeleton(skeletonIn, joints);
  const j = LEG_JOINT_NAMES[skeleton.name];
  if (j === undefined) {
    throw new KinematicsError(
      "E_UNKNOWN_JOINT",
      `sagittal angles need shoulders, hips, knees and ankles; skeleton ${skeleton.name} has no entry (supported: ${Object.keys(LEG_JOINT_NAMES).join(", ")})`,
      { hint: "pass the keypoints' skeleton (blazepose_33, openpose_body_25, coco_17, berkeley_mhad_43)" },
    );
  }
  const r = (n: string) => resolveJoint(n, skeleton);
  const pair = (p: readonly [string, string]): [number, number] => [r(p[0]), r(p[1])];
  return {
    hip: [j.hip[0].map(r), j.hip[1].map(r)],
    knee: pair(j.knee),
    ankle: pair(j.ankle),
    heel: j.heel === null ? null : pair(j.heel),
    toe: j.toe === null ? null : pair(j.toe),
    shoulder: [j.shoulder[0].map(r), j.shoulder[1].map(r)],
  };
}
