export {
  type ConfigValidation,
  type ParseConfigTextOptions,
  parseAnalysisConfig,
  parseAnalysisConfigText,
  parseOverride,
  readAnalysisConfig,
  validateAnalysisConfig,
} from "./config.js";
export {
  AnalysisConfigError,
  type AnalysisErrorCode,
  AnalysisRunError,
  AnalysisYamlError,
  type ConfigIssue,
} from "./errors.js";
export type { AnalysisFigures, PairFigure, SignalPanel, TrialFigure } from "./figures.js";
export { renderReportHtml } from "./html.js";
export { writeAnalysisOutputs } from "./output.js";
export { type AnalysisPlan, type PlannedInput, planAnalysis, resolveConfig } from "./plan.js";
export {
  type AnalysisLogger,
  type AnalysisProgress,
  type AnalysisRun,
  type RunAnalysisOptions,
  runAnalysis,
} from "./run.js";
export { type DistanceSummary, summarizeDistances } from "./summary.js";
export {
  type SynthesizeGaitOptions,
  type SyntheticPredictions,
  synthesizeGaitPredictions,
} from "./synthesize.js";
export { YAML_LIMITS } from "./yaml-bounds.js";
