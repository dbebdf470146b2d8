import { AnalysisReportSchema, stringifyJson, validateWith, writeFileAtomic } from "@neuropose/io";
import { renderReportHtml } from "./html.js";
import type { AnalysisRun } from "./run.js";

/**
 * Write a run's report as valid JSON (non-finite numbers as "NaN"/"Infinity" strings, validated against
 * `AnalysisReportSchema` first) and, when `html` is given, the self-contained HTML page. Both go through
 * io's atomic writer (temp file, fsync, rename), so a crash never leaves half a report.
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
  validateWith(AnalysisReportSchema, run.report, { source: paths.report });
  await writeFileAtomic(paths.report, stringifyJson(run.report, { indent: 2 }));
  if (paths.html) await writeFileAtomic(paths.html, renderReportHtml(run));
}
