// What every stage of `buildSession` shares: the loaded config and session file, the session's paths, ffmpeg,
// the discovered input files, the TTL pulse reader and the stage runner (cache check, summary, error prefix).
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { resolveFfmpeg } from "@neuropose/infer";
import { NeuroPoseError } from "@neuropose/io";
import { extractSpikeGlxEdges, readTtlEdges } from "@neuropose/sync";
import { concatFloat64 } from "./_interim-files.js";
import type { PipelineConfig, SessionFile } from "./config.js";
import { type FoundFile, requireFiles } from "./discover.js";
import { checkConfigAgainstSession, type Loaded, loadPipelineConfig, loadSessionFile } from "./load.js";
import { sessionPaths } from "./plan.js";
import { runStage, type StageOutcome, type StageResult, type StageSummary, summaryPath } from "./stage.js";

/** Options of `buildSession` (re-exported from build.ts). */
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

/** The session's input files, found once (every stage needs some of them). */
export interface SessionFiles {
  cameras: Map<string, FoundFile[]>;
  ttls: Map<string, FoundFile[]>;
  bpod: FoundFile[];
  pose: Map<string, { files: FoundFile[]; format: string }>;
  facemap: Map<string, FoundFile[]>;
}

/** The state one build shares between its stages. */
export interface BuildContext {
  options: BuildSessionOptions;
  configFile: string;
  cfg: Loaded<PipelineConfig>;
  sess: Loaded<SessionFile>;
  config: PipelineConfig;
  session: SessionFile;
  sid: string;
  interim: string;
  processed: string;
  nwbPath: string;
  qcDir: string;
  /** `<interim>/manifest.json`, written by ingest. */
  manifestPath: string;
  tools: ReturnType<typeof resolveFfmpeg>;
  files: SessionFiles;
  /** Every stage's summary, in the order the stages ran. */
  summaries: StageSummary[];
  /** Runs one stage through `runStage` (skipped when unchanged), reporting it and naming it in its errors. */
  stage(
    name: string,
    inputs: string[],
    stageConfig: unknown,
    fn: () => Promise<StageResult>,
  ): Promise<StageOutcome>;
  /** Pulses of one TTL line (see {@link pulseReader}). */
  readPulses(id: string, files: FoundFile[]): Promise<Float64Array>;
}

/** A user error of the build (`kind` "user"). */
export function fail(code: string, message: string, path?: string, hint?: string): NeuroPoseError {
  return new NeuroPoseError(code, message, { path, hint, kind: "user" });
}

/** The paths of every file of a discovered group, in order. */
export const allInputs = (m: Map<string, FoundFile[]>) => [...m.values()].flat().map((f) => f.path);

/** Loads and cross-checks the config and session file, lays out the paths and finds every input file. */
export async function openBuild(options: BuildSessionOptions): Promise<BuildContext> {
  const configFile = resolve(options.configPath);
  const cfg = await loadPipelineConfig(configFile, { set: options.set });
  const sessionDir = resolve(options.sessionDir);
  const sess = await loadSessionFile(join(sessionDir, cfg.value.paths.metadata_file));
  const config: PipelineConfig = cfg.value;
  const session: SessionFile = sess.value;
  checkConfigAgainstSession(config, session, configFile);
  const sid = session.session.id;
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
  const stage: BuildContext["stage"] = async (name, inputs, stageConfig, fn) => {
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
  return {
    options,
    configFile,
    cfg,
    sess,
    config,
    session,
    sid,
    interim,
    processed,
    nwbPath,
    qcDir,
    manifestPath: join(interim, "manifest.json"),
    tools,
    files: await discoverInputs(sessionDir, config, session),
    summaries,
    stage,
    readPulses: pulseReader(session),
  };
}

/** Every input file the session names (cheap; a missing one is a user error naming the session.toml key). */
async function discoverInputs(
  sessionDir: string,
  config: PipelineConfig,
  session: SessionFile,
): Promise<SessionFiles> {
  const cameras = new Map<string, FoundFile[]>();
  for (const [i, c] of session.cameras.entries())
    cameras.set(c.id, await requireFiles(sessionDir, c.paths, c.order, `cameras[${i}].paths (${c.id})`));
  const ttls = new Map<string, FoundFile[]>();
  for (const [i, t] of session.TTLs.entries())
    ttls.set(t.id, await requireFiles(sessionDir, t.paths, "name_asc", `TTLs[${i}].paths (${t.id})`));
  const bpod =
    session.bpod && config.bpod.parse
      ? await requireFiles(sessionDir, session.bpod.path, session.bpod.order, "bpod.path")
      : [];
  const pose = new Map<string, { files: FoundFile[]; format: string }>();
  for (const [i, p] of session.pose.entries())
    pose.set(p.camera_id, {
      files: await requireFiles(sessionDir, p.paths, "name_asc", `pose[${i}].paths (${p.camera_id})`),
      format: p.format,
    });
  const facemap = new Map<string, FoundFile[]>();
  for (const [i, f] of session.facemap.entries())
    facemap.set(
      f.camera_id,
      await requireFiles(sessionDir, f.paths, "name_asc", `facemap[${i}].paths (${f.camera_id})`),
    );
  return { cameras, ttls, bpod, pose, facemap };
}

/**
 * Pulses of one TTL line: text edge files, or rising edges of one bit of SpikeGLX recordings (streamed), the
 * files' times concatenated in order.
 */
function pulseReader(session: SessionFile): BuildContext["readPulses"] {
  const nidqEdges = new Map<string, ReturnType<typeof extractSpikeGlxEdges>>();
  return async (id, files) => {
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
    return concatFloat64(parts);
  };
}
