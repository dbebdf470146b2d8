// Frame validation without a zod call per number: the streaming reader/writer and whole-document loading
// (`validateDocument("video_predictions", …)`) check frames here. zod costs ~5x the JSON.parse of a frame; these
// plain loops cost a fraction of it. Whatever the loops do not accept goes to zod, which converts it (non-finite
// numbers written as strings) or reports it with exactly the issues and messages it always gave.
import type { z } from "zod";
import { ValidationError } from "./errors.js";
import {
  type FramePrediction,
  FramePredictionSchema,
  type VideoPredictions,
  VideoPredictionsSchema,
} from "./predictions.js";
import { toValidationIssues, validateWith } from "./validate.js";

/** A ValidationError for issues of frame `key` (paths prefixed with frames.<key>). */
export function frameIssuesError(
  key: string,
  issues: z.core.$ZodIssue[],
  source: string | undefined,
): ValidationError {
  return new ValidationError(
    toValidationIssues(issues.map((i) => ({ ...i, path: ["frames", key, ...i.path] }))),
    { source },
  );
}

// Per-frame validation in plain loops: zod costs ~5x the JSON.stringify of a frame, which matters at 30 frames
// a second for hours. A frame that passes these checks is exactly what FramePredictionSchema would accept and
// return (same values, keys in schema order); anything else (non-finite numbers written as strings, unknown
// keys, wrong shapes) goes to zod, which converts or reports it. A field added to the schema but not here is an
// unknown key to this check, so it falls back to zod: slower, never wrong.
// In the schema's order (the order zod returns a frame's keys in).
const FRAME_ORDER = [
  "boxes",
  "poses3d",
  "poses2d",
  "visibility",
  "presence",
  "person_ids",
  "pose_presence",
  "view_quality",
];
const FRAME_KEYS = new Map(FRAME_ORDER.map((k, i) => [k, i]));
// Monomorphic loops (no callbacks): V8 keeps them on its fast path over the parsed arrays.
function isNumbers(a: unknown): boolean {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== "number") return false;
  return true;
}
function isUnits(a: unknown): boolean {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== "number" || v < 0 || v > 1) return false; // NaN passes (a value the model did not produce)
  }
  return true;
}
function isRows(a: unknown, units: boolean): boolean {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (!(units ? isUnits(a[i]) : isNumbers(a[i]))) return false;
  return true;
}
function isPersons(a: unknown): boolean {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (!isRows(a[i], false)) return false;
  return true;
}
function isIds(a: unknown): boolean {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (!(Number.isSafeInteger(a[i]) && a[i] >= 0)) return false;
  return true;
}
/**
 * The frame as FramePredictionSchema returns it (same values, keys in schema order), or undefined. `reuse`: a
 * frame the caller owns (just parsed) whose keys are already in schema order is returned itself, not copied.
 */
export function fastFrame(f: unknown, reuse = false): FramePrediction | undefined {
  if (typeof f !== "object" || f === null || Array.isArray(f)) return undefined;
  const o = f as Record<string, unknown>;
  let last = -1;
  let ordered = true;
  for (const k in o) {
    const rank = FRAME_KEYS.get(k);
    if (rank === undefined || o[k] === undefined) return undefined;
    if (rank < last) ordered = false;
    last = rank;
  }
  if (!isRows(o.boxes, false) || !isPersons(o.poses3d) || !isPersons(o.poses2d)) return undefined;
  const poses3d = o.poses3d as unknown[][];
  const persons = poses3d.length;
  for (const k of ["visibility", "presence"] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (!isRows(v, true) || (v as unknown[]).length !== persons) return undefined;
    for (let p = 0; p < persons; p++)
      if ((v as unknown[][])[p]!.length !== poses3d[p]!.length) return undefined;
  }
  if (o.person_ids !== undefined && (!isIds(o.person_ids) || (o.person_ids as unknown[]).length !== persons))
    return undefined;
  if (
    o.pose_presence !== undefined &&
    (!isUnits(o.pose_presence) || (o.pose_presence as unknown[]).length !== persons)
  )
    return undefined;
  // view_quality follows the schema's keys reprojection_error and views, which this check leaves to zod (a frame
  // with them is not taken here), so the output's key order stays the schema's.
  if (
    o.view_quality !== undefined &&
    (!isUnits(o.view_quality) || (o.view_quality as unknown[]).length !== persons)
  )
    return undefined;
  if (reuse && ordered && Object.getPrototypeOf(o) === Object.prototype) return o as FramePrediction;
  const out: Record<string, unknown> = { boxes: o.boxes, poses3d, poses2d: o.poses2d };
  if (o.visibility !== undefined) out.visibility = o.visibility;
  if (o.presence !== undefined) out.presence = o.presence;
  if (o.person_ids !== undefined) out.person_ids = o.person_ids;
  if (o.pose_presence !== undefined) out.pose_presence = o.pose_presence;
  if (o.view_quality !== undefined) out.view_quality = o.view_quality;
  return out as FramePrediction;
}

/** A frame validated as FramePredictionSchema does (fast path, else zod with the JSON path of the problem). */
export function validFrame(frame: unknown, key: string, source: string | undefined): FramePrediction {
  const fast = fastFrame(frame);
  if (fast) return fast;
  const r = FramePredictionSchema.safeParse(frame, { reportInput: true });
  if (!r.success) throw frameIssuesError(key, r.error.issues, source);
  return r.data;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Validate a (migrated) VideoPredictions value as `VideoPredictionsSchema` does, with the same result and the
 * same errors: everything but the frames through zod (small), each frame through {@link fastFrame}, else zod on
 * that frame alone. Any failure re-runs zod on the whole document, so a malformed file reports exactly the issues
 * (and order) it always did. `owned`: `raw` was just parsed and belongs to the caller alone, so frames already in
 * the schema's shape are kept as they are (no copy of each frame, nor of the frames record, when none changes).
 */
export function validatePredictions(
  raw: unknown,
  source: string | undefined,
  owned = false,
): VideoPredictions {
  const whole = () => validateWith(VideoPredictionsSchema, raw, { source }) as VideoPredictions;
  if (
    !isPlainObject(raw) ||
    !isPlainObject(raw.frames) ||
    Object.getPrototypeOf(raw.frames) !== Object.prototype
  )
    return whole();
  const head = VideoPredictionsSchema.safeParse({ ...raw, frames: {} });
  if (!head.success) return whole();
  const src = raw.frames;
  // Owned: the parsed record is kept while every frame is kept as parsed; copied from the first frame that is not.
  let frames: Record<string, FramePrediction> | undefined = owned ? undefined : {};
  const keys = Object.keys(src);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key === "__proto__") return whole();
    const f = src[key];
    let valid = fastFrame(f, owned);
    if (valid === undefined) {
      const r = FramePredictionSchema.safeParse(f);
      if (!r.success) return whole();
      valid = r.data;
    }
    if (frames === undefined) {
      if (valid === f) continue;
      frames = {};
      for (let j = 0; j < i; j++) frames[keys[j] as string] = src[keys[j] as string] as FramePrediction;
    }
    frames[key] = valid;
  }
  frames ??= src as Record<string, FramePrediction>;
  const { schema_version, metadata, segmentations, provenance } = head.data;
  // Keys in schema order, as zod returns them.
  return { schema_version, metadata, frames, segmentations, provenance };
}
