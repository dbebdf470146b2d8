// Public API of @neuropose/io. Modules here import each other directly (never "./index.js"), so that
// analysis.ts (owned by the analysis work) can import schemas from "./predictions.js" etc. without a cycle.

export {
  ANALYSIS_CONFIG_UNIONS,
  type AnalysisConfig,
  type AnalysisConfigInput,
  AnalysisConfigSchema,
  type AnalysisReport,
  AnalysisReportSchema,
} from "./analysis.js";
export {
  writeFileAtomic,
  writeFileAtomicSync,
} from "./atomic.js";
export {
  type BenchmarkAggregate,
  BenchmarkAggregateSchema,
  type BenchmarkResult,
  type BenchmarkResultInput,
  BenchmarkResultSchema,
  type CpuComparisonResult,
  CpuComparisonResultSchema,
  type PerformanceMetrics,
  PerformanceMetricsSchema,
} from "./benchmark.js";
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
export {
  type DocumentKind,
  type DocumentOf,
  type DocumentOptions,
  type DocumentSchemas,
  documentSchema,
  loadBenchmarkResult,
  loadDocument,
  loadJobResults,
  loadStatusFile,
  loadVideoPredictions,
  migrateAndValidate,
  parseDocument,
  saveBenchmarkResult,
  saveDocument,
  saveDocumentSync,
  saveJobResults,
  saveStatusFile,
  saveStatusFileSync,
  saveVideoPredictions,
  validateDocument,
} from "./documents.js";
export {
  CodedError,
  type ErrorKind,
  FutureSchemaError,
  type IoErrorCode,
  isNeuroPoseError,
  JsonParseError,
  MigrationError,
  MigrationNotFoundError,
  NeuroPoseError,
  type NeuroPoseErrorOptions,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
export { sha256File, sha256Hex } from "./hash.js";
export {
  NON_FINITE_ENCODING,
  type ParseJsonOptions,
  parseJson,
  type StringifyJsonOptions,
  stringifyJson,
} from "./json.js";
export {
  documentJsonSchema,
  JSON_SCHEMA_DOCUMENTS,
  type JsonSchemaDocument,
} from "./json-schema.js";
export {
  type Logger,
  type MigrationStep,
  migrate,
  migrateProvenanceV2ToV3,
  ORIGINAL_METADATA_DEFAULTS,
  registeredMigrations,
  registerMigration,
} from "./migrations.js";
export { PickleError, type PickleGlobal, unpickle } from "./pickle.js";
export {
  FloatSchema,
  type FramePrediction,
  FramePredictionSchema,
  type JobResults,
  JobResultsSchema,
  type ModelProvenance,
  ModelProvenanceSchema,
  Poses3dFrameSchema,
  Poses3dUnitSchema,
  type Provenance,
  type ProvenanceInput,
  ProvenanceSchema,
  type VideoMetadata,
  VideoMetadataSchema,
  type VideoPredictions,
  type VideoPredictionsInput,
  VideoPredictionsSchema,
} from "./predictions.js";
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
export {
  type ExtractorSpec,
  type ExtractorSpecInput,
  ExtractorSpecSchema,
  JointAngleExtractorSchema,
  JointAxisExtractorSchema,
  JointPairDistanceExtractorSchema,
  JointSpeedExtractorSchema,
  SEGMENTATION_METHODS,
  type Segment,
  type Segmentation,
  type SegmentationConfig,
  type SegmentationConfigInput,
  SegmentationConfigSchema,
  type SegmentationInput,
  type SegmentationMethod,
  SegmentationSchema,
  SegmentSchema,
} from "./segmentation.js";
export {
  DEVICES,
  type Device,
  LOG_LEVELS,
  type LoadSettingsOptions,
  type LogFormat,
  type LogLevel,
  loadSettings,
  type ResolvedSettings,
  resolveSettings,
  SETTINGS_ENV,
  type SettingSource,
  type Settings,
  type SettingsOverrides,
  SettingsSchema,
} from "./settings.js";
export {
  getSkeleton,
  jointIndex,
  SKELETON_NAMES,
  SKELETONS,
  type Skeleton,
  type SkeletonName,
} from "./skeletons.js";
export {
  type JobStatus,
  type JobStatusEntry,
  type JobStatusEntryInput,
  JobStatusEntrySchema,
  JobStatusSchema,
  type StatusFile,
  StatusFileSchema,
} from "./status.js";
export {
  formatJsonPath,
  toValidationIssues,
  validateWith,
} from "./validate.js";
export {
  CURRENT_VERSIONS,
  type VersionedKind,
} from "./versions.js";
