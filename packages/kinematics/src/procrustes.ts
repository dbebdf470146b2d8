import { npMax, npMean } from "./_num.js";
import { det3, svd3 } from "./_svd3.js";
import { KinematicsError } from "./errors.js";
import { checkSequence, type PoseSequence } from "./sequence.js";

/** `per_sequence`: one rigid transform for the whole sequence; `per_frame`: one per frame. */
export type ProcrustesMode = "per_sequence" | "per_frame";

export interface ProcrustesOptions {
  /** Default `"per_sequence"`. */
  mode?: ProcrustesMode;
  /** Also fit a uniform scale factor (default false). */
  scale?: boolean;
}

/** Summary of the fitted transform(s), with the original's field names. */
export interface AlignmentDiagnostics {
  mode: ProcrustesMode;
  /** Rotation magnitude in degrees, arccos((tr R - 1) / 2); the mean over frames in per_frame mode. */
  rotation_deg: number;
  /** Largest rotation magnitude over frames (equal to rotation_deg in per_sequence mode). */
  rotation_deg_max: number;
  /** Norm of the fitted translation; the mean over frames in per_frame mode. */
  translation: number;
  translation_max: number;
  /** Applied uniform scale (1 without `scale: true`); the mean over frames in per_frame mode. */
  scale: number;
}

export interface ProcrustesResult {
  /** The source, moved onto the target. The target itself is never changed. */
  aligned: PoseSequence;
  diagnostics: AlignmentDiagnostics;
}

/** A fitted similarity transform: aligned = s · R · p + t (R row-major 3x3). */
export interface RigidTransform {
  rotation: Float64Array;
  scale: number;
  translation: Float64Array;
}

const RAD2DEG = 180 / Math.PI;

/**
 * Kabsch fit of `n` source points (xyz triples from offset `so` of `src`) onto `n` target points (from `to` of
 * `tgt`), as the original `_kabsch_single`: H = Pcᵀ·Qc, reflection guard d = sign(det(V·Uᵀ)),
 * scale = Σ(S·[1,1,d]) / Σ|Pc|² (1 unless `withScale`), t = c_Q − s·R·c_P; when `out` is given the moved source
 * s·P·Rᵀ + t is written there from offset `oo`. Throws `E_SVD_NONFINITE` for NaN/Infinity.
 *
 * @example
 * ```ts
 * import { kabschFit } from "@neuropose/kinematics";
 * const p = new Float64Array([0, 0, 0, 1, 0, 0, 0, 1, 0]);
 * const q = new Float64Array([1, 1, 1, 2, 1, 1, 1, 2, 1]);
 * kabschFit(p, 0, q, 0, 3, false).translation; // Float64Array [1, 1, 1]
 * ```
 */
export function kabschFit(
  src: Float64Array,
  so: number,
  tgt: Float64Array,
  to: number,
  n: number,
  withScale: boolean,
  out?: Float64Array,
  oo = 0,
): RigidTransform {
  let cs0 = 0;
  let cs1 = 0;
  let cs2 = 0;
  let ct0 = 0;
  let ct1 = 0;
  let ct2 = 0;
  for (let i = 0; i < n; i++) {
    const a = so + i * 3;
    const b = to + i * 3;
    cs0 += src[a];
    cs1 += src[a + 1];
    cs2 += src[a + 2];
    ct0 += tgt[b];
    ct1 += tgt[b + 1];
    ct2 += tgt[b + 2];
  }
  cs0 /= n;
  cs1 /= n;
  cs2 /= n;
  ct0 /= n;
  ct1 /= n;
  ct2 /= n;
  const h = new Float64Array(9);
  let sourceVar = 0;
  for (let i = 0; i < n; i++) {
    const a = so + i * 3;
    const b = to + i * 3;
    const p0 = src[a] - cs0;
    const p1 = src[a + 1] - cs1;
    const p2 = src[a + 2] - cs2;
    const q0 = tgt[b] - ct0;
    const q1 = tgt[b + 1] - ct1;
    const q2 = tgt[b + 2] - ct2;
    h[0] += p0 * q0;
    h[1] += p0 * q1;
    h[2] += p0 * q2;
    h[3] += p1 * q0;
    h[4] += p1 * q1;
    h[5] += p1 * q2;
    h[6] += p2 * q0;
    h[7] += p2 * q1;
    h[8] += p2 * q2;
    sourceVar += p0 * p0 + p1 * p1 + p2 * p2;
  }
  const svd = svd3(h);
  if (svd === undefined) {
    throw new KinematicsError(
      "E_SVD_NONFINITE",
      "SVD did not converge: the points to align contain NaN or infinite coordinates",
      {
        hint: 'remove or interpolate missing joints first (e.g. nan_policy "interpolate"), or align: "none"',
      },
    );
  }
  const { u, s, v } = svd;
  // V·Uᵀ and its determinant sign (the reflection guard).
  const vut = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      vut[r * 3 + c] = v[r * 3] * u[c * 3] + v[r * 3 + 1] * u[c * 3 + 1] + v[r * 3 + 2] * u[c * 3 + 2];
    }
  }
  let d = Math.sign(det3(vut));
  if (d === 0 || Number.isNaN(d)) d = 1;
  // R = V · diag(1, 1, d) · Uᵀ
  const rot = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      rot[r * 3 + c] = v[r * 3] * u[c * 3] + v[r * 3 + 1] * u[c * 3 + 1] + d * v[r * 3 + 2] * u[c * 3 + 2];
    }
  }
  let sc = 1;
  if (withScale && sourceVar > 0) sc = (s[0] + s[1] + s[2] * d) / sourceVar;
  const t0 = ct0 - sc * (rot[0] * cs0 + rot[1] * cs1 + rot[2] * cs2);
  const t1 = ct1 - sc * (rot[3] * cs0 + rot[4] * cs1 + rot[5] * cs2);
  const t2 = ct2 - sc * (rot[6] * cs0 + rot[7] * cs1 + rot[8] * cs2);
  if (out !== undefined) {
    for (let i = 0; i < n; i++) {
      const a = so + i * 3;
      const o = oo + i * 3;
      const x = src[a];
      const y = src[a + 1];
      const z = src[a + 2];
      out[o] = sc * (x * rot[0] + y * rot[1] + z * rot[2]) + t0;
      out[o + 1] = sc * (x * rot[3] + y * rot[4] + z * rot[5]) + t1;
      out[o + 2] = sc * (x * rot[6] + y * rot[7] + z * rot[8]) + t2;
    }
  }
  return { rotation: rot, scale: sc, translation: new Float64Array([t0, t1, t2]) };
}

