import type { PoseSequence } from "@neuropose/kinematics";
import { type BodyFrame, type LegJoints, meanPoints } from "./_frame.js";
import type { GaitEventSet, Side } from "./events.js";
import type { Stride } from "./parameters.js";

/** Joints of the gait curves. */
export type CurveJoint = "hip" | "knee" | "ankle";

/** The sign convention of the sagittal angles, as stated in every result. */
export const ANGLE_CONVENTION = Object.freeze({
  plane:
    "sagittal: the vertical axis and the walking direction (estimated per frame from the feet); angles of segments projected on it",
  hip: "hip flexion (+) / extension (−): thigh (hip → knee) relative to the trunk line (shoulder midpoint → hip midpoint); 0° = thigh in line with the trunk",
  knee: "knee flexion (+) / extension (−, hyperextension): thigh relative to shank; 0° = straight knee",
  ankle:
    "ankle dorsiflexion (+) / plantarflexion (−): foot (heel → toe) relative to the shank, minus 90°; 0° = foot perpendicular to the shank",
  unit: "degrees",
});

/** Sagittal joint angles per frame, degrees, per labelled side ([left, right] as the pose model labels them). */
export interface SagittalAngles {
  hip: [Float64Array, Float64Array];
  knee: [Float64Array, Float64Array];
  ankle: [Float64Array, Float64Array];
}

function wrap(deg: number): number {
  return deg > 180 ? deg - 360 : deg <= -180 ? deg + 360 : deg;
}

/**
 * Angle (degrees) of the segment from point i of `from` to point j of `to` (xyz at offsets i, j), measured from
 * "pointing down" in the sagittal plane of frame f, positive towards anterior.
 */
function segmentAngle(
  from: Float64Array,
  i: number,
  to: Float64Array,
  j: number,
  bf: BodyFrame,
  f: number,
): number {
  const { h1, h2, vertical } = bf;
  const anteriorPart = (to[j + h1] - from[i + h1]) * bf.dirX[f] + (to[j + h2] - from[i + h2]) * bf.dirZ[f];
  return Math.atan2(anteriorPart, -bf.up * (to[j + vertical] - from[i + vertical])) * (180 / Math.PI);
}

/** Internal: sagittal angles with a precomputed body frame (see `gaitAngles` for the public entry). */
export function sagittalAngles(seq: PoseSequence, bf: BodyFrame, legs: LegJoints): SagittalAngles {
  const n = seq.frames;
  const J = seq.joints;
  const d = seq.data;
  const mk = (): [Float64Array, Float64Array] => [new Float64Array(n), new Float64Array(n)];
  const out: SagittalAngles = { hip: mk(), knee: mk(), ankle: mk() };
  // Joint means once per sequence (the pelvis is the body frame's; shoulders and each hip here).
  const pelvis = bf.pelvis;
  const shoulders = meanPoints(seq, [...legs.shoulder[0], ...legs.shoulder[1]]);
  const hipSide = [meanPoints(seq, legs.hip[0]), meanPoints(seq, legs.hip[1])];
  for (let f = 0; f < n; f++) {
    const p = 3 * f;
    const trunk = segmentAngle(shoulders, p, pelvis, p, bf, f);
    for (let s = 0; s < 2; s++) {
      const k = (f * J + legs.knee[s]) * 3;
      const a = (f * J + legs.ankle[s]) * 3;
      const thigh = segmentAngle(hipSide[s] as Float64Array, p, d, k, bf, f);
      const shank = segmentAngle(d, k, d, a, bf, f);
      const foot = segmentAngle(d, (f * J + legs.heel[s]) * 3, d, (f * J + legs.toe[s]) * 3, bf, f);
      out.hip[s][f] = wrap(thigh - trunk);
      out.knee[s][f] = wrap(thigh - shank);
      out.ankle[s][f] = wrap(foot - shank - 90);
    }
  }
  return out;
}

/** A joint's curve over the normalised gait cycle (101 points, 0..100 %) for one foot. */
export interface GaitCurve {
  joint: CurveJoint;
  side: Side;
  strides: number;
  /** Mean and SD (n − 1) over strides at 0, 1, …, 100 % of the stride; null where no stride has a value. */
  mean: (number | null)[];
  sd: (number | null)[];
  /** Range of motion of the mean curve (max − min), degrees; and per stride mean ± SD. */
  rom: number | null;
  romPerStride: { mean: number | null; sd: number | null };
  /** Maximum and minimum of the mean curve and where (% of the stride). */
  max: { value: number; pct: number } | null;
  min: { value: number; pct: number } | null;
  /** Maximum in the loading response (0–25 % of the stride: the knee's first flexion wave) and in swing (toe off to 100 %). */
  loadingMax: { value: number; pct: number } | null;
  swingMax: { value: number; pct: number } | null;
  /** Mean toe off of these strides, % of the stride (the stance/swing boundary). */
  toeOffPct: number | null;
}

/**
 * Time-normalise x over [start, end] (frames, inclusive) to `points` samples by linear interpolation.
 *
 * @example
 * ```ts
 * import { timeNormalize } from "@neuropose/gait";
 * console.log(Array.from(timeNormalize([0, 10, 20, 30], 1, 3, 5))); // [10, 15, 20, 25, 30]
 * ```
 */
