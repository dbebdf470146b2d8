// A trial of a run: one input loaded, prepared (frame order, the configured person, the run's unit, missing
// frames handled), turned into a pose sequence, segmented part by part, checked and drawn.
import type { Segmentation } from "@neuropose/io";
import { extractSignal, type PoseSequence } from "@neuropose/kinematics";
import { cycleConfidence } from "@neuropose/segment";
import { type RunContext, recordInput, skeletonOf } from "./_context.js";
import { segmentTrial, shortCycleNote } from "./_deps.js";
import { addTrialFigure } from "./_figures.js";
import { type Loaded, toSequence, withContext } from "./_inputs.js";
import { checkGaitJoint } from "./_joints.js";
import {
  type MissingFramesRecord,
  missingFramesNote,
  type PreparedInput,
  prepareInput,
  sliceFrames,
} from "./_missing.js";
import type { TrialFigure } from "./figures.js";

/** Per segmentation of a trial: each cycle's duration and confidence (0..1). */
export type CycleQuality = Record<string, { seconds: number[]; confidence: number[] }>;

/** One input of the run, ready to compare. */
export interface Trial {
  input: Loaded;
  prepared: PreparedInput;
  seq: PoseSequence;
  /** Named segmentations in the prepared trial's frames (empty without `segmentation` in the config). */
  segs: Record<string, Segmentation>;
  /** The same segmentations in the file's frame indices (what the report records). */
  reportSegs: Record<string, Segmentation>;
  cycles: CycleQuality;
}

/** A named piece of a trial: one segment (label `name[i]`) or the whole trial ("full_trial"). */
export interface Piece {
  label: string;
  seq: PoseSequence;
}

/** Load an input, record it, prepare it, take its frames, segment it, check its cycles and draw it. */
export async function loadTrial(ctx: RunContext, role: TrialFigure["role"], path: string): Promise<Trial> {
  const input = await ctx.load(path);
  recordInput(ctx, role, input);
  ctx.unit ??= input.predictions.metadata.poses3d_unit;
  const prepared = prepareInput(input, ctx.personIndex, ctx.unit, ctx.missingFrames);
  const fps = input.predictions.metadata.fps;
  const note = missingFramesNote(prepared.record, fps);
  if (note) ctx.notes.push(note);
  const seq = toSequence({ ...input, predictions: prepared.predictions }, 0);
  const segs = segmentInput(ctx, input, prepared);
  const reportSegs = shift(segs, prepared.offset);
  const cycles = cycleQuality(ctx, input, seq, segs, prepared.offset);
  ctx.trials.push({ role, path: input.written, unit: ctx.unit, missing_frames: prepared.record, cycles });
  addTrialFigure(ctx, role, input, seq, segs);
  return { input, prepared, seq, segs, reportSegs, cycles };
}

function shift(segs: Record<string, Segmentation>, by: number): Record<string, Segmentation> {
  if (by === 0) return segs;
  const out: Record<string, Segmentation> = {};
  for (const [k, s] of Object.entries(segs)) {
    out[k] = {
      ...s,
      segments: s.segments.map((g) => ({ start: g.start + by, end: g.end + by, peak: g.peak + by })),
    };
  }
  return out;
}

/**
 * Segment a prepared input as the config says ({} without segmentation), part by part when it was split at long
 * gaps (no cycle spans a gap); a note when gait cycles come out short.
 */
