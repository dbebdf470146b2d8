import { acquireLock } from "@neuropose/jobs";
import { context, type DaemonArgs } from "../_shared/context.js";
import { serveUntilStopped } from "./_monitor.js";

export interface ServeArgs extends DaemonArgs {
  host?: string | undefined;
  port?: number | undefined;
  token?: string | undefined;
}

/** The settings overrides of serve's --host/--port/--token. */
export function monitorOverrides(args: ServeArgs) {
  return {
    ...(args.host ? { monitorHost: args.host } : {}),
    ...(args.port !== undefined ? { monitorPort: args.port } : {}),
    ...(args.token ? { monitorToken: args.token } : {}),
  };
}

/** Serves the monitor until SIGINT/SIGTERM. */
export async function runServe(args: ServeArgs): Promise<number> {
  const { settings, logger, source } = context(args, monitorOverrides(args));
  await source.ensureLayout();
  // one monitor per data dir; its pid lets `neuropose reset` stop it
  const lock = acquireLock(source.layout.monitorLock, { logger, role: "monitor" });
  try {
    await serveUntilStopped(source, settings, logger);
  } finally {
    lock.release();
  }
  return 0;
}