export function timeNormalize(x: ArrayLike<number>, start: number, end: number, points = 101): Float64Array {
  return timeNormalizeInto(x, start, end, new Float64Array(points));
}

function timeNormalizeInto(
  x: ArrayLike<number>,
  start: number,
  end: number,
  out: Float64Array,
): Float64Array {
  const points = out.length;
  for (let i = 0; i < points; i++) {
    const t = start + ((end - start) * i) / (points - 1);
    const f0 = Math.floor(t);
    const f1 = Math.min(end, f0 + 1);
    const w = t - f0;
    out[i] = w === 0 ? x[f0] : x[f0] * (1 - w) + x[f1] * w;
  }
  return out;
}

function peakOf(mean: (number | null)[], from: number, to: number): { value: number; pct: number } | null {
  let best: { value: number; pct: number } | null = null;
  for (let i = Math.max(0, from); i <= Math.min(100, to); i++) {
    const v = mean[i];
    if (v !== null && (best === null || v > best.value)) best = { value: v, pct: i };
  }
  return best;
}

/**
 * Gait curves: each stride's hip, knee and ankle angle time-normalised to 0–100 % of the stride (heel strike
 * to heel strike of that foot), then mean ± SD per foot, range of motion, peaks and their timing. A stride
 * uses the leg the pose model labelled as the striking (leading) heel at its opening strike, so a model that
 * swaps labels between strides still gives each stride one leg.
 *
 * @example
 * ```ts
 * import { analyzeGait, synthesizeWalker } from "@neuropose/gait";
 * const w = synthesizeWalker({ seconds: 8 });
 * const g = analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33", unit: "mm" });
 * const knee = g.curves.find((c) => c.joint === "knee" && c.side === "left");
 * console.log(knee.strides, knee.mean.length); // 7 101
 * ```
 */
export function gaitCurves(
  angles: SagittalAngles,
  strides: readonly Stride[],
  events: GaitEventSet,
  options: { minConfidence?: number } = {},
): GaitCurve[] {
  const labelAt = new Map(events.heelStrikes.map((h) => [h.frame, h.labelSide]));
  const minConf = options.minConfidence ?? 0;
  const out: GaitCurve[] = [];
  for (const joint of ["hip", "knee", "ankle"] as const) {
    for (const side of ["left", "right"] as const) {
      const mine = strides.filter((s) => s.side === side && s.confidence >= minConf);
      // One pass per stride, row by row: column sums, sums of squares (around a first-stride shift, for a
      // stable SD) and the stride's own range of motion.
      const sum = new Float64Array(101);
      const sq = new Float64Array(101);
      const cnt = new Float64Array(101);
      const shift = new Float64Array(101);
      const roms: number[] = [];
      const row = new Float64Array(101);
      let first = true;
      for (const s of mine) {
        const leg = (labelAt.get(s.start) ?? side) === "left" ? 0 : 1;
        timeNormalizeInto(angles[joint][leg], s.start, s.end, row);
        if (first) {
          shift.set(row);
          for (let i = 0; i < 101; i++) if (!Number.isFinite(shift[i])) shift[i] = 0;
          first = false;
        }
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < 101; i++) {
          const v = row[i];
          if (!Number.isFinite(v)) continue;
          const dv = v - shift[i];
          sum[i] += dv;
          sq[i] += dv * dv;
          cnt[i]++;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (hi >= lo) roms.push(hi - lo);
      }
      const mean: (number | null)[] = [];
      const sd: (number | null)[] = [];
      for (let i = 0; i <= 100; i++) {
        const c = cnt[i];
        const m = c > 0 ? sum[i] / c : null;
        mean.push(m === null ? null : m + shift[i]);
        sd.push(m !== null && c > 1 ? Math.sqrt(Math.max(0, (sq[i] - c * m * m) / (c - 1))) : null);
      }
      const finite = mean.filter((v): v is number => v !== null);
      const romMean = roms.length > 0 ? roms.reduce((x, y) => x + y, 0) / roms.length : null;
      const romSd =
        roms.length > 1 && romMean !== null
          ? Math.sqrt(roms.reduce((x, y) => x + (y - romMean) ** 2, 0) / (roms.length - 1))
          : null;
      const toes = mine.map((s) => s.stancePct).filter((v): v is number => v !== null);
      const toePct = toes.length > 0 ? toes.reduce((a, b) => a + b, 0) / toes.length : null;
      const negMean = mean.map((v) => (v === null ? null : -v));
      const minPk = peakOf(negMean, 0, 100);
      const split = Math.round(toePct ?? 60);
      out.push({
        joint,
        side,
        strides: mine.length,
        mean,
        sd,
        rom: finite.length > 0 ? Math.max(...finite) - Math.min(...finite) : null,
        romPerStride: { mean: romMean, sd: romSd },
        max: peakOf(mean, 0, 100),
        min: minPk === null ? null : { value: -minPk.value, pct: minPk.pct },
        loadingMax: peakOf(mean, 0, 25),
        swingMax: peakOf(mean, split, 100),
        toeOffPct: toePct,
      });
    }
  }
  return out;
}
