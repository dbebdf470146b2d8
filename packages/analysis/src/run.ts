import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import {
  type AnalysisConfig,
  type AnalysisReport,
  isNeuroPoseError,
  type Logger,
  migrateAndValidate,
  parseJson,
  type Segmentation,
  type VideoPredictions,
} from "@neuropose/io";
import {
  extractFeatureStatistics,
  extractSignal,
  type PoseSequence,
  predictionsToSequence,
} from "@neuropose/kinematics";
import { glob, isDynamicPattern } from "tinyglobby";
import {
  checkAbort,
  comparePair,
  type DtwChoice,
  pairwiseMatrix,
  segmentTrial,
  shortCycleNote,
} from "./_deps.js";
import { checkGaitJoint, hasJointNames, type ResolvedJoints, resolveConfigJoints } from "./_joints.js";
import { resampleSequence, sliceSequence } from "./_resample.js";
import { AnalysisRunError } from "./errors.js";
import { summarizeDistances } from "./summary.js";

/** Progress of a run: `stage` is "load", "segment", "compare" or "matrix". */
export interface AnalysisProgress {
  stage: "load" | "segment" | "compare" | "matrix";
  done: number;
  total: number;
  label?: string;
}

/** Optional logger: @neuropose/io's `Logger` (every method optional; @neuropose/cli-kit's createLogger fits). */
export type AnalysisLogger = Logger;

/** Options of {@link runAnalysis}. */
export interface RunAnalysisOptions {
  /** Folder that relative input paths resolve against (default: the folder of `configPath`, else the cwd). */
  baseDir?: string;
  /** Path of the YAML file, recorded in the report's analysis_provenance. */
  configPath?: string;
  /** Text of the YAML file, hashed into analysis_provenance. */
  configText?: string;
  /** Read one input file (absolute path); default: the file system. Tests inject files here. */
  readInput?: (absolutePath: string, written: string) => Promise<string | Uint8Array>;
  /** Expand glob patterns (relative to baseDir) to relative paths; default: tinyglobby, sorted. */
  expandGlob?: (pattern: string, baseDir: string) => Promise<string[]>;
  /** Worker threads for cohort matrices (passed to dtwMatrix). */
  threads?: number;
  onProgress?: (p: AnalysisProgress) => void;
  signal?: AbortSignal;
  logger?: AnalysisLogger;
}

/** One plotted signal of a trial: the signal a segmentation ran on (with its segments), or a display signal. */
export interface SignalPanel {
  /** e.g. "joint 41 axis 1" or "rhee_cycles". */
  name: string;
  signal: number[];
  /** Name of the segmentation drawn on it (null: none). */
  segmentation: string | null;
  segments: { start: number; end: number; peak: number }[];
}

/** One trial's signals (for figures). */
export interface TrialFigure {
  role: "primary" | "reference" | "cohort";
  path: string;
  fps: number;
  panels: SignalPanel[];
}

/** One compared pair (for figures): a 1-D view of both sides and the warping path. */
export interface PairFigure {
  label: string;
  reference: string;
  distance: number;
  signalName: string;
  a: number[];
  b: number[];
  path: [number, number][];
  timeNormalizedTo: number | null;
}

/** What {@link runAnalysis} returns: the report (to write as JSON) and the data the HTML page plots. */
export interface AnalysisRun {
  report: AnalysisReport;
  figures: { trials: TrialFigure[]; pairs: PairFigure[] };
}

interface Loaded {
  written: string;
  absolute: string;
  predictions: VideoPredictions;
  /** The file's provenance as written (the report stores it so, as the original did); null when absent. */
  provenance: Record<string, unknown> | null;
  sha256: string;
  bytes: number;
}

const VERSION = "0.1.0";

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

/** The YAML file's path as errors and the report show it: relative to the working directory, with "/". */
function shownConfigPath(configPath: string | undefined): string | null {
  return configPath ? toPosix(relative(process.cwd(), configPath) || configPath) : null;
}

async function defaultGlob(pattern: string, baseDir: string): Promise<string[]> {
  const found = await glob(pattern, { cwd: baseDir, onlyFiles: true, expandDirectories: false });
  return found.map(toPosix).sort();
}

function wrap(e: unknown, context: string, path?: string): unknown {
  if (isNeuroPoseError(e)) {
    return new AnalysisRunError(e.code, `${context}: ${e.message}`, {
      path: path ?? e.path,
      hint: e.hint,
      kind: e.kind,
      cause: e,
    });
  }
  return e;
}

