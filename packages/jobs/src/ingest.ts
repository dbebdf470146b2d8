import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open as openFile, rename } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Logger, loadStatusFile } from "@neuropose/io";
import type { Entry, ZipFile } from "yauzl";
import yauzl from "yauzl";
import { exists, removeTree } from "./_fs.js";
import { JobsError } from "./errors.js";
import { dataDirLayout, isVideoFile } from "./layout.js";
import { withLock } from "./lock.js";

/** Default largest total uncompressed size: 20 GiB. */
export const DEFAULT_INGEST_MAX_BYTES = 20 * 1024 ** 3;
/** Default largest compression ratio of one entry (video barely compresses; a zip bomb reaches 1000:1). */
export const DEFAULT_INGEST_MAX_RATIO = 100;

/** Options of {@link planIngest} and {@link ingestArchive}. */
export interface IngestOptions {
  /** Replace jobs that already exist (in in/, or in the status file). */
  force?: boolean | undefined;
  /** Largest total uncompressed size in bytes (default {@link DEFAULT_INGEST_MAX_BYTES}). */
  maxBytes?: number | undefined;
  /** Largest uncompressed/compressed ratio of an entry (default {@link DEFAULT_INGEST_MAX_RATIO}). */
  maxRatio?: number | undefined;
  logger?: Logger | undefined;
  signal?: AbortSignal | undefined;
}

/** One file the archive will put into a job. */
export interface PlannedFile {
  /** Name inside the archive. */
  entry: string;
  /** File name inside the job folder. */
  name: string;
  bytes: number;
}

/** What an archive will become: jobs (folder name → videos), checked before anything is written. */
export interface IngestPlan {
  archive: string;
  jobs: { name: string; files: PlannedFile[]; replaces: boolean }[];
  totalBytes: number;
  /** Entries that are not videos (left out) . */
  skipped: string[];
}

const SAFE = /[^A-Za-z0-9._-]+/g;

function sanitize(part: string): string {
  const s = part
    .normalize("NFC")
    .replace(SAFE, "_")
    .replace(/^[._]+/, "")
    .replace(/_+$/, "");
  return s.slice(0, 200);
}

function archiveError(archive: string, message: string, hint?: string, cause?: unknown): JobsError {
  return new JobsError("E_ARCHIVE", message, { path: archive, hint, cause });
}

