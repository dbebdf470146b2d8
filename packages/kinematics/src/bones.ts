// Skeleton consistency for monocular 3D: one bone length per subject, imposed frame by frame.
// Hand-written (our science): the per-subject model is the median length over confident frames.
import { KinematicsError } from "./errors.js";
import { checkSequence, type PoseSequence } from "./sequence.js";

/** The limb bones of blazepose_33 as [parent, child], parents before children (hips and shoulders are roots). */
export const BLAZEPOSE_LIMB_BONES: readonly (readonly [number, number])[] = Object.freeze([
  [23, 25],
  [25, 27],
  [27, 29],
  [27, 31], // left hip → knee → ankle → heel, toe
  [24, 26],
  [26, 28],
  [28, 30],
  [28, 32],
  [11, 13],
  [13, 15], // left shoulder → elbow → wrist
  [12, 14],
  [14, 16],
] as const);

export interface BoneConsistencyOptions {
  /** Bones as [parent, child] joint indices, each parent placed before its children (default: blazepose_33 limbs). */
  bones?: readonly (readonly [number, number])[];
  /** Per frame × joint confidence (e.g. visibility); frames where both ends are ≥ `minConfidence` define the length. */
  confidence?: Float64Array;
  minConfidence?: number;
}

export interface BoneConsistencyResult {
  sequence: PoseSequence;
  /** The subject's bone lengths (median over confident frames), one per bone. */
  lengths: Float64Array;
  /** Coefficient of variation (SD / mean, population) of each bone's length over the frames, before and after. */
  cvBefore: Float64Array;
  cvAfter: Float64Array;
}

function cv(values: number[]): number {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return Number.NaN;
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  return s / m;
}

/**
 * One bone-length model per subject for monocular 3D (e.g. BlazePose world landmarks, whose limb lengths vary
 * frame to frame): each bone's length is its median over confident frames; then, per frame, each child joint is
 * moved along its bone's direction so that the bone has that length (parents first, so a limb keeps its joint
 * angles). Returns the constrained sequence and each bone's length CV before and after. Joint angles are
 * unchanged; only lengths are. Throws `E_JOINT_RANGE` for a bone outside the sequence.
 *
 * @example
 * ```ts
 * import { constrainBoneLengths, fromNested } from "@neuropose/kinematics";
 * const seq = fromNested([[[0, 0, 0], [0, 1, 0]], [[0, 0, 0], [0, 3, 0]], [[0, 0, 0], [0, 2, 0]]]);
 * const r = constrainBoneLengths(seq, { bones: [[0, 1]] });
 * console.log(r.lengths[0], r.cvBefore[0].toFixed(3), r.cvAfter[0].toFixed(3)); // 2 0.408 0.000
 * ```
 */
export function constrainBoneLengths(
  seq: PoseSequence,
  options: BoneConsistencyOptions = {},
): BoneConsistencyResult {
  checkSequence(seq);
  const bones = options.bones ?? BLAZEPOSE_LIMB_BONES;
  const J = seq.joints;
  for (const [a, b] of bones) {
    if (!(a >= 0 && a < J && b >= 0 && b < J)) {
      throw new KinematicsError("E_JOINT_RANGE", `bone [${a}, ${b}] is outside the ${J} joints`);
    }
  }
  const n = seq.frames;
  const minC = options.minConfidence ?? 0.5;
  const d = Float64Array.from(seq.data);
  const len = (data: Float64Array, f: number, a: number, b: number) => {
    const i = (f * J + a) * 3;
    const j = (f * J + b) * 3;
    return Math.hypot(data[j] - data[i], data[j + 1] - data[i + 1], data[j + 2] - data[i + 2]);
  };
  const lengths = new Float64Array(bones.length);
  const cvBefore = new Float64Array(bones.length);
  bones.forEach(([a, b], k) => {
    const all: number[] = [];
    const confident: number[] = [];
    for (let f = 0; f < n; f++) {
      const l = len(d, f, a, b);
      all.push(l);
      const c = options.confidence;
      if (c === undefined || (c[f * J + a] >= minC && c[f * J + b] >= minC)) confident.push(l);
    }
    const v = confident.filter(Number.isFinite).sort((x, y) => x - y);
    const m = v.length >> 1;
    lengths[k] = v.length === 0 ? Number.NaN : v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    cvBefore[k] = cv(all);
  });
  for (let f = 0; f < n; f++) {
    bones.forEach(([a, b], k) => {
      const i = (f * J + a) * 3;
      const j = (f * J + b) * 3;
      const l = len(d, f, a, b);
      if (!(l > 0) || !Number.isFinite(lengths[k])) return;
      const s = lengths[k] / l;
      // Move the child and its whole subtree (later bones move their children again from the new parent).
      const dx = (d[j] - d[i]) * (s - 1);
      const dy = (d[j + 1] - d[i + 1]) * (s - 1);
      const dz = (d[j + 2] - d[i + 2]) * (s - 1);
      const moved = new Set([b]);
      for (const [p, c] of bones) if (moved.has(p)) moved.add(c);
      for (const q of moved) {
        const o = (f * J + q) * 3;
        d[o] += dx;
        d[o + 1] += dy;
        d[o + 2] += dz;
      }
    });
  }
  const out: PoseSequence = { frames: n, joints: J, data: d };
  const cvAfter = new Float64Array(
    bones.map(([a, b]) => cv([...Array(n).keys()].map((f) => len(d, f, a, b)))),
  );
  return { sequence: out, lengths, cvBefore, cvAfter };
}
