export {
  applyBoneModel,
  BONE_MIN_CONFIDENCE,
  type BonePersonSummary,
  processVideoWithBoneModel,
  SINGLE_CAMERA_BONES,
} from "./bone-model.js";
export { type InferArgs, main, parseArgs, runInfer } from "./cli.js";
export { run } from "./main.js";
