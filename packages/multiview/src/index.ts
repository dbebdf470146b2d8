// Public API of @neuropose/multiview.

export {
  type AssociatedPerson,
  type AssociateOptions,
  createMultiviewTracker,
  type Detection2D,
  type MultiviewTracker,
  sidePairs,
} from "./associate.js";
export {
  type BoneLengthOptions,
  constrainBones,
  estimateBoneLengths,
  type PersonFrame,
} from "./bones.js";
export {
  type Calibration,
  CalibrationJsonSchema,
  formatCalibrationJson,
  formatCalibrationToml,
  parseCalibrationJson,
  parseCalibrationToml,
  parseQualisysCalibration,
  readCalibration,
  writeCalibration,
} from "./calibration.js";
export {
  type Camera,
  cameraCenter,
  distortNormalized,
  matrixToRodrigues,
  projectPoint,
  rodriguesToMatrix,
  undistortPixel,
} from "./camera.js";
export {
  type TriangulatePredictionsOptions,
  type TriangulatePredictionsResult,
  triangulatePredictions,
} from "./predictions.js";
export {
  type EstimateOffsetsOptions,
  estimateOffsets,
  motionSignal,
  type OffsetEstimate,
} from "./sync.js";
export {
  type TriangulatedFrame,
  type TriangulatedPoint,
  type TriangulateOptions,
  triangulateFrame,
  triangulatePoint,
} from "./triangulate.js";
