import { CodedError } from "@neuropose/io";

/**
 * Stable error codes raised by @neuropose/infer. User errors (bad input, missing tools) have `kind: "user"`.
 *
 * @example
 * ```ts
 * import { INFER_ERROR_CODES } from "@neuropose/infer";
 * console.log(INFER_ERROR_CODES.VIDEO_MISSING); // "E_VIDEO_MISSING"
 * ```
 */
export const INFER_ERROR_CODES = {
  VIDEO_MISSING: "E_VIDEO_MISSING",
  NOT_A_VIDEO: "E_NOT_A_VIDEO",
  VIDEO_CORRUPT: "E_VIDEO_CORRUPT",
  VIDEO_EMPTY: "E_VIDEO_EMPTY",
  FFMPEG_NOT_FOUND: "E_FFMPEG_NOT_FOUND",
  MODEL_UNKNOWN: "E_MODEL_UNKNOWN",
  MODEL_CACHE: "E_MODEL_CACHE",
  MODEL_SOURCE: "E_MODEL_SOURCE",
  PROVIDER_UNSUPPORTED: "E_PROVIDER_UNSUPPORTED",
  PROVIDER_FAILED: "E_PROVIDER_FAILED",
  OVERLAY: "E_OVERLAY",
  ABORTED: "E_ABORTED",
} as const;

/** Stable error codes raised by @neuropose/infer (the values of {@link INFER_ERROR_CODES}). */
export type InferErrorCode = (typeof INFER_ERROR_CODES)[keyof typeof INFER_ERROR_CODES];

/**
 * An error from the inference pipeline (video decoding, model cache, execution providers).
 *
 * @example
 * ```ts
 * import { InferError } from "@neuropose/infer";
 * const e = new InferError("E_VIDEO_MISSING", "input file not found", { path: "clip.mp4" });
 * console.log(e.oneLine()); // "clip.mp4: input file not found"
 * ```
 */
export class InferError extends CodedError<InferErrorCode> {}
