export {
  type CycleConfidence,
  cycleConfidence,
} from "./confidence.js";
export {
  SegmentError,
  type SegmentErrorCode,
} from "./errors.js";
export {
  type BilateralGaitCycles,
  type GaitCycleOptions,
  HEEL_JOINTS,
  type SegmentablePredictions,
  type SegmentPredictionsOptions,
  type SliceablePredictions,
  segmentationConfidence,
  segmentGaitCycles,
  segmentGaitCyclesBilateral,
  segmentPredictions,
  slicePredictions,
} from "./gait-cycles.js";
export {
  detectGaitEvents,
  type GaitEventOptions,
  type GaitEvents,
  type HeelStrike,
  resolveGaitSkeleton,
  STRIDE_JOINTS,
  STRIDE_METHOD,
  strideConfidence,
  strideSegments,
} from "./gait-events.js";
export {
  type SegmentByPeaksOptions,
  segmentByPeaks,
} from "./peak-segments.js";
export {
  assertSignal,
  type FindPeaksOptions,
  type FindPeaksResult,
  findPeaks,
  localMaxima,
  type PeakCondition,
  type PeakProperties,
  peakProminences,
} from "./peaks.js";
export {
  fillGaps,
  type WalkingDirection,
  walkingDirection,
} from "./walking-direction.js";
