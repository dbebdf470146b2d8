// Public API of @neuropose/io. Modules here import each other directly (never "./index.js"), so that
// analysis.ts (owned by the analysis work) can import schemas from "./predictions.js" etc. without a cycle.

export { FloatSchema } from "./_numbers.js";
export * from "./analysis.js";
export * from "./atomic.js";
export * from "./benchmark.js";
export {
  type AtomicTarget,
  type AtomicTargetOptions,
  type CheckOutputOptions,
  checkOutputPath,
  commitTogether,
  openAtomicTarget,
  openAtomicTargetSync,
  parseTempName,
  type RemoveStaleTempsOptions,
  removeStaleTemps,
  removeStaleTempsSync,
  type TempNameInfo,
  tempPathFor,
  writeError,
} from "./commit.js";
export * from "./documents.js";
export * from "./errors.js";
export * from "./json.js";
export * from "./json-schema.js";
export * from "./migrations.js";
export * from "./predictions.js";
export {
  type JobResultsWriter,
  openJobResultsWriter,
  openVideoPredictionsWriter,
  type PredictionsReadOptions,
  type PredictionsSink,
  type PredictionsWriterOptions,
  readVideoPredictionsStream,
  type VideoPredictionsRest,
  type VideoPredictionsWriter,
} from "./predictions-stream.js";
export * from "./segmentation.js";
export * from "./settings.js";
export * from "./skeletons.js";
export * from "./status.js";
export * from "./validate.js";
export * from "./versions.js";
