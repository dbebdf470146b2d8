// What a reader must know before trusting the gait measures: too few strides on a side (cadence and
// variability from 1–2 strides are not measures), heel strikes the detector was unsure of. Stable codes, the
// numbers in the sentence, the thresholds as options.
import type { GaitEventSet, Side } from "./events.js";
import type { SpatiotemporalParameters } from "./parameters.js";

/** Stable codes of the gait warnings. */
export type GaitWarningCode =
  /** A side has fewer complete strides than `minStrides`: its SD and CV are null, its means rest on few strides. */
  | "W_GAIT_FEW_STRIDES"
  /** A heel strike's confidence is below `minStrikeConfidence`. */
  | "W_GAIT_LOW_CONFIDENCE_STRIKE"
  /** More low-confidence heel strikes than listed one by one (`MAX_LISTED_STRIKES`): their count. */
  | "W_GAIT_LOW_CONFIDENCE_STRIKES_MORE"
  /** The declared up direction puts the hips below the heels in most frames (see `GaitOptions.up`). */
  | "W_GAIT_UP_MISMATCH";

/** One warning: its code, the sentence, and the numbers in it. */
export interface GaitWarning {
  code: GaitWarningCode;
  message: string;
  side: Side | null;
  /** Sequence frame of the event the warning is about (null for a whole side). */
  frame: number | null;
  /** The measured value (strides, confidence, count) and the threshold it was checked against. */
  value: number;
  threshold: number;
}

/** Thresholds of the warnings (documented defaults). */
export interface GaitWarningOptions {
  /**
   * Fewest strides per side for cadence and variability (default 3): with fewer, that side's SD and CV are
   * null and `W_GAIT_FEW_STRIDES` says so (two strides give one difference: no estimate of variability).
   */
  minStrides?: number | undefined;
  /** Heel strikes below this confidence (0..1, default 0.5) get `W_GAIT_LOW_CONFIDENCE_STRIKE`. */
  minStrikeConfidence?: number | undefined;
  /** Frame of the sequence's first frame in its source (default 0): the times in the sentences count from there. */
  frameOffset?: number | undefined;
}

/** Default thresholds of the gait warnings. */
export const GAIT_WARNING_DEFAULTS = Object.freeze({ minStrides: 3, minStrikeConfidence: 0.5 });

/** Low-confidence heel strikes listed one by one; the rest are counted in one warning. */
export const MAX_LISTED_STRIKES = 20;

/**
 * The warnings of one gait analysis (see `GaitWarningCode`): sides with fewer than `minStrides` strides, heel
 * strikes below `minStrikeConfidence`. `analyzeGait` returns them as `warnings`.
 *
 * @example
 * ```ts
 * import { detectGaitEvents, gaitWarnings, spatiotemporalParameters, synthesizeWalker } from "@neuropose/gait";
 * const w = synthesizeWalker({ fps: 30, seconds: 2.2 });
 * const ev = detectGaitEvents(w.sequence, { fps: 30, skeleton: "blazepose_33" });
 * const ws = gaitWarnings(ev, spatiotemporalParameters(ev));
 * console.log(ws.map((x) => x.code)); // ["W_GAIT_FEW_STRIDES", "W_GAIT_FEW_STRIDES"]
 * ```
 */
export function gaitWarnings(
  events: GaitEventSet,
  parameters: SpatiotemporalParameters,
  options: GaitWarningOptions = {},
): GaitWarning[] {
  const minStrides = options.minStrides ?? GAIT_WARNING_DEFAULTS.minStrides;
  const minConf = options.minStrikeConfidence ?? GAIT_WARNING_DEFAULTS.minStrikeConfidence;
  const offset = options.frameOffset ?? 0;
  const out: GaitWarning[] = [];
  for (const side of ["left", "right"] as const) {
    const n = parameters.overall[side].strides;
    if (n >= minStrides) continue;
    const what = n === 0 ? "no complete stride" : `only ${n} stride${n === 1 ? "" : "s"}`;
    out.push({
      code: "W_GAIT_FEW_STRIDES",
      message: `${what} on the ${side} side (≥ ${minStrides} recommended for cadence/variability): its SD and CV are not reported${n > 0 ? " and its means rest on few strides" : ""}`,
      side,
      frame: null,
      value: n,
      threshold: minStrides,
    });
  }
  const low = events.heelStrikes.filter((e) => e.confidence < minConf);
  for (const e of low.slice(0, MAX_LISTED_STRIKES)) {
    // Two decimals, cut (not rounded) so that the number shown is below the threshold too (0.999 → 0.99 < 1).
    const cut = (Math.floor(e.confidence * 100 + 1e-9) / 100).toFixed(2); // 1e-9: 0.29 * 100 = 28.999…
    const c = Number(cut) < minConf ? cut : String(e.confidence); // all digits when two would not show it
    out.push({
      code: "W_GAIT_LOW_CONFIDENCE_STRIKE",
      message: `heel strike (${e.side}) at ${((e.frame + offset) / events.fps).toFixed(2)} s (frame ${e.frame + offset}) has confidence ${c} < ${minConf}`,
      side: e.side,
      frame: e.frame,
      value: e.confidence,
      threshold: minConf,
    });
  }
  if (low.length > MAX_LISTED_STRIKES) {
    out.push({
      code: "W_GAIT_LOW_CONFIDENCE_STRIKES_MORE",
      message: `${low.length - MAX_LISTED_STRIKES} more heel strikes have confidence < ${minConf} (${low.length} of ${events.heelStrikes.length} in all)`,
      side: null,
      frame: null,
      value: low.length - MAX_LISTED_STRIKES,
      threshold: minConf,
    });
  }
  return out;
}
