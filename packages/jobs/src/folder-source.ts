import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  isNeuroPoseError,
  type JobStatusEntry,
  type JobStatusEntryInput,
  type Logger,
  loadJobResults,
  loadStatusFile,
  type StatusFile,
  saveStatusFile,
} from "@neuropose/io";
import { exists, freeName, listDir, moveDir, removeDeadTemps, removeTree, sortByName } from "./_fs.js";
import { type FullLogger, withFields } from "./_logger.js";
import { JobsError } from "./errors.js";
import { type DataDirLayout, dataDirLayout, isJobName, isVideoFile } from "./layout.js";
import { withLock } from "./lock.js";
import { assembleJobResults } from "./results.js";
import type { ClaimedJob, JobInput, JobProgress, JobSource, JobView } from "./source.js";

/** The reason recorded for a job that was running when the daemon died. */
export const INTERRUPTED_ERROR = "interrupted: daemon shutdown or crash before completion";

/** Options of {@link FolderJobSource}. */
export interface FolderJobSourceOptions {
  logger?: Logger | undefined;
  /** Least milliseconds between two progress checkpoints of a running job (default 1000). */
  checkpointMs?: number | undefined;
  /** Clock (tests). */
  now?: (() => Date) | undefined;
}

/** What {@link FolderJobSource.recover} found and did. */
export interface RecoveryReport {
  /** Jobs that were processing and became failed (inputs quarantined). */
  interrupted: string[];
  /** Jobs that were processing but whose results.json was already complete: marked completed. */
  completed: string[];
  /** Inputs moved to failed/ for failed entries still in in/. */
  quarantined: string[];
  /** Leftover temp files removed. */
  tempsRemoved: number;
}

/** What {@link FolderJobSource.prune} removed (or would remove with dryRun). */
export interface PruneReport {
  jobs: string[];
  paths: string[];
}

const iso = (d: Date) => d.toISOString();

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

/**
 * The job source over a data dir (`in/`, `out/`, `failed/`, `out/status.json`), as the original NeuroPose
 * daemon: a job is a direct subfolder of in/ not yet in the status file (sorted; empty folders skipped), its
 * videos are the .mp4/.avi/.mov/.mkv files directly inside (sorted). Every status change is a read-modify-
 * write of the status file under a short lock, so `requeue`/`prune` can run beside the daemon.
 *
 * @example
 * ```ts
 * import { FolderJobSource } from "@neuropose/jobs";
 * const source = new FolderJobSource("/tmp/neuropose-example-data");
 * await source.ensureLayout();
 * console.log((await source.list()).map((j) => `${j.id}: ${j.state}`));
 * ```
 */
export class FolderJobSource implements JobSource {
  readonly kind = "folder";
  readonly layout: DataDirLayout;
  private readonly logger: FullLogger;
  private readonly rawLogger: Logger | undefined;
  private readonly checkpointMs: number;
  private readonly now: () => Date;

