// The data-dir job source: the class every command uses. Its parts live beside it: the claimed job
// (_folder-job.ts), crash recovery (_folder-recovery.ts), requeue and prune (_folder-maintenance.ts).
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  type JobStatusEntryInput,
  type Logger,
  loadStatusFile,
  type StatusFile,
  saveStatusFile,
} from "@neuropose/io";
import { FolderJob } from "./_folder-job.js";
import { pruneJobs, requeueJob } from "./_folder-maintenance.js";
import { recoverDataDir } from "./_folder-recovery.js";
import { exists, freeName, listDir, moveDir, removeTree, sortByName } from "./_fs.js";
import { type FullLogger, withFields } from "./_logger.js";
import { entryOf, iso, quietMissing } from "./_status-entry.js";
import { JobsError } from "./errors.js";
import { type DataDirLayout, dataDirLayout, isJobName, isVideoFile } from "./layout.js";
import { withLock } from "./lock.js";
import type { ClaimedJob, JobInput, JobSource, JobView } from "./source.js";

export { INTERRUPTED_ERROR } from "./_folder-recovery.js";

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
  // completions whose results.json is committed but whose status entry waits for the next status write
  private readonly held = new Map<string, (status: StatusFile) => void>();

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

  /** Reads the status file (missing or corrupt: empty, with a warning), with this source's held completions. */
  async readStatus(): Promise<StatusFile> {
    const status = await loadStatusFile(this.layout.status, { logger: quietMissing(this.rawLogger) });
    for (const apply of this.held.values()) apply(status);
    return status;
  }

  /** Read-modify-write of the status file under its lock (it also writes the held completions). */
  async updateStatus<T>(fn: (status: StatusFile) => T): Promise<T> {
    await mkdir(this.layout.out, { recursive: true });
    return withLock(`${this.layout.status}.lock`, async () => {
      const carried = [...this.held.keys()];
      const status = await this.readStatus();
      const result = fn(status);
      await saveStatusFile(this.layout.status, status as Record<string, JobStatusEntryInput>);
      for (const job of carried) this.held.delete(job);
      return result;
    });
  }

  /** Writes the held completions now (runDaemon calls it when it returns; `close` too). */
  async flush(): Promise<void> {
    if (this.held.size > 0) await this.updateStatus(() => undefined);
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
      // one status write: the previous job's completion (held), this claim, and its first checkpoint
      const took = await this.updateStatus((s) => {
        if (Object.hasOwn(s, e.name)) return false;
        s[e.name] = entryOf({
          status: "processing",
          started_at: startedAt,
          videos_total: videos.length,
          videos_completed: 0,
          percent_complete: 0,
          last_update: startedAt,
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
      await mkdir(outDir, { recursive: true });
      return new FolderJob(this, e.name, videos, outDir, videos[0]?.name);
    }
    await this.flush(); // no job to carry the held completions: write them now
    return undefined;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /**
   * Crash recovery, run by the daemon at start while it holds the lock: `processing` entries become failed
   * ("interrupted: ...") with their inputs quarantined, unless their results.json is already complete (then
   * completed); failed jobs still in in/ are quarantined; temp files of dead writers are removed.
   */
  recover(): Promise<RecoveryReport> {
    return recoverDataDir(this);
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
  requeue(job: string): Promise<{ job: string; from: string; to: string }> {
    return requeueJob(this, job);
  }

  /**
   * Deletes the inputs and outputs of finished jobs older than `olderThanDays` (by completion time) and keeps a
   * tombstone entry (`pruned_at`) so the job is not picked up again.
   */
  prune(options: { olderThanDays: number; dryRun?: boolean }): Promise<PruneReport> {
    return pruneJobs(this, options);
  }

  /** @internal a completed job's status change, written with the next status write */
  completeLater(job: string, apply: (status: StatusFile) => void): void {
    this.held.set(job, apply);
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
