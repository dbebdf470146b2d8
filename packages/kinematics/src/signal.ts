import type { Skeleton } from "@neuropose/io/core";
import { angleAt } from "./angles.js";
import { KinematicsError } from "./errors.js";
import { type AxisRef, checkJoint, type JointRef, resolveAxis, resolveJoint } from "./joints.js";
import { checkSequence, type PoseSequence } from "./sequence.js";

/**
 * A segmentation-signal extractor, shaped like io's `ExtractorSpec` (which it accepts as is); joints may also
 * be skeleton names and axes letters here.
 */
export type SignalSpec =
  | {
      readonly kind: "joint_axis";
      readonly joint: JointRef;
      readonly axis: AxisRef;
      readonly invert?: boolean;
    }
  | { readonly kind: "joint_pair_distance"; readonly joints: readonly [JointRef, JointRef] }
  | { readonly kind: "joint_speed"; readonly joint: JointRef }
  | { readonly kind: "joint_angle"; readonly triplet: readonly [JointRef, JointRef, JointRef] };

export interface ExtractSignalOptions {
  /** Skeleton used to resolve joint names (default: inferred from the joint count, else berkeley_mhad_43). */
  skeleton?: Skeleton | string;
}

/** Euclidean distance between the 3-vectors at data[o1..o1+2] and data[o2..o2+2]. */
function dist3(data: Float64Array, o1: number, o2: number): number {
  const dx = data[o1] - data[o2];
  const dy = data[o1 + 1] - data[o2 + 1];
  const dz = data[o1 + 2] - data[o2 + 2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/**
 * Reduce a pose sequence to a 1-D signal of length `frames`, as the original `extract_signal`:
 * - `joint_axis`: one coordinate of one joint (negated with `invert`);
 * - `joint_pair_distance`: Euclidean distance between two joints;
 * - `joint_speed`: per-frame displacement norm of a joint, 0 for the first frame (needs >= 2 frames);
 * - `joint_angle`: the angle at the middle joint of a triplet, radians (NaN for a zero-length limb).
 * Throws `E_JOINT_RANGE` for an index outside the sequence and `E_TOO_FEW_FRAMES` for joint_speed on one frame.
 *
 * @example
 * ```ts
 * import { extractSignal, fromNested } from "@neuropose/kinematics";
 * const seq = fromNested([[[0, 0, 0]], [[3, 4, 0]]]);
 * extractSignal(seq, { kind: "joint_speed", joint: 0 }); // Float64Array [0, 5]
 * ```
 */
export function extractSignal(
  seq: PoseSequence,
  spec: SignalSpec,
  options: ExtractSignalOptions = {},
): Float64Array {
  checkSequence(seq);
  const { frames, joints, data } = seq;
  const stride = joints * 3;
  const idx = (j: JointRef): number => {
    const i = resolveJoint(j, options.skeleton, joints);
    checkJoint(i, joints);
    return i;
  };
  const out = new Float64Array(frames);
  switch (spec.kind) {
    case "joint_axis": {
      const j = idx(spec.joint);
      const a = resolveAxis(spec.axis);
      const sign = spec.invert ? -1 : 1;
      for (let f = 0; f < frames; f++) out[f] = sign * data[f * stride + j * 3 + a];
      return out;
    }
    case "joint_pair_distance": {
      const j1 = idx(spec.joints[0]);
      const j2 = idx(spec.joints[1]);
      for (let f = 0; f < frames; f++) {
        const o1 = f * stride + j1 * 3;
        const o2 = f * stride + j2 * 3;
        out[f] = dist3(data, o1, o2);
      }
      return out;
    }
    case "joint_speed": {
      const j = idx(spec.joint);
      if (frames < 2)
        throw new KinematicsError("E_TOO_FEW_FRAMES", "joint_speed requires at least two frames");
      for (let f = 1; f < frames; f++) {
        const o1 = f * stride + j * 3;
        const o0 = o1 - stride;
        out[f] = dist3(data, o1, o0);
      }
      return out;
    }
    case "joint_angle": {
      const [a, b, c] = spec.triplet.map(idx);
      for (let f = 0; f < frames; f++) {
        const base = f * stride;
        out[f] = angleAt(data, base + a * 3, base + b * 3, base + c * 3);
      }
      return out;
    }
    default:
      throw new KinematicsError(
        "E_BAD_ARGUMENT",
        `unknown extractor kind: ${String((spec as { kind?: unknown }).kind)}`,
      );
  }
}
