export {
  type OpenPoseChunksOptions,
  openPoseChunks,
  type PoseChunkFormat,
  type PoseChunkReader,
} from "./chunks.js";
export { type ReadDlcOptions, readDlc, readLightningPose } from "./dlc.js";
export { PoseFormatError, type PoseFormatErrorCode } from "./errors.js";
export { BUILTIN_KEYPOINT_MAPPINGS, mapKeypoints } from "./mapping.js";
export {
  type PoseNwbObjects,
  type PoseRows,
  type PoseToNwbOptions,
  poseChunksToNwb,
  poseToNwb,
} from "./nwb.js";
export { OPENPOSE_COCO_18, OPENPOSE_CONFIDENCE, type ReadOpenPoseOptions, readOpenPose } from "./openpose.js";
export {
  type OpenPoseParquetOptions,
  openPoseParquet,
  POSE_SIDECAR_VERSION,
  type PoseParquetWriter,
  type PoseSidecar,
  PoseSidecarSchema,
  type WritePoseParquetOptions,
  type WritePoseParquetResult,
  writePoseParquet,
} from "./parquet.js";
export { type ReadSleapOptions, readSleap, SLEAP_CONFIDENCE } from "./sleap.js";
export { type LongTableOptions, type PoseLongTable, slicePose, toLongTable } from "./table.js";
export type {
  HarmonisedPose,
  KeypointMapping,
  PoseFormat,
  PoseLongRow,
  PoseSoftware,
  PoseSourceFile,
  PoseStats,
} from "./types.js";
