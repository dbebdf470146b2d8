// A trial of a run: one input loaded, turned into a pose sequence of the configured person, segmented, drawn.
import type { Segmentation } from "@neuropose/io";
import type { PoseSequence } from "@neuropose/kinematics";
import { type RunContext, recordInput, skeletonOf } from "./_context.js";
import { segmentTrial, shortCycleNote } from "./_deps.js";
import { addTrialFigure } from "./_figures.js";
import { type Loaded, toSequence, withContext } from "./_inputs.js";
import { checkGaitJoint } from "./_joints.js";
import type { TrialFigure } from "./figures.js";

/** One input of the run, ready to compare. */
export interface Trial {
  input: Loaded;
  seq: PoseSequence;
  /** Named segmentations (empty without `segmentation` in the config). */
  segs: Record<string, Segmentation>;
}

/** A named piece of a trial: one segment (label `name[i]`) or the whole trial ("full_trial"). */
export interface Piece {
  label: string;
  seq: PoseSequence;
}

/** Load an input, record it in the provenance, take the configured person's frames, segment it and draw it. */
export async function loadTrial(ctx: RunContext, role: TrialFigure["role"], path: string): Promise<Trial> {
  const input = await ctx.load(path);
  recordInput(ctx, role, input);
  const seq = toSequence(input, ctx.personIndex);
  const segs = segmentInput(ctx, input);
  addTrialFigure(ctx, role, input, seq, segs);
  return { input, seq, segs };
}

/** Segment an input as the config says ({} without segmentation); a note when gait cycles come out short. */
function segmentInput(ctx: RunContext, l: Loaded): Record<string, Segmentation> {
  const seg = ctx.resolved.segmentation;
  if (!seg) return {};
  checkGaitJoint(ctx.resolved, skeletonOf(l), ctx.configName);
  let segs: Record<string, Segmentation>;
  try {
    // Extractor joint names are resolved by @neuropose/segment against metadata.skeleton, as checked above.
    segs = segmentTrial(l.predictions, seg, ctx.personIndex);
  } catch (e) {
    throw withContext(e, `segmenting ${l.written}`, l.absolute);
  }
  const note = shortCycleNote(l.written, l.predictions.metadata.fps, seg, segs);
  if (note) ctx.notes.push(note);
  return segs;
}

/** The pieces compared: each segment (label `name[i]`), or the whole trial ("full_trial") without segmentation. */
export function trialPieces(ctx: RunContext, trial: Trial): Piece[] {
  if (!ctx.resolved.segmentation) return [{ label: "full_trial", seq: trial.seq }];
  const out: Piece[] = [];
  for (const [name, s] of Object.entries(trial.segs)) {
    s.segments.forEach((g, i) => {
      out.push({ label: `${name}[${i}]`, seq: sliceSequence(trial.seq, g.start, g.end) });
    });
  }
  return out;
}

/** Frames [start, end) of a pose sequence (a view: no copy). */
export function sliceSequence(seq: PoseSequence, start: number, end: number): PoseSequence {
  const stride = seq.joints * 3;
  const s = Math.max(0, Math.min(start, seq.frames));
  const e = Math.max(s, Math.min(end, seq.frames));
  return { frames: e - s, joints: seq.joints, data: seq.data.subarray(s * stride, e * stride) };
}
