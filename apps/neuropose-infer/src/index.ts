export { capYoungGeneration, YOUNG_GENERATION_FLAG } from "./_young-generation.js";
export {
  applyBoneModel,
  BONE_MIN_CONFIDENCE,
  type BonePersonSummary,
  processVideoWithBoneModel,
  SINGLE_CAMERA_BONES,
} from "./bone-model.js";
export * from "./cli.js";
export { run } from "./main.js";
