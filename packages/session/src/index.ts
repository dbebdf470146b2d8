// Public API of @neuropose/session.

export { type BuildSessionOptions, type BuildSessionResult, buildSession } from "./build.js";
export {
  type FileOrder,
  type PipelineConfig,
  PipelineConfigSchema,
  type SessionFile,
  SessionFileSchema,
  TimebaseSchema,
} from "./config.js";
export { discoverFiles, type FoundFile, requireFiles } from "./discover.js";
export { INTERIM_PARTS, type SessionLayout, sessionLayout } from "./layout.js";
export {
  type ConfigIssue,
  checkConfigAgainstSession,
  type Loaded,
  loadPipelineConfig,
  loadSessionFile,
  type ParseOptions,
  parsePipelineConfig,
  parseSessionFile,
  SessionConfigError,
} from "./load.js";
export { MANIFEST_VERSION, type Manifest, ManifestSchema } from "./manifest.js";
export {
  type PlanInput,
  planSession,
  QC_INPUT_FILE,
  type RecordedQc,
  renderSessionQc,
  SESSION_STAGES,
  type SessionPaths,
  type SessionPlan,
  sessionPaths,
} from "./plan.js";
export {
  FlagSchema,
  hashFile,
  type RunStageOptions,
  readStageSummary,
  runStage,
  STAGE_SUMMARY_VERSION,
  type StageFlag,
  type StageOutcome,
  type StageResult,
  type StageSummary,
  StageSummarySchema,
  summaryPath,
} from "./stage.js";
export { expandTemplate } from "./templates.js";
