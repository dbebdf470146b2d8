import { abortOnSignals } from "@neuropose/cli-kit";
import { acquireLock } from "@neuropose/jobs";
import { startMonitor } from "@neuropose/monitor";
import { context, type DaemonArgs } from "../_shared/context.js";

export interface ServeArgs extends DaemonArgs {
  host?: string | undefined;
  port?: number | undefined;
  token?: string | undefined;
}

/** Serves the monitor until SIGINT/SIGTERM. */
export async function runServe(args: ServeArgs): Promise<number> {
  const { settings, logger, source } = context(args, {
    ...(args.host ? { monitorHost: args.host } : {}),
    ...(args.port !== undefined ? { monitorPort: args.port } : {}),
    ...(args.token ? { monitorToken: args.token } : {}),
  });
  await source.ensureLayout();
  // one monitor per data dir; its pid lets `neuropose reset` stop it
  const lock = acquireLock(source.layout.monitorLock, { logger, role: "monitor" });
  try {
    const monitor = await startMonitor({
      source,
      host: settings.monitorHost ?? "127.0.0.1",
      port: settings.monitorPort ?? 8765,
      token: settings.monitorToken,
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
    lock.release();
  }
  return 0;
}
