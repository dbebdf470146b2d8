export {
  type CliKitErrorCode,
  exitCodeFor,
  formatError,
  UsageError,
} from "./errors.js";
export {
  createLogger,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from "./logger.js";
export {
  createProgress,
  type Progress,
  type ProgressInfo,
  type ProgressOptions,
} from "./progress.js";
export {
  type RunMainOptions,
  runMain,
} from "./run-main.js";
export { abortOnSignals } from "./signals.js";
