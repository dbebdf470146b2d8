import { CodedError } from "@neuropose/io/core";

/** Stable error codes raised by `@neuropose/segment` (the original raised `ValueError` for all of them). */
export type SegmentErrorCode =
  | "E_NOT_1D"
  | "E_PEAK_DISTANCE"
  | "E_PEAK_ARGUMENT"
  | "E_PAD_NEGATIVE"
  | "E_FPS_ZERO"
  | "E_SEGMENT_RANGE"
  | "E_STRIDE_SKELETON"
  | "E_STRIDE_VERTICAL";

/**
 * Error raised by the segmentation functions (bad signal shape or parameters, seconds without a frame rate,
 * segments outside the recording).
 *
 * @example
 * ```ts
 * import { SegmentError, findPeaks } from "@neuropose/segment";
 * try {
 *   findPeaks([0, 1, 0], { distance: 0.5 });
 * } catch (e) {
 *   if (e instanceof SegmentError) console.log(e.code); // "E_PEAK_DISTANCE"
 * }
 * ```
 */
export class SegmentError extends CodedError<SegmentErrorCode> {}
