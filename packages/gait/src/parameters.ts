import type { GaitEvent, GaitEventSet, Side } from "./events.js";
import { GAIT_WARNING_DEFAULTS } from "./warnings.js";

/** Mean, sample SD (n − 1), coefficient of variation (%), count; null where not computable. */
export interface Stat {
  mean: number | null;
  sd: number | null;
  cv: number | null;
  n: number;
}

/** Left vs right: symmetry index 100·(L − R)/(½(L + R)) (%, 0 = symmetric, > 0: left larger) and ratio L/R. */
export interface Asymmetry {
  symmetryIndex: number | null;
  ratio: number | null;
}

/** One stride of one foot with its events and timings. */
export interface Stride {
  side: Side;
  bout: number;
  /** Heel strike that opens the stride and the next heel strike of the same foot (frames). */
  start: number;
  end: number;
  /** Toe off of this foot inside the stride, and the opposite foot's toe off and heel strike (frames or null). */
  toeOff: number | null;
  oppositeToeOff: number | null;
  oppositeStrike: number | null;
  strideTime: number;
  /** Time from the opposite foot's strike to this stride's closing strike, seconds. */
  stepTime: number | null;
  stancePct: number | null;
  swingPct: number | null;
  doubleSupportPct: number | null;
  /** Length of the stride and of its closing step in `lengthUnit`, and speed, when a scale is known. */
  strideLength: number | null;
  stepLength: number | null;
  speed: number | null;
  /** min of the events' confidences. */
  confidence: number;
}

export interface SideParameters {
  strides: number;
  strideTime: Stat;
  stepTime: Stat;
  stancePct: Stat;
  swingPct: Stat;
  doubleSupportPct: Stat;
  strideLength: Stat;
  stepLength: Stat;
  speed: Stat;
  /** Steps per minute from this foot's step times (60 / mean step time). */
  cadence: number | null;
}

export interface ParameterSet {
  /** Steps per minute: all steps of the bouts over the bouts' duration. */
  cadence: number | null;
  steps: number;
  walkingSeconds: number;
  left: SideParameters;
  right: SideParameters;
  asymmetry: Record<
    "strideTime" | "stepTime" | "stancePct" | "swingPct" | "doubleSupportPct" | "strideLength" | "stepLength",
    Asymmetry
  >;
}

/** Spatiotemporal parameters overall and per walking bout. */
export interface SpatiotemporalParameters {
  overall: ParameterSet;
  bouts: (ParameterSet & { bout: number; start: number; end: number })[];
  strides: Stride[];
  /** How lengths were scaled, in words (null: no scale, lengths and speed not given). */
  scale: ScaleInfo | null;
}

/** A spatial scale: lengths in the sequence's units are multiplied by `factor` to give metres. */
export interface ScaleInfo {
  /** "metric_3d": metric coordinates; "leg_length" / "height": the subject's size relative to the model's legs. */
  source: "metric_3d" | "leg_length" | "height";
  lengthUnit: "m";
  assumption: string;
  /** Per frame multiplier from sequence units to metres (a constant for metric data). */
  factor: (frame: number) => number;
}

/**
 * Statistics of values: mean, sample SD (n − 1), CV = 100·SD/|mean|; non-finite values are skipped.
 *
 * @example
 * ```ts
 * import { stat } from "@neuropose/gait";
 * console.log(stat([1, 2, 3])); // { mean: 2, sd: 1, cv: 50, n: 3 }
 * ```
 */
export function stat(values: readonly (number | null)[]): Stat {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: null, sd: null, cv: null, n: 0 };
  let s = 0;
  for (const x of v) s += x;
  const mean = s / n;
  if (n < 2) return { mean, sd: null, cv: null, n };
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  const sd = Math.sqrt(q / (n - 1));
  return { mean, sd, cv: mean !== 0 ? (100 * sd) / Math.abs(mean) : null, n };
}

