// Pose-level DTW: the NaN policy, representations (coords / angles / Procrustes-aligned) and the per-joint,
// all-joints and relation modes (dtwAll, dtwPerJoint, dtwRelation).
import type { Skeleton } from "@neuropose/io/core";
import {
  extractJointAngles,
  type FeatureMatrix,
  fromNested,
  type JointRef,
  type PoseSequence,
  procrustesAlign,
  resolveJoint,
} from "@neuropose/kinematics";
import type { LocalCost } from "./_cell-cost.js";
import { dtwError } from "./_series.js";
import { type DtwResult, dtw } from "./dtw.js";
import { fastdtw } from "./fastdtw.js";

export type AlignMode = "none" | "procrustes_per_frame" | "procrustes_per_sequence";
export type Representation = "coords" | "angles";
export type NanPolicy = "propagate" | "interpolate" | "drop";

/** Options of {@link dtwAll}, {@link dtwPerJoint} and {@link dtwRelation} (the original's keyword arguments). */
export interface PoseDtwOptions {
  /** Move `a` onto `b` first (Kabsch, no scale; needs equal frame counts). Default `"none"`. */
  align?: AlignMode;
  /** `"coords"` (default): frames as J*3 coordinates; `"angles"`: joint angles at `angleTriplets` (radians). */
  representation?: Representation;
  /** Joint triplets [a, b, c] (angle at b), as indices or names in `skeleton`. Required for `"angles"`. */
  angleTriplets?: ReadonlyArray<readonly [JointRef, JointRef, JointRef]>;
  /** Skeleton for joint names (default: inferred from the joint count). */
  skeleton?: Skeleton | string;
  /**
   * `"propagate"` (default): any NaN is an error (`E_DTW_NONFINITE`); `"interpolate"`: linear per feature
   * column along frames, ends take the nearest finite value (an all-NaN column is an error); `"drop"`: frames
   * with any non-finite feature are removed (path indices then refer to the compacted sequence).
   */
  nanPolicy?: NanPolicy;
  /**
   * `"exact"` (default): exact DTW. `"fastdtw"`: fastdtw 0.3.4 with scipy's euclidean, reproducing the
   * original NeuroPose's numbers and paths (approximate; for re-deriving published results).
   */
  method?: "exact" | "fastdtw";
  /** fastdtw radius (default 1, the original's). */
  radius?: number;
  /** Exact method only: local cost (default "euclidean", the original's scale). */
  cost?: LocalCost;
  /** Exact method only: Sakoe-Chiba window. */
  window?: number;
  /** Exact method only: psi relaxation. */
  psi?: number;
  /** Exact method only: early-abandon bound (distance Infinity above it). */
  maxDist?: number;
  /** Also return the warping path (fastdtw computes it anyway; the exact method then keeps the cells inside the window). */
  path?: boolean;
  /** Exact method only: engine selection (see `dtw`). */
  engine?: "auto" | "wasm" | "js";
}

/** A pose sequence as a `PoseSequence` or a nested `number[frames][joints][3]` array. */
export type PoseInput = PoseSequence | ArrayLike<ArrayLike<ArrayLike<number>>>;

interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

function toPose(x: PoseInput): PoseSequence {
  if (typeof x === "object" && x !== null && "frames" in x && "joints" in x && "data" in x) {
    return x as PoseSequence;
  }
  return fromNested(x as ArrayLike<ArrayLike<ArrayLike<number>>>);
}

const ALIGNS: readonly string[] = ["none", "procrustes_per_frame", "procrustes_per_sequence"];
const REPRS: readonly string[] = ["coords", "angles"];
const POLICIES: readonly string[] = ["propagate", "interpolate", "drop"];