/** One input file of a run, as written in the config and resolved on disk. */
export interface PlannedInput {
  role: "primary" | "reference" | "cohort";
  path: string;
  absolute: string;
}

/**
 * Resolve a config without running it (what `--dry-run` shows): defaults made explicit, globs in
 * `inputs.references` / `inputs.cohort` expanded (sorted) and every input resolved against `baseDir` (the YAML
 * file's folder). Throws `E_INPUT_GLOB` when a pattern matches nothing.
 *
 * @example
 * ```ts
 * import { parseAnalysisConfig, planAnalysis } from "@neuropose/analysis";
 * const cfg = parseAnalysisConfig({ inputs: { primary: "a.json" }, analysis: { kind: "none" }, output: { report: "r.json" } });
 * const plan = await planAnalysis(cfg, { baseDir: "/data/exp1" });
 * plan.inputs[0].absolute; // "/data/exp1/a.json"
 * ```
 */
export async function planAnalysis(
  config: AnalysisConfig,
  options: Pick<RunAnalysisOptions, "baseDir" | "configPath" | "expandGlob"> = {},
): Promise<{ config: AnalysisConfig; baseDir: string; inputs: PlannedInput[] }> {
  const baseDir = resolve(
    options.baseDir ?? (options.configPath ? dirname(options.configPath) : process.cwd()),
  );
  const expandGlob = options.expandGlob ?? defaultGlob;
  const resolved = resolveConfig(config);
  const expand = async (patterns: string[], what: string) => {
    const out: string[] = [];
    for (const p of patterns) {
      if (!isDynamicPattern(p)) {
        out.push(p);
        continue;
      }
      const found = await expandGlob(p, baseDir);
      if (found.length === 0) {
        throw new AnalysisRunError("E_INPUT_GLOB", `no file matches ${what} pattern '${p}'`, {
          path: baseDir,
          hint: "globs resolve against the YAML file's folder",
        });
      }
      out.push(...found);
    }
    return [...new Set(out)];
  };
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const inputs: PlannedInput[] = [];
  const i = resolved.inputs;
  if (i.cohort) {
    i.cohort = await expand(i.cohort, "inputs.cohort");
    for (const p of i.cohort) inputs.push({ role: "cohort", path: p, absolute: abs(p) });
  } else {
    if (i.primary) inputs.push({ role: "primary", path: i.primary, absolute: abs(i.primary) });
    if (i.reference) inputs.push({ role: "reference", path: i.reference, absolute: abs(i.reference) });
    if (i.references) {
      i.references = (await expand(i.references, "inputs.references")).filter((p) => p !== i.reference);
      for (const p of i.references) inputs.push({ role: "reference", path: p, absolute: abs(p) });
    }
  }
  return { config: resolved, baseDir, inputs };
}

/**
 * The config with every default made explicit (what `--dry-run` prints and the report records): for DTW,
 * `algorithm` ("exact" unless written), `radius` (1 with fastdtw) and `time_normalize` ("auto").
 *
 * @example
 * ```ts
 * import { parseAnalysisConfig, resolveConfig } from "@neuropose/analysis";
 * const cfg = parseAnalysisConfig({ inputs: { primary: "a", reference: "b" }, analysis: { kind: "dtw" }, output: { report: "r" } });
 * resolveConfig(cfg).analysis; // { ..., algorithm: "exact", time_normalize: "auto" }
 * ```
 */
export function resolveConfig(config: AnalysisConfig): AnalysisConfig {
  const c = structuredClone(config);
  if (c.analysis.kind === "dtw") {
    const a = c.analysis;
    a.algorithm = a.algorithm ?? "exact";
    if (a.algorithm === "fastdtw") a.radius = a.radius ?? 1;
    a.time_normalize = a.time_normalize ?? "auto";
  }
  return c;
}

/**
 * The 1-D signal drawn for a trial or a pair. `config` has every joint as an index (computing); `written` is the
 * config as written (joint names, for labels).
 */
