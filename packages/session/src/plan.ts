// The dry run of a session build (what would be read, what is missing, where outputs would go; nothing written)
// and the QC page re-rendered from a finished build's interim folder.
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { NeuroPoseError } from "@neuropose/io";
import { type QcInput, type QcThresholds, writeQcReport } from "@neuropose/qc";
import type { PipelineConfig, SessionFile } from "./config.js";
import { discoverFiles } from "./discover.js";
import { checkConfigAgainstSession, loadPipelineConfig, loadSessionFile } from "./load.js";
import { readStageSummary, summaryPath } from "./stage.js";
import { expandTemplate } from "./templates.js";

/** The stages of a build, in order (facemap and transcode run only when configured). */
export const SESSION_STAGES = [
  "ingest",
  "sync",
  "transcode",
  "events",
  "pose",
  "facemap",
  "nwb",
  "validate",
] as const;

/** Where one build reads and writes. */
export interface SessionPaths {
  sessionId: string;
  interim: string;
  processed: string;
  nwb: string;
  qcDir: string;
}

/**
 * A build's output paths (shared by the build and its dry run): the config's roots resolved against `root` (default:
 * the config's folder), the NWB name and QC folder templates substituted.
 *
 * @example
 * ```ts
 * import { parsePipelineConfig, parseSessionFile, sessionPaths } from "@neuropose/session";
 * const c = parsePipelineConfig('[project]\nname = "lab"\n').value;
 * const s = parseSessionFile('[session]\nid = "S1"\nsubject_id = "m"\ndate = "2025-01-01"\n').value;
 * console.log(sessionPaths(c, s, { configFile: "/lab/config.toml" }).nwb); // /lab/data/processed/S1/S1.nwb
 * ```
 */
export function sessionPaths(
  config: PipelineConfig,
  session: SessionFile,
  options: { configFile: string; root?: string; output?: string },
): SessionPaths {
  const sid = session.session.id;
  const root = resolve(options.root ?? dirname(options.configFile));
  const at = (p: string) => resolve(root, p);
  const values = { session: session.session, project: config.project };
  const processed = join(at(config.paths.output_root), sid);
  return {
    sessionId: sid,
    interim: join(at(config.paths.intermediate_root), sid),
    processed,
    nwb: resolve(
      options.output ??
        join(processed, expandTemplate(config.nwb.file_name_template, values, "nwb.file_name_template")),
    ),
    qcDir: at(expandTemplate(config.qc.out_template, values, "qc.out_template")),
  };
}

/** One input of a plan: the config key, its glob, and the files it matches now. */
export interface PlanInput {
  key: string;
  pattern: string;
  files: { path: string; bytes: number }[];
  missing: boolean;
}

/** What {@link planSession} found. */
export interface SessionPlan {
  sessionId: string;
  sessionDir: string;
  config: PipelineConfig;
  overrides: string[];
  inputs: PlanInput[];
  /** Config keys whose glob matches nothing (a build would fail at discovery). */
  missing: string[];
  outputs: SessionPaths;
  /** Per stage: whether it would run, and the status of its summary from an earlier run. */
  stages: { stage: string; runs: boolean; previous: "ok" | "failed" | null }[];
}

/**
 * Dry run of a build: load and check both TOML files, match every input glob, list missing inputs (with the key to
 * fix) and the output paths. Reads only; writes nothing.
 *
 * @example
 * ```ts
 * import { planSession } from "@neuropose/session";
 * try {
 *   await planSession({ sessionDir: "/no/such/session", configPath: "/no/such/config.toml" });
 * } catch (e) {
 *   console.log((e as Error).message.includes("config.toml")); // true
 * }
 * ```
 */
