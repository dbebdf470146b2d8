import { shapeRepr } from "./_num.js";
import { KinematicsError } from "./errors.js";

/**
 * A pose sequence: `frames` x `joints` x 3 coordinates, row-major in `data` (frame, joint, xyz). The
 * TypeScript counterpart of the original's `(frames, joints, 3)` numpy array.
 */
export interface PoseSequence {
  readonly frames: number;
  readonly joints: number;
  readonly data: Float64Array;
}

/** A row-major matrix of per-frame features (`rows` = frames), e.g. joint angles (F x T radians). */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

function checkCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new KinematicsError("E_BAD_ARGUMENT", `${name} must be a non-negative integer; got ${n}`);
  }
}

/**
 * Create a pose sequence (zero-filled, or wrapping `data` without copying).
 *
 * @example
 * ```ts
 * import { poseSequence } from "@neuropose/kinematics";
 * const seq = poseSequence(2, 1, new Float64Array([0, 0, 0, 1, 2, 3]));
 * seq.data[3]; // 1 (frame 1, joint 0, x)
 * ```
 */
export function poseSequence(frames: number, joints: number, data?: Float64Array): PoseSequence {
  checkCount("frames", frames);
  checkCount("joints", joints);
  const size = frames * joints * 3;
  if (data === undefined) return { frames, joints, data: new Float64Array(size) };
  if (data.length !== size) {
    throw new KinematicsError(
      "E_POSE_SHAPE",
      `data has ${data.length} values; expected frames*joints*3 = ${size} for (${frames}, ${joints}, 3)`,
    );
  }
  return { frames, joints, data };
}

/**
 * Create a feature matrix (zero-filled, or wrapping `data`).
 *
 * @example
 * ```ts
 * import { featureMatrix } from "@neuropose/kinematics";
 * const m = featureMatrix(2, 1, new Float64Array([0.5, 0.7]));
 * m.data[1]; // 0.7 (row 1)
 * ```
 */
export function featureMatrix(rows: number, cols: number, data?: Float64Array): FeatureMatrix {
  checkCount("rows", rows);
  checkCount("cols", cols);
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) };
  if (data.length !== rows * cols) {
    throw new KinematicsError("E_BAD_ARGUMENT", `data has ${data.length} values; expected ${rows * cols}`);
  }
  return { rows, cols, data };
}

/** numpy-like shape of a (possibly ragged) nested list; undefined if ragged. */
function nestedShape(x: unknown): number[] | undefined {
  if (!Array.isArray(x)) return [];
  if (x.length === 0) return [0];
  const inner = nestedShape(x[0]);
  if (inner === undefined) return undefined;
  for (let i = 1; i < x.length; i++) {
    const s = nestedShape(x[i]);
    if (s === undefined || s.length !== inner.length || s.some((v, k) => v !== inner[k])) return undefined;
  }
  return [x.length, ...inner];
}

/**
 * Describe the shape of a nested array the way numpy would (`(3, 2, 2)`), or `ragged`.
 *
 * @example
 * ```ts
 * import { describeShape } from "@neuropose/kinematics";
 * describeShape([[[1, 2]], [[3, 4]]]); // "(2, 1, 2)"
 * ```
 */
export function describeShape(x: unknown): string {
  const s = nestedShape(x);
  return s === undefined ? "ragged" : shapeRepr(s);
}

/**
 * Build a pose sequence from a nested `number[frames][joints][3]` array (e.g. parsed JSON).
 * Throws `E_POSE_SHAPE` when the input is not a (frames, joints, 3) array; an empty list is a sequence of
 * zero frames only if it is typed that way, so `[]` is rejected like numpy's shape `(0,)`.
 *
 * @example
 * ```ts
 * import { fromNested } from "@neuropose/kinematics";
 * const seq = fromNested([[[0, 0, 0], [1, 0, 0]]]);
 * [seq.frames, seq.joints]; // [1, 2]
 * ```
 */
