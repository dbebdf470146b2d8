// `buildSession`: one recorded session folder → interim stage outputs → one NWB file → validation → QC page.
// This is the only place that composes the stage packages (pose-formats, trials, sync, facemap, qc) with nwb and
// infer; they never import each other. Every stage runs through `runStage` (skip when unchanged, summary on
// success and on failure), so a failed run leaves the completed stages' outputs valid and a re-run after a fix
// redoes only what changed.
import { execFile } from "node:child_process";
import { mkdir, open, readFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import {
  type FacemapSeries,
  facemapNpySeries,
  facemapProcSeries,
  facialMetricsCsv,
  motionEnergy,
  type ProcMatValue,
} from "@neuropose/facemap";
import { probeVideo, resolveFfmpeg, type VideoInfo } from "@neuropose/infer";
import { NeuroPoseError, openAtomicTarget, writeFileAtomic } from "@neuropose/io";
import { type NwbFileSpec, type NwbTimeSeries, validateNwb, writeNwb } from "@neuropose/nwb";
import { type PoseChunkReader, poseChunksToNwb } from "@neuropose/pose-formats";
import { type QcInput, writeQcReport } from "@neuropose/qc";
import {
  alignTrialsToPulses,
  detectDrops,
  drift,
  extractSpikeGlxEdges,
  jitter,
  nominalTimebase,
  readTtlEdges,
} from "@neuropose/sync";
import { readMatFile, readTrials, type TrialsResult } from "@neuropose/trials";
import { neuroposeChunks } from "./_neuropose.js";
import { importPose, openPoseForNwb, type PoseInfo, readPoseInfo } from "./_pose.js";
import type { PipelineConfig, SessionFile } from "./config.js";
import { type FoundFile, requireFiles } from "./discover.js";
import { checkConfigAgainstSession, loadPipelineConfig, loadSessionFile } from "./load.js";
import { MANIFEST_VERSION, type Manifest } from "./manifest.js";
import { QC_INPUT_FILE, type RecordedQc, sessionPaths } from "./plan.js";
import { readStageSummary, runStage, type StageFlag, type StageSummary, summaryPath } from "./stage.js";
import { expandTemplate } from "./templates.js";

/** Options of {@link buildSession}. */
export interface BuildSessionOptions {
  /** The recorded session folder (holds session.toml, or the config's `paths.metadata_file`). */
  sessionDir: string;
  /** The pipeline config (config.toml). */
  configPath: string;
  /** `--set key=value` overrides of the pipeline config. */
  set?: readonly string[];
  /** The NWB file (default: `<output_root>/<session>/<file_name_template>`). */
  output?: string;
  /** Root for the interim/processed/qc folders (default: the folder the config sits in). */
  root?: string;
  /** Redo every stage. */
  force?: boolean;
  /** ffmpeg/ffprobe paths (default: resolved like neuropose-infer). */
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Where converted pose models are cached, for `pose.source = "neuropose"` (the app passes the setting). */
  modelCacheDir?: string;
  signal?: AbortSignal;
  /** Called as each stage starts and ends. */
  onStage?: (event: {
    stage: string;
    state: "start" | "done" | "skipped" | "failed";
    summary?: StageSummary;
  }) => void;
}

/** What a build produced. */
export interface BuildSessionResult {
  sessionId: string;
  nwb: string;
  qc: string | null;
  interim: string;
  summaries: StageSummary[];
  flags: StageFlag[];
}

interface CameraSync {
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

/**
 * JSON with typed arrays written as arrays (non-finite numbers as strings, as `renderSessionQc` reads them back),
 * atomically and streamed: each typed array is written in blocks, so an hour of per-frame values never becomes
 * one giant string (JSON.stringify of the QC input of a 60 min session peaked at ~180 MB).
 */
async function writeJsonStreamed(file: string, value: unknown): Promise<void> {
  const arrays: ArrayLike<number>[] = [];
  const skeleton = JSON.stringify(value, (_k, v) => {
    if (ArrayBuffer.isView(v)) {
      arrays.push(v as unknown as ArrayLike<number>);
      return `\u0000${arrays.length - 1}\u0000`;
    }
    return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  });
  const parts = skeleton.split(/"\\u0000(\d+)\\u0000"/);
  await writeStreamed(file, async (write) => {
    for (let p = 0; p < parts.length; p++) {
      if (p % 2 === 0) {
        await write(parts[p] as string);
        continue;
      }
      const a = arrays[Number(parts[p])] as ArrayLike<number>;
      await write("[");
      for (let start = 0; start < a.length; start += 16_384) {
        const cells: string[] = [];
        for (let i = start; i < Math.min(a.length, start + 16_384); i++) {
          const x = a[i] as number;
          cells.push(Number.isFinite(x) ? String(x) : `"${x}"`);
        }
        await write((start ? "," : "") + cells.join(","));
      }
      await write("]");
    }
    await write("\n");
  });
}

/** `timestamps_<camera>.csv`, written atomically in blocks of 16k rows (memory stays flat in session length). */
async function writeTimestampsCsv(file: string, timestamps: Float64Array): Promise<void> {
  await writeStreamed(file, async (write) => {
    await write("frame_index,timestamp\n");
    for (let start = 0; start < timestamps.length; start += 16_384) {
      const rows: string[] = [];
      for (let i = start; i < Math.min(timestamps.length, start + 16_384); i++)
        rows.push(`${i},${csvNumber(timestamps[i] as number)}\n`);
      await write(rows.join(""));
    }
  });
}

/** A file written piece by piece into a temp file, then committed atomically (removed on error). */
async function writeStreamed(file: string, body: (write: (s: string) => Promise<unknown>) => Promise<void>) {
  const target = await openAtomicTarget(file);
  try {
    const handle = await open(target.tmp, "wx");
    try {
      await body((piece) => handle.write(piece));
    } finally {
      await handle.close();
    }
    await target.commit();
  } catch (err) {
    await target.abort();
    throw err;
  }
}

function fail(code: string, message: string, path?: string, hint?: string): NeuroPoseError {
  return new NeuroPoseError(code, message, { path, hint, kind: "user" });
}

const csvNumber = (v: number) => (Number.isFinite(v) ? String(v) : "NaN");

/** A facial-metrics CSV (time + one column per metric) back as columns, NaN kept. */
function readMetricsCsv(text: string): Map<string, Float64Array> {
  const lines = text.trim().split("\n");
  const names = (lines[0] as string).split(",").slice(1);
  const cols = names.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(",");
    for (let k = 0; k < names.length; k++) (cols[k] as Float64Array)[i - 1] = Number(cells[k + 1]);
  }
  return new Map(names.map((nm, k) => [nm, cols[k] as Float64Array]));
}

/** Each inter-pulse interval minus the period (seconds). */
function intervalDeviations(pulses: Float64Array, period: number): Float64Array {
  const dev = new Float64Array(pulses.length - 1);
  for (let i = 1; i < pulses.length; i++)
    dev[i - 1] = (pulses[i] as number) - (pulses[i - 1] as number) - period;
  return dev;
}

function percentile95(values: Float64Array): number {
  const v = values.filter(Number.isFinite).sort(); // typed: an hour at 150 Hz is 540k values
  if (v.length === 0) return Number.NaN;
  const r = 0.95 * (v.length - 1);
  const lo = Math.floor(r);
  const hi = Math.ceil(r);
  return (v[lo] as number) + ((v[hi] as number) - (v[lo] as number)) * (r - lo);
}

/**
 * Build one session: ingest → sync → pose → events → NWB → validate → QC, each stage's summary in the interim
 * folder. Throws the first failing stage's error (a `NeuroPoseError` naming the stage, the file and the fix).
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
  const configFile = resolve(options.configPath);
  const cfg = await loadPipelineConfig(configFile, { set: options.set });
  const sessionDir = resolve(options.sessionDir);
  const sess = await loadSessionFile(join(sessionDir, cfg.value.paths.metadata_file));
  const config: PipelineConfig = cfg.value;
  const session: SessionFile = sess.value;
  checkConfigAgainstSession(config, session, configFile);
  const sid = session.session.id;
  const templateValues = { session: session.session, project: config.project };
  const {
    interim,
    processed,
    nwb: nwbPath,
    qcDir,
  } = sessionPaths(config, session, {
    configFile,
    ...(options.root ? { root: options.root } : {}),
    ...(options.output ? { output: options.output } : {}),
  });
  await mkdir(interim, { recursive: true });
  const tools = resolveFfmpeg({ ffmpegPath: options.ffmpegPath, ffprobePath: options.ffprobePath });
  const summaries: StageSummary[] = [];
  const stage = async (
    name: string,
    inputs: string[],
    stageConfig: unknown,
    fn: () => Promise<import("./stage.js").StageResult>,
  ) => {
    options.onStage?.({ stage: name, state: "start" });
    try {
      const out = await runStage(
        {
          stage: name,
          sessionId: sid,
          summaryDir: interim,
          inputs,
          config: stageConfig,
          force: options.force,
          signal: options.signal,
        },
        fn,
      );
      summaries.push(out.summary);
      options.onStage?.({ stage: name, state: out.skipped ? "skipped" : "done", summary: out.summary });
      return out;
    } catch (err) {
      options.onStage?.({ stage: name, state: "failed" });
      if (err instanceof NeuroPoseError && !err.message.startsWith(`${name}:`))
        throw new NeuroPoseError(err.code, `${name}: ${err.message}`, {
          path: err.path,
          hint: err.hint ?? `see ${summaryPath(interim, name)}`,
          kind: err.kind,
          cause: err,
        });
      throw err;
    }
  };

  // ---- discovery (cheap; every stage needs it) ----
  const cameraFiles = new Map<string, FoundFile[]>();
  for (const [i, c] of session.cameras.entries())
    cameraFiles.set(c.id, await requireFiles(sessionDir, c.paths, c.order, `cameras[${i}].paths (${c.id})`));
  const ttlFiles = new Map<string, FoundFile[]>();
  for (const [i, t] of session.TTLs.entries())
    ttlFiles.set(t.id, await requireFiles(sessionDir, t.paths, "name_asc", `TTLs[${i}].paths (${t.id})`));
  const bpodFiles =
    session.bpod && config.bpod.parse
      ? await requireFiles(sessionDir, session.bpod.path, session.bpod.order, "bpod.path")
      : [];
  const poseFiles = new Map<string, { files: FoundFile[]; format: string }>();
  for (const [i, p] of session.pose.entries())
    poseFiles.set(p.camera_id, {
      files: await requireFiles(sessionDir, p.paths, "name_asc", `pose[${i}].paths (${p.camera_id})`),
      format: p.format,
    });
  const facemapFiles = new Map<string, FoundFile[]>();
  for (const [i, f] of session.facemap.entries())
    facemapFiles.set(
      f.camera_id,
      await requireFiles(sessionDir, f.paths, "name_asc", `facemap[${i}].paths (${f.camera_id})`),
    );
  const allInputs = (m: Map<string, FoundFile[]>) => [...m.values()].flat().map((f) => f.path);
  // Pulses of one TTL line: text edge files, or rising edges of one bit of SpikeGLX recordings (streamed), the
  // files' times concatenated in order.
  const nidqEdges = new Map<string, ReturnType<typeof extractSpikeGlxEdges>>();
  const readPulses = async (id: string, files: FoundFile[]): Promise<Float64Array> => {
    const entry = session.TTLs.find((t) => t.id === id);
    const parts: Float64Array[] = [];
    for (const f of files) {
      if (entry?.bit === undefined) {
        parts.push(await readTtlEdges(f.path));
        continue;
      }
      // TTL lines on other bits of the same recording share one streamed pass over the (possibly many-GB) file.
      const key = `${f.path}#${entry.channel ?? ""}`;
      let edges = nidqEdges.get(key);
      if (!edges) {
        const bits = session.TTLs.filter((t) => t.bit !== undefined && t.channel === entry.channel).map(
          (t) => t.bit as number,
        );
        edges = extractSpikeGlxEdges(f.path, {
          bits: [...new Set(bits)].sort((a, b) => a - b),
          ...(entry.channel !== undefined ? { channels: [entry.channel] } : {}),
        });
        nidqEdges.set(key, edges);
      }
      const bit = (await edges).channels[0]?.bits.find((b) => b.bit === entry.bit);
      parts.push(bit?.rising ?? new Float64Array(0));
    }
    if (parts.length === 1) return parts[0] as Float64Array;
    const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return all;
  };

  // ---- ingest: count frames and pulses, verify, write the manifest ----
  const manifestPath = join(interim, "manifest.json");
  const pulses = new Map<string, Float64Array>();
  await stage(
    "ingest",
    [...allInputs(cameraFiles), ...allInputs(ttlFiles), ...bpodFiles.map((f) => f.path)],
    { verification: config.verification, session: session.cameras },
    async () => {
      const flags: StageFlag[] = [];
      for (const [id, files] of ttlFiles) pulses.set(id, await readPulses(id, files));
      const videos: Manifest["videos"] = [];
      // ffprobe reads every packet of every file to count the frames: cameras are probed in parallel.
      const probed = new Map(
        await Promise.all(
          session.cameras.map(
            async (cam) =>
              [
                cam.id,
                await Promise.all(
                  (cameraFiles.get(cam.id) as FoundFile[]).map((f) =>
                    probeVideo(f.path, tools, options.signal, { timestamps: false }),
                  ),
                ),
              ] as const,
          ),
        ),
      );
      for (const cam of session.cameras) {
        const files = cameraFiles.get(cam.id) as FoundFile[];
        const infos = probed.get(cam.id) as VideoInfo[];
        const frames = infos.reduce((n, v) => n + v.frameCount, 0);
        const first = infos[0] as VideoInfo;
        const pulseCount = cam.ttl_id ? (pulses.get(cam.ttl_id)?.length ?? 0) : undefined;
        if (pulseCount !== undefined) {
          const diff = frames - pulseCount;
          if (Math.abs(diff) > config.verification.mismatch_tolerance_frames) {
            const message = `camera ${cam.id}: ${frames} video frames but ${pulseCount} pulses on ${cam.ttl_id} (difference ${diff}, tolerance ${config.verification.mismatch_tolerance_frames})`;
            flags.push({
              code: "E_SESSION_FRAME_PULSE_MISMATCH",
              severity: config.verification.warn_on_mismatch ? "warn" : "fail",
              message,
              value: diff,
              threshold: config.verification.mismatch_tolerance_frames,
              subject: cam.id,
            });
          }
        }
        videos.push({
          camera_id: cam.id,
          paths: files.map((f) => f.relative),
          codec: first.codec,
          fps: first.fps,
          duration_s: infos.reduce((s, v) => s + v.durationS, 0),
          resolution: [first.width, first.height],
          rotation_deg: first.rotation,
          frame_count: frames,
          frame_counts: infos.map((v) => v.frameCount),
          ...(cam.ttl_id ? { ttl_id: cam.ttl_id, pulse_count: pulseCount } : {}),
        });
      }
      const manifest: Manifest = {
        schema_version: MANIFEST_VERSION,
        session_id: sid,
        videos,
        sync: session.TTLs.map((t) => ({
          id: t.id,
          paths: (ttlFiles.get(t.id) as FoundFile[]).map((f) => f.relative),
          type: t.bit === undefined ? ("ttl_edges" as const) : ("spikeglx_nidq" as const),
          pulse_count: pulses.get(t.id)?.length ?? 0,
        })),
        events: bpodFiles.length
          ? [{ paths: bpodFiles.map((f) => f.relative), kind: "bpod_mat" as const }]
          : [],
        pose: session.pose.map((p) => ({
          camera_id: p.camera_id,
          paths: (poseFiles.get(p.camera_id)?.files ?? []).map((f) => f.relative),
          format: p.format,
        })),
        files: [],
        config_snapshot: { config, session, overrides: cfg.overrides },
        provenance: {
          created_at: new Date().toISOString(),
          config_sha256: cfg.sha256,
          session_sha256: sess.sha256,
          neuropose_version: "0.1.0",
        },
      };
      await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      return {
        outputs: [manifestPath],
        counts: {
          cameras: videos.length,
          ttls: manifest.sync.length,
          frames: videos.reduce((n, v) => n + v.frame_count, 0),
        },
        flags,
      };
    },
  );
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as Manifest;
  // Cached ingest: the pulses are re-read (cheap, streamed) for the stages that use them.
  if (pulses.size === 0) for (const [id, files] of ttlFiles) pulses.set(id, await readPulses(id, files));

  // ---- sync: per-camera timestamps on the chosen timebase, jitter/drift/drops, trial alignment ----
  const syncDir = join(interim, "sync");
  const cameraSync = new Map<string, CameraSync>();
  const computeSync = () => {
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
            ttlFiles.get((cam?.ttl_id ?? config.timebase.ttl_id) as string)?.[0]?.path,
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
          p95: percentile95(intervalDeviations(ttl, j.period).map(Math.abs)),
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
  };
  await stage(
    "sync",
    [manifestPath, ...allInputs(ttlFiles)],
    { timebase: config.timebase, sync: config.sync },
    async () => {
      computeSync();
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
  if (cameraSync.size === 0) computeSync();

  // ---- transcode (optional): mezzanine copies per the config, each written atomically, cameras in parallel ----
  const mezzanine = new Map<string, string[]>();
  const tc = config.video.transcode;
  const mezzaninePath = (cameraId: string, f: FoundFile) =>
    join(interim, "video", cameraId, `${basename(f.relative).replace(/\.[^.]+$/, "")}.mp4`);
  if (tc.enabled) {
    const encoder =
      ({ h264: "libx264", h265: "libx265", hevc: "libx265" } as Record<string, string>)[tc.codec] ?? tc.codec;
    await stage("transcode", [manifestPath, ...allInputs(cameraFiles)], { transcode: tc }, async () => {
      const outputs = await Promise.all(
        [...cameraFiles].map(async ([cameraId, files]) => {
          const done: string[] = [];
          for (const f of files) {
            const target = await openAtomicTarget(mezzaninePath(cameraId, f), { keepExtension: true });
            try {
              await new Promise<void>((ok, bad) =>
                execFile(
                  tools.ffmpeg,
                  [
                    ...[
                      "-hide_banner",
                      "-nostdin",
                      "-loglevel",
                      "error",
                      "-y",
                      "-i",
                      f.path,
                      "-map",
                      "0:v:0",
                    ],
                    ...[
                      "-c:v",
                      encoder,
                      "-crf",
                      String(tc.crf),
                      "-preset",
                      tc.preset,
                      "-g",
                      String(tc.keyint),
                    ],
                    ...["-pix_fmt", "yuv420p", "-an", "-vsync", "0", target.tmp],
                  ],
                  { maxBuffer: 16 << 20, ...(options.signal ? { signal: options.signal } : {}) },
                  (err, _out, stderr) =>
                    err
                      ? bad(
                          fail(
                            "E_SESSION_TRANSCODE",
                            `camera ${cameraId}: ffmpeg could not transcode ${f.relative}: ${String(stderr).trim().split("\n").pop() || err.message}`,
                            f.path,
                            'check video.transcode.codec/preset in the config (e.g. codec = "h264", preset = "fast")',
                          ),
                        )
                      : ok(),
                ),
              );
              await target.commit();
            } catch (err) {
              await target.abort();
              throw err;
            }
            done.push(target.path);
          }
          mezzanine.set(cameraId, done);
          return done;
        }),
      );
      return { outputs: outputs.flat(), counts: { files: outputs.flat().length } };
    });
    for (const [cameraId, files] of cameraFiles)
      if (!mezzanine.has(cameraId))
        mezzanine.set(
          cameraId,
          files.map((f) => mezzaninePath(cameraId, f)),
        );
  }

  // ---- events: Bpod trials, aligned to their sync TTL ----
  let trials: TrialsResult | null = null;
  let trialOffsets: Float64Array | null = null;
  const eventsDir = join(interim, "events");
  if (bpodFiles.length) {
    const read = async () => {
      trials = await readTrials(
        bpodFiles.map((f) => f.path),
        { order: session.bpod?.order, continuousTime: session.bpod?.continuous_time },
      );
      const t = trials as TrialsResult;
      trialOffsets = new Float64Array(t.trials.length).fill(Number.NaN);
      // Each TTL line's pulses are shared by every trial type synced on it: trials take the next unused pulse in
      // trial order (the W2T design), so all trial types of one line are aligned in one pass.
      const types = session.bpod?.trial_types ?? [];
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
    await stage(
      "events",
      [...bpodFiles.map((f) => f.path), ...allInputs(ttlFiles)],
      { bpod: session.bpod },
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

  // ---- pose: import per camera, chunk by chunk (timestamps from sync), Parquet + sidecar + info for later stages ----
  const poses = new Map<string, PoseInfo>();
  const poseDir = join(interim, "pose");
  const poseInfoFile = (cameraId: string) => join(poseDir, `${cameraId}.pose_info.json`);
  // pose.source = "neuropose": our BlazePose on every camera without a [[pose]] file to import.
  const blazeCameras =
    config.pose.source === "neuropose"
      ? session.cameras.filter((c) => !poseFiles.has(c.id)).map((c) => c.id)
      : [];
  const predictionsPath = (cameraId: string, i: number) => join(poseDir, `${cameraId}.${i}.predictions.json`);
  if (poseFiles.size || blazeCameras.length) {
    await stage(
      "pose",
      [
        ...[...poseFiles.values()].flatMap((p) => p.files.map((f) => f.path)),
        ...blazeCameras.flatMap((id) => (cameraFiles.get(id) ?? []).map((f) => f.path)),
        manifestPath,
      ],
      { pose: session.pose, source: config.pose, timebase: config.timebase },
      async () => {
        const outputs: string[] = [];
        const flags: StageFlag[] = [];
        const details: Record<string, unknown> = {};
        if (blazeCameras.length) {
          // The model is loaded (converted and cached on first use) once for all cameras and files.
          const infer = await import("@neuropose/infer");
          const pipeline = await infer.loadPipeline({
            model: config.pose.model,
            tools,
            ...(options.modelCacheDir ? { cacheDir: options.modelCacheDir } : {}),
          });
          try {
            for (const cameraId of blazeCameras) {
              const sync = cameraSync.get(cameraId) as CameraSync;
              const files = (cameraFiles.get(cameraId) ?? []).map((f, i) => ({
                video: f.path,
                out: predictionsPath(cameraId, i),
              }));
              for (const f of files)
                await infer.processVideo({
                  video: f.video,
                  pipeline,
                  output: f.out,
                  force: true,
                  ...(options.signal ? { signal: options.signal } : {}),
                });
              const predictionFiles = files.map((f) => f.out);
              const { info, parquet } = await importPose({
                cameraId,
                path: predictionFiles[0] as string,
                format: "neuropose",
                files: predictionFiles,
                reader: await neuroposeChunks(predictionFiles, cameraId),
                timestamps: sync.timestamps,
                parquet: join(poseDir, `${cameraId}.pose.parquet`),
                infoFile: poseInfoFile(cameraId),
              });
              poses.set(cameraId, info);
              outputs.push(...predictionFiles, parquet.parquet, parquet.sidecar, poseInfoFile(cameraId));
              details[cameraId] = {
                frames: info.n_frames,
                keypoints: info.keypoints.length,
                missing_points: info.missing_points,
                software: info.software,
                model: config.pose.model,
              };
            }
          } finally {
            await pipeline.dispose();
          }
        }
        for (const [cameraId, f] of poseFiles) {
          const sync = cameraSync.get(cameraId);
          if (!sync)
            throw fail(
              "E_SESSION_POSE",
              `pose for camera ${cameraId}, which has no video`,
              undefined,
              "pose[].camera_id must name a [[cameras]] id",
            );
          const { info, parquet } = await importPose({
            cameraId,
            path: (f.files[0] as FoundFile).path,
            format: f.format,
            timestamps: sync.timestamps,
            parquet: join(poseDir, `${cameraId}.pose.parquet`),
            infoFile: poseInfoFile(cameraId),
          });
          if (info.n_frames < sync.timestamps.length)
            flags.push({
              code: "POSE_SHORT",
              severity: "warn",
              subject: cameraId,
              message: `camera ${cameraId}: pose covers ${info.n_frames} of ${sync.timestamps.length} frames`,
              value: info.n_frames,
              threshold: sync.timestamps.length,
            });
          poses.set(cameraId, info);
          outputs.push(parquet.parquet, parquet.sidecar, poseInfoFile(cameraId));
          details[cameraId] = {
            frames: info.n_frames,
            keypoints: info.keypoints.length,
            individuals: info.individuals.length,
            missing_points: info.missing_points,
            software: info.software,
          };
        }
        return { outputs, flags, details, counts: { cameras: poses.size } };
      },
    );
    // A cached stage: what later stages need comes back from its info files.
    for (const cameraId of [...poseFiles.keys(), ...blazeCameras])
      if (!poses.has(cameraId)) poses.set(cameraId, await readPoseInfo(poseInfoFile(cameraId)));
  }

  // ---- facemap: motion energy per ROI rectangle, one streamed ffmpeg pass per camera file, cameras in parallel ----
  const facial = new Map<string, Map<string, Float64Array>>();
  const facemapDir = join(interim, "facemap");
  const roiRects = config.facemap.ROIs.filter((r) => typeof r !== "string");
  const roiNamesOnly = config.facemap.ROIs.filter((r): r is string => typeof r === "string");
  const roisOf = (cameraId: string) =>
    roiRects.filter((r) => r.camera_id === undefined || r.camera_id === cameraId);
  const facemapCameras = manifest.videos.filter((v) => roisOf(v.camera_id).length > 0);
  const facemapCsv = (cameraId: string) => join(facemapDir, `${cameraId}.facial_metrics.csv`);
  // facemap's own outputs, imported: per camera, its series (2-D ones as `name[j]` columns in the CSV).
  const imported = new Map<string, FacemapSeries[]>();
  const importCsv = (cameraId: string) => join(facemapDir, `${cameraId}.facemap_import.csv`);
  if (facemapCameras.length || roiNamesOnly.length || facemapFiles.size) {
    await stage(
      "facemap",
      [
        manifestPath,
        ...facemapCameras.flatMap((v) => (cameraFiles.get(v.camera_id) ?? []).map((f) => f.path)),
        ...allInputs(facemapFiles),
      ],
      { facemap: config.facemap, timebase: config.timebase },
      async () => {
        const flags: StageFlag[] = roiNamesOnly.map((name) => ({
          code: "FACEMAP_ROI_WITHOUT_RECTANGLE",
          severity: "info" as const,
          subject: name,
          message: `facemap ROI "${name}" has no rectangle: skipped (give {name, x, y, width, height} in facemap.ROIs to compute it)`,
        }));
        const details: Record<string, unknown> = {};
        const outputs = await Promise.all(
          facemapCameras.map(async (v) => {
            const sync = cameraSync.get(v.camera_id) as CameraSync;
            const rois = roisOf(v.camera_id);
            const parts: Map<string, Float64Array>[] = [];
            for (const f of cameraFiles.get(v.camera_id) ?? []) {
              const r = await motionEnergy({
                video: f.path,
                width: v.resolution[0],
                height: v.resolution[1],
                rotation: (v.rotation_deg ?? 0) as 0 | 90 | 180 | 270,
                rois,
                ffmpeg: tools.ffmpeg,
                ...(options.signal ? { signal: options.signal } : {}),
              }).catch((err: unknown) => {
                if (err instanceof NeuroPoseError && err.code === "E_FACEMAP_ROI")
                  throw fail(
                    err.code,
                    `camera ${v.camera_id}: ${err.message}`,
                    configFile,
                    `fix facemap.ROIs in ${basename(configFile)} (the frame is ${v.resolution[0]}x${v.resolution[1]})`,
                  );
                throw err;
              });
              parts.push(r.metrics);
            }
            const metrics = new Map<string, Float64Array>();
            for (const roi of rois) {
              const key = `motion_energy_${roi.name}`;
              const chunks = parts.map((p) => p.get(key) as Float64Array);
              const all = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
              let o = 0;
              for (const c of chunks) {
                all.set(c, o);
                o += c.length;
              }
              metrics.set(key, all);
            }
            const n = (metrics.values().next().value as Float64Array).length;
            if (n !== sync.timestamps.length)
              throw fail(
                "E_SESSION_FACEMAP",
                `camera ${v.camera_id}: motion energy has ${n} frames but the camera has ${sync.timestamps.length} timestamps`,
                cameraFiles.get(v.camera_id)?.[0]?.path,
                "the video decodes to a different frame count than ingest counted: re-run with --force",
              );
            facial.set(v.camera_id, metrics);
            const file = facemapCsv(v.camera_id);
            await writeFileAtomic(file, facialMetricsCsv(sync.timestamps, metrics));
            details[v.camera_id] = { frames: n, rois: rois.map((r) => r.name) };
            return file;
          }),
        );
        for (const [cameraId, files] of facemapFiles) {
          const sync = cameraSync.get(cameraId) as CameraSync;
          const file = files[0] as FoundFile;
          // facemap writes *_proc.npy always (np.save of its proc dict) and *_proc.mat beside it with save_mat.
          const proc = file.path.toLowerCase().endsWith(".npy")
            ? facemapNpySeries(new Uint8Array(await readFile(file.path)), file.path)
            : facemapProcSeries(
                (await readMatFile(file.path)).variables as unknown as Record<string, ProcMatValue>,
                file.path,
              );
          if (proc.nFrames !== sync.timestamps.length)
            throw fail(
              "E_SESSION_FACEMAP",
              `camera ${cameraId}: the facemap output has ${proc.nFrames} frames but the camera has ${sync.timestamps.length} timestamps`,
              file.path,
              "is this the facemap output of that camera's video (all of its files)?",
            );
          imported.set(cameraId, proc.series);
          const cols = new Map<string, Float64Array>();
          for (const sr of proc.series)
            if (sr.width === 1) cols.set(sr.name, sr.data);
            else
              for (let j = 0; j < sr.width; j++)
                cols.set(
                  `${sr.name}[${j}]`,
                  Float64Array.from({ length: proc.nFrames }, (_, f) => sr.data[f * sr.width + j] as number),
                );
          await writeFileAtomic(importCsv(cameraId), facialMetricsCsv(sync.timestamps, cols));
          outputs.push(importCsv(cameraId));
          details[`${cameraId}_import`] = {
            file: file.relative,
            frames: proc.nFrames,
            series: proc.series.map(({ name, description, unit, width }) => ({
              name,
              description,
              unit,
              width,
            })),
          };
        }
        return {
          outputs,
          flags,
          details,
          counts: { cameras: facemapCameras.length, rois: roiRects.length, imported: facemapFiles.size },
        };
      },
    );
    // Cached: the imported series come back from their CSV tables, described by the stage summary.
    if (facemapFiles.size && imported.size === 0) {
      const summary = await readStageSummary(interim, "facemap");
      for (const cameraId of facemapFiles.keys()) {
        const meta = (summary?.details[`${cameraId}_import`] as {
          series: { name: string; description: string; unit: string; width: number }[];
        }) ?? { series: [] };
        const cols = readMetricsCsv(await readFile(importCsv(cameraId), "utf8"));
        imported.set(
          cameraId,
          meta.series.map((m) => {
            const n = (cols.values().next().value as Float64Array | undefined)?.length ?? 0;
            const data = new Float64Array(n * m.width);
            for (let j = 0; j < m.width; j++) {
              const c = cols.get(m.width === 1 ? m.name : `${m.name}[${j}]`) as Float64Array;
              for (let f = 0; f < n; f++) data[f * m.width + j] = c[f] as number;
            }
            return { ...m, data };
          }),
        );
      }
    }
    // A cached stage: the metrics come back from its CSV tables.
    for (const v of facemapCameras)
      if (!facial.has(v.camera_id)) {
        facial.set(v.camera_id, readMetricsCsv(await readFile(facemapCsv(v.camera_id), "utf8")));
      }
  }

  // ---- NWB ----
  await stage(
    "nwb",
    [manifestPath, ...summaries.flatMap((s) => s.outputs.map((o) => o.path))],
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
      const acquisition: NwbFileSpec["acquisition"] = [];
      for (const v of manifest.videos) {
        const sync = cameraSync.get(v.camera_id) as CameraSync;
        // The mezzanine copies when transcoded (same frames, seekable), else the recorded files; relative paths.
        const files = (
          mezzanine.get(v.camera_id) ?? (cameraFiles.get(v.camera_id) as FoundFile[]).map((f) => f.path)
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
          // A nominal timebase is a rate (nwbinspector asks for rate over regular timestamps); TTL times are kept.
          timing: regular
            ? { rate: sync.fps, startingTime: config.timebase.offset_s }
            : { timestamps: sync.timestamps },
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
      if (trials) {
        const t = trials as TrialsResult;
        const off = trialOffsets as unknown as Float64Array;
        const shift = (i: number) => (Number.isFinite(off[i] as number) ? (off[i] as number) : 0);
        trialsSpec = {
          kind: "TimeIntervals",
          name: "trials",
          description: `Bpod trials from ${bpodFiles.map((f) => f.relative).join(", ")}, on the session clock (each synced trial shifted by its TTL offset)`,
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
            timing: regular
              ? { rate: sync.fps, startingTime: config.timebase.offset_s }
              : { timestamps: sync.timestamps },
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
            timing: regular
              ? { rate: sync.fps, startingTime: config.timebase.offset_s }
              : { timestamps: sync.timestamps },
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
          inputs: summaries.flatMap((s) => s.inputs),
        },
      };
      try {
        await writeNwb(nwbPath, spec, { signal: options.signal });
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

  // ---- validate ----
  await stage("validate", [nwbPath], {}, async () => {
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

  // ---- QC ----
  let qcPage: string | null = null;
  if (config.qc.generate_report) {
    const input: QcInput = {
      sessionId: sid,
      createdAt: new Date().toISOString(),
      summaries: summaries.map((s) => ({
        stage: s.stage,
        status: s.status,
        href: relative(qcDir, summaryPath(interim, s.stage)),
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
      ...(trials
        ? {
            trials: {
              rows: (trials as TrialsResult).trials.map((r, i) => {
                const o = (trialOffsets as unknown as Float64Array)[i] as number;
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
    await writeJsonStreamed(join(interim, QC_INPUT_FILE), recorded);
    qcPage = (await writeQcReport(qcDir, input, thresholds)).html;
  }
  return {
    sessionId: sid,
    nwb: nwbPath,
    qc: qcPage,
    interim,
    summaries,
    flags: summaries.flatMap((s) => s.flags),
  };
}
