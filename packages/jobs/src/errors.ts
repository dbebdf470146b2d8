import { CodedError } from "@neuropose/io";

/**
 * Stable error codes raised by @neuropose/jobs.
 *
 * @example
 * ```ts
 * import { JOBS_ERROR_CODES } from "@neuropose/jobs";
 * console.log(JOBS_ERROR_CODES.LOCKED); // "E_LOCKED"
 * ```
 */
export const JOBS_ERROR_CODES = {
  /** Another daemon holds the data dir's lock. */
  LOCKED: "E_LOCKED",
  /** The data dir (or one of its folders) cannot be created or written. */
  DATA_DIR: "E_DATA_DIR",
  /** A job name that is not a plain folder name, or a job that does not exist. */
  JOB_UNKNOWN: "E_JOB_UNKNOWN",
  /** `requeue` of a job that is not failed, or `ingest` onto an existing job without --force. */
  JOB_STATE: "E_JOB_STATE",
  /** A job folder without a single video. */
  NO_VIDEOS: "E_NO_VIDEOS",
  /** A zip archive `ingest` refuses (unsafe names, bombs, too big, truncated). */
  ARCHIVE: "E_ARCHIVE",
  /** The daemon was stopped (SIGINT/SIGTERM) while a job ran; the job goes back to in/. */
  STOPPED: "E_STOPPED",
} as const;

/** One of {@link JOBS_ERROR_CODES}. */
export type JobsErrorCode = (typeof JOBS_ERROR_CODES)[keyof typeof JOBS_ERROR_CODES];

/**
 * An error of the job daemon (lock, data dir, jobs, ingest).
 *
 * @example
 * ```ts
 * import { JobsError } from "@neuropose/jobs";
 * const e = new JobsError("E_LOCKED", "another NeuroPose daemon (pid 42) already holds /data/.neuropose.lock");
 * console.log(e.code, e.kind); // E_LOCKED user
 * ```
 */
export class JobsError extends CodedError<JobsErrorCode> {}
