// The job-source contract: what the daemon loop needs from wherever jobs come from. The filesystem data dir
// (folder-source.ts) is the embedded default; a queue backend (BullMQ/Redis) implements the same interface.
import type { JobStatusEntry, StatusFile } from "@neuropose/io";
import type { VideoOutput } from "./worker.js";

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
  /**
   * Where the worker writes one video's predictions, asked for just before the video: a file path (the source
   * assembles results.json from these files), or a sink of io's streaming results writer (the document goes
   * straight into the job's results.json, committed by `complete`).
   */
  outputFor(video: JobInput): Promise<VideoOutput>;
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
  /**
   * Writes the state changes the source holds back to carry them on its next write (the folder source records
   * a completion with the next claim); runDaemon calls it when it returns. Optional.
   */
  flush?(): Promise<void>;
  /** Releases connections or timers (and flushes). */
  close(): Promise<void>;
}

/** The progress fields of a status entry (both sources store them: the status file, the queue's job progress). */
export interface ProgressFields {
  current_video: string;
  frames_processed: number;
  frames_total: number;
  videos_completed: number;
  videos_total: number;
  percent_complete: number;
  last_update: string;
}

/**
 * A running job's progress as status-entry fields: the percentage counts finished videos plus the current
 * video's share of its frames (rounded to 0.01, at most 100); `at` is the ISO time of the update.
 *
 * @example
 * ```ts
 * import { progressFields } from "@neuropose/jobs";
 * const p = { currentVideo: "b.mp4", videosCompleted: 1, videosTotal: 2, framesProcessed: 15, framesTotal: 60 };
 * console.log(progressFields(p, new Date().toISOString()).percent_complete); // 62.5
 * ```
 */
export function progressFields(p: JobProgress, at: string): ProgressFields {
  const share = p.framesTotal > 0 ? Math.min(1, p.framesProcessed / p.framesTotal) : 0;
  const percent = p.videosTotal > 0 ? (100 * (p.videosCompleted + share)) / p.videosTotal : 0;
  return {
    current_video: p.currentVideo,
    frames_processed: p.framesProcessed,
    frames_total: p.framesTotal,
    videos_completed: p.videosCompleted,
    videos_total: p.videosTotal,
    percent_complete: Math.round(Math.min(100, percent) * 100) / 100,
    last_update: at,
  };
}
