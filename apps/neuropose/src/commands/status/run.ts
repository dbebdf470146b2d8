import { isProcessAlive, readLock } from "@neuropose/jobs";
import { context, type DaemonArgs, type Out } from "../_shared/context.js";
import { jobsTable } from "./_table.js";

export interface StatusArgs extends DaemonArgs {
  json: boolean;
}

/** Prints the jobs; exit 0. */
export async function runStatus(args: StatusArgs, out: Out = process.stdout): Promise<number> {
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
  out.write(`${jobsTable(jobs)}\n`);
  return 0;
}
