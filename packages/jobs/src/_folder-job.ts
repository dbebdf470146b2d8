// A claimed job of the folder source: throttled progress checkpoints into the status file, the job's
// results.json streamed by io's results writer (each video's document straight into it, committed once), and
// the job's end: complete (its status entry rides on the next status write), fail (outputs dropped, inputs
// quarantined) or release (put back to be redone).
import { join } from "node:path";
import { type JobResultsWriter, openJobResultsWriter } from "@neuropose/io";
import { removeTree } from "./_fs.js";
import { entryOf } from "./_status-entry.js";
import { describeError } from "./describe-error.js";
import { JobsError } from "./errors.js";
import type { FolderJobSource } from "./folder-source.js";
import { type ClaimedJob, type JobInput, type JobProgress, progressFields } from "./source.js";
import type { VideoOutput } from "./worker.js";

export class FolderJob implements ClaimedJob {
  private writing: Promise<void> | undefined;
  private dirty = false;
  private lastWrite = 0;
  private lastVideo: string | undefined;
  private latest: JobProgress | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  // results.json being written: the videos' documents one after the other, committed by complete()
  private results: JobResultsWriter | undefined;

  constructor(
    private readonly source: FolderJobSource,
    readonly id: string,
    readonly videos: readonly JobInput[],
    private readonly outDir: string,
    /** The video the claim's status entry already names (its start needs no checkpoint). */
    claimedVideo?: string,
  ) {
    this.lastVideo = claimedVideo;
    this.lastWrite = Date.now();
  }

  private get resultsPath(): string {
    return join(this.outDir, "results.json");
  }

  // One durable write per job: each video's document goes into results.json (temp, fsync, rename once) through
  // io's JobResultsWriter, which spools the video's frames and copies them in; no per-video file is committed
  // (its fsync and rename per video saved). A crash leaves only io's temp files, which recovery removes with the
  // job's out/ folder.
  async outputFor(video: JobInput): Promise<VideoOutput> {
    this.results ??= await openJobResultsWriter(this.resultsPath);
    return this.results.video(video.name);
  }

  progress(p: JobProgress): void {
    if (this.finished) return;
    this.latest = p;
    const now = Date.now();
    const due = now - this.lastWrite >= this.source.checkpointInterval() || p.currentVideo !== this.lastVideo;
    if (due) {
      this.flush();
    } else if (!this.timer) {
      // make sure the last progress of a slow stretch is written too
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.source.checkpointInterval());
      this.timer.unref();
    }
  }

  private flush(): void {
    // one checkpoint write at a time; progress that arrives meanwhile is coalesced into the next write
    if (this.writing) {
      this.dirty = true;
      return;
    }
    const p = this.latest;
    if (!p || this.finished) return;
    this.latest = undefined;
    this.lastWrite = Date.now();
    this.lastVideo = p.currentVideo;
    const at = this.source.clock().toISOString();
    this.writing = this.source
      .updateStatus((s) => {
        const e = s[this.id];
        if (e?.status !== "processing") return;
        s[this.id] = { ...e, ...progressFields(p, at) };
      })
      .catch((err) => {
        // checkpoints never raise: the job goes on, the next checkpoint tries again
        this.source
          .log()
          .warn(`could not write a progress checkpoint: ${(err as Error).message}`, { job: this.id });
      })
      .finally(() => {
        this.writing = undefined;
        if (this.dirty) {
          this.dirty = false;
          this.flush();
        }
      });
  }

  private async settle(): Promise<void> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.writing) await this.writing;
  }

  async complete(): Promise<{ resultsPath: string }> {
    await this.settle();
    const resultsPath = this.resultsPath;
    try {
      this.results ??= await openJobResultsWriter(resultsPath); // (a job without videos never gets here)
      await this.results.finish();
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      const inner = (err as Error).message; // io's write errors already say "could not write <path>: ..."
      const text = inner.startsWith("could not write") ? inner : `could not write ${resultsPath}: ${inner}`;
      throw new JobsError("E_DATA_DIR", text, {
        path: resultsPath,
        hint:
          code === "ENOSPC" ? `the disk is full; free space, then neuropose requeue ${this.id}` : undefined,
        cause: err,
      });
    }
    const at = this.source.clock().toISOString();
    // results.json is committed: the job is done whatever happens next. Its "completed" entry rides on the next
    // status write (the next claim's, or a flush when the daemon idles or stops): one status write per job
    // saved. A crash before that write leaves a processing entry beside a complete results.json, which
    // recovery marks completed.
    this.source.completeLater(this.id, (s) => {
      const e = s[this.id];
      if (e?.status !== "processing") return;
      s[this.id] = {
        ...e,
        status: "completed",
        completed_at: at,
        results_path: resultsPath,
        current_video: null,
        frames_processed: e.frames_total ?? e.frames_processed, // the last video's last frames may fall between checkpoints
        videos_completed: this.videos.length,
        percent_complete: 100,
        last_update: at,
      };
    });
    return { resultsPath };
  }

  async fail(error: unknown): Promise<void> {
    await this.settle();
    const at = this.source.clock().toISOString();
    const text = describeError(error);
    try {
      // partial outputs go first (they also free the space a full disk needs for the status write), then the
      // entry, then the move: a crash in between leaves a processing entry (failed as interrupted at the next
      // start) or a failed entry whose inputs the next start quarantines
      await this.results?.abort();
      await removeTree(this.outDir);
      await this.source.updateStatus((s) => {
        const e = s[this.id];
        s[this.id] = entryOf({
          ...(e ?? {}),
          status: "failed",
          started_at: e?.started_at ?? at,
          completed_at: at,
          error: text,
          last_update: at,
        });
      });
      await this.source.quarantine(this.id);
    } catch (err) {
      this.source.log().error(`could not record the failure: ${(err as Error).message}`, { job: this.id });
    }
  }

  async release(reason: string): Promise<void> {
    await this.settle();
    try {
      await this.results?.abort();
      await this.source.updateStatus((s) => {
        delete s[this.id];
      });
      await removeTree(this.outDir);
      this.source.log().warn(`job put back to be redone: ${reason}`, { job: this.id });
    } catch (err) {
      this.source.log().error(`could not put the job back: ${(err as Error).message}`, { job: this.id });
    }
  }
}