function displaySignal(
  seq: PoseSequence,
  config: AnalysisConfig,
  written: AnalysisConfig = config,
): { name: string; values: Float64Array } | null {
  const seg = config.segmentation;
  try {
    const an = config.analysis;
    if (
      an.kind === "dtw" &&
      an.representation === "angles" &&
      an.angle_triplets &&
      an.angle_triplets.length > 0
    ) {
      // Pairs compared on joint angles are drawn on the first angle, in degrees.
      const t = an.angle_triplets[0] as [number, number, number];
      const values = extractSignal(seq, { kind: "joint_angle", triplet: t }).map((v) => (v * 180) / Math.PI);
      const w = (written.analysis.kind === "dtw" ? written.analysis.angle_triplets?.[0] : undefined) ?? t;
      const at = typeof w[1] === "string" ? w[1] : `joint ${w[1]}`;
      return { name: `angle at ${at} (${w.join("-")}), degrees`, values };
    }
    if (seg?.kind === "extractor") {
      return { name: `${seg.extractor.kind}`, values: extractSignal(seq, seg.extractor) };
    }
    if (seg?.kind === "gait_cycles" || seg?.kind === "gait_cycles_bilateral") {
      const joint = seg.kind === "gait_cycles" ? seg.joint : "rhee";
      const spec = { kind: "joint_axis", joint, axis: seg.axis, invert: seg.invert } as const;
      return { name: `${joint} ${seg.axis}`, values: extractSignal(seq, spec) };
    }
    if (config.analysis.kind === "stats") {
      return { name: config.analysis.extractor.kind, values: extractSignal(seq, config.analysis.extractor) };
    }
    if (config.analysis.kind === "dtw" && config.analysis.method === "dtw_relation") {
      // dtw_relation has both joints (the config schema requires them).
      const spec = {
        kind: "joint_pair_distance",
        joints: [config.analysis.joint_i, config.analysis.joint_j] as [number | string, number | string],
      } as const;
      const w =
        written.analysis.kind === "dtw" ? [written.analysis.joint_i, written.analysis.joint_j] : spec.joints;
      return { name: `distance ${w.join("-")}`, values: extractSignal(seq, spec) };
    }
    // Coordinates: the vertical coordinate of the joint that moves most vertically.
    let best = 0;
    let bestRange = -1;
    for (let j = 0; j < seq.joints; j++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let f = 0; f < seq.frames; f++) {
        const v = seq.data[(f * seq.joints + j) * 3 + 1];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi - lo > bestRange) {
        bestRange = hi - lo;
        best = j;
      }
    }
    return {
      name: `joint ${best} y`,
      values: extractSignal(seq, { kind: "joint_axis", joint: best, axis: 1 }),
    };
  } catch {
    return null;
  }
}

/**
 * Run one analysis (load → segment → align → DTW, statistics or nothing → report), as the original's
 * `run_analysis` with its defects fixed: inputs resolve relative to the YAML file (`baseDir`), paired cycles of
 * different lengths are time-normalised before a Procrustes alignment (recorded in `results.time_normalized`),
 * `person_index` reaches every stage, and the report is plain data ready for valid JSON. Extensions: several
 * references (`inputs.references`, globs), cohort matrices (`inputs.cohort`), exact DTW by default
 * (`analysis.algorithm: fastdtw` reproduces the original's numbers), and `analysis_provenance` with the
 * resolved config and SHA-256 of every input.
 *
 * @example
 * ```ts
 * import { parseAnalysisConfig, runAnalysis, synthesizeGaitPredictions } from "@neuropose/analysis";
 * import { stringifyJson } from "@neuropose/io";
 * const files: Record<string, unknown> = {
 *   "a.json": synthesizeGaitPredictions({ seed: 1 }),
 *   "b.json": synthesizeGaitPredictions({ seed: 2, cadence: 100 }),
 * };
 * const config = parseAnalysisConfig({
 *   inputs: { primary: "a.json", reference: "b.json" },
 *   segmentation: { kind: "gait_cycles" },
 *   analysis: { kind: "dtw", align: "procrustes_per_sequence" },
 *   output: { report: "report.json" },
 * });
 * const { report } = await runAnalysis(config, { readInput: async (_abs, p) => stringifyJson(files[p]) });
 * console.log(report.results.kind); // "dtw"
 * ```
 */
