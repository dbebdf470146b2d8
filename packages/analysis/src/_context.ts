// The state one run shares between its steps: the plan, the config as recorded and as computed (joint indices),
// the input loader, and what the steps accumulate (notes, figures, the provenance list of inputs).
import type { AnalysisConfig, Logger } from "@neuropose/io";
import { createInputLoader, type InputLoader, type Loaded } from "./_inputs.js";
import { hasJointNames, type InputSkeleton, type ResolvedJoints, resolveConfigJoints } from "./_joints.js";
import { DEFAULT_MISSING_FRAMES, type MissingFramesPolicy, type MissingFramesRecord } from "./_missing.js";
import type { AnalysisFigures } from "./figures.js";
import { type AnalysisPlan, shownConfigPath } from "./plan.js";
import type { RunAnalysisOptions } from "./run.js";

/** One input as `analysis_provenance.inputs` lists it. */
export interface ProvenanceInput {
  role: string;
  path: string;
  sha256: string;
  bytes: number;
}

/** Shared state of one run (see {@link createRunContext}). */
export interface RunContext {
  plan: AnalysisPlan;
  /** The config as written with defaults explicit and globs expanded: what the report records. */
  resolved: AnalysisConfig;
  /** `resolved` with every joint as an index (what the computation uses); `resolved` until names are resolved. */
  work: AnalysisConfig;
  /** The indices joint names resolved to (null when the config names no joint). */
  resolvedJoints: ResolvedJoints | null;
  options: RunAnalysisOptions;
  personIndex: number;
  log: Logger | undefined;
  /** The YAML file as errors name it. */
  configName: string | undefined;
  load: InputLoader;
  /** Inputs in the order they were used (analysis_provenance.inputs). */
  provenanceInputs: ProvenanceInput[];
  /** Report notes: segmentation notes as trials are segmented, then those of the comparison steps. */
  notes: string[];
  figures: AnalysisFigures;
  /** Unit of every pose in the run: the first input's declared unit (others are converted to it). */
  unit: "m" | "mm" | undefined;
  missingFrames: MissingFramesPolicy;
  checks: { stride_seconds: [number, number]; min_confidence: number };
  /** Per input: what preparation did and each cycle's quality (report.trials). */
  trials: TrialRecord[];
  /** Warnings for the reader (implausible strides, low-confidence cycles). */
  warnings: string[];
}

/** One entry of report.trials. */
export interface TrialRecord {
  role: string;
  path: string;
  unit: "m" | "mm";
  missing_frames: MissingFramesRecord;
  cycles: Record<
    string,
    { seconds: number[]; confidence: number[]; segmentation_score: number[]; keypoint_score: number[] }
  >;
}

/** Default plausibility checks (report warnings). */
export const DEFAULT_CHECKS = Object.freeze({
  stride_seconds: [0.8, 2.0] as [number, number],
  min_confidence: 0.5,
});

/** The context of a run of `plan`. */
export function createRunContext(plan: AnalysisPlan, options: RunAnalysisOptions): RunContext {
  return {
    plan,
    resolved: plan.config,
    work: plan.config,
    resolvedJoints: null,
    options,
    personIndex: plan.config.preprocessing.person_index,
    log: options.logger,
    configName: shownConfigPath(options.configPath) ?? undefined,
    load: createInputLoader(plan.baseDir, options.readInput, options.logger),
    provenanceInputs: [],
    notes: [],
    figures: { trials: [], pairs: [] },
    unit: undefined,
    missingFrames: { ...DEFAULT_MISSING_FRAMES, ...(plan.config.preprocessing.missing_frames ?? {}) },
    checks: { ...DEFAULT_CHECKS, ...(plan.config.checks ?? {}) } as RunContext["checks"],
    trials: [],
    warnings: [],
  };
}

/** Record an input in the report's analysis_provenance. */
export function recordInput(ctx: RunContext, role: string, l: Loaded): void {
  ctx.provenanceInputs.push({ role, path: l.written, sha256: l.sha256, bytes: l.bytes });
}

/** The input's path and skeleton, as joint-name checks take them. */
export function skeletonOf(l: Loaded): InputSkeleton {
  return { path: l.written, skeleton: l.predictions.metadata.skeleton };
}

/**
 * Joints written by name resolve against every input's skeleton before anything runs (all inputs must agree):
 * sets `ctx.work` (every joint an index) and `ctx.resolvedJoints`. Nothing to do when the config names no joint.
 */
export async function resolveJointNames(ctx: RunContext): Promise<void> {
  if (!hasJointNames(ctx.resolved)) return;
  const loaded: Loaded[] = [];
  for (const input of ctx.plan.inputs) loaded.push(await ctx.load(input.path));
  const r = resolveConfigJoints(ctx.resolved, loaded.map(skeletonOf), ctx.configName);
  ctx.work = r.config;
  ctx.resolvedJoints = r.resolved;
  ctx.log?.debug?.("resolved joint names", { joints: ctx.resolvedJoints });
}
