// The operator's changes to a data dir beside a running daemon: requeue a failed job, prune old finished ones.
// Both go through the source's status lock.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { exists, listDir, moveDir, removeTree } from "./_fs.js";
import { entryOf, iso } from "./_status-entry.js";
import { JobsError } from "./errors.js";
import type { FolderJobSource, PruneReport } from "./folder-source.js";
import { isJobName } from "./layout.js";

/** See {@link FolderJobSource.requeue}. */
export async function requeueJob(
  source: FolderJobSource,
  job: string,
): Promise<{ job: string; from: string; to: string }> {
  const { layout } = source;
  if (!isJobName(job)) {
    throw new JobsError("E_JOB_UNKNOWN", `"${job}" is not a job name`, {
      hint: "give a folder name from failed/",
    });
  }
  const failedNames = (await listDir(layout.failed)).filter((e) => e.isDirectory()).map((e) => e.name);
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
  const status = await source.readStatus();
  const entry = status[name];
  if (folder === undefined) {
    if (entry && entry.status !== "failed") {
      throw new JobsError("E_JOB_STATE", `job "${name}" is ${entry.status}, not failed; nothing to requeue`, {
        path: name,
      });
    }
    throw new JobsError("E_JOB_UNKNOWN", `no failed job "${job}" in ${layout.failed}`, {
      path: job,
      hint: "neuropose status lists the failed jobs",
    });
  }
  if (entry && entry.status === "processing") {
    throw new JobsError("E_JOB_STATE", `job "${name}" is running; requeue it after it finishes`, {
      path: name,
    });
  }
  const to = join(layout.in, name);
  if (await exists(to)) {
    throw new JobsError("E_JOB_STATE", `in/${name} already exists`, {
      path: to,
      hint: "move or rename that folder first",
    });
  }
  const from = join(layout.failed, folder);
  await source.updateStatus((s) => {
    delete s[name];
  });
  await removeTree(join(layout.out, name));
  await mkdir(layout.in, { recursive: true });
  await moveDir(from, to);
  source.log().info(`requeued: ${from} -> ${to}`, { job: name });
  return { job: name, from, to };
}

/** See {@link FolderJobSource.prune}. */
export async function pruneJobs(
  source: FolderJobSource,
  options: { olderThanDays: number; dryRun?: boolean },
): Promise<PruneReport> {
  const { layout } = source;
  const cutoff = source.clock().getTime() - options.olderThanDays * 86_400_000;
  const status = await source.readStatus();
  const failedNames = (await listDir(layout.failed)).map((e) => e.name);
  const report: PruneReport = { jobs: [], paths: [] };
  for (const [job, entry] of Object.entries(status)) {
    if (entry.status === "processing" || entry.pruned_at) continue;
    const done = Date.parse(entry.completed_at ?? entry.last_update ?? entry.started_at);
    if (!(done < cutoff)) continue;
    report.jobs.push(job);
    const paths = [join(layout.out, job)];
    if (entry.status === "completed") paths.push(join(layout.in, job));
    for (const n of failedNames) {
      if (n === job || isCopyOf(n, job)) paths.push(join(layout.failed, n));
    }
    for (const p of paths) if (await exists(p)) report.paths.push(p);
  }
  if (options.dryRun || report.jobs.length === 0) return report;
  const now = iso(source.clock());
  // Tombstones first: a crash half-way leaves entries marked pruned with some files left (prune again
  // removes them), never files gone under an entry that promises results.
  await source.updateStatus((s) => {
    for (const job of report.jobs) {
      const entry = s[job];
      if (entry && entry.status !== "processing") s[job] = entryOf({ ...entry, pruned_at: now });
    }
  });
  for (const p of report.paths) await removeTree(p);
  for (const job of report.jobs) source.log().info(`pruned ${job}`, { job });
  return report;
}

function isCopyOf(name: string, job: string): boolean {
  return name.startsWith(`${job}.`) && /^\d+$/.test(name.slice(job.length + 1));
}

function suffix(name: string, job: string): number {
  return name === job ? 0 : Number(name.slice(job.length + 1));
}
