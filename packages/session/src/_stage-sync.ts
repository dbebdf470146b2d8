// Stage "sync": per-camera frame times on the chosen timebase (nominal rate or TTL pulses), jitter, clock drift,
// dropped and duplicated pulses; `timestamps_<camera>.csv` per camera and flags against the config's limits.
import { join } from "node:path";
import { detectDrops, drift, jitter, nominalTimebase } from "@neuropose/sync";
import { allInputs, type BuildContext, fail } from "./_build-context.js";
import { writeTimestampsCsv } from "./_interim-files.js";
import type { Manifest } from "./manifest.js";
import type { StageFlag } from "./stage.js";

/** One camera's timing, as the later stages (pose, facemap, NWB, QC) use it. */
export interface CameraSync {
  id: string;
  timestamps: Float64Array;
  frameCount: number;
  fps: number;
  pulses: Float64Array | null;
  /** `period`: the median interval; the deviations are recomputed from the pulses when the QC page needs them. */
  jitter: { max: number; p95: number; budget: number; period: number };
  driftPpm: number;
  dropped: { afterFrame: number; missing: number }[];
  duplicates: number;
}

/** Each inter-pulse interval minus the period (seconds). */
export function intervalDeviations(pulses: Float64Array, period: number): Float64Array {
  const dev = new Float64Array(pulses.length - 1);
  for (let i = 1; i < pulses.length; i++)
    dev[i - 1] = (pulses[i] as number) - (pulses[i - 1] as number) - period;
  return dev;
}

/** Each camera's timing from the manifest and the pulses (throws on a timebase that cannot time the frames). */
function computeSync(
  ctx: BuildContext,
  manifest: Manifest,
  pulses: Map<string, Float64Array>,
  cameraSync: Map<string, CameraSync>,
): void {
  const { config, session, configFile } = ctx;
  for (const v of manifest.videos) {
    const cam = session.cameras.find((c) => c.id === v.camera_id);
    const ttl = cam?.ttl_id ? (pulses.get(cam.ttl_id) ?? null) : null;
    let timestamps: Float64Array;
    if (config.timebase.source === "nominal_rate")
      timestamps = nominalTimebase(v.frame_count, v.fps, config.timebase.offset_s);
    else if (config.timebase.source === "ttl") {
      const ref = pulses.get(config.timebase.ttl_id as string) as Float64Array;
      const own = ttl ?? ref;
      if (own.length < v.frame_count)
        throw fail(
          "E_SESSION_TIMESTAMPS",
          `camera ${v.camera_id}: ${v.frame_count} frames but only ${own.length} pulses to time them`,
          undefined,
          "check the camera's ttl_id and the tolerance",
        );
      // Without an offset the frame times are a view of the pulses (kept anyway): no copy per camera.
      timestamps =
        config.timebase.offset_s === 0
          ? own.subarray(0, v.frame_count)
          : Float64Array.from(own.subarray(0, v.frame_count), (t) => t + config.timebase.offset_s);
    } else
      throw fail(
        "E_SESSION_TIMEBASE",
        'timebase.source = "neuropixels" is not supported yet',
        configFile,
        'use "ttl" with the SpikeGLX edges of the camera line',
      );
    for (let i = 1; i < timestamps.length; i++)
      if (!((timestamps[i] as number) > (timestamps[i - 1] as number)))
        throw fail(
          "E_SESSION_TIMESTAMPS",
          `camera ${v.camera_id}: timestamps not increasing at frame ${i} (${timestamps[i - 1]} then ${timestamps[i]})`,
          ctx.files.ttls.get((cam?.ttl_id ?? config.timebase.ttl_id) as string)?.[0]?.path,
          `pulse ${i} of that TTL line is duplicated or out of order: fix the file (or its [[TTLs]] paths order) and build again`,
        );
    let js = { max: 0, p95: 0, budget: config.timebase.jitter_budget_s, period: Number.NaN };
    let driftPpm = 0;
    let dropped: CameraSync["dropped"] = [];
    let duplicates = 0;
    if (ttl && ttl.length > 2) {
      const j = jitter(ttl);
      js = {
        max: j.max,
        // jitter()'s own p95: over the intervals of about one period (drops and duplicates are counted apart)
        p95: j.p95,
        budget: config.timebase.jitter_budget_s,
        period: j.period,
      };
      const d = detectDrops(ttl);
      dropped = d.gaps.map((g) => ({ afterFrame: g.after, missing: g.missing }));
      duplicates = d.duplicates.length;
      // Camera clock (its pulses, with the dropped pulses' slots restored) against the nominal rate.
      const nominal = new Float64Array(ttl.length);
      let k = 0;
      let gi = 0; // gaps come in pulse order
      for (let i = 0; i < ttl.length; i++) {
        nominal[i] = k / v.fps;
        let step = 1;
        while (gi < d.gaps.length && (d.gaps[gi] as { after: number }).after === i)
          step += (d.gaps[gi++] as { missing: number }).missing;
        k += step;
      }
      driftPpm = drift(nominal, ttl).ppm;
    }
    cameraSync.set(v.camera_id, {
      id: v.camera_id,
      timestamps,
      frameCount: v.frame_count,
      fps: v.fps,
      pulses: ttl,
      jitter: js,
      driftPpm,
      dropped,
      duplicates,
    });
  }
}

