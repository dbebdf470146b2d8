export { readDlc, readLightningPose, type ReadDlcOptions } from "./dlc.js";
export { readSleap, type ReadSleapOptions, SLEAP_CONFIDENCE } from "./sleap.js";
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
