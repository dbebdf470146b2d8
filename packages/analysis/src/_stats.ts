// analysis.kind "stats": feature statistics of the primary's signal, per segment (or for the whole trial).
import type { AnalysisReport } from "@neuropose/io";
import { extractFeatureStatistics, extractSignal } from "@neuropose/kinematics";
import type { RunContext } from "./_context.js";
import { withContext } from "./_inputs.js";
import { type Trial, trialPieces } from "./_trials.js";

/** The stats results of the primary trial: one statistics entry per piece, in piece order. */
export function statsResults(ctx: RunContext, primary: Trial): AnalysisReport["results"] {
  const analysis = ctx.work.analysis;
  if (analysis.kind !== "stats") throw new Error("unreachable: statsResults on a non-stats analysis");
  const statistics = [];
  const labels = [];
  for (const piece of trialPieces(ctx, primary)) {
    try {
      const values = extractSignal(piece.seq, analysis.extractor);
      statistics.push(extractFeatureStatistics(values));
    } catch (e) {
      throw withContext(e, `${piece.label} of ${primary.input.written}`, primary.input.absolute);
    }
    labels.push(piece.label);
  }
  return {
    kind: "stats",
    statistics,
    segment_labels: labels,
    ...(ctx.notes.length > 0 ? { notes: ctx.notes } : {}),
  };
}
