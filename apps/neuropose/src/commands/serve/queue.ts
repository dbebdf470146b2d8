import { abortOnSignals } from "@neuropose/cli-kit";
import { startMonitor } from "@neuropose/monitor";
import { context, type DaemonArgs } from "../_shared/context.js";
import { queueConnection } from "../_shared/queue.js";

export interface QueueServeArgs extends DaemonArgs {
  host?: string | undefined;
  port?: number | undefined;
  token?: string | undefined;
  queue: string;
}

/** `neuropose serve --queue URL`: the same monitor (page, /status.json, token rules) over the queue's jobs. */
export async function runQueueServe(args: QueueServeArgs): Promise<number> {
  const { settings, logger } = context(args, {
    ...(args.host ? { monitorHost: args.host } : {}),
    ...(args.port !== undefined ? { monitorPort: args.port } : {}),
    ...(args.token ? { monitorToken: args.token } : {}),
  });
  const { q, options, resolved } = await queueConnection(args.queue, settings, logger);
  const source = new q.QueueJobSource({ ...options, logger });
  try {
    const monitor = await startMonitor({
      source,
      host: settings.monitorHost ?? "127.0.0.1",
      port: settings.monitorPort ?? 8765,
      token: settings.monitorToken,
      title: `NeuroPose jobs — ${resolved.display}`,
    });
    if (monitor.exposed) {
      logger.warn(
        `the monitor listens on ${settings.monitorHost} without a token: anyone who can reach this machine sees job names and errors (set --token or monitorToken)`,
      );
    }
    process.stdout.write(`monitor: ${monitor.url}\n`);
    const signal = abortOnSignals();
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    await monitor.close();
  } finally {
    await source.close();
  }
  return 0;
}
