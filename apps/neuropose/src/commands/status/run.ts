import { isProcessAlive, readLock } from "@neuropose/jobs";
import { context, type DaemonArgs, table } from "../_shared/context.js";

export interface StatusArgs extends DaemonArgs {
  json: boolean;
}

function progress(e: {
  percent_complete: number | null;
  frames_processed: number | null;
  frames_total: number | null;
}) {
  if (e.percent_complete === null) return "";
  const frames = e.frames_total ? ` ${e.frames_processed ?? 0}/${e.frames_total}` : "";
  return `${e.percent_complete.toFixed(0)}%${frames}`;
}

/** Prints the jobs; exit 0. */
export async function runStatus(
  args: StatusArgs,
  out: { write(s: string): unknown } = process.stdout,
): Promise<number> {
  const { source } = context(args);
  const jobs = await source.list();
  const lock = readLock(source.layout.lock);
  const daemon = lock && isProcessAlive(lock.pid) ? { pid: lock.pid, since: lock.started_at } : null;
  if (args.json) {
    out.write(`${JSON.stringify({ data_dir: source.layout.root, daemon, jobs }, null, 2)}\n`);
    return 0;
  }
  out.write(
    `${source.layout.root}: ${daemon ? `daemon running (pid ${daemon.pid}, since ${daemon.since})` : "no daemon running"}\n`,
  );
  if (jobs.length === 0) {
    out.write("no jobs (drop a folder of videos into in/, or neuropose ingest ARCHIVE.zip)\n");
    return 0;
  }
  const rows = [["JOB", "STATE", "PROGRESS", "VIDEO", "UPDATED", "ERROR"]];
  for (const j of jobs) {
    const e = j.entry;
    rows.push([
      j.id,
      e?.pruned_at ? `${j.state} (pruned ${e.pruned_at.slice(0, 10)})` : j.state,
      e ? progress(e) : "",
      e?.current_video ?? "",
      e?.last_update ?? e?.started_at ?? "",
      e?.error ?? "",
    ]);
  }
  out.write(`${table(rows)}\n`);
  return 0;
}
