export {
  type DtwOptions,
  type DtwResult,
  dtw,
  dtwDistance,
  type LocalCost,
  type SeriesInput,
} from "./dtw.js";
export { DtwError, type DtwErrorCode } from "./errors.js";
export { type DtwPathResult, type FastDtwOptions, type FrameDistance, fastdtw } from "./fastdtw.js";
export { dtwMatrix, type MatrixProgress, type MatrixRunOptions } from "./matrix.js";
export {
  type AlignMode,
  applyNanPolicy,
  dtwAll,
  dtwPerJoint,
  dtwRelation,
  type NanPolicy,
  type PoseDtwOptions,
  type PoseInput,
  type Representation,
} from "./pose-dtw.js";