export async function planSession(options: {
  sessionDir: string;
  configPath: string;
  set?: readonly string[];
  output?: string;
  root?: string;
}): Promise<SessionPlan> {
  const configFile = resolve(options.configPath);
  const cfg = await loadPipelineConfig(configFile, { set: options.set });
  const sessionDir = resolve(options.sessionDir);
  const sess = await loadSessionFile(join(sessionDir, cfg.value.paths.metadata_file));
  const config = cfg.value;
  const session = sess.value;
  checkConfigAgainstSession(config, session, configFile);
  const outputs = sessionPaths(config, session, {
    configFile,
    ...(options.root ? { root: options.root } : {}),
    ...(options.output ? { output: options.output } : {}),
  });
  const wanted: { key: string; pattern: string; order?: SessionFile["cameras"][number]["order"] }[] = [
    ...session.cameras.map((c, i) => ({
      key: `cameras[${i}].paths (${c.id})`,
      pattern: c.paths,
      order: c.order,
    })),
    ...session.TTLs.map((t, i) => ({ key: `TTLs[${i}].paths (${t.id})`, pattern: t.paths })),
    ...(session.bpod && config.bpod.parse
      ? [{ key: "bpod.path", pattern: session.bpod.path, order: session.bpod.order }]
      : []),
    ...session.pose.map((p, i) => ({ key: `pose[${i}].paths (${p.camera_id})`, pattern: p.paths })),
  ];
  const inputs: PlanInput[] = [];
  for (const w of wanted) {
    const files = await discoverFiles(sessionDir, w.pattern, w.order ?? "name_asc");
    inputs.push({
      key: w.key,
      pattern: w.pattern,
      files: files.map((f) => ({ path: f.relative, bytes: f.bytes })),
      missing: files.length === 0,
    });
  }
  const runs: Record<string, boolean> = {
    transcode: config.video.transcode.enabled,
    events: Boolean(session.bpod && config.bpod.parse),
    pose: session.pose.length > 0,
    facemap: config.facemap.ROIs.length > 0 && session.cameras.length > 0,
  };
  const stages = [];
  for (const stage of SESSION_STAGES)
    stages.push({
      stage,
      runs: runs[stage] ?? true,
      previous: (await readStageSummary(outputs.interim, stage))?.status ?? null,
    });
  return {
    sessionId: session.session.id,
    sessionDir,
    config,
    overrides: cfg.overrides,
    inputs,
    missing: inputs.filter((i) => i.missing).map((i) => i.key),
    outputs,
    stages,
  };
}

/** The QC page's input as a build records it in the interim folder (`qc_input.json`). */
export interface RecordedQc {
  schema_version: 1;
  qc_dir: string;
  thresholds: QcThresholds;
  input: QcInput;
}

/** Name of the file a build leaves in the interim folder for {@link renderSessionQc}. */
export const QC_INPUT_FILE = "qc_input.json";

/**
 * Re-render a session's QC page from its interim folder: the measurements the build recorded (`qc_input.json`)
 * and the current `<stage>_summary.json` files (a stage re-run since is picked up). Writes `index.html` and
 * `qc_summary.json` (atomically) into `outDir` or the folder the build used.
 *
 * @example
 * ```ts
 * import { renderSessionQc } from "@neuropose/session";
 * await renderSessionQc("/no/such/interim").catch((e) => console.log(e.code)); // E_SESSION_QC_INPUT
 * ```
 */
export async function renderSessionQc(
  interimDir: string,
  options: { outDir?: string } = {},
): Promise<{ html: string; summary: string; verdict: string }> {
  const file = join(resolve(interimDir), QC_INPUT_FILE);
  let recorded: RecordedQc;
  try {
    recorded = JSON.parse(await readFile(file, "utf8"), (_k, v) =>
      v === "NaN" ? Number.NaN : v === "Infinity" ? Number.POSITIVE_INFINITY : v,
    ) as RecordedQc;
  } catch (e) {
    throw new NeuroPoseError("E_SESSION_QC_INPUT", `cannot read ${file}: ${(e as Error).message}`, {
      path: file,
      kind: "user",
      hint: "name the interim folder of a built session (data/interim/<session>), or build it first",
      cause: e,
    });
  }
  const outDir = resolve(options.outDir ?? recorded.qc_dir);
  const summaries = [];
  for (const s of recorded.input.summaries) {
    const now = (await readStageSummary(resolve(interimDir), s.stage)) ?? null;
    summaries.push({
      stage: s.stage,
      status: now?.status ?? s.status,
      href: relative(outDir, summaryPath(resolve(interimDir), s.stage)),
      wall_s: now?.wall_s ?? s.wall_s,
      flags: now ? now.flags.map((f) => ({ ...f, stage: s.stage })) : s.flags,
    });
  }
  const input: QcInput = { ...recorded.input, summaries };
  const out = await writeQcReport(outDir, input, recorded.thresholds);
  const summary = JSON.parse(await readFile(out.summary, "utf8")) as { verdict: string };
  return { ...out, verdict: summary.verdict };
}
