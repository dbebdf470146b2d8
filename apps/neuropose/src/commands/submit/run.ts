import { join } from "node:path";
import type { DaemonArgs, Out } from "../_shared/context.js";
import { queueContext } from "../_shared/queue.js";

export interface SubmitArgs extends DaemonArgs {
  inputs: string[];
  queue?: string | undefined;
  out?: string | undefined;
  attempts: number;
  json: boolean;
}

/** Hashes the inputs, enqueues one job per folder/video and prints the job ids. */
export async function runSubmit(args: SubmitArgs, out: Out = process.stdout): Promise<number> {
  const { settings, logger, q, options, resolved } = await queueContext(args);
  const jobs = await q.submitJobs(args.inputs, {
    ...options,
    outDir: args.out ?? join(settings.dataDir, "out"),
    attempts: args.attempts,
  });
  if (args.json) {
    out.write(`${JSON.stringify({ queue: resolved.display, jobs }, null, 2)}\n`);
    return 0;
  }
  for (const j of jobs) {
    out.write(`${j.id}${j.added ? "" : "  (already queued: same name and inputs)"}\n`);
  }
  logger.info(`${jobs.filter((j) => j.added).length} job(s) queued on ${resolved.display}`);
  return 0;
}