/**
 * Asymmetry of a left and a right value: symmetry index `100·(L − R) / (½·(L + R))` (Robinson et al. 1987;
 * signed, > 0 when the left value is larger) and ratio `L / R`.
 *
 * @example
 * ```ts
 * import { asymmetry } from "@neuropose/gait";
 * console.log(asymmetry(0.55, 0.45)); // { symmetryIndex: 20, ratio: 1.2222222222222223 }
 * ```
 */
export function asymmetry(left: number | null, right: number | null): Asymmetry {
  if (left === null || right === null || !Number.isFinite(left) || !Number.isFinite(right))
    return { symmetryIndex: null, ratio: null };
  const m = 0.5 * (left + right);
  return {
    symmetryIndex: m !== 0 ? (100 * (left - right)) / m : null,
    ratio: right !== 0 ? left / right : null,
  };
}

function firstIn(list: readonly GaitEvent[], side: Side, a: number, b: number): GaitEvent | undefined {
  // Binary search for the first event with frame > a, then scan.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].frame <= a) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && list[i].frame < b; i++) if (list[i].side === side) return list[i];
  return undefined;
}

/** Options for `spatiotemporalParameters`. */
export interface ParameterOptions {
  /** Anterior heel position relative to the pelvis per side (sequence units), for step lengths. */
  heelAnterior?: [Float64Array, Float64Array] | undefined;
  /** How to turn sequence units into metres; without it, lengths and speed are null. */
  scale?: ScaleInfo | null | undefined;
  /**
   * Fewest strides of a side for its variability (default 3): with fewer, that side's SD and CV are null (two
   * strides give one difference, no estimate of variability); means are still given.
   */
  minStrides?: number | undefined;
}

/**
 * Strides and spatiotemporal parameters from gait events: per foot, every stride from a heel strike to the
 * next strike of the same foot within a bout, with stride time, step time (opposite strike → this strike),
 * stance/swing % (toe off of this foot inside the stride), double support % (initial: strike → opposite
 * toe off; terminal: opposite strike → toe off), and with a scale the step length (distance between the
 * heels along the walking direction at the strike), stride length (the stride's two steps) and speed;
 * their mean, SD and CV per foot, left/right asymmetry, and cadence (steps per minute over the bouts).
 *
 * @example
 * ```ts
 * import { detectGaitEvents, spatiotemporalParameters, synthesizeWalker } from "@neuropose/gait";
 * const w = synthesizeWalker({ fps: 30, seconds: 10, strideSeconds: 1.2 });
 * const ev = detectGaitEvents(w.sequence, { fps: 30, skeleton: "blazepose_33" });
 * const p = spatiotemporalParameters(ev);
 * console.log(p.overall.cadence, p.overall.left.stancePct.mean); // 100 60
 * ```
 */
