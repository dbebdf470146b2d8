import { queueContext } from "../_shared/queue.js";
import { serveUntilStopped } from "./_monitor.js";
import { monitorOverrides, type ServeArgs } from "./run.js";

export interface QueueServeArgs extends ServeArgs {
  queue: string;
}

/** `neuropose serve --queue URL`: the same monitor (page, /status.json, token rules) over the queue's jobs. */
export async function runQueueServe(args: QueueServeArgs): Promise<number> {
  const { settings, logger, q, options, resolved } = await queueContext(args, monitorOverrides(args));
  const source = new q.QueueJobSource({ ...options, logger });
  try {
    await serveUntilStopped(source, settings, logger, `NeuroPose jobs — ${resolved.display}`);
  } finally {
    await source.close();
  }
  return 0;
}
