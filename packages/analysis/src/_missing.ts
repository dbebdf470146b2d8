// Preparing an input for analysis: frames in the order of their index, the configured person only, poses in the
// run's unit, and frames where that person is missing handled by the configured policy (trim leading/trailing
// absence, interpolate short gaps, split at long gaps, or refuse) — with a record of what was done.
import type { FramePrediction, VideoPredictions } from "@neuropose/io";
import type { Loaded } from "./_inputs.js";
import { AnalysisRunError } from "./errors.js";

/** `preprocessing.missing_frames` with its defaults. */
export interface MissingFramesPolicy {
  policy: "repair" | "refuse";
  max_gap_seconds: number;
  trim: boolean;
  long_gaps: "split" | "refuse";
}

export const DEFAULT_MISSING_FRAMES: MissingFramesPolicy = Object.freeze({
  policy: "repair",
  max_gap_seconds: 0.5,
  trim: true,
  long_gaps: "split",
}) as MissingFramesPolicy;

/** What was done to one input (report.missing_frames[]); frame ranges are [start, end) in the file's frame indices. */
export interface MissingFramesRecord {
  path: string;
  frames: number;
  absent_frames: number;
  trimmed_start: number;
  trimmed_end: number;
  interpolated: [number, number][];
  long_gaps: [number, number][];
  /** The contiguous parts analysed (one unless split at long gaps), in the file's frame indices. */
  parts: [number, number][];
  unit_converted_from: "m" | "mm" | null;
}

/** An input ready for analysis: one person (index 0), ordered frames, the run's unit, no missing frames. */
export interface PreparedInput {
  predictions: VideoPredictions;
  /** Frame index of the file for frame 0 of `predictions` (the trimmed start). */
  offset: number;
  /** Parts [start, end) in `predictions`' frames; frames between parts (long gaps) are NaN. */
  parts: [number, number][];
  /**
   * Per prepared frame and joint (frame-major, `joints` per frame): how well the keypoint was observed, 0..1 —
   * visibility × presence of the input (each 1 when the file carries none), 0 in frames filled by
   * interpolation or lying in a long gap.
   */
  observed: Float64Array;
  joints: number;
  record: MissingFramesRecord;
}

/** Visibility × presence of each joint of `person` in a frame (1 where the file carries neither). */
function keypointQuality(frame: FramePrediction, person: number, joints: number): number[] {
  const vis = frame.visibility?.[person];
  const pres = frame.presence?.[person];
  const out = new Array<number>(joints);
  for (let j = 0; j < joints; j++) {
    const v = vis?.[j];
    const p = pres?.[j];
    out[j] =
      (v !== undefined && Number.isFinite(v) ? v : 1) * (p !== undefined && Number.isFinite(p) ? p : 1);
  }
  return out;
}

function frameIndex(key: string, path: string): number {
  const m = /(\d+)$/.exec(key);
  if (!m) {
    throw new AnalysisRunError("E_FRAME_KEY", `${path}: frame key '${key}' has no frame index`, {
      hint: "frames are keyed frame_000000, frame_000001, ... (the index is the number at the end)",
    });
  }
  return Number(m[1]);
}

/** The person's pose in a frame, or null when the person is absent (not listed, pose flag low, no finite joint). */
function poseOf(frame: FramePrediction, person: number, threshold: number): number[][] | null {
  const pose = frame.poses3d[person];
  if (!pose || pose.length === 0) return null;
  const presence = (frame as { pose_presence?: number[] }).pose_presence?.[person];
  if (presence !== undefined && presence < threshold) return null;
  for (const p of pose)
    if (Number.isFinite(p[0]) && Number.isFinite(p[1]) && Number.isFinite(p[2])) return pose;
  return null;
}

/**
 * Prepare one input: order, select the person, convert to `unit`, apply the missing-frames policy. Throws a user
 * error when the person is never present, or when the policy refuses what it finds.
 */
