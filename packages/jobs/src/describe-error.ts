// The "Type: message" text both job sources record for a failed job.
import { isNeuroPoseError } from "@neuropose/io";

/**
 * The "Type: message" text recorded for a failed job (the error's class name and its one-line message).
 *
 * @example
 * ```ts
 * import { describeError } from "@neuropose/jobs";
 * console.log(describeError(new RangeError("bad frame"))); // RangeError: bad frame
 * ```
 */
export function describeError(error: unknown): string {
  if (isNeuroPoseError(error)) {
    const text = typeof error.oneLine === "function" ? error.oneLine() : error.message;
    return `${error.name}: ${text}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`.replace(/\s*\n\s*/g, " ");
  return `Error: ${String(error)}`;
}
