// Crash recovery of the folder source, run by the daemon at start while it holds the data dir's lock.
import { join } from "node:path";
import { loadJobResults } from "@neuropose/io";
import { exists, listDir, removeDeadTemps, removeTree } from "./_fs.js";
import { entryOf, iso } from "./_status-entry.js";
import type { FolderJobSource, RecoveryReport } from "./folder-source.js";

/** The reason recorded for a job that was running when the daemon died. */
export const INTERRUPTED_ERROR = "interrupted: daemon shutdown or crash before completion";

/**
 * `processing` entries become failed (INTERRUPTED_ERROR) with their inputs quarantined, unless their
 * results.json is already complete (then completed); failed jobs still in in/ are quarantined; temp files of
 * dead writers are removed.
 */
export async function recoverDataDir(source: FolderJobSource): Promise<RecoveryReport> {
  const { layout } = source;
  const log = source.log();
  const report: RecoveryReport = { interrupted: [], completed: [], quarantined: [], tempsRemoved: 0 };
  report.tempsRemoved += await removeDeadTemps(layout.root);
  report.tempsRemoved += await removeDeadTemps(layout.out);
  for (const e of await listDir(layout.out)) {
    if (!e.isDirectory()) continue;
    report.tempsRemoved += await removeDeadTemps(join(layout.out, e.name));
  }
  const status = await source.readStatus();
  const finished = new Map<string, boolean>();
  for (const [job, entry] of Object.entries(status)) {
    if (entry.status !== "processing") continue;
    finished.set(job, await resultsComplete(source, job));
  }
  const now = iso(source.clock());
  await source.updateStatus((s) => {
    for (const [job, entry] of Object.entries(s)) {
      if (entry.status !== "processing") continue;
      if (finished.get(job)) {
        s[job] = entryOf({
          ...entry,
          status: "completed",
          completed_at: now,
          results_path: join(layout.out, job, "results.json"),
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
  for (const job of report.interrupted) log.warn(`job was interrupted: ${INTERRUPTED_ERROR}`, { job });
  for (const job of report.completed) log.info("job had finished before the crash: completed", { job });
  const after = await source.readStatus();
  for (const [job, entry] of Object.entries(after)) {
    const outDir = join(layout.out, job);
    await removeTree(join(outDir, ".parts")); // per-video documents of earlier versions
    if (entry.status === "failed") {
      if (!(await exists(join(outDir, "results.json")))) await removeTree(outDir);
      if (await exists(join(layout.in, job))) {
        await source.quarantine(job);
        report.quarantined.push(job);
      }
    }
  }
  return report;
}

async function resultsComplete(source: FolderJobSource, job: string): Promise<boolean> {
  const path = join(source.layout.out, job, "results.json");
  if (!(await exists(path))) return false;
  try {
    const results = await loadJobResults(path);
    const videos = (await source.videosOf(join(source.layout.in, job))).map((v) => v.name);
    const keys = Object.keys(results);
    return videos.length > 0 && keys.length === videos.length && videos.every((v) => keys.includes(v));
  } catch {
    return false;
  }
}