function validate(a: PoseInput, b: PoseInput, o: PoseDtwOptions, withRepresentation: boolean) {
  const pa = toPose(a);
  const pb = toPose(b);
  if (pa.joints !== pb.joints) {
    throw dtwError(
      "E_DTW_SHAPE",
      `input arrays disagree on joint count: a has ${pa.joints} joints, b has ${pb.joints} joints`,
    );
  }
  const align = o.align ?? "none";
  if (!ALIGNS.includes(align)) {
    throw dtwError("E_DTW_OPTION", `unknown align '${align}'`, `use one of ${ALIGNS.join(", ")}`);
  }
  const representation = o.representation ?? "coords";
  if (withRepresentation) {
    if (!REPRS.includes(representation)) {
      throw dtwError("E_DTW_OPTION", `unknown representation '${representation}'`, "use coords or angles");
    }
    if (representation === "angles" && (o.angleTriplets === undefined || o.angleTriplets.length === 0)) {
      throw dtwError("E_DTW_OPTION", "representation='angles' requires angle_triplets", "pass angleTriplets");
    }
  }
  const nanPolicy = o.nanPolicy ?? "propagate";
  if (!POLICIES.includes(nanPolicy)) {
    throw dtwError("E_DTW_OPTION", `unknown nan_policy '${nanPolicy}'`, `use one of ${POLICIES.join(", ")}`);
  }
  const method = o.method ?? "exact";
  if (method !== "exact" && method !== "fastdtw") {
    throw dtwError("E_DTW_OPTION", `unknown method '${method}'`, "use exact or fastdtw");
  }
  if (method === "fastdtw") {
    for (const k of ["cost", "window", "psi", "maxDist"] as const) {
      if (o[k] !== undefined && !(k === "cost" && o[k] === "euclidean")) {
        throw dtwError("E_DTW_OPTION", `option ${k} applies to method "exact" only`);
      }
    }
  }
  return {
    pa,
    pb,
    align: align as AlignMode,
    representation: representation as Representation,
    nanPolicy: nanPolicy as NanPolicy,
    method,
  };
}

function maybeAlign(a: PoseSequence, b: PoseSequence, align: AlignMode): PoseSequence {
  if (align === "none") return a;
  if (a.frames !== b.frames) {
    throw dtwError(
      "E_DTW_ALIGN_FRAMES",
      `align='${align}' requires matching frame counts; got a with ${a.frames} frames and b with ${b.frames} frames`,
      "Procrustes pairs frames one to one: use align 'none', or resample/pad the sequences first",
    );
  }
  const mode = align === "procrustes_per_frame" ? "per_frame" : "per_sequence";
  return procrustesAlign(a, b, { mode, scale: false }).aligned;
}

/** np.interp(x, xp, fp) for one column: linear between finite samples, ends held at the nearest one. */
function interpolateColumn(m: Mat, c: number, unitLabel: number): void {
  const { rows, cols, data } = m;
  const xp: number[] = [];
  for (let i = 0; i < rows; i++) if (Number.isFinite(data[i * cols + c] as number)) xp.push(i);
  if (xp.length === rows) return;
  if (xp.length === 0) {
    throw dtwError(
      "E_DTW_NAN_COLUMN",
      `nan_policy='interpolate' cannot fill column ${unitLabel}: all values are NaN`,
      "drop this joint/angle, or use nanPolicy 'drop'",
    );
  }
  const fp = xp.map((i) => data[i * cols + c] as number);
  const last = xp.length - 1;
  let j = 0;
  for (let i = 0; i < rows; i++) {
    let v: number;
    if (i <= (xp[0] as number)) v = fp[0] as number;
    else if (i >= (xp[last] as number)) v = fp[last] as number;
    else {
      while ((xp[j + 1] as number) <= i) j++;
      const x0 = xp[j] as number;
      if (x0 === i) v = fp[j] as number;
      else {
        const y0 = fp[j] as number;
        const y1 = fp[j + 1] as number;
        const x1 = xp[j + 1] as number;
        const slope = (y1 - y0) / (x1 - x0);
        v = slope * (i - x0) + y0;
        if (Number.isNaN(v)) {
          v = slope * (i - x1) + y1;
          if (Number.isNaN(v) && y0 === y1) v = y0;
        }
      }
    }
    data[i * cols + c] = v;
  }
}

