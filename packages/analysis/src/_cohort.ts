// Cohort mode (inputs.cohort): every trial's pieces, time-normalised as the config says, and their full pairwise
// DTW distance matrix.
import type { AnalysisReport } from "@neuropose/io";
import { type PoseSequence, percentile } from "@neuropose/kinematics";
import { loadCohort } from "./_cohort-load.js";
import { dtwChoice, runVocabulary } from "./_compare.js";
import type { RunContext } from "./_context.js";
import { type InputSummary, withContext } from "./_inputs.js";
import { pairwiseMatrix } from "./_pairs.js";
import { normalizationTarget, resampleSequence } from "./_time-normalize.js";
import { AnalysisRunError } from "./errors.js";
import { summarizeDistances } from "./summary.js";

/** Load every cohort trial and compute the distance matrix of their pieces. */
export async function runCohort(
  ctx: RunContext,
): Promise<{ results: AnalysisReport["results"]; cohort: InputSummary[] }> {
  const analysis = ctx.work.analysis;
  const progress = ctx.options.onProgress;
  if (analysis.kind !== "dtw")
    throw new AnalysisRunError("E_ANALYSIS_CONFIG", "cohort needs analysis.kind: dtw");
  // planAnalysis checked that the patterns expand to at least 2 files.
  const paths = ctx.resolved.inputs.cohort ?? [];
  // Loaded on worker threads when there are several and enough bytes; only the pieces' sequences come back.
  const trials = await loadCohort(ctx, paths);
  const firstSkeleton = trials[0]?.skeleton;
  const summaries: InputSummary[] = trials.map((t) => t.summary);
  const labels: string[] = [];
  let seqs: PoseSequence[] = [];
  for (const [k, trial] of trials.entries()) {
    const p = paths[k] as string;
    for (const piece of trial.pieces) {
      // A trial split at long gaps without segmentation: each part is an item of its own (`a.json:part[1]`).
      labels.push(piece.label === "full_trial" ? p : `${p}:${piece.label}`);
      seqs.push({ frames: piece.frames, joints: piece.joints, data: piece.data });
    }
  }
  // From here only `seqs` holds the sequences: once time-normalised, the loaded ones are garbage.
  trials.length = 0;
  const choice = dtwChoice(ctx.work);
  const tn = analysis.time_normalize ?? "auto";
  const to = normalizationTarget(
    tn,
    analysis.align !== "none",
    seqs.map((s) => s.frames),
  );
  if (to !== null) {
    seqs = seqs.map((s) => resampleSequence(s, to));
    ctx.notes.push(
      typeof tn === "number"
        ? `every sequence was time-normalised to ${tn} frames (linear interpolation) before comparison`
        : `sequences differ in length and ${analysis.align} needs equal frame counts: every sequence was time-normalised to ${to} frames (linear interpolation)`,
    );
  }
  let matrix: number[][];
  try {
    matrix = await pairwiseMatrix(seqs, choice, {
      threads: ctx.options.threads,
      signal: ctx.options.signal,
      onProgress: (done, total) => progress?.({ stage: "matrix", done, total }),
    });
  } catch (e) {
    throw withContext(e, "cohort matrix");
  }
  const upper: number[] = [];
  for (let i = 0; i < matrix.length; i++)
    for (let j = i + 1; j < matrix.length; j++) upper.push(matrix[i][j]);
  const range = cohortRange(upper);
  return {
    results: {
      kind: "cohort",
      method: analysis.method,
      algorithm: choice.algorithm,
      radius: choice.algorithm === "fastdtw" ? choice.radius : null,
      labels,
      matrix,
      summary: summarizeDistances(upper),
      notes: ctx.notes,
      ...runVocabulary(ctx, firstSkeleton),
      ...(range ? { cohort_range: range } : {}),
    },
    cohort: summaries,
  };
}

/**
 * The cohort's own range: min, quartiles (numpy's linear percentile) and max of its pairwise distances; null with
 * fewer than 3 pairs (3 trials) or a non-finite distance, where a spread says nothing.
 */
export function cohortRange(
  upper: number[],
): { pairs: number; min: number; q1: number; median: number; q3: number; max: number } | null {
  if (upper.length < 3 || upper.some((v) => !Number.isFinite(v))) return null;
  const v = [...upper].sort((a, b) => a - b);
  return {
    pairs: v.length,
    min: v[0] as number,
    q1: percentile(v, 25),
    median: percentile(v, 50),
    q3: percentile(v, 75),
    max: v[v.length - 1] as number,
  };
}