export function fromNested(nested: ArrayLike<ArrayLike<ArrayLike<number>>>): PoseSequence {
  const shape = nestedShape(nested);
  if (shape === undefined || shape.length !== 3 || shape[2] !== 3) {
    throw new KinematicsError(
      "E_POSE_SHAPE",
      `expected (frames, joints, 3); got shape ${shape === undefined ? "ragged" : shapeRepr(shape)}`,
    );
  }
  const [frames, joints] = shape;
  const data = new Float64Array(frames * joints * 3);
  let k = 0;
  for (let f = 0; f < frames; f++) {
    const fr = nested[f];
    for (let j = 0; j < joints; j++) {
      const p = fr[j];
      for (let c = 0; c < 3; c++) {
        const v = p[c];
        if (typeof v !== "number") {
          throw new KinematicsError("E_POSE_SHAPE", `value at [${f}][${j}][${c}] is not a number`);
        }
        data[k++] = v;
      }
    }
  }
  return { frames, joints, data };
}

/**
 * Convert a pose sequence back to a nested `number[frames][joints][3]` array.
 *
 * @example
 * ```ts
 * import { fromNested, toNested } from "@neuropose/kinematics";
 * toNested(fromNested([[[1, 2, 3]]])); // [[[1, 2, 3]]]
 * ```
 */
export function toNested(seq: PoseSequence): number[][][] {
  checkSequence(seq);
  const out: number[][][] = [];
  const d = seq.data;
  let k = 0;
  for (let f = 0; f < seq.frames; f++) {
    const fr: number[][] = [];
    for (let j = 0; j < seq.joints; j++) {
      fr.push([d[k], d[k + 1], d[k + 2]]);
      k += 3;
    }
    out.push(fr);
  }
  return out;
}

/**
 * Convert a feature matrix to nested rows (`number[rows][cols]`).
 *
 * @example
 * ```ts
 * import { featureMatrix, matrixToNested } from "@neuropose/kinematics";
 * matrixToNested(featureMatrix(1, 2, new Float64Array([1, 2]))); // [[1, 2]]
 * ```
 */
export function matrixToNested(m: FeatureMatrix): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return out;
}

/**
 * Validate the invariants of a PoseSequence (integer sizes, a Float64Array of frames*joints*3 values); throws
 * `E_POSE_SHAPE` otherwise.
 *
 * @example
 * ```ts
 * import { checkSequence, poseSequence } from "@neuropose/kinematics";
 * checkSequence(poseSequence(2, 3)); // ok
 * checkSequence({ frames: 2, joints: 3, data: new Float64Array(5) }); // throws E_POSE_SHAPE
 * ```
 */
export function checkSequence(seq: PoseSequence, what = "sequence"): void {
  if (
    seq === null ||
    typeof seq !== "object" ||
    !(seq.data instanceof Float64Array) ||
    !Number.isInteger(seq.frames) ||
    !Number.isInteger(seq.joints) ||
    seq.frames < 0 ||
    seq.joints < 0 ||
    seq.data.length !== seq.frames * seq.joints * 3
  ) {
    throw new KinematicsError(
      "E_POSE_SHAPE",
      `${what} is not a PoseSequence: expected { frames, joints, data: Float64Array(frames*joints*3) }`,
    );
  }
}

/**
 * The (frames x 3) trajectory of one joint, copied out of a sequence.
 *
 * @example
 * ```ts
 * import { fromNested, jointTrajectory } from "@neuropose/kinematics";
 * jointTrajectory(fromNested([[[0, 0, 0], [1, 2, 3]]]), 1); // Float64Array [1, 2, 3]
 * ```
 */
export function jointTrajectory(seq: PoseSequence, joint: number): Float64Array {
  checkSequence(seq);
  if (!Number.isInteger(joint) || joint < 0 || joint >= seq.joints) {
    throw new KinematicsError("E_JOINT_RANGE", `joint index ${joint} out of range [0, ${seq.joints})`);
  }
  const out = new Float64Array(seq.frames * 3);
  for (let f = 0; f < seq.frames; f++) {
    const o = (f * seq.joints + joint) * 3;
    out[f * 3] = seq.data[o];
    out[f * 3 + 1] = seq.data[o + 1];
    out[f * 3 + 2] = seq.data[o + 2];
  }
  return out;
}
