// `buildSession`: one recorded session folder → interim stage outputs → one NWB file → validation → QC page.
// This is the only place that composes the stage packages (pose-formats, trials, sync, facemap, qc) with nwb and
// infer; they never import each other. Every stage runs through `runStage` (skip when unchanged, summary on
// success and on failure), so a failed run leaves the completed stages' outputs valid and a re-run after a fix
// redoes only what changed. One `_stage-<name>.ts` per stage; `_build-context.ts` is what they share.
import { type BuildSessionOptions, openBuild } from "./_build-context.js";
import { writeSessionQc } from "./_qc-page.js";
import { eventsStage } from "./_stage-events.js";
import { facemapStage } from "./_stage-facemap.js";
import { ingestStage } from "./_stage-ingest.js";
import { nwbStage, validateStage } from "./_stage-nwb.js";
import { poseStage } from "./_stage-pose.js";
import { syncStage } from "./_stage-sync.js";
import { transcodeStage } from "./_stage-transcode.js";
import type { StageFlag, StageSummary } from "./stage.js";

export type { BuildSessionOptions } from "./_build-context.js";

/** What a build produced. */
export interface BuildSessionResult {
  sessionId: string;
  nwb: string;
  qc: string | null;
  interim: string;
  summaries: StageSummary[];
  flags: StageFlag[];
}

/**
 * Build one session: ingest → sync → transcode → events → pose → facemap → NWB → validate → QC, each stage's
 * summary in the interim folder. Throws the first failing stage's error (a `NeuroPoseError` naming the stage, the file and the fix).
 *
 * @example
 * ```ts
 * import { buildSession } from "@neuropose/session";
 * try {
 *   await buildSession({ sessionDir: "/no/such/session", configPath: "/no/such/config.toml" });
 * } catch (e) {
 *   console.log((e as Error).message.includes("config.toml")); // true
 * }
 * ```
 */
export async function buildSession(options: BuildSessionOptions): Promise<BuildSessionResult> {
  const ctx = await openBuild(options); // config + session file, paths, every input file found
  const { manifest, pulses } = await ingestStage(ctx);
  const cameraSync = await syncStage(ctx, manifest, pulses);
  const mezzanine = await transcodeStage(ctx);
  const events = await eventsStage(ctx, pulses);
  const poses = await poseStage(ctx, cameraSync);
  const facemap = await facemapStage(ctx, manifest, cameraSync);
  await nwbStage(ctx, { manifest, pulses, cameraSync, mezzanine, events, poses, facemap });
  await validateStage(ctx);
  const qc = await writeSessionQc(ctx, { cameraSync, events, poses, facemap });
  return {
    sessionId: ctx.sid,
    nwb: ctx.nwbPath,
    qc,
    interim: ctx.interim,
    summaries: ctx.summaries,
    flags: ctx.summaries.flatMap((s) => s.flags),
  };
}
