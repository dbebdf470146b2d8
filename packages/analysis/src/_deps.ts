// The only module that calls @neuropose/dtw and @neuropose/segment, so their call shapes live in one place.
import { dtwAll, dtwMatrix, dtwPerJoint, dtwRelation } from "@neuropose/dtw";
import type { Segmentation } from "@neuropose/io";
import type { PoseSequence } from "@neuropose/kinematics";
import { segmentGaitCycles, segmentGaitCyclesBilateral, segmentPredictions } from "@neuropose/segment";

export interface DtwChoice {
  method: "dtw_all" | "dtw_per_joint" | "dtw_relation";
  align: "none" | "procrustes_per_frame" | "procrustes_per_sequence";
  representation: "coords" | "angles";
  angleTriplets: [number, number, number][] | null;
  jointI: number | null;
  jointJ: number | null;
  nanPolicy: "propagate" | "interpolate" | "drop";
  algorithm: "exact" | "fastdtw";
  radius: number;
}

export interface PairResult {
  distance: number;
  path: [number, number][];
  perJoint: number[] | null;
}

function opts(c: DtwChoice) {
  return {
    align: c.align,
    representation: c.representation,
    angleTriplets: c.angleTriplets ?? undefined,
    nanPolicy: c.nanPolicy,
    method: c.algorithm,
    radius: c.radius,
  };
}

/** One DTW comparison of two pose sequences with the configured method. */
export function comparePair(a: PoseSequence, b: PoseSequence, c: DtwChoice): PairResult {
  if (c.method === "dtw_all") {
    const r = dtwAll(a, b, opts(c));
    return { distance: r.distance, path: r.path as [number, number][], perJoint: null };
  }
  if (c.method === "dtw_relation") {
    const r = dtwRelation(a, b, c.jointI as number, c.jointJ as number, opts(c));
    return { distance: r.distance, path: r.path as [number, number][], perJoint: null };
  }
  const units = dtwPerJoint(a, b, opts(c));
  let distance = 0;
  for (const u of units) distance += u.distance;
  return {
    distance,
    path: (units[0]?.path ?? []) as [number, number][],
    perJoint: units.map((u) => u.distance),
  };
}

/** The full pairwise distance matrix (row-major n x n) of several sequences. */
export async function pairwiseMatrix(
  seqs: PoseSequence[],
  c: DtwChoice,
  run: {
    threads?: number | undefined;
    onProgress?: ((done: number, total: number) => void) | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<number[][]> {
  const r = await dtwMatrix(seqs, { ...opts(c), perJoint: c.method === "dtw_per_joint" }, run);
  const n = seqs.length;
  const out: number[][] = [];
  const data = (r as { data?: ArrayLike<number> }).data ?? (r as unknown as ArrayLike<number>);
  for (let i = 0; i < n; i++) out.push(Array.from({ length: n }, (_, j) => data[i * n + j] as number));
  return out;
}

export interface PredictionsInput {
  metadata: { fps: number; frame_count: number };
  frames: Record<string, { poses3d: number[][][] }>;
}

/** Segment predictions as the config says; returns named segmentations in report order. */
export function segmentTrial(
  preds: PredictionsInput,
  seg:
    | {
        kind: "gait_cycles";
        joint: string;
        axis: "x" | "y" | "z";
        invert: boolean;
        min_cycle_seconds: number;
        min_prominence: number | null;
      }
    | {
        kind: "gait_cycles_bilateral";
        axis: "x" | "y" | "z";
        invert: boolean;
        min_cycle_seconds: number;
        min_prominence: number | null;
      }
    | {
        kind: "extractor";
        extractor: unknown;
        label: string;
        person_index: number | null;
        min_distance_seconds: number | null;
        min_prominence: number | null;
        min_height: number | null;
        pad_seconds: number;
      },
  personIndex: number,
): Record<string, Segmentation> {
  if (seg.kind === "gait_cycles") {
    const s = segmentGaitCycles(preds, {
      joint: seg.joint,
      axis: seg.axis,
      invert: seg.invert,
      minCycleSeconds: seg.min_cycle_seconds,
      minProminence: seg.min_prominence,
      personIndex,
    });
    return { [`${seg.joint}_cycles`]: s };
  }
  if (seg.kind === "gait_cycles_bilateral") {
    const s = segmentGaitCyclesBilateral(preds, {
      axis: seg.axis,
      invert: seg.invert,
      minCycleSeconds: seg.min_cycle_seconds,
      minProminence: seg.min_prominence,
      personIndex,
    });
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
