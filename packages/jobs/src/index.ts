// Public API of @neuropose/jobs, listed by name.
export { type DaemonEvent, type DaemonOptions, type DaemonSummary, runDaemon } from "./daemon.js";
export { describeError } from "./describe-error.js";
export {
  type CheckStatus,
  type DoctorCheck,
  type DoctorOptions,
  type DoctorReport,
  runDoctor,
} from "./doctor.js";
export { JOBS_ERROR_CODES, JobsError, type JobsErrorCode } from "./errors.js";
export {
  FolderJobSource,
  type FolderJobSourceOptions,
  INTERRUPTED_ERROR,
  type PruneReport,
  type RecoveryReport,
} from "./folder-source.js";
export {
  DEFAULT_INGEST_MAX_BYTES,
  DEFAULT_INGEST_MAX_RATIO,
  type IngestOptions,
  type IngestPlan,
  ingestArchive,
  type PlannedFile,
  planIngest,
} from "./ingest.js";
export { type DataDirLayout, dataDirLayout, isJobName, isVideoFile, VIDEO_EXTENSIONS } from "./layout.js";
export {
  type AcquireLockOptions,
  acquireLock,
  type HeldLock,
  isProcessAlive,
  type LockInfo,
  readLock,
  tryAcquireLock,
  withLock,
} from "./lock.js";
export { assembleJobResults, type ResultPart } from "./results.js";
export {
  type ClaimedJob,
  type JobInput,
  type JobProgress,
  type JobSource,
  type JobState,
  type JobView,
  type ProgressFields,
  progressFields,
} from "./source.js";
export {
  type BlazePoseWorkerOptions,
  createBlazePoseWorker,
  type VideoOutput,
  type VideoProgress,
  type VideoSummary,
  type VideoWorker,
  type VideoWorkOptions,
} from "./worker.js";
