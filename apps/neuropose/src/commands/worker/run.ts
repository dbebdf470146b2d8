import { hostname } from "node:os";
import { abortOnSignals, UsageError } from "@neuropose/cli-kit";
import { runDaemon, type VideoWorker } from "@neuropose/jobs";
import type { DaemonArgs } from "../_shared/context.js";
import { queueContext } from "../_shared/queue.js";
import { loadWorker, type ModelArgs } from "../_shared/worker.js";

export interface WorkerArgs extends DaemonArgs, ModelArgs {
  queue?: string | undefined;
  concurrency: number;
  "stall-seconds": number;
}

/**
 * Runs `concurrency` daemon loops on the queue, each with its model loaded once, until SIGINT/SIGTERM (running
 * jobs go back to the queue).
 */
export async function runWorker(args: WorkerArgs): Promise<number> {
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) {
    throw new UsageError(`--concurrency must be a whole number >= 1, not ${args.concurrency}`);
  }
  const { settings, logger, q, options, resolved, version } = await queueContext(args);
  const signal = abortOnSignals();
  const workers: VideoWorker[] = [];
  try {
    for (let i = 0; i < args.concurrency; i++) workers.push(await loadWorker(args, settings, logger));
    const stallMs = Math.max(1, args["stall-seconds"]) * 1000;
    const sources = workers.map(
      (w) =>
        new q.QueueJobSource({
          ...options,
          provider: w.provider,
          lockMs: stallMs,
          stalledIntervalMs: stallMs,
          logger,
        }),
    );
    logger.info(
      `worker started on ${resolved.display} (Redis ${version}; ${hostname()} pid ${process.pid}, ${args.concurrency} slot(s), ${workers[0]?.provider})`,
      { queue: resolved.display, pid: process.pid, provider: workers[0]?.provider },
    );
    try {
      const summaries = await Promise.all(
        sources.map((source, i) =>
          runDaemon({ source, worker: workers[i] as VideoWorker, signal, pollMs: 100, logger }),
        ),
      );
      const sum = (k: "completed" | "failed" | "requeued") => summaries.reduce((n, s) => n + s[k].length, 0);
      logger.info(
        `worker stopped: ${sum("completed")} completed, ${sum("failed")} failed, ${sum("requeued")} put back`,
      );
    } finally {
      await Promise.all(sources.map((s) => s.close()));
    }
  } finally {
    await Promise.all(workers.map((w) => w.dispose()));
  }
  return 0;
}
