import type { Skeleton } from "@neuropose/io";
import { type PoseSequence, resolveAxis } from "@neuropose/kinematics";
import {
  anterior,
  type BodyFrame,
  bodyFrame,
  height,
  type LegJoints,
  legJoints,
  quantile,
} from "./_frame.js";
import { windowedPeaks } from "./_peaks.js";
import { GaitError } from "./errors.js";

export type Side = "left" | "right";

/** How gait events are detected. */
export type GaitEventMethod = "zeni" | "velocity";

/** One gait event (heel strike or toe off) of one foot. */
export interface GaitEvent {
  frame: number;
  /** The foot, by alternation within its walking bout (see `GaitEventSet.labelAgreement`). */
  side: Side;
  /** The foot the pose model's labels say (the leading heel for strikes, the trailing toe for toe offs). */
  labelSide: Side;
  /** Walking bout index, −1 for an event outside every bout. */
  bout: number;
  /** In [0, 1]: prominence against the median of the same foot and kind × walking-direction steadiness. */
  confidence: number;
  /** Prominence of the event in its detection signal (sequence units, or units per frame for "velocity"). */
  prominence: number;
}

/** A stretch of steady walking: consecutive heel strikes with no stop, no turn and no tracking gap between. */
export interface WalkingBout {
  index: number;
  /** First and last heel-strike frame of the bout. */
  start: number;
  end: number;
  /** Number of heel strikes. */
  strikes: number;
}

/** Gait events of both feet. */
export interface GaitEventSet {
  method: GaitEventMethod;
  fps: number;
  heelStrikes: GaitEvent[];
  toeOffs: GaitEvent[];
  bouts: WalkingBout[];
  /** Fraction of heel strikes whose label agrees with the alternation (NaN without strikes). */
  labelAgreement: number;
  /** Per frame walking-direction steadiness in [0, 1]. */
  directionSteadiness: Float64Array;
}

export interface GaitEventOptions {
  /** Frames per second (required). */
  fps: number;
  /** Skeleton of the sequence (default: inferred from the joint count). */
  skeleton?: Skeleton | string | undefined;
  /** "zeni" (default): Zeni et al. 2008, anterior heel/toe extremes relative to the pelvis. "velocity": foot vertical velocity. */
  method?: GaitEventMethod;
  /** Vertical axis of the coordinates (default "y"); "up" is found from the data (hips above heels). */
  verticalAxis?: "x" | "y" | "z" | number;
  /** Minimal stride time, seconds (default 0.4): strikes of either foot at least half of it apart. */
  minCycleSeconds?: number;
  /** Longest stride inside a bout, seconds (default 2.5): a longer gap is a stop. */
  maxCycleSeconds?: number;
  /** Minimal prominence as a fraction of the signal's 5–95 % range (default 0.25). */
  minProminenceRatio?: number;
  /** Window of peak detection and of its thresholds, seconds (default 30): thresholds follow slow changes. */
  windowSeconds?: number;
  /** Window of the walking-direction estimate, seconds (default 1). */
  directionWindowSeconds?: number;
  /** @internal precomputed body frame */
  _frame?: { legs: LegJoints; bf: BodyFrame; heelA?: [Float64Array, Float64Array] };
}

function movingAverage3(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = x[Math.max(0, i - 1)];
    const b = x[i];
    const c = x[Math.min(n - 1, i + 1)];
    out[i] = (a + b + c) / 3;
  }
  return out;
}

interface Raw {
  frame: number;
  labelSide: Side;
  prominence: number;
}

/**
 * Detect heel strikes and toe offs of both feet, split into walking bouts (at stops, turns and tracking
 * gaps), each event with its foot and a confidence.
 *
 * - `method: "zeni"` (default; Zeni et al. 2008, the rule of segment's `stride_zeni_v1`): a heel strike is a
 *   maximum of the leading heel's position along the walking direction relative to the pelvis, a toe off a
 *   minimum of the trailing toe's.
 * - `method: "velocity"`: from the feet's vertical velocity (after O'Connor et al. 2007 and the velocity
 *   thresholds of Ghoussayni et al. 2004): a heel strike is the frame where the leading heel's descent ends
 *   (its downward speed falls below 20 % of that step's peak descent speed), a toe off the frame where the
 *   trailing toe starts to rise (its upward speed exceeds 20 % of that step's peak rise speed). Needs a
 *   visible floor-to-foot height change (side view or 3D).
 *
 * Both use the leading/trailing foot, so a pose model that swaps left and right still yields one strike per
 * step; feet then alternate within a bout and the side is the parity the labels agree with most often.
 *
 * @example
 * ```ts
 * import { detectGaitEvents, synthesizeWalker } from "@neuropose/gait";
 * const w = synthesizeWalker({ fps: 30, seconds: 6 });
 * const ev = detectGaitEvents(w.sequence, { fps: 30, skeleton: "blazepose_33" });
 * console.log(ev.heelStrikes.slice(0, 3).map((e) => `${e.frame} ${e.side}`)); // ["15 left", "30 right", "45 left"]
 * ```
 */
