// A trial of a run: one input loaded, prepared (frame order, the configured person, the run's unit, missing
// frames handled), turned into a pose sequence, segmented part by part, checked and drawn.
import { type ExtractorSpec, getSkeleton, type Segmentation } from "@neuropose/io";
import { extractSignal, type PoseSequence } from "@neuropose/kinematics";
import { cycleConfidence } from "@neuropose/segment";
import { type RunContext, recordInput, skeletonOf } from "./_context.js";
import { frameNote, segmentTrial, shortCycleNote } from "./_deps.js";
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

/**
 * Per segmentation of a trial: each cycle's duration (s) and confidence (0..1) with its two factors:
 * `confidence = segmentation_score × keypoint_score` (see {@link cycleQuality}).
 */
export type CycleQuality = Record<
  string,
  { seconds: number[]; confidence: number[]; segmentation_score: number[]; keypoint_score: number[] }
>;

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
  const note = missingFramesNote(prepared.record, fps, ctx.unit);
  if (note) ctx.notes.push(note);
  if (!ctx.resolved.segmentation && prepared.record.parts.length > 1) {
    const list = prepared.record.parts.map(([s, e], k) => `part[${k}] = frames ${s}–${e - 1}`).join(", ");
    ctx.notes.push(
      `${input.written}: without segmentation, each of its ${prepared.record.parts.length} parts is compared as a piece of its own (${list}); the gaps between them are not compared`,
    );
  }
  const seq = toSequence({ ...input, predictions: prepared.predictions }, 0);
  const segs = segmentInput(ctx, input, prepared);
  const reportSegs = shift(segs, prepared.offset);
  const cycles = cycleQuality(ctx, input, prepared, seq, segs);
  ctx.trials.push({ role, path: input.written, unit: ctx.unit, missing_frames: prepared.record, cycles });
  addTrialFigure(ctx, role, input, seq, segs, prepared.offset);
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
  // A segmentation that found nothing leaves the trial out of every comparison: say so, never an empty exit 0.
  for (const [name, s] of Object.entries(segs))
    if (s.segments.length === 0)
      ctx.warnings.push(
        `${l.written}: segmentation ${name} found no ${seg.kind === "extractor" ? "segments" : "cycles"} in ${l.predictions.metadata.frame_count} frames: nothing of it is compared`,
      );
  const note = shortCycleNote(l.written, l.predictions.metadata.fps, seg, segs);
  if (note) ctx.notes.push(note);
  const frame = frameNote(l.written, l.predictions.metadata, seg);
  if (frame) ctx.notes.push(frame);
  return segs;
}

/**
 * Each cycle's duration (s) and confidence; warnings for implausible durations and low confidence.
 *
 * confidence = segmentation_score × keypoint_score, both in 0..1:
 * - segmentation_score: from the segmentation signal. Peak segmentations (valley_to_valley_v1, extractors):
 *   @neuropose/segment's cycleConfidence (peak prominence × duration regularity). Strides (stride_zeni_v1, heel
 *   strike to heel strike, whose `peak` is no peak of the signal): the duration regularity alone,
 *   max(0, 1 − |length − median length| / median length).
 * - keypoint_score: how well the joints used in that cycle were seen — the mean, over the cycle's frames and the
 *   used joints (the segmentation's joints and the compared ones, see {@link usedJoints}), of the input's
 *   visibility × presence (each taken as 1 when the file carries none), a frame filled by interpolation counting 0.
 */
function cycleQuality(
  ctx: RunContext,
  l: Loaded,
  prepared: PreparedInput,
  seq: PoseSequence,
  segs: Record<string, Segmentation>,
): CycleQuality {
  const out: CycleQuality = {};
  const offset = prepared.offset;
  const fps = l.predictions.metadata.fps;
  const checks = ctx.checks;
  const skeleton = l.predictions.metadata.skeleton;
  for (const [name, sg] of Object.entries(segs)) {
    let segScore: number[];
    try {
      const signal = extractSignal(seq, sg.config.extractor);
      const stride = sg.config.method === "stride_zeni_v1";
      segScore = cycleConfidence(signal, sg.segments).map((c) => (stride ? c.regularityScore : c.confidence));
    } catch {
      segScore = sg.segments.map(() => Number.NaN);
    }
    const joints = usedJoints(ctx, sg.config.extractor, skeleton, prepared.joints);
    const kpScore = sg.segments.map((g) => keypointScore(prepared, joints, g.start, g.end));
    const confidence = segScore.map((c, i) => c * (kpScore[i] as number));
    const seconds = sg.segments.map((g) => (fps > 0 ? (g.end - 1 - g.start) / fps : Number.NaN));
    out[name] = { seconds, confidence, segmentation_score: segScore, keypoint_score: kpScore };
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
        const why =
          (kpScore[i] as number) < (segScore[i] as number)
            ? `its joints were poorly seen (keypoint score ${(kpScore[i] as number).toFixed(2)})`
            : `an irregular cycle (segmentation score ${(segScore[i] as number).toFixed(2)})`;
        ctx.warnings.push(`${label} has low confidence ${c.toFixed(2)} (< ${checks.min_confidence}): ${why}`);
      }
    });
  }
  return out;
}

/** Joint indices of an extractor (names resolved against `skeleton`; unknown names are skipped). */
function extractorJoints(e: ExtractorSpec, skeleton: string | null | undefined): number[] {
  const raw: (number | string)[] =
    e.kind === "joint_pair_distance"
      ? [...e.joints]
      : e.kind === "joint_angle"
        ? [...e.triplet]
        : "joint" in e
          ? [e.joint as number | string]
          : [];
  const out: number[] = [];
  for (const j of raw) {
    if (typeof j === "number") out.push(j);
    else {
      try {
        const k = skeleton ? getSkeleton(skeleton).joints.indexOf(j) : -1;
        if (k >= 0) out.push(k);
      } catch {
        // An unknown skeleton: the name cannot be placed; the other joints still count.
      }
    }
  }
  return out;
}

