import { randomUUID } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isNeuroPoseError, type JobStatusEntry, type Logger, type StatusFile } from "@neuropose/io";
import {
  type ClaimedJob,
  describeError,
  type JobInput,
  type JobProgress,
  type JobSource,
  type JobView,
  type ProgressFields,
  progressFields,
} from "@neuropose/jobs";
import { type Job, Queue, Worker } from "bullmq";
import { DEFAULT_FETCH_LIMITS, type FetchLimits, fetchInput, redactHttp, verifyInput } from "./_inputs.js";
import { TRANSIENT_CODES } from "./_policy.js";
import {
  jobDirOf,
  partPathOf,
  RECEIPT_VERSION,
  readReceipt,
  removeDir,
  resetDir,
  stitchResults,
  workerHost,
  writeReceipt,
} from "./_results.js";
import { type QueueConnectionOptions, type ResolvedConnection, resolveConnection } from "./connection.js";
import { jobKey, type QueueJobData, QueueJobDataSchema } from "./job-data.js";

/** Options of {@link QueueJobSource}. */
export interface QueueJobSourceOptions extends QueueConnectionOptions {
  /** Execution provider of this worker's model, recorded with each result (default "unknown"). */
  provider?: string | undefined;
  /** A job whose worker stops renewing its lock for this long is stalled (default 30000 ms). */
  lockMs?: number | undefined;
  /** How often workers look for stalled jobs and put them back (default 30000 ms). */
  stalledIntervalMs?: number | undefined;
  /** How long one look for a job waits in Redis before `claim` returns undefined (default 2 s). */
  blockSeconds?: number | undefined;
  /** Least milliseconds between two progress updates in the queue (default 1000). */
  progressMs?: number | undefined;
  /** Largest URL input this worker downloads, bytes (default 20 GiB). */
  maxDownloadBytes?: number | undefined;
  /** Longest wait for a URL input's server (response or next bytes), ms (default 60000). */
  downloadIdleTimeoutMs?: number | undefined;
  /** Worker-local folder for downloaded URL inputs (default the OS temp folder); emptied after each job. */
  downloadDir?: string | undefined;
  logger?: Logger | undefined;
}

/** Progress as stored in the queue (`job.progress`). */
interface StoredProgress extends ProgressFields {
  worker: string;
}

/** What a completed job returns in the queue. */
interface StoredResult {
  results_path: string;
  worker: { host: string; pid: number; provider: string };
  /** True when an earlier delivery had already written the result (this one only acknowledged it). */
  reused: boolean;
}

const LIST_STATES = ["waiting", "prioritized", "delayed", "paused", "active", "completed", "failed"] as const;

/**
 * The job source on a BullMQ queue in Redis: the second implementation of @neuropose/jobs' `JobSource`, so
 * `runDaemon` drives queue workers with the same per-video code as the folder daemon. Delivery is
 * at-least-once with idempotent results: a job's result (`<out>/<job id>/results.json` + `receipt.json` with
 * the input hashes) is written atomically; a redelivered job that already has one is acknowledged, not redone;
 * a half-done one is redone from scratch. User errors (a bad video) fail at once with the reason; other errors
 * are retried with backoff. `release` (graceful stop) puts the job back; a killed worker's job returns after the
 * stall interval.
 *
 * @example
 * ```ts
 * import { createBlazePoseWorker, runDaemon } from "@neuropose/jobs";
 * import { QueueJobSource } from "@neuropose/queue";
 * const worker = await createBlazePoseWorker({ model: "lite", cacheDir: "/tmp/neuropose-models", device: "cpu" });
 * const source = new QueueJobSource({ url: "redis://127.0.0.1:6379", provider: worker.provider });
 * const summary = await runDaemon({ source, worker, once: true }); // once: return when the queue is empty
 * console.log(summary.completed);
 * await source.close();
 * await worker.dispose();
 * ```
 */
export class QueueJobSource implements JobSource {
  readonly kind = "queue";
  readonly connection: ResolvedConnection;
  private readonly options: QueueJobSourceOptions;
  private queue: Queue<QueueJobData> | undefined;
  private worker: Worker<QueueJobData> | undefined;
  private readonly identity: { host: string; pid: number; provider: string };

  constructor(options: QueueJobSourceOptions) {
    this.options = options;
    this.connection = resolveConnection(options);
    this.identity = { host: workerHost(), pid: process.pid, provider: options.provider ?? "unknown" };
  }