/**
 * Applies a NaN policy to a frames x features matrix, as the entry points do (copying before any change):
 * `"interpolate"` fills each column like `np.interp` (ends held), `"drop"` removes frames with any non-finite
 * value, `"propagate"` returns the input.
 *
 * @example
 * ```ts
 * import { applyNanPolicy } from "@neuropose/dtw";
 * const m = { rows: 3, cols: 1, data: new Float64Array([0, Number.NaN, 4]) };
 * applyNanPolicy(m, "interpolate").data; // Float64Array [0, 2, 4]
 * applyNanPolicy(m, "drop").rows; // 2
 * ```
 */
export function applyNanPolicy(m: Mat, policy: NanPolicy): Mat {
  if (policy === "propagate") return m;
  let any = false;
  for (let k = 0; k < m.data.length; k++) {
    if (!Number.isFinite(m.data[k] as number)) {
      any = true;
      break;
    }
  }
  if (!any) return m;
  if (policy === "interpolate") {
    const out = { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
    for (let c = 0; c < m.cols; c++) interpolateColumn(out, c, c);
    return out;
  }
  const keep: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    let ok = true;
    for (let c = 0; c < m.cols; c++) if (!Number.isFinite(m.data[i * m.cols + c] as number)) ok = false;
    if (ok) keep.push(i);
  }
  if (keep.length === 0) {
    throw dtwError(
      "E_DTW_EMPTY",
      "nan_policy='drop' removed every frame; DTW needs a non-empty sequence",
      "every frame has a missing value: check the joint selection or use nanPolicy 'interpolate'",
    );
  }
  const data = new Float64Array(keep.length * m.cols);
  keep.forEach((i, r) => {
    data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols);
  });
  return { rows: keep.length, cols: m.cols, data };
}

function runDtw(fa: Mat, fb: Mat, o: PoseDtwOptions, method: string): DtwResult {
  if (method === "fastdtw") {
    const r = fastdtw(fa, fb, { radius: o.radius ?? 1, dist: "euclidean" });
    return o.path ? r : { distance: r.distance };
  }
  return dtw(fa, fb, {
    cost: o.cost,
    window: o.window,
    psi: o.psi,
    maxDist: o.maxDist,
    path: o.path ?? false,
    engine: o.engine,
  });
}

function columns(m: Mat, c0: number, width: number): Mat {
  const data = new Float64Array(m.rows * width);
  for (let i = 0; i < m.rows; i++) {
    for (let k = 0; k < width; k++) data[i * width + k] = m.data[i * m.cols + c0 + k] as number;
  }
  return { rows: m.rows, cols: width, data };
}

function features(p: PoseSequence, representation: Representation, o: PoseDtwOptions): FeatureMatrix {
  if (representation === "coords") return { rows: p.frames, cols: p.joints * 3, data: p.data };
  return extractJointAngles(p, o.angleTriplets ?? [], { skeleton: o.skeleton });
}

/**
 * DTW between two whole pose sequences, each frame flattened to a J*3 vector (or to joint angles), as the
 * original `dtw_all`. With `method: "fastdtw"` the distance and path equal the original NeuroPose's.
 *
 * @example
 * ```ts
 * import { dtwAll } from "@neuropose/dtw";
 * const a = [[[0, 0, 0], [1, 0, 0]], [[0, 1, 0], [1, 1, 0]]];
 * const b = [[[0, 0, 0], [1, 0, 0]], [[0, 0, 0], [1, 0, 0]], [[0, 1, 0], [1, 1, 0]]];
 * dtwAll(a, b).distance; // 0 (b repeats a's first frame)
 * dtwAll(a, b, { method: "fastdtw", path: true }).path; // [[0,0],[0,1],[1,2]]
 * ```
 */
