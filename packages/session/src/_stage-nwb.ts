// Stages "nwb" and "validate": the session's NWB file assembled from the earlier stages' products (camera
// ImageSeries, TTL lines, pose per camera read back window by window, Bpod trials and events, facial metrics,
// provenance) and written chunk by chunk; then checked by nwb's structural validator, its report beside the file.
import { basename, dirname, join, relative } from "node:path";
import { writeFileAtomic } from "@neuropose/io";
import { type NwbFileSpec, type NwbTimeSeries, validateNwb, writeNwb } from "@neuropose/nwb";
import { type PoseChunkReader, poseChunksToNwb } from "@neuropose/pose-formats";
import type { BuildContext } from "./_build-context.js";
import { openPoseForNwb, type PoseInfo } from "./_pose.js";
import type { SessionTrials } from "./_stage-events.js";
import type { FacialMetrics } from "./_stage-facemap.js";
import type { CameraSync } from "./_stage-sync.js";
import type { FoundFile } from "./discover.js";
import type { Manifest } from "./manifest.js";
import { expandTemplate } from "./templates.js";

/** What the earlier stages produced, as the NWB file needs it. */
export interface NwbParts {
  manifest: Manifest;
  pulses: Map<string, Float64Array>;
  cameraSync: Map<string, CameraSync>;
  mezzanine: Map<string, string[]>;
  events: SessionTrials | null;
  poses: Map<string, PoseInfo>;
  facemap: FacialMetrics;
}