export async function runAnalysis(
  config: AnalysisConfig,
  options: RunAnalysisOptions = {},
): Promise<AnalysisRun> {
  // Defaults made explicit and globs expanded once; the report records exactly this config.
  const plan = await planAnalysis(config, options);
  const baseDir = plan.baseDir;
  const resolved = plan.config;
  const readInput = options.readInput ?? ((abs: string) => readFile(abs));
  const log = options.logger;
  const personIndex = resolved.preprocessing.person_index;
  const progress = options.onProgress;

  const cache = new Map<string, Loaded>();
  async function load(written: string): Promise<Loaded> {
    const hit = cache.get(written);
    if (hit) return hit;
    const absolute = isAbsolute(written) ? written : resolve(baseDir, written);
    let data: string | Uint8Array;
    try {
      data = await readInput(absolute, written);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new AnalysisRunError(
        "E_INPUT_MISSING",
        `cannot read input ${written}${code ? ` (${code})` : ""}`,
        { path: absolute, hint: `relative inputs resolve against the YAML file's folder (${baseDir})` },
      );
    }
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    // A view on the bytes read (Buffer.from(data) would copy the whole file once more).
    const text =
      typeof data === "string"
        ? data
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
    const raw = parseJson(text, { source: written }) as Record<string, unknown>;
    const predictions = migrateAndValidate("video_predictions", raw, { source: written, logger: log });
    // Only the provenance of the parsed document is kept (not a second copy of every frame).
    const provenance = (raw.provenance ?? null) as Record<string, unknown> | null;
    const loaded: Loaded = { written, absolute, predictions, provenance, sha256, bytes: bytes.length };
    cache.set(written, loaded);
    log?.debug?.("loaded input", { path: written, frames: predictions.metadata.frame_count, sha256 });
    return loaded;
  }

  // Joints written by name resolve against every input's skeleton before anything runs (all inputs must agree);
  // `work` is the config with every joint as an index, `resolved` (names as written) is what the report records.
  const configName = shownConfigPath(options.configPath) ?? undefined;
  const skeletonOf = (l: Loaded) => ({ path: l.written, skeleton: l.predictions.metadata.skeleton });
  let work = resolved;
  let resolvedJoints: ResolvedJoints | null = null;
  if (hasJointNames(resolved)) {
    const loaded: Loaded[] = [];
    for (const input of plan.inputs) loaded.push(await load(input.path));
    const r = resolveConfigJoints(resolved, loaded.map(skeletonOf), configName);
    work = r.config;
    resolvedJoints = r.resolved;
    log?.debug?.("resolved joint names", { joints: resolvedJoints });
  }

  function toSeq(l: Loaded): PoseSequence {
    try {
      return predictionsToSequence(l.predictions, { personIndex });
    } catch (e) {
      throw wrap(e, `${l.written}`, l.absolute);
    }
  }

  function summary(l: Loaded) {
    return {
      path: l.written,
      frame_count: l.predictions.metadata.frame_count,
      fps: l.predictions.metadata.fps,
      provenance: l.provenance,
    };
  }

  const segmentationNotes: string[] = [];
  function segmentOf(l: Loaded): Record<string, Segmentation> {
    if (!resolved.segmentation) return {};
    checkGaitJoint(resolved, skeletonOf(l), configName);
    let segs: Record<string, Segmentation>;
    try {
      // Extractor joint names are resolved by @neuropose/segment against metadata.skeleton, as checked above.
      segs = segmentTrial(l.predictions, resolved.segmentation, personIndex);
    } catch (e) {
      throw wrap(e, `segmenting ${l.written}`, l.absolute);
    }
    const note = shortCycleNote(l.written, l.predictions.metadata.fps, resolved.segmentation, segs);
    if (note) segmentationNotes.push(note);
    return segs;
  }

  /** Named pieces of a trial: each segment (label `name[i]`), or the whole trial ("full_trial"). */
  function pieces(
    seq: PoseSequence,
    segs: Record<string, Segmentation>,
  ): { label: string; seq: PoseSequence }[] {
    if (!resolved.segmentation) return [{ label: "full_trial", seq }];
    const out: { label: string; seq: PoseSequence }[] = [];
    for (const [name, s] of Object.entries(segs)) {
      s.segments.forEach((g, i) => {
        out.push({ label: `${name}[${i}]`, seq: sliceSequence(seq, g.start, g.end) });
      });
    }
    return out;
  }

  const figures: AnalysisRun["figures"] = { trials: [], pairs: [] };
  function trialFigure(
    role: TrialFigure["role"],
    l: Loaded,
    seq: PoseSequence,
    segs: Record<string, Segmentation>,
  ) {
    const panels: SignalPanel[] = [];
    for (const [name, sg] of Object.entries(segs)) {
      try {
        const e = sg.config.extractor;
        const sk = l.predictions.metadata.skeleton;
        const values = extractSignal(
          seq,
          e,
          typeof sk === "string" && resolvedJoints ? { skeleton: sk } : {},
        );
        const what =
          e.kind === "joint_axis"
            ? `joint ${e.joint} ${"xyz"[e.axis]}${e.invert ? " (inverted)" : ""}`
            : e.kind;
        panels.push({
          name: `${name}: ${what}`,
          signal: Array.from(values),
          segmentation: name,
          segments: sg.segments,
        });
      } catch {
        // A signal that cannot be drawn does not stop the analysis.
      }
    }
    if (panels.length === 0) {
      const d = displaySignal(seq, work, resolved);
      if (d) panels.push({ name: d.name, signal: Array.from(d.values), segmentation: null, segments: [] });
    }
    if (panels.length > 0)
      figures.trials.push({ role, path: l.written, fps: l.predictions.metadata.fps, panels });
  }

  const inputs = resolved.inputs;
  const analysis = work.analysis;
  const provenanceInputs: { role: string; path: string; sha256: string; bytes: number }[] = [];
  const record = (role: string, l: Loaded) =>
    provenanceInputs.push({ role, path: l.written, sha256: l.sha256, bytes: l.bytes });
  // Notes of the segmentation step (pushed by segmentOf) come first, in input order.
  const notes: string[] = segmentationNotes;

  // ---------------------------------------------------------------- cohort mode
  if (inputs.cohort) {
    if (analysis.kind !== "dtw")
      throw new AnalysisRunError("E_ANALYSIS_CONFIG", "cohort needs analysis.kind: dtw");
    const paths = inputs.cohort;
    if (paths.length < 2) {
      throw new AnalysisRunError("E_INPUT_GLOB", `cohort needs at least 2 trials; got ${paths.length}`);
    }
    const items: { label: string; seq: PoseSequence }[] = [];
    const summaries = [];
    for (const [k, p] of paths.entries()) {
      checkAbort(options.signal);
      const l = await load(p);
      record("cohort", l);
      summaries.push(summary(l));
      const seq = toSeq(l);
      const segs = segmentOf(l);
      trialFigure("cohort", l, seq, segs);
      for (const piece of pieces(seq, segs)) {
        items.push({ label: resolved.segmentation ? `${p}:${piece.label}` : p, seq: piece.seq });
      }
      progress?.({ stage: "load", done: k + 1, total: paths.length, label: p });
    }
    const choice = dtwChoice(work);
    let seqs = items.map((i) => i.seq);
    const tn = analysis.time_normalize ?? "auto";
    const lengths = new Set(seqs.map((s) => s.frames));
    if (typeof tn === "number") {
      seqs = seqs.map((s) => resampleSequence(s, tn));
      notes.push(
        `every sequence was time-normalised to ${tn} frames (linear interpolation) before comparison`,
      );
    } else if (tn === "auto" && analysis.align !== "none" && lengths.size > 1) {
      const n = Math.max(...seqs.map((s) => s.frames));
      seqs = seqs.map((s) => resampleSequence(s, n));
      notes.push(
        `sequences differ in length and ${analysis.align} needs equal frame counts: every sequence was time-normalised to ${n} frames (linear interpolation)`,
      );
    }
    let matrix: number[][];
    try {
      matrix = await pairwiseMatrix(seqs, choice, {
        threads: options.threads,
        signal: options.signal,
        onProgress: (done, total) => progress?.({ stage: "matrix", done, total }),
      });
    } catch (e) {
      throw wrap(e, "cohort matrix");
    }
    const upper: number[] = [];
    for (let i = 0; i < matrix.length; i++)
      for (let j = i + 1; j < matrix.length; j++) upper.push(matrix[i][j]);
    const report: AnalysisReport = {
      schema_version: 2,
      config: resolved as unknown as Record<string, unknown>,
      provenance: null,
      primary: null,
      reference: null,
      segmentations: {},
      results: {
        kind: "cohort",
        method: analysis.method,
        algorithm: choice.algorithm,
        radius: choice.algorithm === "fastdtw" ? choice.radius : null,
        labels: items.map((i) => i.label),
        matrix,
        summary: summarizeDistances(upper),
        notes,
      },
      cohort: summaries,
      ...(resolvedJoints ? { resolved_joints: resolvedJoints } : {}),
      analysis_provenance: analysisProvenance(resolved, options, provenanceInputs),
    };
    return { report, figures };
  }

  // ---------------------------------------------------------------- primary (+ references)
  const primary = await load(inputs.primary as string);
  record("primary", primary);
  progress?.({ stage: "load", done: 1, total: 1, label: primary.written });
  const pSeq = toSeq(primary);
  const pSegs = segmentOf(primary);
  trialFigure("primary", primary, pSeq, pSegs);
  progress?.({ stage: "segment", done: 1, total: 1, label: primary.written });

  const provenance = primary.provenance ? { ...primary.provenance, analysis_config: resolved } : null;
  const base = {
    schema_version: 2 as const,
    config: resolved as unknown as Record<string, unknown>,
    provenance,
    primary: summary(primary),
  };

  if (analysis.kind === "none") {
    return {
      report: {
        ...base,
        reference: null,
        segmentations: pSegs,
        results: { kind: "none", ...(notes.length > 0 ? { notes } : {}) },
        ...(resolvedJoints ? { resolved_joints: resolvedJoints } : {}),
        analysis_provenance: analysisProvenance(resolved, options, provenanceInputs),
      },
      figures,
    };
  }

  if (analysis.kind === "stats") {
    const statistics = [];
    const labels = [];
    for (const piece of pieces(pSeq, pSegs)) {
      try {
        const values = extractSignal(piece.seq, analysis.extractor);
        statistics.push(extractFeatureStatistics(values));
      } catch (e) {
        throw wrap(e, `${piece.label} of ${primary.written}`, primary.absolute);
      }
      labels.push(piece.label);
    }
    return {
      report: {
        ...base,
        reference: null,
        segmentations: pSegs,
        results: {
          kind: "stats",
          statistics,
          segment_labels: labels,
          ...(notes.length > 0 ? { notes } : {}),
        },
        ...(resolvedJoints ? { resolved_joints: resolvedJoints } : {}),
        analysis_provenance: analysisProvenance(resolved, options, provenanceInputs),
      },
      figures,
    };
  }

  // DTW against each reference.
  // The plan lists inputs.reference, then the expanded inputs.references (deduplicated, reference removed).
  const uniqueRefs = plan.inputs.filter((i) => i.role === "reference").map((i) => i.path);
  const choice = dtwChoice(work);
  const tn = analysis.time_normalize ?? "auto";
  const needsEqual = analysis.align !== "none";
  const pPieces = pieces(pSeq, pSegs);
  const comparisons = [];
  const refSummaries = [];
  for (const [r, refPath] of uniqueRefs.entries()) {
    checkAbort(options.signal);
    const ref = await load(refPath);
    record("reference", ref);
    refSummaries.push(summary(ref));
    const rSeq = toSeq(ref);
    const rSegs = segmentOf(ref);
    trialFigure("reference", ref, rSeq, rSegs);
    const rPieces = pieces(rSeq, rSegs);
    const byLabel = new Map(rPieces.map((p) => [p.label, p.seq]));
    const distances: number[] = [];
    const paths: [number, number][][] = [];
    const perJoint: number[][] = [];
    const labels: string[] = [];
    const normalized: { label: string; primary_frames: number; reference_frames: number; frames: number }[] =
      [];
    const unpaired = pPieces.filter((p) => !byLabel.has(p.label)).length;
    if (unpaired > 0 || rPieces.length > pPieces.length) {
      notes.push(
        `${ref.written}: ${pPieces.length} primary segment(s) vs ${rPieces.length} reference segment(s); segment i is paired with segment i and the extra ones are not compared`,
      );
    }
    for (const piece of pPieces) {
      checkAbort(options.signal);
      const other = byLabel.get(piece.label);
      if (!other) continue;
      let a = piece.seq;
      let b = other;
      let to: number | null = null;
      if (typeof tn === "number") to = tn;
      else if (tn === "auto" && needsEqual && a.frames !== b.frames) to = Math.max(a.frames, b.frames);
      if (to !== null) {
        normalized.push({
          label: piece.label,
          primary_frames: a.frames,
          reference_frames: b.frames,
          frames: to,
        });
        a = resampleSequence(a, to);
        b = resampleSequence(b, to);
      }
      let res: ReturnType<typeof comparePair>;
      try {
        res = comparePair(a, b, choice);
      } catch (e) {
        throw wrap(e, `${piece.label} (${primary.written} vs ${ref.written})`);
      }
      distances.push(res.distance);
      paths.push(res.path);
      if (res.perJoint) perJoint.push(res.perJoint);
      labels.push(piece.label);
      const da = displaySignal(a, work, resolved);
      const db = displaySignal(b, work, resolved);
      if (da && db) {
        figures.pairs.push({
          label: piece.label,
          reference: ref.written,
          distance: res.distance,
          signalName: da.name,
          a: Array.from(da.values),
          b: Array.from(db.values),
          path: res.path,
          timeNormalizedTo: to,
        });
      }
      progress?.({ stage: "compare", done: distances.length, total: pPieces.length, label: piece.label });
    }
    comparisons.push({
      reference: ref.written,
      distances,
      paths,
      per_joint_distances: choice.method === "dtw_per_joint" ? perJoint : null,
      segment_labels: labels,
      summary: summarizeDistances(distances),
      time_normalized: normalized,
      segmentations: rSegs,
    });
    log?.info?.("compared", {
      reference: ref.written,
      pairs: distances.length,
      r: r + 1,
      of: uniqueRefs.length,
    });
  }
  const first = comparisons[0];
  if (first && first.time_normalized.length > 0) {
    notes.push(
      `${first.time_normalized.length} paired segment(s) differ in length; ${analysis.align} needs equal frame counts, so both were time-normalised (linear interpolation) to the longer length before alignment and DTW`,
    );
  }
  const perRefMean = comparisons.map((c) => ({
    reference: c.reference,
    mean: "mean" in c.summary ? c.summary.mean : Number.NaN,
  }));
  const results = {
    kind: "dtw" as const,
    method: analysis.method,
    distances: first?.distances ?? [],
    paths: first?.paths ?? [],
    per_joint_distances: first?.per_joint_distances ?? (choice.method === "dtw_per_joint" ? [] : null),
    segment_labels: first?.segment_labels ?? [],
    summary: first?.summary ?? {},
    algorithm: choice.algorithm,
    radius: choice.algorithm === "fastdtw" ? choice.radius : null,
    time_normalized: first?.time_normalized ?? [],
    comparisons,
    reference_summary: {
      per_reference_mean: perRefMean,
      summary: summarizeDistances(perRefMean.map((m) => m.mean)),
    },
    notes,
  };
  return {
    report: {
      ...base,
      reference: refSummaries[0] ?? null,
      segmentations: pSegs,
      results,
      ...(refSummaries.length > 1 || inputs.references ? { references: refSummaries } : {}),
      ...(resolvedJoints ? { resolved_joints: resolvedJoints } : {}),
      analysis_provenance: analysisProvenance(resolved, options, provenanceInputs),
    } as AnalysisReport,
    figures,
  };
}

