/**
 * The current `schema_version` of each versioned document. Files at older versions are migrated on read
 * (see `migrate`); files are always written at these versions.
 *
 * - video_predictions / job_results 3: VideoMetadata gains `skeleton`, `poses3d_unit`, `poses3d_frame`,
 *   optional `timestamps`; FramePrediction gains optional `visibility`, `presence`, `person_ids`; Provenance
 *   gains `runtime`, `runtime_version`, `execution_provider` (the original's Python fields become optional).
 * - benchmark_result 3: its Provenance changes the same way; runtime fields in the metrics.
 * - analysis_report 2: as the original (its provenance is stored as written).
 */
export const CURRENT_VERSIONS = Object.freeze({
  video_predictions: 3,
  job_results: 3,
  benchmark_result: 3,
  analysis_report: 2,
} as const);

export type VersionedKind = keyof typeof CURRENT_VERSIONS;
