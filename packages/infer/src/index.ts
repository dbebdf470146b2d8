export type {
  ModelProvenanceEntry,
  PersonPose,
  PoseModelAdapter,
  StageTimes,
} from "./adapter.js";
export {
  type BlazePoseOptions,
  createBlazePose,
} from "./blazepose.js";
export {
  INFER_ERROR_CODES,
  InferError,
  type InferErrorCode,
} from "./errors.js";
export {
  type FfmpegTools,
  type ResolveFfmpegOptions,
  resolveFfmpeg,
} from "./ffmpeg.js";
export {
  type BlazePoseVariant,
  type CachedModel,
  type EnsureModelOptions,
  ensureModel,
  MODEL_REGISTRY,
  type ModelName,
  type ModelSpec,
  readModelSource,
  type TfliteConverter,
} from "./models.js";
export {
  type ProcessCamerasOptions,
  type ProcessCamerasResult,
  processCameras,
} from "./multiview.js";
export {
  BLAZEPOSE_EDGES,
  drawSkeletons,
  type OverlayEncoder,
  type OverlayEncoderOptions,
  type OverlayFrames,
  type OverlayOptions,
  openOverlayEncoder,
  renderOverlay,
} from "./overlay.js";
export {
  type InferProgress,
  type InferResult,
  type InferStats,
  type InferVideoOptions,
  inferVideo,
} from "./pipeline.js";
export {
  checkOutputs,
  type LoadPipelineOptions,
  loadPipeline,
  type PosePipeline,
  type ProcessNwbOutput,
  type ProcessVideoOptions,
  type ProcessVideoResult,
  processVideo,
} from "./process.js";
export {
  createRunner,
  cudaProviderInstalled,
  defaultThreads,
  type FloatInput,
  type Logger,
  providerOrder,
  type RunnerOptions,
  runtimeVersions,
  type TensorRunner,
} from "./runtime.js";
export {
  type DecodeOptions,
  decodeVideo,
  type ProbeOptions,
  probeVideo,
  type VideoFrame,
  type VideoInfo,
} from "./video.js";
