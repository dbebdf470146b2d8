import { context, type DaemonArgs, table } from "../_shared/context.js";
import { queueConnection } from "../_shared/queue.js";

export interface QueueStatusArgs extends DaemonArgs {
  json: boolean;
  queue: string;
}

/** `neuropose status --queue URL`: the queue's jobs (queued/processing/completed/failed) with their progress. */
export async function runQueueStatus(
  args: QueueStatusArgs,
  out: { write(s: string): unknown } = process.stdout,
): Promise<number> {
  const { settings, logger } = context(args);
  const { q, options, resolved } = await queueConnection(args.queue, settings, logger);
  const source = new q.QueueJobSource({ ...options, logger });
  try {
    const [jobs, counts] = await Promise.all([source.list(), source.counts()]);
    if (args.json) {
      out.write(`${JSON.stringify({ queue: resolved.display, counts, jobs }, null, 2)}\n`);
      return 0;
    }
    const c = (k: string) => counts[k] ?? 0;
    out.write(
      `${resolved.display}: ${c("waiting") + c("prioritized") + c("paused")} waiting, ${c("delayed")} retrying, ${c("active")} active, ${c("completed")} completed, ${c("failed")} failed\n`,
    );
    if (jobs.length === 0) {
      out.write("no jobs (neuropose submit FOLDER --queue ...)\n");
      return 0;
    }
    const rows = [["JOB", "STATE", "PROGRESS", "VIDEO", "UPDATED", "ERROR"]];
    for (const j of jobs) {
      const e = j.entry;
      const frames = e?.frames_total ? ` ${e.frames_processed ?? 0}/${e.frames_total}` : "";
      rows.push([
        j.id,
        j.state,
        e && e.percent_complete !== null ? `${e.percent_complete.toFixed(0)}%${frames}` : "",
        e?.current_video ?? "",
        e?.last_update ?? e?.started_at ?? "",
        e?.error ?? "",
      ]);
    }
    out.write(`${table(rows)}\n`);
    return 0;
  } finally {
    await source.close();
  }
}
