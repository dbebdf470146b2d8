import { isNeuroPoseError, type Logger } from "@neuropose/io";
import { withFields } from "./_logger.js";
import { JobsError } from "./errors.js";
import type { ClaimedJob, JobSource } from "./source.js";
import type { VideoSummary, VideoWorker } from "./worker.js";

/** Something that happened in the daemon loop (for a CLI's progress display and for tests). */
export type DaemonEvent =
  | { type: "job-start"; job: string; videos: number }
  | { type: "video-progress"; job: string; video: string; done: number; total: number }
  | { type: "video-done"; job: string; video: string; summary: VideoSummary }
  | { type: "job-done"; job: string; resultsPath: string; ms: number }
  | { type: "job-failed"; job: string; error: unknown }
  | { type: "job-requeued"; job: string; reason: string }
  | { type: "idle" };

/** Options of {@link runDaemon}. */
export interface DaemonOptions {
  source: JobSource;
  worker: VideoWorker;
  /** Stops the loop; a running job is put back (`release`) to be redone, not failed. */
  signal?: AbortSignal | undefined;
  /** Pause between looks for new jobs when there is none (default 5000 ms). */
  pollMs?: number | undefined;
  /** Return when there is no job left instead of waiting for more (`neuropose watch --once`, tests). */
  once?: boolean | undefined;
  /** Called before each look for jobs (e.g. retention pruning); errors are logged, never fatal. */
  beforePoll?: (() => Promise<void>) | undefined;
  logger?: Logger | undefined;
  onEvent?: ((event: DaemonEvent) => void) | undefined;
}

/** What a daemon run did. */
export interface DaemonSummary {
  completed: string[];
  failed: string[];
  requeued: string[];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The daemon loop: claim a job from `source`, run every video through `worker` (the model stays loaded for
 * the daemon's life), report progress, then commit (`complete`) or record the failure (`fail`) and go on with
 * the next job. One bad video fails its job, never the daemon. When `signal` aborts, the running job is put
 * back (`release`) to be redone from the start and the loop returns.
 *
 * @example
 * ```ts
 * import { createBlazePoseWorker, FolderJobSource, runDaemon } from "@neuropose/jobs";
 * const source = new FolderJobSource("data"); // jobs are the folders of data/in/
 * await source.ensureLayout();
 * const worker = await createBlazePoseWorker({ model: "lite", cacheDir: "/tmp/neuropose-models", device: "cpu" });
 * const summary = await runDaemon({ source, worker, once: true });
 * console.log(summary.completed, summary.failed);
 * await worker.dispose();
 * ```
 */
export async function runDaemon(options: DaemonOptions): Promise<DaemonSummary> {
  const { source } = options;
  const summary: DaemonSummary = { completed: [], failed: [], requeued: [] };
  const log = withFields(options.logger, {});
  const pollMs = options.pollMs ?? 5000;
  try {
    await loop(options, summary, log, pollMs);
  } finally {
    // what the source held back to write with its next change (the folder source: the last completion)
    await source
      .flush?.()
      .catch((err: unknown) => log.error(`could not write the job status: ${(err as Error).message}`));
  }
  return summary;
}

async function loop(
  options: DaemonOptions,
  summary: DaemonSummary,
  log: ReturnType<typeof withFields>,
  pollMs: number,
): Promise<void> {
  const { source, signal } = options;
  while (!signal?.aborted) {
    if (options.beforePoll) {
      try {
        await options.beforePoll();
      } catch (err) {
        log.warn(`housekeeping failed: ${(err as Error).message}`);
      }
    }
    let job: ClaimedJob | undefined;
    try {
      job = await source.claim(signal);
    } catch (err) {
      // the data dir may be briefly unreadable (a network share): say so and look again later
      log.error(`could not look for jobs: ${isNeuroPoseError(err) ? err.oneLine() : (err as Error).message}`);
      if (options.once) throw err;
      await sleep(pollMs, signal);
      continue;
    }
    if (!job) {
      if (options.once) break;
      options.onEvent?.({ type: "idle" });
      await sleep(pollMs, signal);
      continue;
    }
    await runJob(job, options, summary);
  }
}

async function runJob(job: ClaimedJob, options: DaemonOptions, summary: DaemonSummary): Promise<void> {
  const { worker, signal } = options;
  const jlog = withFields(options.logger, { job: job.id });
  const t0 = performance.now();
  options.onEvent?.({ type: "job-start", job: job.id, videos: job.videos.length });
  jlog.info(`job started: ${job.videos.length} video(s)`);
  try {
    if (job.videos.length === 0) {
      throw new JobsError("E_NO_VIDEOS", "the job folder holds no video (.mp4 .avi .mov .mkv)", {
        path: job.id,
        hint: "put the videos directly in the job folder, not in subfolders",
      });
    }
    await job.prepare?.(signal);
    for (let i = 0; i < job.videos.length; i++) {
      const video = job.videos[i] as (typeof job.videos)[number];
      const vlog = withFields(options.logger, { job: job.id, video: video.name });
      vlog.debug("video started");
      job.progress({
        currentVideo: video.name,
        videosCompleted: i,
        videosTotal: job.videos.length,
        framesProcessed: 0,
        framesTotal: 0,
      });
      const tv = performance.now();
      const s = await worker.process(video.path, await job.outputFor(video), {
        signal,
        onProgress: (p) => {
          job.progress({
            currentVideo: video.name,
            videosCompleted: i,
            videosTotal: job.videos.length,
            framesProcessed: p.done,
            framesTotal: p.total,
          });
          options.onEvent?.({ type: "video-progress", job: job.id, video: video.name, ...p });
        },
      });
      vlog.info(`video done: ${s.frames} frames, ${s.fps.toFixed(1)} frames/s on ${s.provider}`, {
        frames: s.frames,
        fps: Math.round(s.fps * 10) / 10,
        ms: Math.round(performance.now() - tv), // the worker's whole call: probe, inference, document write
      });
      options.onEvent?.({ type: "video-done", job: job.id, video: video.name, summary: s });
    }
    if (signal?.aborted) throw signal.reason;
    const { resultsPath } = await job.complete();
    const ms = performance.now() - t0;
    jlog.info(`job completed: ${resultsPath}`, { ms: Math.round(ms) });
    summary.completed.push(job.id);
    options.onEvent?.({ type: "job-done", job: job.id, resultsPath, ms });
  } catch (err) {
    if (signal?.aborted) {
      await job.release("the daemon was stopped while the job ran");
      summary.requeued.push(job.id);
      options.onEvent?.({ type: "job-requeued", job: job.id, reason: "stopped" });
      return;
    }
    jlog.error(`job failed: ${isNeuroPoseError(err) ? err.oneLine() : (err as Error).message}`);
    await job.fail(err);
    summary.failed.push(job.id);
    options.onEvent?.({ type: "job-failed", job: job.id, error: err });
  }
}
