export {
  type CliKitErrorCode,
  exitCodeFor,
  formatError,
  UsageError,
  usageFailure,
} from "./errors.js";
export {
  type CliSettings,
  type CommonFlags,
  cliLogger,
  LOG_OPTIONS,
  settingsFromFlags,
} from "./flags.js";
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
export { type CliOutput, type RunCliOptions, runCli, runCliWithArgs } from "./run-cli.js";
export {
  type RunMainOptions,
  runMain,
} from "./run-main.js";
export { abortOnSignals, interruptedBy } from "./signals.js";