/**
 * The joints a cycle's numbers depend on: the segmentation's joints and the compared ones (angle triplets,
 * joint_i/joint_j, the statistics extractor); every joint when whole poses are compared.
 */
function usedJoints(
  ctx: RunContext,
  segExtractor: ExtractorSpec,
  skeleton: string | null | undefined,
  joints: number,
): number[] {
  const set = new Set(extractorJoints(segExtractor, skeleton));
  const an = ctx.work.analysis;
  if (an.kind === "dtw") {
    if (an.representation === "angles" && an.angle_triplets) {
      for (const t of an.angle_triplets) for (const j of t) if (typeof j === "number") set.add(j);
    } else if (an.method === "dtw_relation") {
      for (const j of [an.joint_i, an.joint_j]) if (typeof j === "number") set.add(j);
    } else for (let j = 0; j < joints; j++) set.add(j);
  } else if (an.kind === "stats") for (const j of extractorJoints(an.extractor, skeleton)) set.add(j);
  return [...set].filter((j) => j >= 0 && j < joints);
}

/** Mean observed quality of `joints` over prepared frames [start, end) (NaN with no joint or frame). */
function keypointScore(p: PreparedInput, joints: number[], start: number, end: number): number {
  let sum = 0;
  let n = 0;
  const frames = p.observed.length / Math.max(1, p.joints);
  for (let f = Math.max(0, start); f < Math.min(end, frames); f++) {
    for (const j of joints) {
      sum += p.observed[f * p.joints + j] as number;
      n++;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

/**
 * The pieces compared: each segment (label `name[i]`), or without segmentation the whole trial ("full_trial") —
 * or, when the trial was split at long gaps, every part as a piece of its own (`part[0]`, `part[1]`, ...).
 */
export function trialPieces(ctx: RunContext, trial: Trial): Piece[] {
  if (!ctx.resolved.segmentation) {
    const parts = trial.prepared.parts;
    if (parts.length === 1) return [{ label: "full_trial", seq: trial.seq }];
    return parts.map(([s, e], k) => ({ label: `part[${k}]`, seq: sliceSequence(trial.seq, s, e) }));
  }
  const out: Piece[] = [];
  for (const [name, s] of Object.entries(trial.segs)) {
    s.segments.forEach((g, i) => {
      out.push({ label: `${name}[${i}]`, seq: sliceSequence(trial.seq, g.start, g.end) });
    });
  }
  return out;
}

/** A pair of pieces to compare: its label and the primary's and the reference's sequences. */
export interface PiecePair {
  label: string;
  a: PoseSequence;
  b: PoseSequence;
}

/** The segmentation a piece belongs to: its label without the index ("left_heel_strikes[2]" → "left_heel_strikes"). */
function segmentationOf(label: string): string {
  return label.replace(/\[\d+\]$/, "");
}

/**
 * Pair two trials' pieces. Segments: by label (segment i with segment i of the same name; `pairing: "in_order"`,
 * the default) or every segment with every segment of the same name (`pairing: "all"`, label
 * `left_heel_strikes[2] vs [0]`). Without segmentation: the whole trials, or — when either was split at long
 * gaps — every part of one with every part of the other (label `part[i] vs part[j]`, `part[i] vs full_trial`).
 * Also the labels left without a partner.
 */
export function pairPieces(
  a: Piece[],
  b: Piece[],
  segmented: boolean,
  pairing: "in_order" | "all" = "in_order",
): { pairs: PiecePair[]; onlyA: string[]; onlyB: string[] } {
  if (!segmented && (a.length > 1 || b.length > 1)) {
    const pairs = a.flatMap((p) => b.map((q) => ({ label: `${p.label} vs ${q.label}`, a: p.seq, b: q.seq })));
    return { pairs, onlyA: [], onlyB: [] };
  }
  if (segmented && pairing === "all") {
    const names = new Set(b.map((q) => segmentationOf(q.label)));
    const aNames = new Set(a.map((p) => segmentationOf(p.label)));
    const pairs = a.flatMap((p) =>
      b
        .filter((q) => segmentationOf(q.label) === segmentationOf(p.label))
        .map((q) => ({
          label: `${p.label} vs ${q.label.slice(segmentationOf(q.label).length)}`,
          a: p.seq,
          b: q.seq,
        })),
    );
    return {
      pairs,
      onlyA: a.filter((p) => !names.has(segmentationOf(p.label))).map((p) => p.label),
      onlyB: b.filter((q) => !aNames.has(segmentationOf(q.label))).map((q) => q.label),
    };
  }
  const byLabel = new Map(b.map((p) => [p.label, p.seq]));
  const aLabels = new Set(a.map((p) => p.label));
  const pairs: PiecePair[] = [];
  for (const p of a) {
    const other = byLabel.get(p.label);
    if (other) pairs.push({ label: p.label, a: p.seq, b: other });
  }
  return {
    pairs,
    onlyA: a.filter((p) => !byLabel.has(p.label)).map((p) => p.label),
    onlyB: b.filter((p) => !aLabels.has(p.label)).map((p) => p.label),
  };
}

/** Frames [start, end) of a pose sequence (a view: no copy). */
export function sliceSequence(seq: PoseSequence, start: number, end: number): PoseSequence {
  const stride = seq.joints * 3;
  const s = Math.max(0, Math.min(start, seq.frames));
  const e = Math.max(s, Math.min(end, seq.frames));
  return { frames: e - s, joints: seq.joints, data: seq.data.subarray(s * stride, e * stride) };
}

export type { MissingFramesRecord };