function segmentInput(ctx: RunContext, l: Loaded, prepared: PreparedInput): Record<string, Segmentation> {
  const seg = ctx.resolved.segmentation;
  if (!seg) return {};
  checkGaitJoint(ctx.resolved, skeletonOf(l), ctx.configName);
  const preds = prepared.predictions;
  let segs: Record<string, Segmentation> = {};
  try {
    // Extractor joint names are resolved by @neuropose/segment against metadata.skeleton, as checked above.
    const whole = prepared.parts.length === 1 && prepared.parts[0]?.[0] === 0;
    if (seg.kind === "extractor" && seg.person_index !== null && seg.person_index !== ctx.personIndex) {
      // Segmentation on another person than the one analysed: that person's frames as they are in the file.
      segs = segmentTrial(l.predictions, seg, ctx.personIndex);
    } else if (whole) segs = segmentTrial(preds, seg, 0);
    else {
      for (const [s, e] of prepared.parts) {
        if (e - s < 3) continue;
        const part = segmentTrial(sliceFrames(preds, s, e), seg, 0);
        for (const [name, p] of Object.entries(shift(part, s))) {
          const into = segs[name];
          if (into) into.segments.push(...p.segments);
          else segs[name] = { ...p, segments: [...p.segments] };
        }
      }
    }
  } catch (e) {
    throw withContext(e, `segmenting ${l.written}`, l.absolute);
  }
  // The segmentation ran on the prepared trial (the analysed person only, as person 0); its record names the
  // person as the file and the config do.
  for (const s of Object.values(segs)) {
    if (s.config.person_index !== ctx.personIndex) s.config = { ...s.config, person_index: ctx.personIndex };
  }
  const note = shortCycleNote(l.written, l.predictions.metadata.fps, seg, segs);
  if (note) ctx.notes.push(note);
  return segs;
}

/** Each cycle's duration (s) and confidence; warnings for implausible durations and low confidence. */
function cycleQuality(
  ctx: RunContext,
  l: Loaded,
  seq: PoseSequence,
  segs: Record<string, Segmentation>,
  offset: number,
): CycleQuality {
  const out: CycleQuality = {};
  const fps = l.predictions.metadata.fps;
  const checks = ctx.checks;
  for (const [name, sg] of Object.entries(segs)) {
    let confidence: number[];
    try {
      const signal = extractSignal(seq, sg.config.extractor);
      // stride_zeni_v1 segments run heel strike to heel strike of the forward heel position, whose `peak` is
      // not a peak of that signal: their confidence is the duration regularity alone.
      const stride = sg.config.method === "stride_zeni_v1";
      confidence = cycleConfidence(signal, sg.segments).map((c) =>
        stride ? c.regularityScore : c.confidence,
      );
    } catch {
      confidence = sg.segments.map(() => Number.NaN);
    }
    const seconds = sg.segments.map((g) => (fps > 0 ? (g.end - 1 - g.start) / fps : Number.NaN));
    out[name] = { seconds, confidence };
    const gait = ctx.resolved.segmentation?.kind !== "extractor";
    sg.segments.forEach((g, i) => {
      const label = `${l.written}: ${name}[${i}] (frames ${g.start + offset}–${g.end - 1 + offset})`;
      const s = seconds[i] as number;
      if (gait && Number.isFinite(s) && (s < checks.stride_seconds[0] || s > checks.stride_seconds[1])) {
        ctx.warnings.push(
          `${label} lasts ${s.toFixed(2)} s, outside the plausible range ${checks.stride_seconds[0]}–${checks.stride_seconds[1]} s: check the segmentation before using this cycle`,
        );
      }
      const c = confidence[i] as number;
      if (Number.isFinite(c) && c < checks.min_confidence) {
        ctx.warnings.push(
          `${label} has low confidence ${c.toFixed(2)} (< ${checks.min_confidence}): a weak or irregular cycle`,
        );
      }
    });
  }
  return out;
}

/**
 * The pieces compared: each segment (label `name[i]`), or the whole trial ("full_trial") without segmentation —
 * the longest part when the trial was split at long gaps.
 */
export function trialPieces(ctx: RunContext, trial: Trial): Piece[] {
  if (!ctx.resolved.segmentation) {
    const parts = trial.prepared.parts;
    if (parts.length === 1) return [{ label: "full_trial", seq: trial.seq }];
    const [s, e] = parts.reduce((a, b) => (b[1] - b[0] > a[1] - a[0] ? b : a));
    return [{ label: "full_trial", seq: sliceSequence(trial.seq, s, e) }];
  }
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

export type { MissingFramesRecord };