/** Runs the nwb stage: the NWB file at `ctx.nwbPath`. */
export async function nwbStage(ctx: BuildContext, parts: NwbParts): Promise<void> {
  const { config, session, sid, cfg, sess, manifestPath, nwbPath } = ctx;
  const { manifest, pulses, cameraSync, mezzanine, events, poses } = parts;
  const { facial, imported } = parts.facemap;
  const templateValues = { session: session.session, project: config.project };
  await ctx.stage(
    "nwb",
    [manifestPath, ...ctx.summaries.flatMap((s) => s.outputs.map((o) => o.path))],
    { nwb: config.nwb, session: session.session, out: nwbPath },
    async () => {
      const date = session.session.date;
      const start = /T/.test(date)
        ? date
        : `${date}T00:00:00${session.session.timezone === "UTC" ? "Z" : session.session.timezone}`;
      const age =
        session.session.age && /^P\d+$/.test(session.session.age)
          ? `${session.session.age}D`
          : session.session.age;
      const regular = config.timebase.source === "nominal_rate";
      // A nominal timebase is a rate (nwbinspector asks for rate over regular timestamps); TTL times are kept.
      const timing = (sync: CameraSync): NwbTimeSeries["timing"] =>
        regular
          ? { rate: sync.fps, startingTime: config.timebase.offset_s }
          : { timestamps: sync.timestamps };
      const acquisition: NwbFileSpec["acquisition"] = [];
      for (const v of manifest.videos) {
        const sync = cameraSync.get(v.camera_id) as CameraSync;
        // The mezzanine copies when transcoded (same frames, seekable), else the recorded files; relative paths.
        const files = (
          mezzanine.get(v.camera_id) ?? (ctx.files.cameras.get(v.camera_id) as FoundFile[]).map((f) => f.path)
        ).map((p) => relative(dirname(nwbPath), p));
        // From the manifest (not this run's probes), so a build whose ingest came from the cache keeps them.
        const starts: number[] = [];
        let n = 0;
        for (const count of v.frame_counts ?? []) {
          starts.push(n);
          n += count;
        }
        acquisition.push({
          kind: "ImageSeries",
          name: `video_${v.camera_id}`,
          description:
            session.cameras.find((c) => c.id === v.camera_id)?.description || `camera ${v.camera_id}`,
          externalFile: files,
          ...(starts.length === files.length ? { startingFrame: starts } : {}),
          timing: timing(sync),
          device: `camera_${v.camera_id}`,
        });
      }
      for (const t of session.TTLs) {
        const p = pulses.get(t.id) as Float64Array;
        acquisition.push({
          kind: "TimeSeries",
          name: `ttl_${t.id}`,
          description: t.description || `TTL ${t.id}: rising edges`,
          // ones, chunk by chunk (an hour of a 150 Hz line would be 4 MB of ones held for the write)
          data: {
            length: p.length,
            width: 1,
            read: (a: number, b: number) => new Float64Array(b - a).fill(1),
          },
          unit: "n.a.",
          timing: { timestamps: p },
        });
      }
      const processing: NwbFileSpec["processing"] = [];
      const behavior: NwbTimeSeries[] = [];
      const poseInterfaces = [];
      const poseReaders: PoseChunkReader[] = [];
      // Pose rows are read again from the pose files window by window as the writer pulls them (flat memory).
      for (const [cameraId, info] of poses) {
        const sync = cameraSync.get(cameraId) as CameraSync;
        const { reader, timestamps } = await openPoseForNwb(info, sync.timestamps);
        poseReaders.push(reader);
        const objs = poseChunksToNwb(reader, {
          ...(regular && info.contiguous_from === 0
            ? { fps: sync.fps, startingTime: config.timebase.offset_s, frameIndex: "contiguous" as const }
            : { timestamps }),
          devices: [`camera_${cameraId}`],
          name: `pose_${cameraId}`,
          skeletonName: `skeleton_${cameraId}`,
        });
        poseInterfaces.push(objs.skeletons, ...objs.poseEstimations);
      }
      let trialsSpec: NwbFileSpec["trials"];
      if (events) {
        const t = events.trials;
        const off = events.offsets;
        const shift = (i: number) => (Number.isFinite(off[i] as number) ? (off[i] as number) : 0);
        trialsSpec = {
          kind: "TimeIntervals",
          name: "trials",
          description: `Bpod trials from ${ctx.files.bpod.map((f) => f.relative).join(", ")}, on the session clock (each synced trial shifted by its TTL offset)`,
          startTime: t.trials.map((r, i) => r.start + shift(i)),
          stopTime: t.trials.map((r, i) => r.stop + shift(i)),
          columns: [
            { name: "trial_type", description: "Bpod trial type", data: t.trials.map((r) => r.type ?? -1) },
            {
              name: "outcome",
              description: "first visited outcome state (HIT, Miss, CorrectReject, FalseAlarm) or empty",
              data: t.trials.map((r) => r.outcome ?? ""),
            },
            {
              name: "sync_offset",
              description: "seconds added to the Bpod times to reach the session clock (NaN: not aligned)",
              data: Float64Array.from(off),
            },
            ...t.stateNames
              .filter((s) => t.trials.some((r) => r.states[s] && Number.isFinite(r.states[s].onset)))
              .map((s) => ({
                name: `${s}_onset`,
                description: `onset of state ${s} (s, session clock; NaN if not visited)`,
                data: t.trials.map((r, i) => (r.states[s] ? r.states[s].onset + shift(i) : Number.NaN)),
              })),
          ],
        };
        const names = [...new Set(t.events.map((e) => e.name))];
        for (const name of names) {
          // Session clock: each event moves with its trial's TTL offset; files merged without
          // continuous_time can interleave, so each series is sorted (NWB timestamps never decrease).
          const times = t.events
            .filter((e) => e.name === name)
            .map((e) => e.time + shift(t.trials.findIndex((r) => r.trial === e.trial)))
            .sort((a, b) => a - b);
          behavior.push({
            kind: "TimeSeries",
            name: `event_${name}`.replace(/[^A-Za-z0-9_]/g, "_"),
            description: `Bpod event ${name} (session clock)`,
            data: new Float64Array(times.length).fill(1),
            unit: "n.a.",
            timing: { timestamps: times },
          });
        }
      }
      const facialSeries: NwbTimeSeries[] = [];
      for (const [cameraId, metrics] of facial) {
        const sync = cameraSync.get(cameraId) as CameraSync;
        for (const [name, values] of metrics)
          facialSeries.push({
            kind: "TimeSeries",
            name: `${name}_${cameraId}`.replace(/[^A-Za-z0-9_]/g, "_"),
            description: `mean absolute grey-level difference between consecutive frames in ROI ${name.replace(/^motion_energy_/, "")} of camera ${cameraId} (first frame 0; NaN kept)`,
            data: values,
            unit: "a.u.",
            timing: timing(sync),
          });
      }
      for (const [cameraId, series] of imported) {
        const sync = cameraSync.get(cameraId) as CameraSync;
        for (const sr of series)
          facialSeries.push({
            kind: "TimeSeries",
            name: `facemap_${sr.name}_${cameraId}`.replace(/[^A-Za-z0-9_]/g, "_"),
            description: `${sr.description}, camera ${cameraId} (imported from facemap's output; NaN kept)`,
            data: sr.data,
            ...(sr.width > 1 ? { width: sr.width } : {}),
            unit: sr.unit,
            timing: timing(sync),
          });
      }
      if (facialSeries.length)
        processing.push({
          name: "facemap",
          description: "facial metrics per camera: motion energy per ROI and/or facemap's own outputs",
          dataInterfaces: facialSeries,
        });
      if (poseInterfaces.length)
        processing.push({
          name: "behavior",
          description: "pose estimation per camera",
          dataInterfaces: [
            ...poseInterfaces,
            ...(behavior.length
              ? [{ kind: "BehavioralEvents" as const, name: "BehavioralEvents", timeSeries: behavior }]
              : []),
          ],
        });
      else if (behavior.length)
        processing.push({
          name: "behavior",
          description: "behavioural events",
          dataInterfaces: [{ kind: "BehavioralEvents", name: "BehavioralEvents", timeSeries: behavior }],
        });
      const spec: NwbFileSpec = {
        sessionDescription: expandTemplate(
          config.nwb.session_description_template,
          templateValues,
          "nwb.session_description_template",
        ),
        sessionStartTime: start,
        sessionId: sid,
        experimenter: ([] as string[]).concat(session.session.experimenter).filter((e) => e),
        lab: config.nwb.lab || undefined,
        institution: config.nwb.institution || undefined,
        subject: {
          subjectId: session.session.subject_id,
          species: session.session.species ?? "Mus musculus",
          sex: session.session.sex,
          ...(age ? { age } : {}),
          ...(session.session.genotype ? { genotype: session.session.genotype } : {}),
        },
        devices: manifest.videos.map((v) => ({
          name: `camera_${v.camera_id}`,
          description:
            session.cameras.find((c) => c.id === v.camera_id)?.description || `camera ${v.camera_id}`,
        })),
        acquisition,
        processing,
        ...(trialsSpec ? { trials: trialsSpec } : {}),
        provenance: {
          config: config,
          session: session,
          overrides: cfg.overrides,
          config_sha256: cfg.sha256,
          session_sha256: sess.sha256,
          inputs: ctx.summaries.flatMap((s) => s.inputs),
        },
      };
      try {
        await writeNwb(nwbPath, spec, { signal: ctx.options.signal });
      } finally {
        for (const r of poseReaders) r.close();
      }
      return {
        outputs: [nwbPath],
        counts: {
          acquisition: acquisition.length,
          pose_cameras: poses.size,
          facial_series: facialSeries.length,
          trials: trialsSpec ? trialsSpec.startTime.length : 0,
        },
      };
    },
  );
}

/** Runs the validate stage: `<name>.validation.json` beside the NWB file, its errors as fail flags. */
export async function validateStage(ctx: BuildContext): Promise<void> {
  const { nwbPath, processed } = ctx;
  await ctx.stage("validate", [nwbPath], {}, async () => {
    const v = await validateNwb(nwbPath);
    const report = join(processed, `${basename(nwbPath, ".nwb")}.validation.json`);
    await writeFileAtomic(report, `${JSON.stringify(v, null, 2)}\n`);
    return {
      outputs: [report],
      counts: { errors: v.errors.length, warnings: v.warnings.length, objects: v.objects },
      flags: [
        ...v.errors.map((e) => ({
          code: "NWB_INVALID",
          severity: "fail" as const,
          message: typeof e === "string" ? e : JSON.stringify(e),
        })),
        ...v.warnings.map((e) => ({
          code: "NWB_WARNING",
          severity: "warn" as const,
          message: typeof e === "string" ? e : JSON.stringify(e),
        })),
      ],
    };
  });
}
