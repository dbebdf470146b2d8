import { abortOnSignals } from "@neuropose/cli-kit";
import { acquireLock, runDaemon, runDoctor } from "@neuropose/jobs";
import { context, type DaemonArgs } from "../_shared/context.js";
import { loadWorker, type ModelArgs } from "../_shared/worker.js";

export interface WatchArgs extends DaemonArgs, ModelArgs {
  poll?: number | undefined;
  once: boolean;
  "skip-checks": boolean;
}

/** Runs the daemon until SIGINT/SIGTERM (a running job is put back to be redone) or, with --once, until idle. */
export async function runWatch(args: WatchArgs): Promise<number> {
  const { settings, logger, source } = context(
    args,
    args.poll !== undefined ? { pollSeconds: args.poll } : {},
  );
  await source.ensureLayout();
  if (!args["skip-checks"]) {
    // the same checks as `neuropose doctor`; failures stop the daemon before it takes the lock
    const report = await runDoctor({ settings, deep: false });
    for (const c of report.checks) {
      if (c.status === "warn") logger.warn(`doctor: ${c.name}: ${c.detail}`);
      if (c.status === "fail") logger.error(`doctor: ${c.name}: ${c.detail}`);
    }
    if (report.status === "fail") {
      const { UsageError } = await import("@neuropose/cli-kit");
      throw new UsageError("the doctor checks failed (see above)", { hint: "neuropose doctor" });
    }
  }
  const lock = acquireLock(source.layout.lock, { logger, role: "daemon" });
  try {
    const rec = await source.recover();
    if (rec.tempsRemoved) logger.info(`removed ${rec.tempsRemoved} leftover temp file(s)`);
    const signal = abortOnSignals();
    const worker = await loadWorker(args, settings, logger);
    logger.info(`daemon started on ${source.layout.root} (pid ${process.pid}, ${worker.provider})`, {
      dataDir: source.layout.root,
      pid: process.pid,
      provider: worker.provider,
    });
    let lastPrune = 0;
    try {
      const summary = await runDaemon({
        source,
        worker,
        signal,
        once: args.once,
        pollMs: (settings.pollSeconds ?? 5) * 1000,
        logger,
        beforePoll: settings.retentionDays
          ? async () => {
              if (Date.now() - lastPrune < 60_000) return;
              lastPrune = Date.now();
              await source.prune({ olderThanDays: settings.retentionDays as number });
            }
          : undefined,
      });
      logger.info(
        `daemon stopped: ${summary.completed.length} completed, ${summary.failed.length} failed, ${summary.requeued.length} put back`,
      );
    } finally {
      await worker.dispose();
    }
  } finally {
    lock.release();
  }
  return 0;
}