/**
 * Rotation magnitude of a rotation matrix in degrees: arccos(clip((tr R − 1) / 2, −1, 1)).
 *
 * @example
 * ```ts
 * import { rotationMagnitudeDeg } from "@neuropose/kinematics";
 * rotationMagnitudeDeg(new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1])); // 0
 * ```
 */
export function rotationMagnitudeDeg(rotation: ArrayLike<number>): number {
  let c = (rotation[0] + rotation[4] + rotation[8] - 1) / 2;
  c = Math.max(-1, Math.min(1, c));
  return Math.acos(c) * RAD2DEG;
}

/**
 * Rigidly align `source` onto `target` with the Kabsch algorithm (optionally with a uniform scale), exactly
 * as the original `procrustes_align`: one transform for the whole sequence (`per_sequence`, default) or one
 * per frame (`per_frame`). The fitted matrix is always a proper rotation (reflection guard). Only the source
 * moves. Throws `E_SHAPE_MISMATCH` for different shapes, `E_PROCRUSTES_MODE` for an unknown mode and
 * `E_SVD_NONFINITE` when the points contain NaN/Infinity (numpy's LinAlgError in the original).
 *
 * @example
 * ```ts
 * import { fromNested, procrustesAlign } from "@neuropose/kinematics";
 * const target = fromNested([[[0, 0, 0], [1, 0, 0], [0, 2, 0]]]);
 * const source = fromNested([[[5, 5, 5], [5, 6, 5], [3, 5, 5]]]); // rotated 90° about z, shifted
 * const { aligned, diagnostics } = procrustesAlign(source, target, { mode: "per_sequence" });
 * Math.round(diagnostics.rotation_deg); // 90
 * aligned.data[3].toFixed(6); // "1.000000"
 * ```
 */
export function procrustesAlign(
  source: PoseSequence,
  target: PoseSequence,
  options: ProcrustesOptions = {},
): ProcrustesResult {
  checkSequence(source, "source");
  checkSequence(target, "target");
  const mode = options.mode ?? "per_sequence";
  const withScale = options.scale ?? false;
  if (source.frames !== target.frames || source.joints !== target.joints) {
    throw new KinematicsError(
      "E_SHAPE_MISMATCH",
      `source and target must have the same shape; got (${source.frames}, ${source.joints}, 3) and (${target.frames}, ${target.joints}, 3)`,
      { hint: "procrustes alignment pairs frames one to one: pad or resample the sequences first" },
    );
  }
  const out = new Float64Array(source.data.length);
  const { frames, joints } = source;
  if (mode === "per_sequence") {
    const fit = kabschFit(source.data, 0, target.data, 0, frames * joints, withScale, out, 0);
    const rot = rotationMagnitudeDeg(fit.rotation);
    const tr = norm3(fit.translation);
    return {
      aligned: { frames, joints, data: out },
      diagnostics: {
        mode,
        rotation_deg: rot,
        rotation_deg_max: rot,
        translation: tr,
        translation_max: tr,
        scale: fit.scale,
      },
    };
  }
  if (mode === "per_frame") {
    const rots = new Float64Array(frames);
    const trs = new Float64Array(frames);
    const scs = new Float64Array(frames);
    const stride = joints * 3;
    for (let f = 0; f < frames; f++) {
      const fit = kabschFit(
        source.data,
        f * stride,
        target.data,
        f * stride,
        joints,
        withScale,
        out,
        f * stride,
      );
      rots[f] = rotationMagnitudeDeg(fit.rotation);
      trs[f] = norm3(fit.translation);
      scs[f] = fit.scale;
    }
    return {
      aligned: { frames, joints, data: out },
      diagnostics: {
        mode,
        rotation_deg: frames ? npMean(rots) : 0,
        rotation_deg_max: frames ? npMax(rots) : 0,
        translation: frames ? npMean(trs) : 0,
        translation_max: frames ? npMax(trs) : 0,
        scale: frames ? npMean(scs) : 1,
      },
    };
  }
  throw new KinematicsError(
    "E_PROCRUSTES_MODE",
    `unknown mode '${String(mode)}'; expected 'per_frame' or 'per_sequence'`,
  );
}

function norm3(v: Float64Array): number {
  return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}
