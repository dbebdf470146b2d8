import { readdir, stat } from "node:fs/promises";
import { basename, extname, isAbsolute, join, resolve } from "node:path";
import { sha256File } from "@neuropose/io";
import { isVideoFile } from "@neuropose/jobs";
import { Queue } from "bullmq";
import { redactHttp } from "./_inputs.js";
import { DEFAULT_JOB_OPTIONS } from "./_policy.js";
import { type QueueConnectionOptions, resolveConnection } from "./connection.js";
import { QueueError } from "./errors.js";
import { jobIdFor, jobKey, QUEUE_JOB_DATA_VERSION, type QueueInput, type QueueJobData } from "./job-data.js";

/** Options of {@link submitJobs}. */
export interface SubmitOptions extends QueueConnectionOptions {
  /** Shared folder the results go to (`<out>/<job id>/results.json`). */
  outDir: string;
  /** Attempts for transient errors (default 3; user errors are never retried). */
  attempts?: number | undefined;
  /** First retry delay, ms (exponential backoff; default 5000). */
  backoffMs?: number | undefined;
}

/** One submitted job. */
export interface SubmittedJob {
  id: string;
  name: string;
  videos: number;
  /** False when a job with the same id (same name and inputs) was already in the queue. */
  added: boolean;
}

async function inputOf(path: string): Promise<QueueInput> {
  const s = await stat(path).catch((err) => {
    throw new QueueError("E_QUEUE_INPUT", `cannot read ${path}: ${(err as Error).message}`, { path });
  });
  if (!s.isFile()) throw new QueueError("E_QUEUE_INPUT", `${path} is not a file`, { path });
  return { name: basename(path), path, sha256: await sha256File(path), bytes: s.size };
}

/** A job of one http(s) URL input (named after the file's stem), downloaded by the worker that takes it. */
function urlJob(raw: string): { name: string; inputs: QueueInput[] } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new QueueError("E_QUEUE_INPUT", `${redactHttp(raw)} is not a URL`, { path: redactHttp(raw) });
  }
  let name = "";
  try {
    name = decodeURIComponent(u.pathname.split("/").at(-1) ?? "");
  } catch {}
  if (!isVideoFile(name) || /[/\\\0]/.test(name) || name.startsWith(".")) {
    throw new QueueError(
      "E_QUEUE_INPUT",
      `${redactHttp(raw)} does not name a video file (.mp4 .avi .mov .mkv) as the last part of its path`,
      { path: redactHttp(raw), hint: "give the direct link to the video file" },
    );
  }
  return { name: basename(name, extname(name)), inputs: [{ name, url: u.toString() }] };
}

/**
 * Groups command-line arguments into jobs: a folder is one job (its videos, sorted; the folder's name), a
 * video file or an http(s) URL of one is a job of its own (named after its stem). Paths become absolute: they
 * must be where every worker can read them (shared storage); URLs are downloaded by the worker that takes the
 * job (streamed to a local temp file, size-limited, its SHA-256 recorded in the result's receipt).
 *
 * @example
 * ```ts
 * import { planSubmission } from "@neuropose/queue";
 * const jobs = await planSubmission(["cohort/subject01", "extra/walk.mp4", "https://lab.example/clips/run.mp4"]);
 * console.log(jobs.map((j) => `${j.name}: ${j.inputs.length}`));
 * ```
 */
export async function planSubmission(
  paths: readonly string[],
): Promise<{ name: string; inputs: QueueInput[] }[]> {
  if (paths.length === 0) {
    throw new QueueError("E_QUEUE_INPUT", "name at least one job folder or video", {
      hint: "neuropose submit /shared/jobs/subject01 --queue redis://host:6379",
    });
  }
  const jobs: { name: string; inputs: QueueInput[] }[] = [];
  for (const raw of paths) {
    if (/^https?:\/\//i.test(raw)) {
      jobs.push(urlJob(raw));
      continue;
    }
    const p = isAbsolute(raw) ? raw : resolve(raw);
    const s = await stat(p).catch(() => undefined);
    if (!s) throw new QueueError("E_QUEUE_INPUT", `${p} does not exist`, { path: p });
    if (s.isDirectory()) {
      const names = (await readdir(p, { withFileTypes: true }))
        .filter((e) => (e.isFile() || e.isSymbolicLink()) && isVideoFile(e.name))
        .map((e) => e.name)
        .sort();
      if (names.length === 0) {
        throw new QueueError("E_QUEUE_INPUT", "the job folder holds no video (.mp4 .avi .mov .mkv)", {
          path: p,
          hint: "put the videos directly in the folder, not in subfolders",
        });
      }
      const inputs: QueueInput[] = [];
      for (const n of names) inputs.push(await inputOf(join(p, n)));
      jobs.push({ name: basename(p), inputs });
    } else if (isVideoFile(p)) {
      jobs.push({ name: basename(p, extname(p)), inputs: [await inputOf(p)] });
    } else {
      throw new QueueError(
        "E_QUEUE_INPUT",
        `${p} is neither a job folder nor a video (.mp4 .avi .mov .mkv)`,
        {
          path: p,
        },
      );
    }
  }
  return jobs;
}

/**
 * Enqueues jobs (see {@link planSubmission}) and returns their ids. Each job's inputs are hashed now: the id
 * and the result's idempotency key come from the name and the hashes, so submitting the same inputs twice
 * adds nothing. Transient failures are retried with exponential backoff; user errors fail at once.
 *
 * @example
 * ```ts
 * import { submitJobs } from "@neuropose/queue";
 * const jobs = await submitJobs(["cohort/subject01"], { url: "redis://127.0.0.1:6379", outDir: "out" });
 * for (const j of jobs) console.log(j.id);
 * ```
 */
export async function submitJobs(paths: readonly string[], options: SubmitOptions): Promise<SubmittedJob[]> {
  const planned = await planSubmission(paths);
  const conn = resolveConnection(options);
  const queue = new Queue<QueueJobData>(conn.queueName, { connection: conn.options });
  queue.on("error", () => {}); // surfaced by the awaited calls
  const outDir = isAbsolute(options.outDir) ? options.outDir : resolve(options.outDir);
  const submitted: SubmittedJob[] = [];
  try {
    for (const job of planned) {
      const key = jobKey(job.name, outDir, job.inputs);
      const id = jobIdFor(job.name, key);
      const data: QueueJobData = {
        schema_version: QUEUE_JOB_DATA_VERSION,
        name: job.name,
        out_dir: outDir,
        inputs: job.inputs,
        submitted_at: new Date().toISOString(),
      };
      const existing = await queue.getJob(id);
      if (!existing) {
        await queue.add(job.name, data, {
          ...DEFAULT_JOB_OPTIONS,
          jobId: id,
          attempts: options.attempts ?? DEFAULT_JOB_OPTIONS.attempts,
          backoff: { type: "exponential", delay: options.backoffMs ?? DEFAULT_JOB_OPTIONS.backoff.delay },
        });
      }
      submitted.push({ id, name: job.name, videos: job.inputs.length, added: !existing });
    }
  } finally {
    await queue.close();
  }
  return submitted;
}
