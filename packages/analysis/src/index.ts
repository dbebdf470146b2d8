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
export { renderReportHtml } from "./html.js";
export { writeAnalysisOutputs } from "./output.js";
export {
  type AnalysisLogger,
  type AnalysisProgress,
  type AnalysisRun,
  type PairFigure,
  type PlannedInput,
  planAnalysis,
  type RunAnalysisOptions,
  resolveConfig,
  runAnalysis,
  type SignalPanel,
  type TrialFigure,
} from "./run.js";
export {
  type DistanceSummary,
  summarizeDistances,
} from "./summary.js";
export {
  type SynthesizeGaitOptions,
  type SyntheticPredictions,
  synthesizeGaitPredictions,
} from "./synthesize.js";
