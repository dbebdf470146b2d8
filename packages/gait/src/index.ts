export {
  ANGLE_CONVENTION,
  type CurveJoint,
  type GaitCurve,
  gaitCurves,
  type SagittalAngles,
  timeNormalize,
} from "./curves.js";
export { GaitError, type GaitErrorCode } from "./errors.js";
export {
  detectGaitEvents,
  type GaitEvent,
  type GaitEventMethod,
  type GaitEventOptions,
  type GaitEventSet,
  type Side,
  type WalkingBout,
} from "./events.js";
export {
  analyzeGait,
  analyzePredictions,
  declaredUp,
  type GaitAnalysis,
  type GaitOptions,
  type GaitPredictions,
  LEG_LENGTH_PER_HEIGHT,
  verticalFor,
} from "./gait.js";
export {
  type Asymmetry,
  asymmetry,
  type ParameterOptions,
  type ParameterSet,
  type ScaleInfo,
  type SideParameters,
  type SpatiotemporalParameters,
  type Stat,
  type Stride,
  spatiotemporalParameters,
  stat,
} from "./parameters.js";
export { type SynthWalker, type SynthWalkerOptions, synthesizeWalker } from "./synthesize.js";
export type { UpDirection } from "./up.js";
export {
  GAIT_WARNING_DEFAULTS,
  type GaitWarning,
  type GaitWarningCode,
  type GaitWarningOptions,
  gaitWarnings,
  MAX_LISTED_STRIKES,
} from "./warnings.js";
