import { writeFile } from "node:fs/promises";
import {
  type AtomicTarget,
  commitTogether,
  openAtomicTarget,
  stringifyJson,
  validateDocument,
  writeError,
} from "@neuropose/io";
import { AnalysisRunError } from "./errors.js";
import { renderReportHtml } from "./html.js";
import type { AnalysisRun } from "./run.js";

/** Options of {@link writeAnalysisOutputs}. */
export interface WriteOutputsOptions {
  /** Stop before anything is replaced once this fires (Ctrl-C): temp files are removed, the targets untouched. */
  signal?: AbortSignal | undefined;
}

function stopIfAborted(signal: AbortSignal | undefined, targets: AtomicTarget[]): Promise<void> | void {
  if (!signal?.aborted) return;
  return Promise.all(targets.map((t) => t.abort())).then(() => {
    throw new AnalysisRunError(
      "E_ABORTED",
      `${(signal.reason as Error | undefined)?.message ?? "interrupted"} while writing the report; the previous outputs are unchanged`,
      { kind: "user", hint: "run it again to finish" },
    );
  });
}

/**
 * Write a run's report (validated against `AnalysisReportSchema`, valid JSON with non-finite numbers as
 * "NaN"/"Infinity" strings) and, when `html` is given, the self-contained HTML page — as one unit: both are written
 * to temp files first and then replaced together (io's `commitTogether`), so a full disk, a crash or Ctrl-C never
 * leaves a new report beside an old page, or half a file. Temp files left by a killed earlier run are removed.
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
  options: WriteOutputsOptions = {},
): Promise<void> {
  const { signal } = options;
  const json = stringifyJson(validateDocument("analysis_report", run.report, { source: paths.report }), {
    indent: 2,
  });
  const html = paths.html ? renderReportHtml(run) : undefined;
  const files: [string, string][] = [[paths.report, json]];
  if (paths.html && html !== undefined) files.push([paths.html, html]);
  const targets: AtomicTarget[] = [];
  try {
    for (const [path, text] of files) {
      await stopIfAborted(signal, targets);
      const t = await openAtomicTarget(path);
      targets.push(t);
      try {
        await writeFile(t.tmp, text, { flag: "wx" });
      } catch (err) {
        throw writeError(path, err);
      }
    }
    await stopIfAborted(signal, targets);
  } catch (err) {
    for (const t of targets) await t.abort();
    throw err;
  }
  await commitTogether(targets);
}