export function prepareInput(
  l: Loaded,
  person: number,
  unit: "m" | "mm",
  policy: MissingFramesPolicy,
): PreparedInput {
  const preds = l.predictions;
  const meta = preds.metadata;
  const keys = Object.keys(preds.frames);
  const ordered = keys.map((k) => ({ k, i: frameIndex(k, l.written) })).sort((a, b) => a.i - b.i);
  for (let n = 1; n < ordered.length; n++) {
    if (ordered[n]?.i === ordered[n - 1]?.i) {
      throw new AnalysisRunError("E_FRAME_KEY", `${l.written}: two frames have index ${ordered[n]?.i}`, {
        hint: "each frame key must carry a distinct frame index",
      });
    }
  }
  const threshold = (meta as { presence_threshold?: number }).presence_threshold ?? 0.5;
  const scale = meta.poses3d_unit === unit ? 1 : meta.poses3d_unit === "m" ? 1000 : 0.001;
  const poses = ordered.map(({ k }) => {
    const pose = poseOf(preds.frames[k] as FramePrediction, person, threshold);
    return pose && scale !== 1 ? pose.map((p) => p.map((v) => v * scale)) : pose;
  });
  const n = poses.length;
  const absent = poses.filter((p) => p === null).length;
  if (n > 0 && absent === n) {
    throw new AnalysisRunError(
      "E_ALL_ABSENT",
      `${l.written}: person ${person} is missing in all ${n} frames (no detection, or every landmark NaN)`,
      { path: l.absolute, hint: "check the video and preprocessing.person_index; nothing can be measured" },
    );
  }
  const fps = meta.fps > 0 ? meta.fps : 30;
  const maxGap = Math.round(policy.max_gap_seconds * fps);
  let first = 0;
  let last = n - 1;
  while (first < n && poses[first] === null) first++;
  while (last >= 0 && poses[last] === null) last--;
  const gaps: [number, number][] = [];
  for (let f = first; f <= last; f++) {
    if (poses[f] !== null) continue;
    let e = f;
    while (e <= last && poses[e] === null) e++;
    gaps.push([f, e]);
    f = e;
  }
  const idx = (f: number) => ordered[f]?.i ?? f;
  const where = (r: [number, number]) => `frames ${idx(r[0])}–${idx(r[1] - 1)}`;
  if (absent > 0 && policy.policy === "refuse") {
    throw new AnalysisRunError(
      "E_MISSING_FRAMES",
      `${l.written}: person ${person} is missing in ${absent} of ${n} frames (first: ${where(gaps[0] ?? [0, first])})`,
      { path: l.absolute, hint: "set preprocessing.missing_frames.policy: repair to trim and interpolate" },
    );
  }
  if (!policy.trim && (first > 0 || last < n - 1)) {
    throw new AnalysisRunError(
      "E_MISSING_FRAMES",
      `${l.written}: person ${person} is missing in the first ${first} and last ${n - 1 - last} frames`,
      {
        path: l.absolute,
        hint: "set preprocessing.missing_frames.trim: true to analyse the frames in between",
      },
    );
  }
  const short = gaps.filter(([s, e]) => e - s <= maxGap);
  const long = gaps.filter(([s, e]) => e - s > maxGap);
  if (long.length > 0 && policy.long_gaps === "refuse") {
    throw new AnalysisRunError(
      "E_MISSING_FRAMES",
      `${l.written}: person ${person} is missing for ${long[0]![1] - long[0]![0]} frames (${where(long[0]!)}), longer than max_gap_seconds (${policy.max_gap_seconds} s)`,
      {
        path: l.absolute,
        hint: "raise max_gap_seconds, or set long_gaps: split to analyse the parts separately",
      },
    );
  }
  // Short gaps: linear interpolation between the present frames on either side.
  const filled = poses.slice(first, last + 1);
  for (const [s, e] of short) {
    const a = poses[s - 1] as number[][];
    const b = poses[e] as number[][];
    for (let f = s; f < e; f++) {
      const t = (f - s + 1) / (e - s + 1);
      filled[f - first] = a.map((p, j) => p.map((v, c) => v + ((b[j]?.[c] ?? v) - v) * t));
    }
  }
  const joints = (poses[first] as number[][]).length;
  // Keypoint quality of every kept frame: 0 where the pose was filled (interpolated) or is missing (long gap).
  const observed = new Float64Array(filled.length * joints);
  for (let f = first; f <= last; f++) {
    if (poses[f] === null) continue;
    const q = keypointQuality(preds.frames[ordered[f]?.k as string] as FramePrediction, person, joints);
    observed.set(q, (f - first) * joints);
  }
  const nan = Array.from({ length: joints }, () => [Number.NaN, Number.NaN, Number.NaN]);
  const frames: Record<string, FramePrediction> = {};
  filled.forEach((pose, f) => {
    frames[`frame_${String(f).padStart(6, "0")}`] = { boxes: [], poses3d: [pose ?? nan], poses2d: [] };
  });
  const parts: [number, number][] = [];
  let start = 0;
  for (const [s, e] of long) {
    parts.push([start, s - first]);
    start = e - first;
  }
  parts.push([start, last + 1 - first]);
  const ts = meta.timestamps;
  const predictions: VideoPredictions = {
    ...preds,
    metadata: {
      ...meta,
      frame_count: filled.length,
      poses3d_unit: unit,
      ...(ts ? { timestamps: ordered.slice(first, last + 1).map(({ i }) => ts[i] ?? Number.NaN) } : {}),
    },
    frames,
  };
  const toFile = (r: [number, number]): [number, number] => [idx(r[0]), idx(r[1] - 1) + 1];
  return {
    predictions,
    offset: first,
    parts,
    observed,
    joints,
    record: {
      path: l.written,
      frames: n,
      absent_frames: absent,
      trimmed_start: first,
      trimmed_end: n - 1 - last,
      interpolated: short.map(toFile),
      long_gaps: long.map(toFile),
      parts: parts.map(([s, e]) => toFile([s + first, e + first])),
      unit_converted_from: scale === 1 ? null : meta.poses3d_unit,
    },
  };
}