function dtwChoice(c: AnalysisConfig): DtwChoice {
  const a = c.analysis;
  if (a.kind !== "dtw") throw new Error("unreachable: dtwChoice on a non-dtw analysis");
  // Joint names were resolved to indices before (resolveConfigJoints); a name here is a bug.
  const index = (j: number | string | null): number | null => {
    if (typeof j === "string") throw new Error(`unreachable: unresolved joint name '${j}'`);
    return j;
  };
  return {
    method: a.method,
    align: a.align,
    representation: a.representation,
    angleTriplets: a.angle_triplets?.map((t) => t.map(index) as [number, number, number]) ?? null,
    jointI: index(a.joint_i),
    jointJ: index(a.joint_j),
    nanPolicy: a.nan_policy,
    algorithm: a.algorithm ?? "exact",
    radius: a.radius ?? 1,
  };
}

function analysisProvenance(
  resolved: AnalysisConfig,
  options: RunAnalysisOptions,
  inputs: { role: string; path: string; sha256: string; bytes: number }[],
) {
  return {
    tool: "@neuropose/analysis",
    version: VERSION,
    node_version: process.versions.node,
    config_path: shownConfigPath(options.configPath),
    config_sha256:
      options.configText === undefined ? null : createHash("sha256").update(options.configText).digest("hex"),
    resolved_config: resolved as unknown as Record<string, unknown>,
    inputs,
  };
}