/** Runs the sync stage (its numbers are recomputed when it was cached: they are cheap) and returns every camera's timing. */
export async function syncStage(
  ctx: BuildContext,
  manifest: Manifest,
  pulses: Map<string, Float64Array>,
): Promise<Map<string, CameraSync>> {
  const { config, interim, manifestPath } = ctx;
  const syncDir = join(interim, "sync");
  const cameraSync = new Map<string, CameraSync>();
  await ctx.stage(
    "sync",
    [manifestPath, ...allInputs(ctx.files.ttls)],
    { timebase: config.timebase, sync: config.sync },
    async () => {
      computeSync(ctx, manifest, pulses, cameraSync);
      const outputs: string[] = [];
      const flags: StageFlag[] = [];
      const details: Record<string, unknown> = {};
      for (const s of cameraSync.values()) {
        const file = join(syncDir, `timestamps_${s.id}.csv`);
        await writeTimestampsCsv(file, s.timestamps);
        outputs.push(file);
        const sev = config.sync.on_violation === "fail" ? "fail" : "warn";
        if (s.jitter.p95 > s.jitter.budget)
          flags.push({
            code: "SYNC_JITTER",
            severity: sev,
            subject: s.id,
            message: `camera ${s.id}: jitter p95 ${(s.jitter.p95 * 1000).toFixed(3)} ms exceeds the ${(s.jitter.budget * 1000).toFixed(3)} ms budget`,
            value: s.jitter.p95,
            threshold: s.jitter.budget,
          });
        if (Math.abs(s.driftPpm) > config.sync.max_drift_ppm)
          flags.push({
            code: "SYNC_DRIFT",
            severity: sev,
            subject: s.id,
            message: `camera ${s.id}: clock drift ${s.driftPpm.toFixed(2)} ppm exceeds ${config.sync.max_drift_ppm} ppm`,
            value: s.driftPpm,
            threshold: config.sync.max_drift_ppm,
          });
        const nDropped = s.dropped.reduce((n, d) => n + d.missing, 0);
        if (nDropped > 0)
          flags.push({
            code: "SYNC_DROPPED",
            severity: nDropped / (s.frameCount + nDropped) > config.sync.max_dropped_ratio ? sev : "warn",
            subject: s.id,
            message: `camera ${s.id}: ${nDropped} dropped frame${nDropped > 1 ? "s" : ""} (after frames ${s.dropped.map((d) => d.afterFrame).join(", ")})`,
            value: nDropped,
            threshold: Math.floor(config.sync.max_dropped_ratio * (s.frameCount + nDropped)),
          });
        if (s.duplicates > 0)
          flags.push({
            code: "SYNC_DUPLICATES",
            severity: "warn",
            subject: s.id,
            message: `camera ${s.id}: ${s.duplicates} duplicated pulses`,
            value: s.duplicates,
            threshold: 0,
          });
        details[s.id] = {
          frames: s.frameCount,
          pulses: s.pulses?.length ?? null,
          jitter_max_s: s.jitter.max,
          jitter_p95_s: s.jitter.p95,
          drift_ppm: s.driftPpm,
          dropped_frames: nDropped,
          dropped_after_frames: s.dropped.map((d) => d.afterFrame),
          duplicates: s.duplicates,
        };
      }
      return { outputs, flags, details, counts: { cameras: cameraSync.size } };
    },
  );
  if (cameraSync.size === 0) computeSync(ctx, manifest, pulses, cameraSync);
  return cameraSync;
}
