import { saveDocument, writeFileAtomic } from "@neuropose/io";
import { renderReportHtml } from "./html.js";
import type { AnalysisRun } from "./run.js";

/**
 * Write a run's report with io's `saveDocument` (validated against `AnalysisReportSchema`, valid JSON with
 * non-finite numbers as "NaN"/"Infinity" strings) and, when `html` is given, the self-contained HTML page. Both
 * go through io's atomic writer (temp file, fsync, rename), so a crash never leaves half a report.
 *
 * @example
 * ```ts
 * import { runAnalysis, writeAnalysisOutputs } from "@neuropose/analysis";
 * declare const run: Awaited<ReturnType<typeof runAnalysis>>;
 * await writeAnalysisOutputs(run, { report: "out/report.json", html: "out/report.html" });
 * ```
 */
export async function writeAnalysisOutputs(
  run: AnalysisRun,
  paths: { report: string; html?: string | undefined },
): Promise<void> {
  await saveDocument("analysis_report", paths.report, run.report);
  if (paths.html) await writeFileAtomic(paths.html, renderReportHtml(run));
}