export function dtwAll(a: PoseInput, b: PoseInput, options: PoseDtwOptions = {}): DtwResult {
  const v = validate(a, b, options, true);
  const pa = maybeAlign(v.pa, v.pb, v.align);
  const fa = applyNanPolicy(features(pa, v.representation, options), v.nanPolicy);
  const fb = applyNanPolicy(features(v.pb, v.representation, options), v.nanPolicy);
  return runDtw(fa, fb, options, v.method);
}

/**
 * One DTW per joint (its frames x 3 trajectory) or, with `representation: "angles"`, per angle column, as the
 * original `dtw_per_joint` (the NaN policy applies per joint / column). The analysis pipeline reports the sum
 * of the distances.
 *
 * @example
 * ```ts
 * import { dtwPerJoint } from "@neuropose/dtw";
 * const a = [[[0, 0, 0], [1, 0, 0]], [[0, 1, 0], [1, 0, 0]]];
 * const b = [[[0, 0, 0], [1, 0, 0]], [[0, 2, 0], [1, 0, 0]]];
 * dtwPerJoint(a, b).map((r) => r.distance); // [1, 0]
 * ```
 */
export function dtwPerJoint(a: PoseInput, b: PoseInput, options: PoseDtwOptions = {}): DtwResult[] {
  const v = validate(a, b, options, true);
  const pa = maybeAlign(v.pa, v.pb, v.align);
  const fa = features(pa, v.representation, options);
  const fb = features(v.pb, v.representation, options);
  const width = v.representation === "coords" ? 3 : 1;
  const units = fa.cols / width;
  const out: DtwResult[] = [];
  for (let u = 0; u < units; u++) {
    const ua = applyNanPolicy(columns(fa, u * width, width), v.nanPolicy);
    const ub = applyNanPolicy(columns(fb, u * width, width), v.nanPolicy);
    out.push(runDtw(ua, ub, options, v.method));
  }
  return out;
}

/**
 * DTW of the displacement between two joints, `x[:, j] - x[:, i]` (frames x 3), as the original
 * `dtw_relation`: invariant to translating either sequence.
 *
 * @example
 * ```ts
 * import { dtwRelation } from "@neuropose/dtw";
 * const a = [[[0, 0, 0], [1, 0, 0]], [[0, 0, 0], [2, 0, 0]]];
 * const b = [[[5, 5, 5], [6, 5, 5]], [[5, 5, 5], [7, 5, 5]]]; // a translated
 * dtwRelation(a, b, 0, 1).distance; // 0
 * ```
 */
export function dtwRelation(
  a: PoseInput,
  b: PoseInput,
  jointI: JointRef,
  jointJ: JointRef,
  options: Omit<PoseDtwOptions, "representation" | "angleTriplets"> = {},
): DtwResult {
  const v = validate(a, b, options, false);
  const J = v.pa.joints;
  const i = resolveJoint(jointI, options.skeleton, J);
  const j = resolveJoint(jointJ, options.skeleton, J);
  if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < J && j < J)) {
    throw dtwError("E_JOINT_RANGE", `joint indices must be in [0, ${J}); got joint_i=${i}, joint_j=${j}`);
  }
  const pa = maybeAlign(v.pa, v.pb, v.align);
  const rel = (p: PoseSequence): Mat => {
    const data = new Float64Array(p.frames * 3);
    for (let f = 0; f < p.frames; f++) {
      for (let k = 0; k < 3; k++) {
        data[f * 3 + k] = (p.data[(f * J + j) * 3 + k] as number) - (p.data[(f * J + i) * 3 + k] as number);
      }
    }
    return { rows: p.frames, cols: 3, data };
  };
  const fa = applyNanPolicy(rel(pa), v.nanPolicy);
  const fb = applyNanPolicy(rel(v.pb), v.nanPolicy);
  return runDtw(fa, fb, options, v.method);
}
