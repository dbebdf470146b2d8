// Stage "events": the Bpod files' trials and events (merged in the session's order), each trial aligned to the
// next unused pulse of its trial type's sync TTL line; `events/trials.csv`.
import { join } from "node:path";
import { writeFileAtomic } from "@neuropose/io";
import { alignTrialsToPulses } from "@neuropose/sync";
import { readTrials, type TrialsResult } from "@neuropose/trials";
import { allInputs, type BuildContext } from "./_build-context.js";
import { csvNumber } from "./_interim-files.js";

/** The session's trials and each trial's offset to the session clock (NaN: not aligned); null without Bpod files. */
export interface SessionTrials {
  trials: TrialsResult;
  offsets: Float64Array;
}

/** Runs the events stage when the session has Bpod files (re-reading them when it was cached). */
export async function eventsStage(
  ctx: BuildContext,
  pulses: Map<string, Float64Array>,
): Promise<SessionTrials | null> {
  let trials: TrialsResult | null = null;
  let trialOffsets: Float64Array | null = null;
  const eventsDir = join(ctx.interim, "events");
  if (ctx.files.bpod.length) {
    const read = async () => {
      trials = await readTrials(
        ctx.files.bpod.map((f) => f.path),
        { order: ctx.session.bpod?.order, continuousTime: ctx.session.bpod?.continuous_time },
      );
      const t = trials as TrialsResult;
      trialOffsets = new Float64Array(t.trials.length).fill(Number.NaN);
      // Each TTL line's pulses are shared by every trial type synced on it: trials take the next unused pulse in
      // trial order (the W2T design), so all trial types of one line are aligned in one pass.
      const types = ctx.session.bpod?.trial_types ?? [];
      for (const line of new Set(types.map((tt) => tt.sync_ttl))) {
        const ttl = pulses.get(line) as Float64Array;
        const rows = t.trials.filter((r) =>
          types.some((tt) => tt.sync_ttl === line && tt.trial_type === r.type),
        );
        if (rows.length === 0) continue;
        // State onsets in the trials table are already on the Bpod file's clock (trial start included).
        const onsets = rows.map((r) => {
          const tt = types.find((x) => x.sync_ttl === line && x.trial_type === r.type);
          return tt ? (r.states[tt.sync_signal]?.onset ?? Number.NaN) : Number.NaN;
        });
        const a = alignTrialsToPulses(onsets, ttl);
        rows.forEach((r, i) => {
          (trialOffsets as Float64Array)[t.trials.indexOf(r)] = a.offset[i] as number;
        });
      }
    };
    await ctx.stage(
      "events",
      [...ctx.files.bpod.map((f) => f.path), ...allInputs(ctx.files.ttls)],
      { bpod: ctx.session.bpod },
      async () => {
        await read();
        const t = trials as unknown as TrialsResult;
        const file = join(eventsDir, "trials.csv");
        let csv = "trial_id,trial_type,start_time,stop_time,outcome,sync_offset_s\n";
        t.trials.forEach((r, i) => {
          csv += `${r.trial},${r.type ?? ""},${csvNumber(r.start)},${csvNumber(r.stop)},${r.outcome ?? ""},${csvNumber((trialOffsets as Float64Array)[i] as number)}\n`;
        });
        await writeFileAtomic(file, csv);
        const aligned = Array.from(trialOffsets as Float64Array).filter(Number.isFinite).length;
        return {
          outputs: [file],
          counts: { trials: t.trials.length, events: t.events.length, aligned_trials: aligned },
          details: { summary: t.summary },
          flags: t.summary.warnings.map((w) => ({
            code: "EVENTS_WARNING",
            severity: "info" as const,
            message: w,
          })),
        };
      },
    );
    if (!trials) await read();
  }
  const read = trials as TrialsResult | null; // assigned inside the stage's closure
  return read ? { trials: read, offsets: trialOffsets as unknown as Float64Array } : null;
}
