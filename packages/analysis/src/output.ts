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
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { parseAnalysisConfig, runAnalysis, synthesizeGaitPredictions, writeAnalysisOutputs } from "@neuropose/analysis";
 * import { stringifyJson } from "@neuropose/io";
 * const config = parseAnalysisConfig({ inputs: { primary: "a.json" }, analysis: { kind: "none" }, output: { report: "r.json" } });
 * const trial = stringifyJson(synthesizeGaitPredictions({ seed: 1 }));
 * const run = await runAnalysis(config, { readInput: async () => trial });
 * const out = mkdtempSync(join(tmpdir(), "np-report-"));
 * await writeAnalysisOutputs(run, { report: join(out, "report.json"), html: join(out, "report.html") });
 * ```
 */
export async function writeAnalysisOutputs(
  run: AnalysisRun,
  paths: { report: string; html?: string | undefined },
): Promise<void> {
  await saveDocument("analysis_report", paths.report, run.report);
  if (paths.html) await writeFileAtomic(paths.html, renderReportHtml(run));
}
