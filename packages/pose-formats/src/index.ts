export { readDlc, readLightningPose, type ReadDlcOptions } from "./dlc.js";
export { PoseFormatError, type PoseFormatErrorCode } from "./errors.js";
export type {
  HarmonisedPose,
  KeypointMapping,
  PoseFormat,
  PoseLongRow,
  PoseSoftware,
  PoseSourceFile,
  PoseStats,
} from "./types.js";