  constructor(dataDir: string, options: FolderJobSourceOptions = {}) {
    this.layout = dataDirLayout(dataDir);
    this.logger = withFields(options.logger, {});
    this.rawLogger = options.logger;
    this.checkpointMs = options.checkpointMs ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** Creates in/, out/ and failed/ when missing. */
  async ensureLayout(): Promise<void> {
    for (const d of [this.layout.in, this.layout.out, this.layout.failed]) {
      try {
        await mkdir(d, { recursive: true });
      } catch (err) {
        throw new JobsError("E_DATA_DIR", `cannot create ${d}: ${(err as Error).message}`, {
          path: d,
          hint: "check the data dir setting (NEUROPOSE_DATA_DIR) and its permissions",
          cause: err,
        });
      }
    }
  }

  /** Reads the status file (missing or corrupt: empty, with a warning). */
  readStatus(): Promise<StatusFile> {
    return loadStatusFile(this.layout.status, { logger: quietMissing(this.rawLogger) });
  }

  /** Read-modify-write of the status file under its lock. */
  async updateStatus<T>(fn: (status: StatusFile) => T): Promise<T> {
    await mkdir(this.layout.out, { recursive: true });
    return withLock(`${this.layout.status}.lock`, async () => {
      const status = await this.readStatus();
      const result = fn(status);
      await saveStatusFile(this.layout.status, status as Record<string, JobStatusEntryInput>);
      return result;
    });
  }

  async snapshot(): Promise<StatusFile> {
    return this.readStatus();
  }

  async list(): Promise<JobView[]> {
    const status = await this.readStatus();
    const views: JobView[] = Object.entries(status).map(([id, entry]) => ({
      id,
      state: entry.status,
      entry,
    }));
    for (const e of sortByName(await listDir(this.layout.in))) {
      if (!e.isDirectory() || !isJobName(e.name) || Object.hasOwn(status, e.name)) continue;
      views.push({ id: e.name, state: "queued", entry: null });
    }
    return views.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The videos of a job folder (direct children with a video extension, sorted). */
  async videosOf(jobDir: string): Promise<JobInput[]> {
    return sortByName(await listDir(jobDir))
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && isVideoFile(e.name))
      .map((e) => ({ name: e.name, path: join(jobDir, e.name) }));
  }

  async claim(): Promise<ClaimedJob | undefined> {
    const status = await this.readStatus();
    for (const e of sortByName(await listDir(this.layout.in))) {
      if (!e.isDirectory() || !isJobName(e.name) || Object.hasOwn(status, e.name)) continue;
      const dir = join(this.layout.in, e.name);
      const entries = await listDir(dir);
      if (entries.length === 0) continue; // empty folders are skipped (a copy may not have started yet)
      const videos = await this.videosOf(dir);
      const startedAt = iso(this.now());
      const took = await this.updateStatus((s) => {
        if (Object.hasOwn(s, e.name)) return false;
        s[e.name] = entryOf({
          status: "processing",
          started_at: startedAt,
          videos_total: videos.length,
          videos_completed: 0,
          percent_complete: 0,
          last_update: startedAt,
          // the first checkpoint rides on the claim: the first video's start costs no status write of its own
          current_video: videos[0]?.name ?? null,
          frames_processed: 0,
          frames_total: 0,
        });
        return true;
      });
      if (!took) continue;
      if (!(await exists(dir))) {
        // moved away between our look and our claim (an ingest rolled back, an operator): forget it
        await this.updateStatus((s) => {
          delete s[e.name];
        });
        continue;
      }
      const outDir = join(this.layout.out, e.name);
      await removeTree(outDir);
      await mkdir(join(outDir, ".parts"), { recursive: true });
      return new FolderJob(this, e.name, videos, outDir, videos[0]?.name);
    }
    return undefined;
  }

  async close(): Promise<void> {}

  /**
   * Crash recovery, run by the daemon at start while it holds the lock: `processing` entries become failed
   * ("interrupted: ...") with their inputs quarantined, unless their results.json is already complete (then
   * completed); failed jobs still in in/ are quarantined; temp files of dead writers are removed.
   */
  async recover(): Promise<RecoveryReport> {
    const report: RecoveryReport = { interrupted: [], completed: [], quarantined: [], tempsRemoved: 0 };
    report.tempsRemoved += await removeDeadTemps(this.layout.root);
    report.tempsRemoved += await removeDeadTemps(this.layout.out);
    for (const e of await listDir(this.layout.out)) {
      if (!e.isDirectory()) continue;
      report.tempsRemoved += await removeDeadTemps(join(this.layout.out, e.name));
    }
    const status = await this.readStatus();
    const finished = new Map<string, boolean>();
    for (const [job, entry] of Object.entries(status)) {
      if (entry.status !== "processing") continue;
      finished.set(job, await this.resultsComplete(job));
    }
    const now = iso(this.now());
    await this.updateStatus((s) => {
      for (const [job, entry] of Object.entries(s)) {
        if (entry.status !== "processing") continue;
        if (finished.get(job)) {
          s[job] = entryOf({
            ...entry,
            status: "completed",
            completed_at: now,
            results_path: join(this.layout.out, job, "results.json"),
            percent_complete: 100,
            current_video: null,
            last_update: now,
          });
          report.completed.push(job);
        } else {
          s[job] = entryOf({
            ...entry,
            status: "failed",
            completed_at: now,
            error: INTERRUPTED_ERROR,
            last_update: now,
          });
          report.interrupted.push(job);
        }
      }
    });
    for (const job of report.interrupted)
      this.logger.warn(`job was interrupted: ${INTERRUPTED_ERROR}`, { job });
    for (const job of report.completed)
      this.logger.info("job had finished before the crash: completed", { job });
    const after = await this.readStatus();
    for (const [job, entry] of Object.entries(after)) {
      const outDir = join(this.layout.out, job);
      await removeTree(join(outDir, ".parts"));
      if (entry.status === "failed") {
        if (!(await exists(join(outDir, "results.json")))) await removeTree(outDir);
        if (await exists(join(this.layout.in, job))) {
          await this.quarantine(job);
          report.quarantined.push(job);
        }
      }
    }
    return report;
  }

  private async resultsComplete(job: string): Promise<boolean> {
    const path = join(this.layout.out, job, "results.json");
    if (!(await exists(path))) return false;
    try {
      const results = await loadJobResults(path);
      const videos = (await this.videosOf(join(this.layout.in, job))).map((v) => v.name);
      const keys = Object.keys(results);
      return videos.length > 0 && keys.length === videos.length && videos.every((v) => keys.includes(v));
    } catch {
      return false;
    }
  }

  /** Moves in/<job> to failed/<job> (or <job>.1, .2 ...); returns the new path. */
  async quarantine(job: string): Promise<string | undefined> {
    const from = join(this.layout.in, job);
    if (!(await exists(from))) return undefined;
    await mkdir(this.layout.failed, { recursive: true });
    const to = freeName(this.layout.failed, job);
    await moveDir(from, to);
    this.logger.info(`inputs moved to ${to}`, { job });
    return to;
  }

  /**
   * Puts a failed job back into in/ (its status entry is removed, so the daemon runs it again). `job` is the
   * job name or the name of a folder in failed/ (e.g. `walk.2`); the newest failed copy is used by default.
   */
  async requeue(job: string): Promise<{ job: string; from: string; to: string }> {
    if (!isJobName(job)) {
      throw new JobsError("E_JOB_UNKNOWN", `"${job}" is not a job name`, {
        hint: "give a folder name from failed/",
      });
    }
    const failedNames = (await listDir(this.layout.failed)).filter((e) => e.isDirectory()).map((e) => e.name);
    let name = job;
    // the newest failed copy of the job (failed/<job>, <job>.1, <job>.2 ...), else a copy named explicitly
    let folder = failedNames
      .filter((n) => n === job || isCopyOf(n, job))
      .sort((a, b) => suffix(a, job) - suffix(b, job))
      .at(-1);
    const m = /^(.*)\.(\d+)$/.exec(job);
    if (folder === undefined && m && failedNames.includes(job)) {
      folder = job;
      name = m[1] as string;
    }
    const status = await this.readStatus();
    const entry = status[name];
    if (folder === undefined) {
      if (entry && entry.status !== "failed") {
        throw new JobsError(
          "E_JOB_STATE",
          `job "${name}" is ${entry.status}, not failed; nothing to requeue`,
          {
            path: name,
          },
        );
      }
      throw new JobsError("E_JOB_UNKNOWN", `no failed job "${job}" in ${this.layout.failed}`, {
        path: job,
        hint: "neuropose status lists the failed jobs",
      });
    }
    if (entry && entry.status === "processing") {
      throw new JobsError("E_JOB_STATE", `job "${name}" is running; requeue it after it finishes`, {
        path: name,
      });
    }
    const to = join(this.layout.in, name);
    if (await exists(to)) {
      throw new JobsError("E_JOB_STATE", `in/${name} already exists`, {
        path: to,
        hint: "move or rename that folder first",
      });
    }
    const from = join(this.layout.failed, folder);
    await this.updateStatus((s) => {
      delete s[name];
    });
    await removeTree(join(this.layout.out, name));
    await mkdir(this.layout.in, { recursive: true });
    await moveDir(from, to);
    this.logger.info(`requeued: ${from} -> ${to}`, { job: name });
    return { job: name, from, to };
  }

  /**
   * Deletes the inputs and outputs of finished jobs older than `olderThanDays` (by completion time) and keeps a
   * tombstone entry (`pruned_at`) so the job is not picked up again.
   */
  async prune(options: { olderThanDays: number; dryRun?: boolean }): Promise<PruneReport> {
    const cutoff = this.now().getTime() - options.olderThanDays * 86_400_000;
    const status = await this.readStatus();
    const failedNames = (await listDir(this.layout.failed)).map((e) => e.name);
    const report: PruneReport = { jobs: [], paths: [] };
    for (const [job, entry] of Object.entries(status)) {
      if (entry.status === "processing" || entry.pruned_at) continue;
      const done = Date.parse(entry.completed_at ?? entry.last_update ?? entry.started_at);
      if (!(done < cutoff)) continue;
      report.jobs.push(job);
      const paths = [join(this.layout.out, job)];
      if (entry.status === "completed") paths.push(join(this.layout.in, job));
      for (const n of failedNames) {
        if (n === job || isCopyOf(n, job)) {
          paths.push(join(this.layout.failed, n));
        }
      }
      for (const p of paths) if (await exists(p)) report.paths.push(p);
    }
    if (options.dryRun || report.jobs.length === 0) return report;
    const now = iso(this.now());
    // Tombstones first: a crash half-way leaves entries marked pruned with some files left (prune again
    // removes them), never files gone under an entry that promises results.
    await this.updateStatus((s) => {
      for (const job of report.jobs) {
        const entry = s[job];
        if (entry && entry.status !== "processing") s[job] = entryOf({ ...entry, pruned_at: now });
      }
    });
    for (const p of report.paths) await removeTree(p);
    for (const job of report.jobs) this.logger.info(`pruned ${job}`, { job });
    return report;
  }

  /** @internal */
  async stitchResults(job: string, videos: readonly JobInput[], outDir: string): Promise<string> {
    const target = join(outDir, "results.json");
    try {
      await assembleJobResults(
        target,
        videos.map((v) => ({ name: v.name, path: this.partPath(outDir, v) })),
      );
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      const inner = (err as Error).message; // io's commit errors already say "could not write <path>: ..."
      const text = inner.startsWith("could not write") ? inner : `could not write ${target}: ${inner}`;
      throw new JobsError("E_DATA_DIR", text, {
        path: target,
        hint: code === "ENOSPC" ? `the disk is full; free space, then neuropose requeue ${job}` : undefined,
        cause: err,
      });
    }
    await removeTree(join(outDir, ".parts"));
    return target;
  }

  /** @internal */
  partPath(outDir: string, video: JobInput): string {
    return join(outDir, ".parts", `${video.name}.json`);
  }

  /** @internal */
  log(): FullLogger {
    return this.logger;
  }

  /** @internal */
  checkpointInterval(): number {
    return this.checkpointMs;
  }

  /** @internal */
  clock(): Date {
    return this.now();
  }
}

function isCopyOf(name: string, job: string): boolean {
  return name.startsWith(`${job}.`) && /^\d+$/.test(name.slice(job.length + 1));
}

function suffix(name: string, job: string): number {
  return name === job ? 0 : Number(name.slice(job.length + 1));
}

function entryOf(e: Partial<JobStatusEntry> & Pick<JobStatusEntry, "status" | "started_at">): JobStatusEntry {
  return {
    completed_at: null,
    results_path: null,
    error: null,
    current_video: null,
    frames_processed: null,
    frames_total: null,
    videos_completed: null,
    videos_total: null,
    percent_complete: null,
    last_update: null,
    pruned_at: null,
    ...e,
  };
}

function quietMissing(logger: Logger | undefined): Logger | undefined {
  // A missing status file is the normal first start: not worth a warning.
  if (!logger) return undefined;
  return {
    ...logger,
    warn: (m: string, f?: Record<string, unknown>) => {
      if (f?.reason === "ENOENT") return;
      logger.warn?.(m, f);
    },
  };
}

/** A claimed job of the folder source. */
class FolderJob implements ClaimedJob {
  private writing: Promise<void> | undefined;
  private dirty = false;
  private lastWrite = 0;
  private lastVideo: string | undefined;
  private latest: JobProgress | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

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

  outputPathFor(video: JobInput): string {
    return this.source.partPath(this.outDir, video);
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
    const share = p.framesTotal > 0 ? Math.min(1, p.framesProcessed / p.framesTotal) : 0;
    const percent = p.videosTotal > 0 ? (100 * (p.videosCompleted + share)) / p.videosTotal : 0;
    this.writing = this.source
      .updateStatus((s) => {
        const e = s[this.id];
        if (e?.status !== "processing") return;
        s[this.id] = {
          ...e,
          current_video: p.currentVideo,
          frames_processed: p.framesProcessed,
          frames_total: p.framesTotal,
          videos_completed: p.videosCompleted,
          videos_total: p.videosTotal,
          percent_complete: Math.round(Math.min(100, percent) * 100) / 100,
          last_update: at,
        };
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
    const resultsPath = await this.source.stitchResults(this.id, this.videos, this.outDir);
    const at = this.source.clock().toISOString();
    await this.source.updateStatus((s) => {
      const e = s[this.id];
      if (!e) return;
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
