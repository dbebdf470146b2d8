export {
  angleAt,
  extractJointAngles,
  type JointAngleOptions,
} from "./angles.js";
export {
  BLAZEPOSE_LIMB_BONES,
  type BoneConsistencyOptions,
  type BoneConsistencyResult,
  constrainBoneLengths,
} from "./bones.js";
export {
  KinematicsError,
  type KinematicsErrorCode,
} from "./errors.js";
export {
  butterworthLowpass,
  type FilterCoefficients,
  filtfilt,
  type LowpassOptions,
  type LowpassResult,
  lowpassFilter,
  type OneEuroOptions,
  oneEuroFilter,
} from "./filters.js";
export {
  type AxisRef,
  checkJoint,
  inferSkeleton,
  type JointRef,
  resolveAxis,
  resolveJoint,
} from "./joints.js";
export { LEG_JOINT_NAMES, type LegJointIndices, type LegJointNames, resolveLegJoints } from "./legs.js";
export {
  type NormalizeOptions,
  normalizePoseSequence,
  type PadOptions,
  padSequences,
} from "./normalize.js";
export {
  type PredictionsLike,
  type PredictionsToSequenceOptions,
  predictionsToSequence,
} from "./predictions.js";
export {
  type AlignmentDiagnostics,
  kabschFit,
  type ProcrustesMode,
  type ProcrustesOptions,
  type ProcrustesResult,
  procrustesAlign,
  type RigidTransform,
  rotationMagnitudeDeg,
} from "./procrustes.js";
export {
  SAGITTAL_2D_CONVENTION,
  type Sagittal2dAngles,
  type Sagittal2dOptions,
  sagittalAngles2d,
} from "./sagittal.js";
export {
  checkSequence,
  describeShape,
  type FeatureMatrix,
  featureMatrix,
  fromNested,
  jointTrajectory,
  matrixToNested,
  type PoseSequence,
  poseSequence,
  toNested,
} from "./sequence.js";
export {
  type ExtractSignalOptions,
  extractSignal,
  type SignalSpec,
} from "./signal.js";
export {
  assert1d,
  extractFeatureStatistics,
  type FeatureStatistics,
  percentile,
} from "./stats.js";
export { pairwiseSum } from "./sum.js";
export {
  classifyView,
  VIEW_CONSTANTS,
  type ViewCheck,
  type ViewLabel,
  type ViewQuality,
  viewQuality,
} from "./view.js";