  /** @internal */
  log(): Required<Logger> {
    const l = this.options.logger;
    const f = (fn: keyof Logger) => (m: string, x?: Record<string, unknown>) => l?.[fn]?.(m, x);
    return { debug: f("debug"), info: f("info"), warn: f("warn"), error: f("error") };
  }

  /** @internal */
  who(): { host: string; pid: number; provider: string } {
    return this.identity;
  }

  /** @internal */
  progressMs(): number {
    return this.options.progressMs ?? 1000;
  }

  /** @internal */
  fetchLimits(): FetchLimits {
    return {
      maxBytes: this.options.maxDownloadBytes ?? DEFAULT_FETCH_LIMITS.maxBytes,
      idleTimeoutMs: this.options.downloadIdleTimeoutMs ?? DEFAULT_FETCH_LIMITS.idleTimeoutMs,
    };
  }

  /** @internal A worker-local folder for one job's downloads. */
  downloadsFor(id: string): string {
    const safe = id.replace(/[^A-Za-z0-9._-]/g, "_");
    return join(this.options.downloadDir ?? join(tmpdir(), "neuropose-inputs"), `${safe}.${process.pid}`);
  }

  /** @internal */
  lockMs(): number {
    return this.options.lockMs ?? 30_000;
  }

  private getQueue(): Queue<QueueJobData> {
    if (!this.queue) {
      this.queue = new Queue<QueueJobData>(this.connection.queueName, {
        connection: this.connection.options,
      });
      this.queue.on("error", (err) => this.log().warn(`queue connection: ${err.message}`));
    }
    return this.queue;
  }

  private async getWorker(): Promise<Worker<QueueJobData>> {
    if (!this.worker) {
      const w = new Worker<QueueJobData>(this.connection.queueName, null, {
        connection: this.connection.options,
        autorun: false,
        lockDuration: this.lockMs(),
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        // a job killed with its worker again and again is still redone, never dead-lettered for it
        maxStalledCount: 1000,
        drainDelay: this.options.blockSeconds ?? 2,
      });
      w.on("error", (err) => this.log().warn(`queue connection: ${err.message}`));
      this.worker = w;
      await w.startStalledCheckTimer();
    }
    return this.worker;
  }

  async claim(signal?: AbortSignal): Promise<ClaimedJob | undefined> {
    const worker = await this.getWorker();
    // a few redelivered jobs that turn out finished are acknowledged in one call; then the loop looks again
    for (let n = 0; n < 16; n++) {
      if (signal?.aborted) return undefined;
      const token = randomUUID();
      const job = await worker.getNextJob(token, { block: true });
      if (!job) return undefined;
      if (signal?.aborted) {
        await job.moveToWait(token).catch(() => undefined);
        return undefined;
      }
      const parsed = QueueJobDataSchema.safeParse(job.data);
      if (!parsed.success) {
        const e = new Error(
          `job data does not match this build's schema: ${parsed.error.issues[0]?.message}`,
        );
        e.name = "UnrecoverableError";
        await job.moveToFailed(e, token).catch(() => undefined);
        this.log().error(e.message, { job: job.id });
        continue;
      }
      const data = parsed.data;
      const id = job.id as string;
      const key = jobKey(data.name, data.out_dir, data.inputs);
      const dir = jobDirOf(data, id);
      const done = await readReceipt(dir, id, key);
      if (done) {
        const result: StoredResult = { results_path: done.results_path, worker: done.worker, reused: true };
        await job.moveToCompleted(result, token, false).catch((err) => {
          this.log().warn(`could not acknowledge the finished job: ${(err as Error).message}`, { job: id });
        });
        this.log().info("redelivered job already has a complete result: acknowledged, not redone", {
          job: id,
        });
        continue;
      }
      await resetDir(dir); // a half-done earlier attempt is redone from scratch
      return new QueueJob(this, job, token, data, key, dir);
    }
    return undefined;
  }

