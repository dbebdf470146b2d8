export {
  type DtwOptions,
  type DtwResult,
  dtw,
  dtwDistance,
  type LocalCost,
  type SeriesInput,
} from "./dtw.js";
export { type DtwPathResult, type FastDtwOptions, type FrameDistance, fastdtw } from "./fastdtw.js";
