// analysis.kind "dtw" against references: segment i of the primary is paired with segment i of each reference
// (time-normalised as the config says), one DTW per pair, a summary per reference and across references.
import type { AnalysisConfig, AnalysisReport } from "@neuropose/io";
import type { PoseSequence } from "@neuropose/kinematics";
import { scratchContext } from "./_cohort-trial.js";
import type { RunContext } from "./_context.js";
import { checkAbort } from "./_deps.js";
import { addPairFigure, angleNames } from "./_figures.js";
import { type InputSummary, inputSummary, withContext } from "./_inputs.js";
import type { DtwChoice } from "./_pair.js";
import { comparePairs, type PairOutcome, type PairTask } from "./_pairs.js";
import { normalizationTarget, resampleSequence } from "./_time-normalize.js";
import { loadTrial, pairPieces, type Trial, trialPieces } from "./_trials.js";
import { summarizeDistances } from "./summary.js";

/** The DTW settings of a config whose joints are all indices. */
export function dtwChoice(c: AnalysisConfig): DtwChoice {
  const a = c.analysis;
  if (a.kind !== "dtw") throw new Error("unreachable: dtwChoice on a non-dtw analysis");
  // Joint names were resolved to indices before (resolveConfigJoints); a name here is a bug.
  const index = (j: number | string | null): number | null => {
    if (typeof j === "string") throw new Error(`unreachable: unresolved joint name '${j}'`);
    return j;
  };
  return {
    method: a.method,
    align: a.align,
    representation: a.representation,
    angleTriplets: a.angle_triplets?.map((t) => t.map(index) as [number, number, number]) ?? null,
    jointI: index(a.joint_i),
    jointJ: index(a.joint_j),
    nanPolicy: a.nan_policy,
    algorithm: a.algorithm ?? "exact",
    radius: a.radius ?? 1,
  };
}

/**
 * What every distance of the run is measured in ("rad" for angles, else the poses' unit) and, when angles are
 * compared, their clinical names (report.results.distance_unit / angle_names).
 */
export function runVocabulary(
  ctx: RunContext,
  skeleton: string | null | undefined,
): { distance_unit: "rad" | "mm" | "m"; angle_names?: string[] } {
  const an = ctx.work.analysis;
  const angles = an.kind === "dtw" && an.representation === "angles";
  const names = angleNames(ctx.work, ctx.resolved, skeleton);
  return { distance_unit: angles ? "rad" : (ctx.unit ?? "mm"), ...(names ? { angle_names: names } : {}) };
}