  async list(): Promise<JobView[]> {
    const q = this.getQueue();
    const views: JobView[] = [];
    for (const state of LIST_STATES) {
      const jobs = await q.getJobs([state], 0, 9999, true);
      for (const j of jobs) {
        if (!j?.id) continue;
        views.push(viewOf(j, state));
      }
    }
    return views.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async snapshot(): Promise<StatusFile> {
    const out: StatusFile = {};
    for (const v of await this.list()) if (v.entry) out[v.id] = v.entry;
    return out;
  }

  /** Job counts per BullMQ state (waiting, active, delayed, completed, failed, ...). */
  async counts(): Promise<Record<string, number>> {
    return this.getQueue().getJobCounts(...LIST_STATES);
  }

  async close(): Promise<void> {
    const w = this.worker;
    const q = this.queue;
    this.worker = undefined;
    this.queue = undefined;
    await Promise.all([w?.close(true).catch(() => undefined), q?.close().catch(() => undefined)]);
  }
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

function viewOf(j: Job<QueueJobData>, state: (typeof LIST_STATES)[number]): JobView {
  const id = j.id as string;
  if (state !== "active" && state !== "completed" && state !== "failed") {
    return { id, state: "queued", entry: null };
  }
  const p = (typeof j.progress === "object" && j.progress ? j.progress : {}) as Partial<StoredProgress>;
  const r = (j.returnvalue ?? {}) as Partial<StoredResult>;
  const videos = Array.isArray(j.data?.inputs) ? j.data.inputs.length : null;
  const entry: JobStatusEntry = {
    status: state === "active" ? "processing" : state,
    started_at: iso(j.processedOn ?? j.timestamp) as string,
    completed_at: state === "active" ? null : iso(j.finishedOn),
    results_path: state === "completed" ? (r.results_path ?? null) : null,
    error: state === "failed" ? (j.failedReason ?? "failed") : null,
    current_video: state === "active" ? (p.current_video ?? null) : null,
    frames_processed: p.frames_processed ?? null,
    frames_total: p.frames_total ?? null,
    videos_completed: state === "completed" ? videos : (p.videos_completed ?? null),
    videos_total: p.videos_total ?? videos,
    percent_complete: state === "completed" ? 100 : (p.percent_complete ?? (state === "active" ? 0 : null)),
    last_update: p.last_update ?? iso(j.finishedOn ?? j.processedOn),
    pruned_at: null,
  };
  return { id, state: entry.status, entry };
}

/**
 * True for errors that retrying cannot fix (a NeuroPose user error: a bad or missing input): the job fails at
 * once. Everything else (bugs, network, a briefly unwritable share) is retried with backoff.
 *
 * @example
 * ```ts
 * import { NeuroPoseError } from "@neuropose/io";
 * import { isUserError } from "@neuropose/queue";
 * console.log(isUserError(new NeuroPoseError("E_VIDEO_CORRUPT", "bad frame")), isUserError(new Error("ECONNRESET"))); // true false
 * ```
 */
export function isUserError(err: unknown): boolean {
  return isNeuroPoseError(err) && err.kind === "user" && !TRANSIENT_CODES.has(err.code);
}

/** A job taken from the queue by this worker. */
class QueueJob implements ClaimedJob {
  readonly id: string;
  readonly videos: readonly JobInput[];
  private readonly renew: NodeJS.Timeout;
  private lastSent = 0;
  private pending: JobProgress | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<unknown> | undefined;
  private finished = false;
  /** Worker-local folder of the downloaded URL inputs. */
  private readonly downloads: string;
  /** SHA-256 of each downloaded input, by name (recorded in the receipt). */
  private readonly fetched = new Map<string, string>();

  constructor(
    private readonly source: QueueJobSource,
    private readonly job: Job<QueueJobData>,
    private readonly token: string,
    private readonly data: QueueJobData,
    private readonly key: string,
    private readonly dir: string,
  ) {
    this.id = job.id as string;
    this.downloads = source.downloadsFor(this.id);
    this.videos = data.inputs.map((i) => ({ name: i.name, path: i.path ?? join(this.downloads, i.name) }));
    // the lock is what tells other workers this job is alive: renew it well before it runs out
    const lockMs = source.lockMs();
    this.renew = setInterval(
      () => {
        job.extendLock(token, lockMs).catch((err) => {
          source.log().warn(`could not renew the job's lock: ${(err as Error).message}`, { job: this.id });
        });
      },
      Math.max(200, Math.floor(lockMs / 3)),
    );
    this.renew.unref();
  }

  async outputFor(video: JobInput): Promise<string> {
    return partPathOf(this.dir, video.name);
  }

  /** Shared inputs still as submitted (else a user error); URL inputs downloaded and hashed. */
  async prepare(signal?: AbortSignal): Promise<void> {
    for (const input of this.data.inputs) {
      if (input.path !== undefined) {
        await verifyInput({ ...input, path: input.path });
        continue;
      }
      await mkdir(this.downloads, { recursive: true });
      const r = await fetchInput(
        input.url as string,
        join(this.downloads, input.name),
        this.source.fetchLimits(),
        signal,
      );
      this.fetched.set(input.name, r.sha256);
      this.source
        .log()
        .info(`downloaded ${input.name}: ${r.bytes} bytes, sha256 ${r.sha256}`, { job: this.id });
    }
  }

  progress(p: JobProgress): void {
    if (this.finished) return;
    this.pending = p;
    const due = Date.now() - this.lastSent >= this.source.progressMs();
    if (due && !this.sending) {
      this.send();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.sending) this.send();
      }, this.source.progressMs());
      this.timer.unref();
    }
  }

  private send(): void {
    const p = this.pending;
    if (!p || this.finished) return;
    this.pending = undefined;
    this.lastSent = Date.now();
    const who = this.source.who();
    const stored: StoredProgress = {
      ...progressFields(p, new Date().toISOString()),
      worker: `${who.host}:${who.pid}`,
    };
    this.sending = this.job
      .updateProgress(stored)
      .catch((err) => {
        // progress never raises: the job goes on, the next update tries again
        this.source.log().warn(`could not report progress: ${(err as Error).message}`, { job: this.id });
      })
      .finally(() => {
        this.sending = undefined;
      });
  }

  private async settle(): Promise<void> {
    this.finished = true;
    clearInterval(this.renew);
    if (this.timer) clearTimeout(this.timer);
    while (this.sending) await this.sending;
    await rm(this.downloads, { recursive: true, force: true }).catch(() => undefined);
  }

  async complete(): Promise<{ resultsPath: string }> {
    this.finished = true; // no more progress; keep renewing the lock until the result is committed
    if (this.timer) clearTimeout(this.timer);
    while (this.sending) await this.sending;
    const who = this.source.who();
    let resultsPath: string;
    let reused = false;
    const earlier = await readReceipt(this.dir, this.id, this.key);
    if (earlier) {
      resultsPath = earlier.results_path;
      reused = true;
    } else {
      resultsPath = await stitchResults(
        this.dir,
        this.videos.map((v) => v.name),
      );
      const wrote = await writeReceipt(this.dir, {
        schema_version: RECEIPT_VERSION,
        job_id: this.id,
        key: this.key,
        inputs: this.data.inputs.map((i) =>
          i.url === undefined
            ? { name: i.name, sha256: i.sha256 as string }
            : { name: i.name, sha256: this.fetched.get(i.name) ?? "", url: redactHttp(i.url) },
        ),
        results_path: resultsPath,
        worker: who,
        completed_at: new Date().toISOString(),
      });
      reused = !wrote;
    }
    await this.settle();
    const result: StoredResult = { results_path: resultsPath, worker: who, reused };
    try {
      await this.job.moveToCompleted(result, this.token, false);
    } catch (err) {
      // the result is on shared storage with its receipt: a redelivery acknowledges it without redoing it
      this.source
        .log()
        .warn(`result written but the queue did not take the acknowledgement: ${(err as Error).message}`, {
          job: this.id,
        });
    }
    return { resultsPath };
  }

  async fail(error: unknown): Promise<void> {
    await this.settle();
    const text = describeError(error);
    try {
      if (await readReceipt(this.dir, this.id, this.key)) return; // committed before the error: not a failure
      await removeDir(this.dir);
      const e = new Error(text);
      // BullMQ does not retry an error named UnrecoverableError: a bad video fails at once, with its reason
      if (isUserError(error)) e.name = "UnrecoverableError";
      await this.job.moveToFailed(e, this.token, false);
    } catch (err) {
      this.source.log().error(`could not record the failure: ${(err as Error).message}`, { job: this.id });
    }
  }

  async release(reason: string): Promise<void> {
    await this.settle();
    try {
      await removeDir(this.dir);
      await this.job.moveToWait(this.token);
      this.source.log().warn(`job put back in the queue: ${reason}`, { job: this.id });
    } catch (err) {
      this.source.log().error(`could not put the job back: ${(err as Error).message}`, { job: this.id });
    }
  }
}