export function detectGaitEvents(seq: PoseSequence, options: GaitEventOptions): GaitEventSet {
  const fps = options.fps;
  if (!(fps > 0))
    throw new GaitError("E_GAIT_FPS", `fps must be > 0; got ${fps}`, { hint: "set metadata.fps" });
  const method = options.method ?? "zeni";
  if (method !== "zeni" && method !== "velocity") {
    throw new GaitError("E_GAIT_METHOD", `unknown gait event method ${String(method)}`, {
      hint: 'use "zeni" or "velocity"',
    });
  }
  const legs = options._frame?.legs ?? legJoints(options.skeleton, seq.joints);
  const vertical = resolveAxis(options.verticalAxis ?? "y");
  const bf = options._frame?.bf ?? bodyFrame(seq, legs, fps, vertical, options.directionWindowSeconds ?? 1.0);
  const n = seq.frames;
  const heelA = options._frame?.heelA ?? [anterior(seq, bf, legs.heel[0]), anterior(seq, bf, legs.heel[1])];
  const toeA = [anterior(seq, bf, legs.toe[0]), anterior(seq, bf, legs.toe[1])];
  const minCycle = options.minCycleSeconds ?? 0.4;
  const distance = Math.max(1, Math.round((minCycle * fps) / 2));
  const ratio = options.minProminenceRatio ?? 0.25;
  let hsRaw: Raw[] = [];
  let toRaw: Raw[] = [];
  if (n >= 3) {
    const window = Math.max(3, Math.round((options.windowSeconds ?? 30) * fps));
    const floor = 0.25 * bf.footLength;
    if (method === "zeni") {
      const front = new Float64Array(n);
      const rear = new Float64Array(n);
      const negRear = new Float64Array(n);
      for (let f = 0; f < n; f++) {
        front[f] = Math.max(heelA[0][f], heelA[1][f]);
        rear[f] = Math.min(toeA[0][f], toeA[1][f]);
        negRear[f] = -rear[f];
      }
      hsRaw = windowedPeaks(front, distance, (r) => Math.max(ratio * r, floor), window).map((p) => ({
        ...p,
        labelSide: heelA[0][p.frame] >= heelA[1][p.frame] ? "left" : "right",
      }));
      if (hsRaw.length > 0) {
        toRaw = windowedPeaks(negRear, distance, (r) => ratio * r, window).map((p) => ({
          ...p,
          labelSide: toeA[0][p.frame] <= toeA[1][p.frame] ? "left" : "right",
        }));
      }
    } else {
      const heelH = [height(seq, bf, legs.heel[0]), height(seq, bf, legs.heel[1])];
      const toeH = [height(seq, bf, legs.toe[0]), height(seq, bf, legs.toe[1])];
      // Forward differences of the leading heel's height (descent > 0) and the trailing toe's (rise > 0).
      const desc = new Float64Array(n);
      const rise = new Float64Array(n);
      for (let f = 0; f + 1 < n; f++) {
        const lead = heelA[0][f] >= heelA[1][f] ? 0 : 1;
        const trail = toeA[0][f] <= toeA[1][f] ? 0 : 1;
        desc[f] = heelH[lead][f] - heelH[lead][f + 1];
        rise[f] = toeH[trail][f + 1] - toeH[trail][f];
      }
      const descS = movingAverage3(desc);
      const riseS = movingAverage3(rise);
      // The floor: a quarter of a foot length per step is no speed at all (a standing subject's jitter).
      const vFloor = floor / Math.max(1, distance);
      hsRaw = windowedPeaks(descS, distance, (r) => Math.max(ratio * r, vFloor), window).map((p) => {
        const tau = 0.2 * descS[p.frame];
        let f = p.frame;
        while (f < n - 1 && f < p.frame + distance && desc[f] > tau) f++;
        return {
          frame: f,
          prominence: p.prominence,
          labelSide: heelA[0][f] >= heelA[1][f] ? "left" : "right",
        };
      });
      toRaw = windowedPeaks(riseS, distance, (r) => Math.max(ratio * r, vFloor), window).map((p) => {
        const tau = 0.2 * riseS[p.frame];
        let f = p.frame;
        while (f > 0 && f > p.frame - distance && rise[f - 1] > tau) f--;
        return { frame: f, prominence: p.prominence, labelSide: toeA[0][f] <= toeA[1][f] ? "left" : "right" };
      });
    }
  }
  return assignSides(method, fps, hsRaw, toRaw, bf, options.maxCycleSeconds ?? 2.5);
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

function assignSides(
  method: GaitEventMethod,
  fps: number,
  hsRaw: Raw[],
  toRaw: Raw[],
  bf: BodyFrame,
  maxCycleSeconds: number,
): GaitEventSet {
  const steps = hsRaw.slice(1).map((h, i) => h.frame - hsRaw[i].frame);
  const medStep = median(steps);
  const stepLimit = Math.min(
    (maxCycleSeconds * fps) / 2,
    Number.isFinite(medStep) ? 1.5 * medStep : Infinity,
  );
  const dot = (a: number, b: number) => bf.dirX[a] * bf.dirX[b] + bf.dirZ[a] * bf.dirZ[b];
  const heelStrikes: GaitEvent[] = hsRaw.map((h) => ({ ...h, side: "left", bout: 0, confidence: 0 }));
  const bouts: WalkingBout[] = [];
  let agree = 0;
  for (let b0 = 0; b0 < heelStrikes.length; ) {
    let b1 = b0 + 1;
    while (
      b1 < heelStrikes.length &&
      heelStrikes[b1].frame - heelStrikes[b1 - 1].frame <= stepLimit &&
      // A step much shorter than usual (a shuffle while turning, a spurious strike) ends a bout too.
      !(heelStrikes[b1].frame - heelStrikes[b1 - 1].frame < 0.6 * medStep) &&
      dot(heelStrikes[b1].frame, heelStrikes[b1 - 1].frame) > 0.5 // a turn of more than 60° ends a bout
    )
      b1++;
    let leftEven = 0;
    for (let k = b0; k < b1; k++)
      if ((heelStrikes[k].labelSide === "left") === ((k - b0) % 2 === 0)) leftEven++;
    const evenIsLeft = leftEven * 2 >= b1 - b0;
    const index = bouts.length;
    for (let k = b0; k < b1; k++) {
      const even = (k - b0) % 2 === 0;
      heelStrikes[k].side = even === evenIsLeft ? "left" : "right";
      heelStrikes[k].bout = index;
      if (heelStrikes[k].side === heelStrikes[k].labelSide) agree++;
    }
    bouts.push({ index, start: heelStrikes[b0].frame, end: heelStrikes[b1 - 1].frame, strikes: b1 - b0 });
    b0 = b1;
  }
  // Toe offs: the toe off between two strikes belongs to the foot of the next strike (it swings and lands);
  // before a bout's first strike, to that strike's foot; after its last, to the other foot.
  const toeOffs: GaitEvent[] = [];
  let k = 0;
  for (const t of toRaw) {
    while (k < heelStrikes.length && heelStrikes[k].frame <= t.frame) k++;
    const next = heelStrikes[k];
    const prev = heelStrikes[k - 1];
    let side: Side = t.labelSide;
    let bout = -1;
    if (next !== undefined && prev !== undefined && next.bout === prev.bout) {
      side = next.side;
      bout = next.bout;
    } else if (next !== undefined && next.frame - t.frame <= stepLimit) {
      side = next.side;
      bout = next.bout;
    } else if (prev !== undefined && t.frame - prev.frame <= stepLimit) {
      side = prev.side === "left" ? "right" : "left";
      bout = prev.bout;
    }
    toeOffs.push({ ...t, side, bout, confidence: 0 });
  }
  for (const list of [heelStrikes, toeOffs]) {
    for (const side of ["left", "right"] as const) {
      const med = median(list.filter((e) => e.side === side).map((e) => e.prominence));
      for (const e of list) {
        if (e.side !== side) continue;
        const p = med > 0 ? Math.min(1, e.prominence / med) : 0;
        e.confidence = e.bout < 0 ? 0 : p * bf.steadiness[e.frame];
      }
    }
  }
  return {
    method,
    fps,
    heelStrikes,
    toeOffs,
    bouts,
    labelAgreement: heelStrikes.length > 0 ? agree / heelStrikes.length : Number.NaN,
    directionSteadiness: bf.steadiness,
  };
}
