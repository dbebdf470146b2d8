// One cohort trial taken from its file to what the cohort matrix needs: the pieces' pose sequences (typed arrays)
// and the summaries the report keeps (input summary, provenance entry, notes, warnings, trial record, figure).
// The same function runs on the calling thread (1 thread) and on the load workers (_load-worker.ts), so the
// numbers do not depend on where a trial was loaded; the document itself never leaves the thread that read it.
import type { RunContext, TrialRecord } from "./_context.js";
import { skeletonOf } from "./_context.js";
import { type InputSummary, inputSummary, type Loaded } from "./_inputs.js";
import { hasJointNames, resolveConfigJoints } from "./_joints.js";
import { loadTrial, trialPieces } from "./_trials.js";
import type { TrialFigure } from "./figures.js";

/** A piece of a cohort trial: its label and its frames (frames x joints x 3, a view into the trial's buffer). */
export interface CohortPiece {
  label: string;
  frames: number;
  joints: number;
  data: Float64Array;
}

/** What a cohort trial leaves once loaded: no document, only what the matrix and the report need. */
export interface CohortTrial {
  summary: InputSummary;
  sha256: string;
  bytes: number;
  skeleton: string | null;
  /** The file's unit (the run's unit is the first trial's). */
  unit: "m" | "mm";
  notes: string[];
  warnings: string[];
  trials: TrialRecord[];
  figures: TrialFigure[];
  pieces: CohortPiece[];
}

/**
 * Where loading a trial failed: reading/parsing/checking the file ("load"), resolving the config's joint names
 * against its skeleton ("resolve"), or preparing/segmenting it ("process"). The order of a run's errors depends on
 * it: every file is read before joint names are resolved (as for a primary and its references).
 */
export class TrialFailure {
  constructor(
    readonly phase: "load" | "resolve" | "process",
    readonly error: unknown,
    /** The file's skeleton when it was read (joint names resolve against every trial's). */
    readonly skeleton?: string | null,
  ) {}
}

/**
 * Load cohort trial `path` in `ctx` (a context of its own: its lists are filled here and returned). `runUnit`
 * gives the run's unit once the file is read (the first trial's unit; the first trial gives its own). Throws a
 * {@link TrialFailure}.
 */
export async function loadCohortTrial(
  ctx: RunContext,
  path: string,
  runUnit: (input: Loaded) => "m" | "mm" | Promise<"m" | "mm">,
): Promise<CohortTrial> {
  let input: Loaded;
  try {
    input = await ctx.load(path);
  } catch (e) {
    throw new TrialFailure("load", e);
  }
  const skeleton = input.predictions.metadata.skeleton ?? null;
  ctx.unit = await runUnit(input);
  if (hasJointNames(ctx.resolved)) {
    // Against this trial's skeleton alone: the run checks afterwards that every trial resolves the same way.
    try {
      const r = resolveConfigJoints(ctx.resolved, [skeletonOf(input)], ctx.configName);
      ctx.work = r.config;
      ctx.resolvedJoints = r.resolved;
    } catch (e) {
      ctx.load.forget(path);
      throw new TrialFailure("resolve", e, skeleton);
    }
  }
  try {
    const trial = await loadTrial(ctx, "cohort", path);
    const pieces = trialPieces(ctx, trial).map((p) => ({
      label: p.label,
      frames: p.seq.frames,
      joints: p.seq.joints,
      data: p.seq.data,
    }));
    return {
      summary: inputSummary(input),
      sha256: input.sha256,
      bytes: input.bytes,
      skeleton,
      unit: input.predictions.metadata.poses3d_unit,
      notes: ctx.notes,
      warnings: ctx.warnings,
      trials: ctx.trials,
      figures: ctx.figures.trials,
      pieces,
    };
  } catch (e) {
    throw new TrialFailure("process", e, skeleton);
  } finally {
    // Only the pieces' sequences are needed from here: memory grows with them, not with the documents.
    ctx.load.forget(path);
  }
}

/** `ctx` with empty lists of its own (what one trial adds is returned, not pushed onto the run's lists). */
export function scratchContext(ctx: RunContext): RunContext {
  return {
    ...ctx,
    notes: [],
    warnings: [],
    trials: [],
    provenanceInputs: [],
    figures: { trials: [], pairs: [] },
  };
}

/** The buffers of a trial's pieces (each once), to transfer instead of copying. */
export function pieceBuffers(t: CohortTrial): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const p of t.pieces) set.add(p.data.buffer as ArrayBuffer);
  return [...set];
}
