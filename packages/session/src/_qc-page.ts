// The QC page of a build: the stages' summaries and flags, camera timing (interval deviations, drift, drops),
// pose confidence, trials and facial metrics, recorded beside the summaries (`qc_input.json`, so
// `neuropose-session qc <interim>` re-renders it) and rendered by @neuropose/qc.
import { join, relative } from "node:path";
import { type QcInput, writeQcReport } from "@neuropose/qc";
import type { BuildContext } from "./_build-context.js";
import { writeJsonStreamed } from "./_interim-files.js";
import type { NwbParts } from "./_stage-nwb.js";
import { type CameraSync, intervalDeviations } from "./_stage-sync.js";
import { QC_INPUT_FILE, type RecordedQc } from "./plan.js";
import { summaryPath } from "./stage.js";

/** Writes the QC input and page when `qc.generate_report`; returns the page's path (null when not generated). */
export async function writeSessionQc(
  ctx: BuildContext,
  parts: Omit<NwbParts, "manifest" | "pulses" | "mezzanine">,
): Promise<string | null> {
  const { config, sid, cfg, sess, qcDir, nwbPath } = ctx;
  const { cameraSync, events, poses } = parts;
  const { facial, imported } = parts.facemap;
  let qcPage: string | null = null;
  if (config.qc.generate_report) {
    const input: QcInput = {
      sessionId: sid,
      createdAt: new Date().toISOString(),
      summaries: ctx.summaries.map((s) => ({
        stage: s.stage,
        status: s.status,
        href: relative(qcDir, summaryPath(ctx.interim, s.stage)),
        wall_s: s.wall_s,
        flags: s.flags.map((f) => ({ ...f, stage: s.stage })),
      })),
      sync: {
        cameras: [...cameraSync.values()].map((s) => {
          const n = s.timestamps.length;
          const step = Math.max(1, Math.floor(n / 500));
          const t: number[] = [];
          const off: number[] = [];
          for (let i = 0; i < n; i += step) {
            t.push(s.timestamps[i] as number);
            off.push(((s.timestamps[i] as number) - ((s.timestamps[0] as number) + i / s.fps)) * 1000);
          }
          return {
            id: s.id,
            rate_hz: s.fps,
            frame_count: s.frameCount,
            pulse_count: s.pulses?.length ?? s.frameCount,
            interval_deviation_s:
              s.pulses && s.pulses.length > 2 ? intervalDeviations(s.pulses, s.jitter.period) : [],
            jitter_max_s: s.jitter.max,
            jitter_p95_s: s.jitter.p95,
            jitter_budget_s: s.jitter.budget,
            drift_ppm: s.driftPpm,
            drift: { t_s: t, offset_ms: off },
            dropped_at_s: s.dropped.map((d) => s.pulses?.[d.afterFrame] ?? Number.NaN),
            dropped: s.dropped.reduce((k, d) => k + d.missing, 0),
            duplicates: s.duplicates,
          };
        }),
      },
      ...(poses.size
        ? {
            pose: {
              cameras: [...poses].map(([cameraId, info]) => ({ id: cameraId, ...info.qc })),
            },
          }
        : {}),
      ...(events
        ? {
            trials: {
              rows: events.trials.trials.map((r, i) => {
                const o = events.offsets[i] as number;
                const s = Number.isFinite(o) ? o : 0;
                return {
                  trial: r.trial,
                  start_s: r.start + s,
                  stop_s: r.stop + s,
                  outcome: (r.outcome ?? "unknown").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase(),
                  ...(r.type !== null ? { type: r.type } : {}),
                };
              }),
            },
          }
        : {}),
      ...(facial.size || imported.size
        ? {
            facemap: {
              cameras: [...new Set([...facial.keys(), ...imported.keys()])].map((cameraId) => ({
                id: cameraId,
                time_s: (cameraSync.get(cameraId) as CameraSync).timestamps,
                metrics: [
                  ...[...(facial.get(cameraId) ?? [])].map(([name, values]) => ({ name, values })),
                  // facemap's own 1-D traces (motion energy, pupil area, blink); SVD components stay in the NWB
                  ...(imported.get(cameraId) ?? [])
                    .filter((sr) => sr.width === 1)
                    .map((sr) => ({ name: `facemap_${sr.name}`, values: sr.data })),
                ],
              })),
            },
          }
        : {}),
      provenance: { config_sha256: cfg.sha256, session_sha256: sess.sha256, nwb: relative(qcDir, nwbPath) },
    };
    const thresholds = {
      maxDriftPpm: config.sync.max_drift_ppm,
      maxDroppedRatio: config.sync.max_dropped_ratio,
      minMedianConfidence: 0.5,
    };
    // What the page shows, kept beside the summaries so `neuropose-session qc <interim>` re-renders it.
    const recorded: RecordedQc = { schema_version: 1, qc_dir: qcDir, thresholds, input };
    await writeJsonStreamed(join(ctx.interim, QC_INPUT_FILE), recorded);
    qcPage = (await writeQcReport(qcDir, input, thresholds)).html;
  }
  return qcPage;
}