/** Compare the primary with every reference (inputs.reference, then the expanded inputs.references). */
export async function compareWithReferences(
  ctx: RunContext,
  primary: Trial,
): Promise<{ results: AnalysisReport["results"]; references: InputSummary[] }> {
  const analysis = ctx.work.analysis;
  if (analysis.kind !== "dtw") throw new Error("unreachable: compareWithReferences on a non-dtw analysis");
  const { options, log, notes } = ctx;
  // The plan lists inputs.reference, then the expanded inputs.references (deduplicated, reference removed).
  const uniqueRefs = ctx.plan.inputs.filter((i) => i.role === "reference").map((i) => i.path);
  const choice = dtwChoice(ctx.work);
  const tn = analysis.time_normalize ?? "auto";
  const needsEqual = analysis.align !== "none";
  const pPieces = trialPieces(ctx, primary);
  const segmented = Boolean(ctx.resolved.segmentation);
  const comparisons = [];
  const refSummaries: InputSummary[] = [];
  // 1. Every reference loaded (notes, figures and provenance in reference order) and paired piece by piece.
  const planned: {
    refTrial: Trial;
    pairs: { label: string; a: PoseSequence; b: PoseSequence; to: number | null }[];
    normalized: { label: string; primary_frames: number; reference_frames: number; frames: number }[];
  }[] = [];
  for (const refPath of uniqueRefs) {
    checkAbort(options.signal);
    const refTrial = await loadTrial(ctx, "reference", refPath);
    const ref = refTrial.input;
    refSummaries.push(inputSummary(ref));
    const rPieces = trialPieces(ctx, refTrial);
    const normalized: { label: string; primary_frames: number; reference_frames: number; frames: number }[] =
      [];
    const {
      pairs: matched,
      onlyA: onlyPrimary,
      onlyB: onlyReference,
    } = pairPieces(pPieces, rPieces, segmented, analysis.pairing);
    if (onlyPrimary.length > 0 || onlyReference.length > 0) {
      const left = (what: string, l: string[]) =>
        l.length > 0 ? `; not compared (${what} only): ${l.join(", ")}` : "";
      const how =
        analysis.pairing === "all"
          ? "every segment with every segment of the same name"
          : "segment i with segment i of the same name";
      notes.push(
        `${ref.written}: ${pPieces.length} primary segment(s) vs ${rPieces.length} reference segment(s); ${matched.length} pair(s) compared (${how})${left("primary", onlyPrimary)}${left("reference", onlyReference)}`,
      );
    }
    const pairs = [];
    for (const piece of matched) {
      let a = piece.a;
      let b = piece.b;
      const to = normalizationTarget(tn, needsEqual, [a.frames, b.frames]);
      if (to !== null) {
        normalized.push({
          label: piece.label,
          primary_frames: a.frames,
          reference_frames: b.frames,
          frames: to,
        });
        a = resampleSequence(a, to);
        b = resampleSequence(b, to);
      }
      pairs.push({ label: piece.label, a, b, to });
    }
    planned.push({ refTrial, pairs, normalized });
  }
  // 2. Every pair of every reference in one batch (worker threads when it is worth it; same answers).
  const outcomes = await comparePairs(
    planned.flatMap((p) => p.pairs.map((x) => ({ a: x.a, b: x.b, path: true }))),
    choice,
    {
      threads: options.threads,
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.({ stage: "compare", done, total }),
    },
  );
  // 3. Results in reference order, as one pair after another would give them.
  let k = 0;
  for (const [r, { refTrial, pairs, normalized }] of planned.entries()) {
    const ref = refTrial.input;
    const distances: number[] = [];
    const paths: [number, number][][] = [];
    const perJoint: number[][] = [];
    const labels: string[] = [];
    for (const { label, a, b, to } of pairs) {
      const o = outcomes[k++] as PairOutcome;
      if (!o.ok) throw withContext(o.error, `${label} (${primary.input.written} vs ${ref.written})`);
      const res = o.result;
      distances.push(res.distance);
      paths.push(res.path);
      if (res.perJoint) perJoint.push(res.perJoint);
      labels.push(label);
      addPairFigure(ctx, {
        label,
        reference: ref.written,
        distance: res.distance,
        a,
        b,
        path: res.path,
        timeNormalizedTo: to,
        skeleton: ref.predictions.metadata.skeleton,
      });
    }
    comparisons.push({
      reference: ref.written,
      distances,
      paths,
      per_joint_distances: choice.method === "dtw_per_joint" ? perJoint : null,
      segment_labels: labels,
      summary: summarizeDistances(distances),
      time_normalized: normalized,
      segmentations: refTrial.reportSegs,
    });
    log?.info?.("compared", {
      reference: ref.written,
      pairs: distances.length,
      r: r + 1,
      of: uniqueRefs.length,
    });
  }
  const first = comparisons[0];
  const resampled = comparisons.reduce((n, c) => n + c.time_normalized.length, 0);
  if (resampled > 0) {
    const total = comparisons.reduce((n, c) => n + c.distances.length, 0);
    notes.push(
      `${resampled} of the ${total} compared pair(s) (over ${comparisons.length} reference(s)) differ in length; ${analysis.align} needs equal frame counts, so both pieces of each such pair were time-normalised (linear interpolation) to the longer length before alignment and DTW`,
    );
  }
  const perRefMean = comparisons.map((c) => ({
    reference: c.reference,
    mean: "mean" in c.summary ? c.summary.mean : Number.NaN,
  }));
  // Reference range: the same comparison between the references themselves (each pair, same segment labels),
  // so a reader can tell whether the subject is further from the references than they are from each other.
  const refRange = await referenceRange(ctx, choice, tn, needsEqual);
  const overall = summarizeDistances(perRefMean.map((m) => m.mean));
  const results = {
    kind: "dtw" as const,
    method: analysis.method,
    distances: first?.distances ?? [],
    paths: first?.paths ?? [],
    per_joint_distances: first?.per_joint_distances ?? (choice.method === "dtw_per_joint" ? [] : null),
    segment_labels: first?.segment_labels ?? [],
    summary: first?.summary ?? {},
    algorithm: choice.algorithm,
    radius: choice.algorithm === "fastdtw" ? choice.radius : null,
    time_normalized: first?.time_normalized ?? [],
    comparisons,
    reference_summary: {
      per_reference_mean: perRefMean,
      summary: overall,
    },
    summary_scope: `summary is the first reference only (${first?.reference ?? "none"}); overall_summary summarises the per-reference means over all ${comparisons.length} reference(s)`,
    overall_summary: overall,
    ...(refRange ? { reference_range: refRange } : {}),
    notes,
    ...runVocabulary(ctx, primary.input.predictions.metadata.skeleton),
  };
  return { results, references: refSummaries };
}

