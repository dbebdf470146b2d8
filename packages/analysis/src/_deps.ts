// The only module that calls @neuropose/dtw and @neuropose/segment, so their call shapes live in one place.
import {
  type AlignMode,
  type DtwResult,
  dtw,
  dtwAll,
  dtwMatrix,
  dtwPerJoint,
  dtwRelation,
  type NanPolicy,
  type PoseDtwOptions,
  type Representation,
} from "@neuropose/dtw";
import type { AnalysisConfig, Segmentation, VideoPredictions } from "@neuropose/io";
import { extractJointAngles, type PoseSequence } from "@neuropose/kinematics";
import { segmentGaitCycles, segmentGaitCyclesBilateral, segmentPredictions } from "@neuropose/segment";
import { AnalysisRunError } from "./errors.js";

export interface DtwChoice {
  method: "dtw_all" | "dtw_per_joint" | "dtw_relation";
  align: AlignMode;
  representation: Representation;
  angleTriplets: [number, number, number][] | null;
  jointI: number | null;
  jointJ: number | null;
  nanPolicy: NanPolicy;
  algorithm: "exact" | "fastdtw";
  radius: number;
}

export interface PairResult {
  distance: number;
  path: [number, number][];
  perJoint: number[] | null;
}

/**
 * Exact DTW of two series of `dims`-wide frames (flat arrays) with its warping path; the cell cost is the
 * Euclidean distance of two frames, summed along the path (gait curves: degrees).
 */
export function dtwSeriesPath(
  a: Float64Array,
  b: Float64Array,
  dims: number,
): { distance: number; path: [number, number][] } {
  const r = dtw(a, b, { path: true, dims });
  return { distance: r.distance, path: r.path ?? [] };
}

/** Throw `E_ABORTED` (a user error) once `signal` has fired. */
export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const why = (signal.reason as Error | undefined)?.message ?? "aborted";
    throw new AnalysisRunError("E_ABORTED", `analysis ${why}; no report was written`, {
      kind: "user",
      hint: "run it again to finish",
    });
  }
}

function opts(c: DtwChoice, path: boolean): PoseDtwOptions {
  const o: PoseDtwOptions = {
    align: c.align,
    nanPolicy: c.nanPolicy,
    method: c.algorithm,
    path,
  };
  if (c.algorithm === "fastdtw") o.radius = c.radius;
  if (c.method !== "dtw_relation") {
    o.representation = c.representation;
    if (c.angleTriplets) o.angleTriplets = c.angleTriplets;
  }
  return o;
}

/**
 * One DTW comparison of two pose sequences with the configured method. `path: false` skips the warping path
 * (empty in the result), for callers that only need the distance.
 */
export function comparePair(a: PoseSequence, b: PoseSequence, c: DtwChoice, path = true): PairResult {
  const o = opts(c, path);
  if (c.method === "dtw_per_joint") {
    const units = dtwPerJoint(a, b, o);
    let distance = 0;
    for (const u of units) distance += u.distance;
    return { distance, path: units[0]?.path ?? [], perJoint: units.map((u) => u.distance) };
  }
  const r: DtwResult =
    c.method === "dtw_all" ? dtwAll(a, b, o) : dtwRelation(a, b, c.jointI as number, c.jointJ as number, o);
  return { distance: r.distance, path: r.path ?? [], perJoint: null };
}

/**
 * The full pairwise distance matrix (n x n, symmetric, zero diagonal) of several sequences. Exact `dtw_all`
 * without alignment on finite features runs on dtw's `dtwMatrix` (worker threads); everything else (Procrustes
 * alignment is per pair, fastdtw, per-joint, relation, NaN policies) runs one comparison per pair (i < j, i
 * aligned onto j).
 */
export async function pairwiseMatrix(
  seqs: PoseSequence[],
  c: DtwChoice,
  run: {
    threads?: number | undefined;
    onProgress?: ((done: number, total: number) => void) | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<number[][]> {
  const n = seqs.length;
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  if (c.method === "dtw_all" && c.align === "none" && c.algorithm === "exact") {
    const feats = seqs.map((q) =>
      c.representation === "angles"
        ? extractJointAngles(q, c.angleTriplets ?? [])
        : { rows: q.frames, cols: q.joints * 3, data: q.data },
    );
    if (feats.every((f) => f.data.every((v) => Number.isFinite(v)))) {
      const m = await dtwMatrix(
        feats,
        {},
        {
          ...(run.threads !== undefined ? { threads: run.threads } : {}),
          ...(run.signal ? { signal: run.signal } : {}),
          onProgress: (p) => run.onProgress?.(p.done, p.total),
        },
      );
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) (out[i] as number[])[j] = m[i * n + j] as number;
      return out;
    }
  }
  const total = (n * (n - 1)) / 2;
  let done = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      checkAbort(run.signal);
      const d = comparePair(seqs[i] as PoseSequence, seqs[j] as PoseSequence, c, false).distance;
      out[i]![j] = d;
      out[j]![i] = d;
      run.onProgress?.(++done, total);
    }
  }
  return out;
}

/**
 * A report note when gait segmentation with valley_to_valley_v1 (the original's method) produced cycles
 * shorter than `min_cycle_seconds`: its valleys are not filtered, so noise next to a heel strike bounds the
 * segment and the segments are not full strides. Null when there is nothing to say.
 */
export function shortCycleNote(
  path: string,
  fps: number,
  seg: NonNullable<AnalysisConfig["segmentation"]>,
  segmentations: Record<string, Segmentation>,
): string | null {
  if (seg.kind !== "gait_cycles" && seg.kind !== "gait_cycles_bilateral") return null;
  if ((seg.method ?? "valley_to_valley_v1") !== "valley_to_valley_v1" || !(fps > 0)) return null;
  let short = 0;
  let total = 0;
  for (const s of Object.values(segmentations)) {
    for (const x of s.segments) {
      total++;
      if ((x.end - 1 - x.start) / fps < seg.min_cycle_seconds) short++;
    }
  }
  if (short === 0) return null;
  return `${path}: ${short} of ${total} gait cycle(s) are shorter than min_cycle_seconds (${seg.min_cycle_seconds} s): valley_to_valley_v1 bounds each cycle by the nearest unfiltered valleys of the heel signal, so these segments are not full strides; segmentation method: stride_zeni_v1 gives one segment per stride (heel strike to heel strike)`;
}

/** Segment predictions as the config says; returns named segmentations in report order. */
export function segmentTrial(
  preds: VideoPredictions,
  seg: NonNullable<AnalysisConfig["segmentation"]>,
  personIndex: number,
): Record<string, Segmentation> {
  if (seg.kind === "gait_cycles" || seg.kind === "gait_cycles_bilateral") {
    const gait = {
      axis: seg.axis,
      invert: seg.invert,
      minCycleSeconds: seg.min_cycle_seconds,
      minProminence: seg.min_prominence,
      personIndex,
      method: seg.method ?? "valley_to_valley_v1",
    };
    if (seg.kind === "gait_cycles") {
      return { [`${seg.joint}_cycles`]: segmentGaitCycles(preds, { ...gait, joint: seg.joint }) };
    }
    const s = segmentGaitCyclesBilateral(preds, gait);
    return { left_heel_strikes: s.left_heel_strikes, right_heel_strikes: s.right_heel_strikes };
  }
  const s = segmentPredictions(preds, seg.extractor, {
    personIndex: seg.person_index ?? personIndex,
    minDistanceSeconds: seg.min_distance_seconds,
    minProminence: seg.min_prominence,
    minHeight: seg.min_height,
    padSeconds: seg.pad_seconds,
  });
  return { [seg.label]: s };
}
