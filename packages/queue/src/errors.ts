import { CodedError } from "@neuropose/io";

/**
 * Stable error codes raised by @neuropose/queue.
 *
 * @example
 * ```ts
 * import { QUEUE_ERROR_CODES } from "@neuropose/queue";
 * console.log(QUEUE_ERROR_CODES.UNREACHABLE); // "E_QUEUE_UNREACHABLE"
 * ```
 */
export const QUEUE_ERROR_CODES = {
  /** The queue URL is not a redis:// or rediss:// URL. */
  URL: "E_QUEUE_URL",
  /** Redis does not answer (refused, timed out, DNS). */
  UNREACHABLE: "E_QUEUE_UNREACHABLE",
  /** Redis refused the password (or needs one). */
  AUTH: "E_QUEUE_AUTH",
  /** The TLS handshake failed: the server's certificate is not signed by the configured CA, or names another host. */
  TLS: "E_QUEUE_TLS",
  /** The Redis server is older than BullMQ supports. */
  VERSION: "E_QUEUE_VERSION",
  /** A job to submit names no video, or one that is not readable. */
  INPUT: "E_QUEUE_INPUT",
  /** A shared input's size or SHA-256 differs from the one recorded at submission (no retry). */
  INPUT_CHANGED: "E_QUEUE_INPUT_CHANGED",
  /** A URL input cannot be downloaded for good: 404-like answer, timeout, too large, unknown host (no retry). */
  FETCH: "E_QUEUE_FETCH",
  /** A URL input's server is busy or down (5xx, 429, dropped connection): retried with backoff. */
  FETCH_RETRY: "E_QUEUE_FETCH_RETRY",
  /** A job's data in the queue does not match this build's schema. */
  JOB_DATA: "E_QUEUE_JOB_DATA",
} as const;

/** One of {@link QUEUE_ERROR_CODES}. */
export type QueueErrorCode = (typeof QUEUE_ERROR_CODES)[keyof typeof QUEUE_ERROR_CODES];

/**
 * An error of the queue backend (connection, submission, job data). Always a user error (exit 2): the fix is in
 * the user's Redis, URL or inputs.
 *
 * @example
 * ```ts
 * import { QueueError } from "@neuropose/queue";
 * const e = new QueueError("E_QUEUE_UNREACHABLE", "cannot reach Redis at redis://127.0.0.1:6379");
 * console.log(e.code, e.kind); // E_QUEUE_UNREACHABLE user
 * ```
 */
export class QueueError extends CodedError<QueueErrorCode> {}