export function spatiotemporalParameters(
  events: GaitEventSet,
  options: ParameterOptions = {},
): SpatiotemporalParameters {
  const fps = events.fps;
  const hs = events.heelStrikes;
  const to = events.toeOffs;
  const scale = options.scale ?? null;
  const heelA = options.heelAnterior;
  const strides: Stride[] = [];
  const stepLen = (k: number): number | null => {
    if (scale === null || heelA === undefined || k < 1) return null;
    const a = hs[k];
    const b = hs[k - 1];
    if (a.bout !== b.bout || a.side === b.side) return null;
    // The labelled heels may be swapped by the model: the leading heel is the striking one.
    const lead = Math.max(heelA[0][a.frame], heelA[1][a.frame]);
    const trail = Math.min(heelA[0][a.frame], heelA[1][a.frame]);
    const len = (lead - trail) * scale.factor(a.frame);
    return Number.isFinite(len) ? len : null;
  };
  for (let k = 0; k + 2 < hs.length; k++) {
    const a = hs[k];
    const m = hs[k + 1];
    const b = hs[k + 2];
    if (a.side !== b.side || a.bout !== b.bout || m.bout !== a.bout) continue;
    const side = a.side;
    const other: Side = side === "left" ? "right" : "left";
    const strideFrames = b.frame - a.frame;
    const toeOff = firstIn(to, side, m.frame, b.frame) ?? firstIn(to, side, a.frame, b.frame);
    const oppToe = firstIn(to, other, a.frame, m.frame);
    const stance = toeOff ? (100 * (toeOff.frame - a.frame)) / strideFrames : null;
    const ds =
      toeOff && oppToe && toeOff.frame > m.frame
        ? (100 * (oppToe.frame - a.frame + toeOff.frame - m.frame)) / strideFrames
        : null;
    const s1 = stepLen(k + 1);
    const s2 = stepLen(k + 2);
    const strideLength = s1 !== null && s2 !== null ? s1 + s2 : null;
    const strideTime = strideFrames / fps;
    strides.push({
      side,
      bout: a.bout,
      start: a.frame,
      end: b.frame,
      toeOff: toeOff?.frame ?? null,
      oppositeToeOff: oppToe?.frame ?? null,
      oppositeStrike: m.frame,
      strideTime,
      stepTime: (b.frame - m.frame) / fps,
      stancePct: stance,
      swingPct: stance === null ? null : 100 - stance,
      doubleSupportPct: ds,
      strideLength,
      stepLength: s2,
      speed: strideLength === null ? null : strideLength / strideTime,
      confidence: Math.min(a.confidence, m.confidence, b.confidence, toeOff?.confidence ?? 0),
    });
  }
  const minStrides = options.minStrides ?? GAIT_WARNING_DEFAULTS.minStrides;
  const overall = parameterSet(strides, events, null, minStrides);
  const bouts = events.bouts.map((b) => ({
    ...parameterSet(
      strides.filter((s) => s.bout === b.index),
      events,
      b.index,
      minStrides,
    ),
    bout: b.index,
    start: b.start,
    end: b.end,
  }));
  return { overall, bouts, strides, scale };
}

function sideParameters(strides: Stride[], minStrides: number): SideParameters {
  // Variability (SD, CV) only from `minStrides` strides on; the mean from any.
  const few = strides.length < minStrides;
  const pick = (k: keyof Stride) => {
    const s = stat(strides.map((x) => x[k] as number | null));
    return few ? { ...s, sd: null, cv: null } : s;
  };
  const stepTime = pick("stepTime");
  return {
    strides: strides.length,
    strideTime: pick("strideTime"),
    stepTime,
    stancePct: pick("stancePct"),
    swingPct: pick("swingPct"),
    doubleSupportPct: pick("doubleSupportPct"),
    strideLength: pick("strideLength"),
    stepLength: pick("stepLength"),
    speed: pick("speed"),
    cadence: stepTime.mean ? 60 / stepTime.mean : null,
  };
}

function parameterSet(
  strides: Stride[],
  events: GaitEventSet,
  bout: number | null,
  minStrides: number,
): ParameterSet {
  let steps = 0;
  let frames = 0;
  for (const b of events.bouts) {
    if (bout !== null && b.index !== bout) continue;
    if (b.strikes < 2) continue;
    steps += b.strikes - 1;
    frames += b.end - b.start;
  }
  const walkingSeconds = frames / events.fps;
  const left = sideParameters(
    strides.filter((s) => s.side === "left"),
    minStrides,
  );
  const right = sideParameters(
    strides.filter((s) => s.side === "right"),
    minStrides,
  );
  const asym = (k: keyof SideParameters) => asymmetry((left[k] as Stat).mean, (right[k] as Stat).mean);
  return {
    cadence: walkingSeconds > 0 ? (60 * steps) / walkingSeconds : null,
    steps,
    walkingSeconds,
    left,
    right,
    asymmetry: {
      strideTime: asym("strideTime"),
      stepTime: asym("stepTime"),
      stancePct: asym("stancePct"),
      swingPct: asym("swingPct"),
      doubleSupportPct: asym("doubleSupportPct"),
      strideLength: asym("strideLength"),
      stepLength: asym("stepLength"),
    },
  };
}
