// The jobs table both flavours of `neuropose status` print (data dir and --queue).
import type { JobView } from "@neuropose/jobs";
import { table } from "../_shared/context.js";

function progress(e: {
  percent_complete: number | null;
  frames_processed: number | null;
  frames_total: number | null;
}) {
  if (e.percent_complete === null) return "";
  const frames = e.frames_total ? ` ${e.frames_processed ?? 0}/${e.frames_total}` : "";
  return `${e.percent_complete.toFixed(0)}%${frames}`;
}

/** One row per job: state (with a prune tombstone's date), progress, current video, last update, error. */
export function jobsTable(jobs: readonly JobView[]): string {
  const rows = [["JOB", "STATE", "PROGRESS", "VIDEO", "UPDATED", "ERROR"]];
  for (const j of jobs) {
    const e = j.entry;
    rows.push([
      j.id,
      e?.pruned_at ? `${j.state} (pruned ${e.pruned_at.slice(0, 10)})` : j.state,
      e ? progress(e) : "",
      e?.current_video ?? "",
      e?.last_update ?? e?.started_at ?? "",
      e?.error ?? "",
    ]);
  }
  return table(rows);
}