async function openZip(archive: string): Promise<ZipFile> {
  try {
    return await yauzl.openPromise(archive, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT") throw archiveError(archive, "archive not found", undefined, err);
    throw archiveError(
      archive,
      `not a readable zip archive (${(err as Error).message})`,
      "the file may be truncated (an interrupted download or copy); fetch it again",
      err,
    );
  }
}

interface Planned {
  plan: IngestPlan;
  entries: Map<string, Entry>;
  zip: ZipFile;
}

async function plan(archive: string, dataDir: string, options: IngestOptions): Promise<Planned> {
  const maxBytes = options.maxBytes ?? DEFAULT_INGEST_MAX_BYTES;
  const maxRatio = options.maxRatio ?? DEFAULT_INGEST_MAX_RATIO;
  const zip = await openZip(archive);
  const entries = new Map<string, Entry>();
  const jobs = new Map<
    string,
    { name: string; files: PlannedFile[]; dirs: Set<string>; lower: Set<string> }
  >();
  const skipped: string[] = [];
  let total = 0;
  const stem = sanitize(basename(archive, extname(archive))) || "archive";
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileName as unknown as Buffer,
        entry.extraFields,
        false,
      );
      const problem = yauzl.validateFileName(raw);
      if (problem?.startsWith("absolute path")) {
        throw archiveError(
          archive,
          `the archive holds an absolute path: ${JSON.stringify(raw)}`,
          "re-create the archive with relative paths",
        );
      }
      if (problem?.startsWith("invalid relative path") || raw.split("/").includes("..")) {
        throw archiveError(
          archive,
          `the archive holds a path outside its root: ${JSON.stringify(raw)}`,
          "re-create the archive without '..' in paths",
        );
      }
      if (raw.includes("\0")) throw archiveError(archive, `the archive holds a name with a NUL byte`);
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
      if (mode === 0o120000) {
        throw archiveError(
          archive,
          `the archive holds a symbolic link: ${JSON.stringify(raw)}`,
          "archive the files themselves, not links to them",
        );
      }
      if (raw.endsWith("/")) continue; // a folder
      const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
      const file = parts.pop() as string;
      if (parts.some((p) => p.startsWith(".") || p === "__MACOSX") || file.startsWith(".")) {
        skipped.push(raw);
        continue;
      }
      if (!isVideoFile(file)) {
        skipped.push(raw);
        continue;
      }
      if (entry.isEncrypted())
        throw archiveError(archive, `${raw} is encrypted`, "ingest needs an unencrypted archive");
      const ratio =
        entry.compressedSize > 0
          ? entry.uncompressedSize / entry.compressedSize
          : entry.uncompressedSize > 0
            ? Infinity
            : 1;
      if (ratio > maxRatio) {
        throw archiveError(
          archive,
          `${raw} expands ${Number.isFinite(ratio) ? ratio.toFixed(0) : "without bound"}:1 (more than ${maxRatio}:1): refusing a possible zip bomb`,
          "videos barely compress; re-create the archive from the original files",
        );
      }
      total += entry.uncompressedSize;
      if (total > maxBytes) {
        throw archiveError(
          archive,
          `the archive expands to more than ${(maxBytes / 1024 ** 3).toFixed(1)} GiB`,
          "split it, or raise the ingestMaxBytes setting (NEUROPOSE_INGEST_MAX_BYTES)",
        );
      }
      const job = parts.length ? parts.map(sanitize).filter(Boolean).join("_") : stem;
      const name = sanitize(file.slice(0, file.length - extname(file).length)) + extname(file).toLowerCase();
      if (!job) throw archiveError(archive, `no usable job name for ${JSON.stringify(raw)}`);
      let j = jobs.get(job);
      if (!j) {
        j = { name: job, files: [], dirs: new Set(), lower: new Set() };
        jobs.set(job, j);
      }
      const dirKey = parts.join("/");
      j.dirs.add(dirKey);
      if (j.dirs.size > 1) {
        throw archiveError(
          archive,
          `folders ${[...j.dirs].map((d) => JSON.stringify(d || ".")).join(" and ")} both become job "${job}" after sanitising`,
          "rename one of them",
        );
      }
      if (j.lower.has(name.toLowerCase())) {
        throw archiveError(
          archive,
          `two files become ${job}/${name} after sanitising (e.g. ${JSON.stringify(raw)})`,
          "rename one of them",
        );
      }
      j.lower.add(name.toLowerCase());
      j.files.push({ entry: raw, name, bytes: entry.uncompressedSize });
      entries.set(raw, entry);
    }
  } catch (err) {
    zip.close();
    if (err instanceof JobsError) throw err;
    throw archiveError(
      archive,
      `cannot read the archive: ${(err as Error).message}`,
      "the file may be truncated or damaged",
      err,
    );
  }
  if (jobs.size === 0) {
    zip.close();
    throw archiveError(
      archive,
      "the archive holds no video (.mp4 .avi .mov .mkv)",
      skipped.length ? `it holds ${skipped.length} other file(s)` : undefined,
    );
  }
  const layout = dataDirLayout(dataDir);
  const status = await loadStatusFile(layout.status);
  const out: IngestPlan = { archive, jobs: [], totalBytes: total, skipped };
  for (const j of [...jobs.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const existing = (await exists(join(layout.in, j.name))) || Object.hasOwn(status, j.name);
    if (existing && !options.force) {
      zip.close();
      throw new JobsError("E_JOB_STATE", `job "${j.name}" already exists`, {
        path: join(layout.in, j.name),
        hint: "pass --force to replace it (its results are redone)",
      });
    }
    if (existing && status[j.name]?.status === "processing") {
      zip.close();
      throw new JobsError("E_JOB_STATE", `job "${j.name}" is being processed right now`, {
        hint: "ingest again when it is done",
      });
    }
    out.jobs.push({ name: j.name, files: j.files, replaces: existing });
  }
  return { plan: out, entries, zip };
}

/**
 * Checks an archive without writing anything: the jobs and videos it would create, or the reason it is
 * refused (absolute paths, `..`, symlinks, names that collide after sanitising, no videos, existing jobs
 * without `force`, more than `maxBytes` in total, compression ratios above `maxRatio`, unreadable zip).
 *
 * @example
 * ```ts
 * import { planIngest } from "@neuropose/jobs";
 * const plan = await planIngest("session.zip", "data");
 * for (const job of plan.jobs) console.log(job.name, job.files.map((f) => f.name));
 * ```
 */
