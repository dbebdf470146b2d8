// Public API of @neuropose/qc.
export {
  DEFAULT_QC_THRESHOLDS,
  decimate,
  type QcFlag,
  type QcInput,
  type QcSummary,
  type QcThresholds,
  qcChecks,
  qcSummary,
  renderQcHtml,
  writeQcReport,
} from "./qc.js";
