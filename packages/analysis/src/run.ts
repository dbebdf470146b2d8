// runAnalysis: the list of a run's steps. Each step lives in its own module: plan.ts (defaults, globs, paths),
// _inputs.ts (read, hash, validate), _trials.ts (person, segmentation, pieces), _figures.ts (what the page
// draws), _time-normalize.ts, _compare.ts (DTW against references), _cohort.ts (distance matrix), _stats.ts,
// _report.ts (assembly and provenance).
import type { AnalysisConfig, AnalysisReport, Logger } from "@neuropose/io";
import { runCohort } from "./_cohort.js";
import { compareWithReferences } from "./_compare.js";
import { createRunContext, resolveJointNames } from "./_context.js";
import { gaitResults } from "./_gait.js";
import { inputSummary, type ReadInput } from "./_inputs.js";
import { assembleReport, stampedProvenance } from "./_report.js";
import { statsResults } from "./_stats.js";
import { loadTrial } from "./_trials.js";
import type { AnalysisFigures } from "./figures.js";
import { planAnalysis } from "./plan.js";

/** Progress of a run: `stage` is "load", "segment", "compare" or "matrix". */
export interface AnalysisProgress {
  stage: "load" | "segment" | "compare" | "matrix";
  done: number;
  total: number;
  label?: string;
}

/** Optional logger: @neuropose/io's `Logger` (every method optional; @neuropose/cli-kit's createLogger fits). */
export type AnalysisLogger = Logger;

/** Options of {@link runAnalysis}. */
export interface RunAnalysisOptions {
  /** Folder that relative input paths resolve against (default: the folder of `configPath`, else the cwd). */
  baseDir?: string;
  /** Path of the YAML file, recorded in the report's analysis_provenance. */
  configPath?: string;
  /** Text of the YAML file, hashed into analysis_provenance. */
  configText?: string;
  /** Read one input file (absolute path); default: the file system. Tests inject files here. */
  readInput?: ReadInput;
  /** Expand glob patterns (relative to baseDir) to relative paths; default: tinyglobby, sorted. */
  expandGlob?: (pattern: string, baseDir: string) => Promise<string[]>;
  /** Worker threads for cohort matrices and reference sets (default: every core; 1 runs on the calling thread). */
  threads?: number;
  onProgress?: (p: AnalysisProgress) => void;
  signal?: AbortSignal;
  logger?: AnalysisLogger;
}

/** What {@link runAnalysis} returns: the report (to write as JSON) and the data the HTML page plots. */
export interface AnalysisRun {
  report: AnalysisReport;
  figures: AnalysisFigures;
}

/**
 * Run one analysis (load → segment → align → DTW, statistics or nothing → report), as the original's
 * `run_analysis` with its defects fixed: inputs resolve relative to the YAML file (`baseDir`), paired cycles of
 * different lengths are time-normalised before a Procrustes alignment (recorded in `results.time_normalized`),
 * `person_index` reaches every stage, and the report is plain data ready for valid JSON. Extensions: several
 * references (`inputs.references`, globs), cohort matrices (`inputs.cohort`), exact DTW by default
 * (`analysis.algorithm: fastdtw` reproduces the original's numbers), and `analysis_provenance` with the
 * resolved config and SHA-256 of every input.
 *
 * @example
 * ```ts
 * import { parseAnalysisConfig, runAnalysis, synthesizeGaitPredictions } from "@neuropose/analysis";
 * import { stringifyJson } from "@neuropose/io";
 * const files: Record<string, unknown> = {
 *   "a.json": synthesizeGaitPredictions({ seed: 1 }),
 *   "b.json": synthesizeGaitPredictions({ seed: 2, cadence: 100 }),
 * };
 * const config = parseAnalysisConfig({
 *   inputs: { primary: "a.json", reference: "b.json" },
 *   segmentation: { kind: "gait_cycles" },
 *   analysis: { kind: "dtw", align: "procrustes_per_sequence" },
 *   output: { report: "report.json" },
 * });
 * const { report } = await runAnalysis(config, { readInput: async (_abs, p) => stringifyJson(files[p]) });
 * console.log(report.results.kind); // "dtw"
 * ```
 */
export async function runAnalysis(
  config: AnalysisConfig,
  options: RunAnalysisOptions = {},
): Promise<AnalysisRun> {
  // 1. Plan: defaults made explicit and globs expanded once; the report records exactly this config.
  const plan = await planAnalysis(config, options);
  const ctx = createRunContext(plan, options);
  // 2. Joint names resolve against every input's skeleton before anything runs (a cohort resolves them as its
  // trials load, possibly on worker threads: _cohort-load.ts).
  if (!plan.config.inputs.cohort) await resolveJointNames(ctx);
  const none = { provenance: null, primary: null, reference: null, segmentations: {} };

  // 3a. Cohort: every trial against every other.
  if (plan.config.inputs.cohort) {
    const { results, cohort } = await runCohort(ctx);
    return { report: assembleReport(ctx, { ...none, results, cohort }), figures: ctx.figures };
  }

  // 3b. The primary trial: loaded, its person's frames taken, segmented.
  const primaryPath = plan.config.inputs.primary as string;
  const primary = await loadTrial(ctx, "primary", primaryPath);
  options.onProgress?.({ stage: "load", done: 1, total: 1, label: primaryPath });
  options.onProgress?.({ stage: "segment", done: 1, total: 1, label: primaryPath });
  const head = {
    provenance: stampedProvenance(ctx, primary.input),
    primary: inputSummary(primary.input),
    reference: null,
    segmentations: primary.reportSegs,
  };

  // 4. The analysis: nothing, statistics, or DTW against each reference.
  const analysis = ctx.work.analysis;
  if (analysis.kind === "none") {
    const results = { kind: "none" as const, ...(ctx.notes.length > 0 ? { notes: ctx.notes } : {}) };
    return { report: assembleReport(ctx, { ...head, results }), figures: ctx.figures };
  }
  if (analysis.kind === "stats") {
    return {
      report: assembleReport(ctx, { ...head, results: statsResults(ctx, primary) }),
      figures: ctx.figures,
    };
  }
  const { results, references } =
    analysis.kind === "gait" ? await gaitResults(ctx, primary) : await compareWithReferences(ctx, primary);
  const listReferences = references.length > 1 || plan.config.inputs.references !== undefined;
  return {
    report: assembleReport(ctx, {
      ...head,
      reference: references[0] ?? null,
      results,
      ...(listReferences ? { references } : {}),
    }),
    figures: ctx.figures,
  };
}