/** The part of `preds` in frames [start, end), re-keyed from frame_000000. */
export function sliceFrames(preds: VideoPredictions, start: number, end: number): VideoPredictions {
  const frames: Record<string, FramePrediction> = {};
  const keys = Object.keys(preds.frames);
  for (let f = start; f < end; f++) {
    frames[`frame_${String(f - start).padStart(6, "0")}`] = preds.frames[
      keys[f] as string
    ] as FramePrediction;
  }
  const ts = preds.metadata.timestamps;
  return {
    ...preds,
    metadata: {
      ...preds.metadata,
      frame_count: end - start,
      ...(ts ? { timestamps: ts.slice(start, end) } : {}),
    },
    frames,
  };
}

/** One sentence for the report's notes (null when nothing was missing or converted). */
export function missingFramesNote(r: MissingFramesRecord, fps: number, unit?: string): string | null {
  const parts: string[] = [];
  if (r.absent_frames > 0) {
    const s = (f: number) => (fps > 0 ? ` (${(f / fps).toFixed(2)} s)` : "");
    const bits = [];
    if (r.trimmed_start > 0) bits.push(`${r.trimmed_start} leading frame(s)${s(r.trimmed_start)} trimmed`);
    if (r.trimmed_end > 0) bits.push(`${r.trimmed_end} trailing frame(s)${s(r.trimmed_end)} trimmed`);
    const interp = r.interpolated.reduce((a, [x, y]) => a + y - x, 0);
    if (interp > 0)
      bits.push(
        `${interp} frame(s) in ${r.interpolated.length} short gap(s) filled by linear interpolation (${r.interpolated.map(([x, y]) => `${x}–${y - 1}`).join(", ")})`,
      );
    if (r.long_gaps.length > 0)
      bits.push(
        `split at ${r.long_gaps.length} long gap(s) (${r.long_gaps.map(([x, y]) => `${x}–${y - 1}`).join(", ")}); no cycle spans a gap`,
      );
    parts.push(
      `${r.path}: the subject was not detected in ${r.absent_frames} of ${r.frames} frames; ${bits.join("; ")}`,
    );
  }
  if (r.unit_converted_from)
    parts.push(
      `${r.path}: poses converted from ${r.unit_converted_from} to ${unit ?? "the run's unit"} (the first input's unit)`,
    );
  return parts.length > 0 ? parts.join(". ") : null;
}
