import type { DaemonArgs, Out } from "../_shared/context.js";
import { queueContext } from "../_shared/queue.js";
import { jobsTable } from "./_table.js";

export interface QueueStatusArgs extends DaemonArgs {
  json: boolean;
  queue: string;
}

/** `neuropose status --queue URL`: the queue's jobs (queued/processing/completed/failed) with their progress. */
export async function runQueueStatus(args: QueueStatusArgs, out: Out = process.stdout): Promise<number> {
  const { logger, q, options, resolved } = await queueContext(args);
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
    out.write(`${jobsTable(jobs)}\n`);
    return 0;
  } finally {
    await source.close();
  }
}
