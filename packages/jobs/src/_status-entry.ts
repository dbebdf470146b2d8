// Status-file entries of the folder source: a whole entry from the fields a change sets, and the status file's
// reader options (a missing file is the normal first start).
import type { JobStatusEntry, Logger } from "@neuropose/io";

export const iso = (d: Date) => d.toISOString();

/** A whole status entry: the fields given, null for the rest. */
export function entryOf(
  e: Partial<JobStatusEntry> & Pick<JobStatusEntry, "status" | "started_at">,
): JobStatusEntry {
  return {
    completed_at: null,
    results_path: null,
    error: null,
    current_video: null,
    frames_processed: null,
    frames_total: null,
    videos_completed: null,
    videos_total: null,
    percent_complete: null,
    last_update: null,
    pruned_at: null,
    ...e,
  };
}

/** `logger` without the warning of a missing status file (the normal first start). */
export function quietMissing(logger: Logger | undefined): Logger | undefined {
  if (!logger) return undefined;
  return {
    ...logger,
    warn: (m: string, f?: Record<string, unknown>) => {
      if (f?.reason === "ENOENT") return;
      logger.warn?.(m, f);
    },
  };
}
