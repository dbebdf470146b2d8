// Internal helpers of the per-frame leg passes (sagittal.ts, view.ts).
import type { Skeleton } from "@neuropose/io/core";
import { resolveLegJoints } from "./legs.js";
import { checkSequence, type PoseSequence } from "./sequence.js";

/** Mean of one axis of several joints of the pose starting at `base` (xyz interleaved). */
export function meanAxis(d: ArrayLike<number>, base: number, idx: readonly number[], axis: number): number {
  let s = 0;
  for (const i of idx) s += d[base + i * 3 + axis] as number;
  return s / idx.length;
}

/** A per-frame pass over a sequence's legs (sagittal angles, view check): the sequence checked, its leg joints, the loop constants. */
export function legPass(seq: PoseSequence, skeleton: Skeleton | string | undefined) {
  checkSequence(seq);
  return { legs: resolveLegJoints(skeleton, seq.joints), n: seq.frames, d: seq.data, stride: seq.joints * 3 };
}
