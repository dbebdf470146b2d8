// Public API of @neuropose/trials (listed by name; internals live in `_`-prefixed files).
export {
  type BehaviourFile,
  bpodFromMat,
  parseIblrig,
  type RawTrial,
  readBpod,
  readIblrig,
} from "./bpod.js";
export { TrialsError, type TrialsErrorCode } from "./errors.js";
export {
  type MatFile,
  type MatNumericClass,
  type MatValue,
  type ReadMatOptions,
  readMat,
  readMatFile,
  type Squeezed,
  squeezeMat,
} from "./mat.js";
export {
  type BuildTrialsOptions,
  buildTrials,
  DEFAULT_OUTCOME_STATES,
  type EventRow,
  type MergeOrder,
  type ReadTrialsOptions,
  readTrials,
  type TrialRow,
  type TrialsResult,
  type TrialsSummary,
  trialsColumns,
} from "./tables.js";