export async function planIngest(
  archive: string,
  dataDir: string,
  options: IngestOptions = {},
): Promise<IngestPlan> {
  const p = await plan(archive, dataDir, options);
  p.zip.close();
  return p.plan;
}

/** Counts bytes through a stream and stops at a limit (the declared size may lie). */
function limiter(limit: number, what: string, archive: string): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > limit) cb(archiveError(archive, `${what} is larger than its header says: refusing`));
      else cb(null, chunk);
    },
  });
}

/**
 * Ingests a zip archive into the data dir's in/: plans first ({@link planIngest}), extracts every video,
 * streaming, into a staging folder on the same filesystem (`.staging/`), flushes each file, then renames each
 * job folder into in/ (with `force`, replacing the old job and its status entry). Any error rolls back: nothing
 * is left in in/ or staging.
 *
 * @example
 * ```ts
 * import { ingestArchive } from "@neuropose/jobs";
 * const plan = await ingestArchive("session.zip", "data");
 * console.log(plan.jobs.map((j) => j.name));
 * ```
 */
export async function ingestArchive(
  archive: string,
  dataDir: string,
  options: IngestOptions = {},
): Promise<IngestPlan> {
  const layout = dataDirLayout(dataDir);
  const { plan: p, entries, zip } = await plan(archive, dataDir, options);
  const stage = join(layout.staging, `ingest-${process.pid}-${randomBytes(4).toString("hex")}`);
  const moved: { job: string; old?: string }[] = [];
  try {
    await mkdir(stage, { recursive: true });
    for (const job of p.jobs) {
      await mkdir(join(stage, "new", job.name), { recursive: true });
      for (const f of job.files) {
        if (options.signal?.aborted) throw options.signal.reason;
        const entry = entries.get(f.entry) as Entry;
        const target = join(stage, "new", job.name, f.name);
        const stream = await zip.openReadStreamPromise(entry);
        await pipeline(
          stream,
          limiter(entry.uncompressedSize, f.entry, archive),
          createWriteStream(target, { flags: "wx" }),
          {
            signal: options.signal,
          },
        );
        const fh = await openFile(target, "r");
        await fh.sync();
        await fh.close();
      }
      options.logger?.info?.(`staged ${job.files.length} video(s)`, { job: job.name });
    }
    await mkdir(layout.in, { recursive: true });
    await mkdir(layout.out, { recursive: true });
    // the renames (and, with force, dropping the old entries) happen under the status lock, so the daemon
    // never claims a half-ingested archive
    await withLock(`${layout.status}.lock`, async () => {
      if (p.jobs.some((j) => j.replaces)) {
        const { saveStatusFile } = await import("@neuropose/io");
        const status = await loadStatusFile(layout.status);
        for (const j of p.jobs) {
          if (status[j.name]?.status === "processing") {
            throw new JobsError("E_JOB_STATE", `job "${j.name}" started processing meanwhile`, {
              hint: "ingest again when it is done",
            });
          }
        }
        for (const j of p.jobs) delete status[j.name];
        await saveStatusFile(layout.status, status);
      }
      for (const j of p.jobs) {
        const dest = join(layout.in, j.name);
        const rec: { job: string; old?: string } = { job: j.name };
        if (await exists(dest)) {
          rec.old = join(stage, "old", j.name);
          await mkdir(join(stage, "old"), { recursive: true });
          await rename(dest, rec.old);
        }
        moved.push(rec);
        await rename(join(stage, "new", j.name), dest);
      }
    });
    for (const j of p.jobs) await removeTree(join(layout.out, j.name)).catch(() => undefined);
  } catch (err) {
    // roll back: jobs already renamed into in/ go away, replaced ones come back
    for (const m of moved.reverse()) {
      try {
        await removeTree(join(layout.in, m.job));
        if (m.old) await rename(m.old, join(layout.in, m.job));
      } catch {}
    }
    await removeTree(stage);
    zip.close();
    if (err instanceof JobsError || (err as { code?: string }).code === "E_ARCHIVE") throw err;
    throw archiveError(
      archive,
      `extraction failed, nothing was ingested: ${(err as Error).message}`,
      "the archive may be truncated or damaged; the disk may be full",
      err,
    );
  }
  zip.close();
  await removeTree(stage);
  return p;
}
