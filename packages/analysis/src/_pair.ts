// One DTW comparison of two pose sequences as the config says (the call shape of @neuropose/dtw's pose DTW).
// Its own module so that the pair workers (_pair-worker.ts) load dtw and kinematics only, not segment or io's
// schemas.
import {
  type AlignMode,
  type DtwResult,
  dtw,
  dtwAll,
  dtwPerJoint,
  dtwRelation,
  type NanPolicy,
  type PoseDtwOptions,
  type Representation,
} from "@neuropose/dtw";
import type { PoseSequence } from "@neuropose/kinematics";

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
