export { checkNwbSpec } from "./check-spec.js";
export {
  type NwbErrorCode,
  NwbInputError,
  NwbReadError,
  NwbWriteError,
} from "./errors.js";
export {
  type NwbExportSummary,
  type VideoPredictionsToNwbOptions,
  videoPredictionsToNwb,
  videoPredictionsToNwbSpec,
} from "./export.js";
export { type PredictionsFileToNwbOptions, predictionsFileToNwb } from "./export-file.js";
export {
  NWB_METADATA_OPTIONS,
  type NwbMetadataFlags,
  type NwbVideoFacts,
  nwbMetadataFromFlags,
} from "./metadata-flags.js";
export {
  isHdf5File,
  type NwbFileContents,
  type NwbReadBehavioralEvents,
  type NwbReadDataInterface,
  type NwbReadImageSeries,
  type NwbReadPoseEstimation,
  type NwbReadPoseSeries,
  type NwbReadProcessingModule,
  type NwbReadSkeletons,
  type NwbReadTimeIntervals,
  type NwbReadTimeSeries,
  type NwbReadTiming,
  type NwbUnknownObject,
  readNwb,
} from "./reader.js";
export {
  type PoseFrame,
  type PoseStreamShape,
  type PoseStreamSources,
  poseSourcesFromFrames,
} from "./stream.js";
export type {
  ChunkSource,
  NumericData,
  NwbBehavioralEvents,
  NwbColumn,
  NwbColumnData,
  NwbDataInterface,
  NwbDateTime,
  NwbDevice,
  NwbFileSpec,
  NwbImageSeries,
  NwbPoseEstimation,
  NwbPoseSeries,
  NwbProcessingModule,
  NwbProgress,
  NwbSkeleton,
  NwbSkeletons,
  NwbSubject,
  NwbTimeIntervals,
  NwbTimeSeries,
  NwbTiming,
  WriteNwbOptions,
} from "./types.js";
export {
  type NwbIssue,
  type NwbValidationResult,
  validateNwb,
} from "./validate.js";
export {
  NDX_POSE_LAYOUT,
  NO_CONFIDENCE,
  NWB_VERSION,
  writeNwb,
} from "./writer.js";