/** Mean DTW distance of every pair of references (pieces paired by label); null with fewer than 2 references. */
async function referenceRange(
  ctx: RunContext,
  choice: DtwChoice,
  tn: "auto" | "never" | number,
  needsEqual: boolean,
): Promise<{ pairs: { a: string; b: string; mean: number }[]; min: number; max: number } | null> {
  // Pairs grow with the square of the references: the range is taken over the first 20 (190 pairs).
  const refs = ctx.plan.inputs
    .filter((i) => i.role === "reference")
    .map((i) => i.path)
    .slice(0, 20);
  if (refs.length < 2) return null;
  // The references were loaded (and their figures drawn) by the comparison; this only re-reads the cache.
  const trials = [];
  const quiet = scratchContext(ctx);
  for (const r of refs) trials.push(await loadTrial(quiet, "reference", r));
  const tasks: PairTask[] = [];
  const owner: [number, number][] = [];
  for (let i = 0; i < trials.length; i++) {
    for (let j = i + 1; j < trials.length; j++) {
      checkAbort(ctx.options.signal);
      const { pairs: both } = pairPieces(
        trialPieces(ctx, trials[i] as Trial),
        trialPieces(ctx, trials[j] as Trial),
        Boolean(ctx.resolved.segmentation),
        ctx.work.analysis.kind === "dtw" ? ctx.work.analysis.pairing : undefined,
      );
      for (const piece of both) {
        let a = piece.a;
        let b = piece.b;
        const to = normalizationTarget(tn, needsEqual, [a.frames, b.frames]);
        if (to !== null) {
          a = resampleSequence(a, to);
          b = resampleSequence(b, to);
        }
        tasks.push({ a, b, path: false });
        owner.push([i, j]);
      }
    }
  }
  const outcomes = await comparePairs(tasks, choice, {
    threads: ctx.options.threads,
    signal: ctx.options.signal,
  });
  const pairs: { a: string; b: string; mean: number }[] = [];
  for (let i = 0; i < trials.length; i++) {
    for (let j = i + 1; j < trials.length; j++) {
      const d: number[] = [];
      owner.forEach(([x, y], k) => {
        const o = outcomes[k] as PairOutcome;
        // A pair that cannot be compared does not enter the range.
        if (x === i && y === j && o.ok) d.push(o.result.distance);
      });
      if (d.length > 0)
        pairs.push({
          a: refs[i] as string,
          b: refs[j] as string,
          mean: d.reduce((x, y) => x + y, 0) / d.length,
        });
    }
  }
  if (pairs.length === 0) return null;
  const means = pairs.map((p) => p.mean);
  return { pairs, min: Math.min(...means), max: Math.max(...means) };
}
