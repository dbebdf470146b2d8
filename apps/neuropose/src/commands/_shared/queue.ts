// Plumbing of the queue commands (submit, worker, status --queue, serve --queue): the queue URL and its
// password/TLS settings, the Redis preflight, and the queue job source. @neuropose/queue (BullMQ, ioredis) is
// imported here, on first use, so `neuropose --help` never loads it.

import type { Logger } from "@neuropose/cli-kit";
import { UsageError } from "@neuropose/cli-kit";
import type { Settings, SettingsOverrides } from "@neuropose/io";
import { context, type DaemonArgs } from "./context.js";

/** The queue URL from `--queue` or the queueUrl setting; a usage error when neither is set. */
export function queueUrlOf(flag: string | undefined, settings: Settings): string {
  const url = flag || settings.queueUrl;
  if (!url) {
    throw new UsageError("no queue: pass --queue redis://host:6379 or set queueUrl (NEUROPOSE_QUEUE_URL)", {
      hint: "neuropose worker --queue redis://gpu-box:6379",
    });
  }
  return url;
}

/** The queue URL with the password and TLS CA from settings. */
export function queueOptionsOf(flag: string | undefined, settings: Settings) {
  return {
    url: queueUrlOf(flag, settings),
    password: settings.queuePassword,
    tlsCaFile: settings.queueTlsCa,
  };
}

/** Connection options (URL + password/TLS CA from settings), after checking Redis answers and is new enough. */
export async function queueConnection(flag: string | undefined, settings: Settings, logger?: Logger) {
  const q = await import("@neuropose/queue");
  const options = queueOptionsOf(flag, settings);
  const resolved = q.resolveConnection(options);
  const version = await q.checkRedis(resolved);
  logger?.debug?.(`queue: Redis ${version} at ${resolved.display}`);
  return { q, options, resolved, version };
}

/** A queue command's settings and logger (as {@link context}) and its checked connection ({@link queueConnection}). */
export async function queueContext(
  args: DaemonArgs & { queue?: string | undefined },
  overrides: SettingsOverrides = {},
) {
  const { settings, logger } = context(args, overrides);
  return { settings, logger, ...(await queueConnection(args.queue, settings, logger)) };
}
