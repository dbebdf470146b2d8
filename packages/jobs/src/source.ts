// The job-source contract: what the daemon loop needs from wherever jobs come from. The filesystem data dir
// (folder-source.ts) is the embedded default; a queue backend (BullMQ/Redis) implements the same interface.
import type { JobStatusEntry, StatusFile } from "@neuropose/io";

/** Where a job is in its life. `queued` jobs have no status entry yet. */
export type JobState = "queued" | "processing" | "completed" | "failed";

/** A job as the monitor and `status` show it. */
export interface JobView {
  /** The job's name (folder name) or id. */
  id: string;
  state: JobState;
  /** The status entry (progress, times, error); null while queued. */
  entry: JobStatusEntry | null;
}

/** One input video of a claimed job. */
export interface JobInput {
  /** Name in the results (the file's basename). */
  name: string;
  /** Path the worker reads. */
  path: string;
}

/** Progress of a running job, reported by the daemon loop as frames go by. */
export interface JobProgress {
  currentVideo: string;
  /** Videos finished before the current one. */
  videosCompleted: number;
  videosTotal: number;
  framesProcessed: number;
  framesTotal: number;
}

/** A job the daemon has taken and must finish with exactly one of complete, fail or release. */
export interface ClaimedJob {
  readonly id: string;
  readonly videos: readonly JobInput[];
  /**
   * Makes the inputs ready before the first video (optional): e.g. the queue checks that shared files still have
   * their submitted hashes and downloads URL inputs. An error fails the job like a video's error would.
   */
  prepare?(signal?: AbortSignal): Promise<void>;
  /** Where the worker writes one video's predictions (the source assembles results.json from these). */
  outputPathFor(video: JobInput): string;
  /** Records progress (throttled by the source; never throws, never blocks). */
  progress(p: JobProgress): void;
  /** All videos done: commits the job's results atomically and marks it completed. */
  complete(): Promise<{ resultsPath: string }>;
  /** The job failed: records "Type: message" and keeps its inputs intact. Never throws. */
  fail(error: unknown): Promise<void>;
  /** Graceful stop: the job goes back to be redone from the start. Never throws. */
  release(reason: string): Promise<void>;
}

/** Where jobs come from and where their state lives. */
export interface JobSource {
  /** "folder", "queue", ... (for logs and the monitor). */
  readonly kind: string;
  /** Takes the next job for this daemon; undefined when there is none right now. */
  claim(signal?: AbortSignal): Promise<ClaimedJob | undefined>;
  /** Every known job (queued ones too), sorted by id. */
  list(): Promise<JobView[]>;
  /** The status-file view ({job: entry}) that `/status.json` serves. */
  snapshot(): Promise<StatusFile>;
  /** Releases connections or timers. */
  close(): Promise<void>;
}
