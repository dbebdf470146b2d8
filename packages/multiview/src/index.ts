// Public API of @neuropose/multiview.
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
  type TriangulatedFrame,
  type TriangulatedPoint,
  type TriangulateOptions,
  triangulateFrame,
  triangulatePoint,
} from "./triangulate.js";
export {
  type AssociatedPerson,
  type AssociateOptions,
  createMultiviewTracker,
  type Detection2D,
  type MultiviewTracker,
  sidePairs,
} from "./associate.js";
