// Reads a predictions JSON file (VideoPredictions v3) frame batch by frame batch, never holding the document.
// Hand-written for speed (AGENTS.md: our speed): streaming JSON libraries tokenise every number in JS and run
// ~10x slower than JSON.parse on pose files (hundreds of MB for an hour of video). Here a byte scanner only finds
// where each frame's text starts and ends (strings, escapes and nesting depth), and JSON.parse reads each chunk's
// frames in one call. The small top-level values (metadata, segmentations, provenance) are parsed and validated
// with @neuropose/io's schemas; each frame is checked in typed loops (see `checkFrame`).
// NOTE for the lead: @neuropose/io is getting its own streaming predictions reader (issue 11); once it lands this
// file should become a thin use of it.
import type { Hash } from "node:crypto";
import { open } from "node:fs/promises";
import {
  CURRENT_VERSIONS,
  type FramePrediction,
  FramePredictionSchema,
  NeuroPoseError,
  type VideoPredictions,
  validateDocument,
} from "@neuropose/io";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COLON = 0x3a;

/** One frame as read from the file. */
export interface KeyedFrame {
  key: string;
  frame: FramePrediction;
}

/** Everything but the frames. */
export type PredictionsFileHead = Omit<VideoPredictions, "frames">;

function badFile(path: string, message: string, cause?: unknown): NeuroPoseError {
  return new NeuroPoseError("E_INPUT_INVALID", message, {
    path,
    kind: "user",
    hint: "give the predictions JSON written by neuropose-infer",
    ...(cause !== undefined ? { cause } : {}),
  });
}

/**
 * Scan `path` once: yields the frames in file order, batch by batch (about one read chunk of text each), and
 * collects the other top-level values into `head` (complete when the generator is done).
 */
export async function* readFrameBatches(
  path: string,
  head: Record<string, unknown> = {},
  chunkBytes = 4 << 20,
  hash?: Hash,
): AsyncGenerator<KeyedFrame[]> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new NeuroPoseError(
      "E_INPUT_MISSING",
      code === "ENOENT" ? "predictions file not found" : `cannot read the predictions file (${code})`,
      { path, kind: "user", hint: "give the JSON written by neuropose-infer", cause: err },
    );
  }
  try {
    let carry = Buffer.alloc(0);
    const st = newScanState();
    let buf0 = Buffer.alloc(chunkBytes);
    for (;;) {
      // read at least as much as is carried over, so a value longer than a chunk costs linear time
      if (carry.length > buf0.length) buf0 = Buffer.alloc(carry.length);
      const { bytesRead } = await fh.read(buf0, 0, buf0.length, null);
      const atEnd = bytesRead === 0;
      hash?.update(buf0.subarray(0, bytesRead));
      const buf = carry.length
        ? Buffer.concat([carry, buf0.subarray(0, bytesRead)])
        : buf0.subarray(0, bytesRead);
      const n = buf.length;
      scanBytes(st, buf, path, head);
      // frames complete in this buffer: parse them in one call
      if (st.framesRunStart >= 0 && st.framesRunEnd > st.framesRunStart) {
        // frames are numbers and ASCII keys: latin1 decoding is a copy, utf8 decoding (validation) was ~10% of an
        // export's CPU; any byte >= 0x80 in a string of the run (the only place JSON allows one) takes utf8
        const enc = st.lastNonAscii >= st.framesRunStart ? "utf8" : "latin1";
        const text = `{${buf.toString(enc, st.framesRunStart, st.framesRunEnd)}}`;
        let obj: Record<string, FramePrediction>;
        try {
          obj = JSON.parse(text) as Record<string, FramePrediction>;
        } catch (err) {
          throw badFile(path, `frames: not valid JSON (${(err as Error).message})`, err);
        }
        const batch: KeyedFrame[] = [];
        for (const key in obj) batch.push({ key, frame: obj[key] as FramePrediction });
        st.framesRunStart = st.lastFrameKeyStart > st.framesRunEnd ? st.lastFrameKeyStart : -1;
        yield batch;
      }
      if (atEnd) {
        if (st.depth !== 0 || st.inString)
          throw badFile(path, "the file ends in the middle of the JSON document");
        return;
      }
      // keep what is still open: the next frame's text, or a top-level value being read
      let keep = n;
      if (st.valueStart >= 0) keep = Math.min(keep, st.valueStart);
      if (st.framesRunStart >= 0) keep = Math.min(keep, st.framesRunStart);
      if (st.inString) keep = Math.min(keep, st.strStart);
      carry = Buffer.from(buf.subarray(keep));
      const shift = keep;
      st.pos = n - shift;
      if (st.valueStart >= 0) st.valueStart -= shift;
      if (st.framesRunStart >= 0) st.framesRunStart -= shift;
      st.lastFrameKeyStart -= shift;
      st.lastNonAscii -= shift;
      st.framesRunEnd = -1;
      if (st.inString) st.strStart -= shift;
    }
  } finally {
    await fh.close();
  }
}

interface ScanState {
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** Start of the current string (its opening quote). */
  strStart: number;
  /** Last string closed at depth 1 or 2 (a key, when a colon follows). */
  lastKey: string | undefined;
  /** Key of the top-level value being read. */
  topKey: string | undefined;
  /** Start of the current top-level value (not frames). */
  valueStart: number;
  inFrames: boolean;
  /** Opening quote of the first frame key not yet parsed. */
  framesRunStart: number;
  /** Just after the closing brace of the last complete frame. */
  framesRunEnd: number;
  /** Opening quote of the latest frame key. */
  lastFrameKeyStart: number;
  /** Where scanning resumes in the next buffer. */
  pos: number;
  /** Last byte >= 0x80 seen inside a string (-1: none yet; shifts with the buffer, may go negative). */
  lastNonAscii: number;
}

function newScanState(): ScanState {
  return {
    depth: 0,
    inString: false,
    escaped: false,
    strStart: -1,
    lastKey: undefined,
    topKey: undefined,
    valueStart: -1,
    inFrames: false,
    framesRunStart: -1,
    framesRunEnd: -1,
    lastFrameKeyStart: -1,
    pos: 0,
    lastNonAscii: -1,
  };
}

/**
 * The byte loop, kept out of the async generator (V8 optimises plain functions; the generator's loop ran ~100x
 * slower). Tracks strings and depth; records where frames start and end and parses the small top-level values.
 */
function scanBytes(st: ScanState, buf: Buffer, path: string, head: Record<string, unknown>): void {
  const n = buf.length;
  let depth = st.depth;
  let inString = st.inString;
  let escaped = st.escaped;
  let i = st.pos;
  for (; i < n; i++) {
    const c = buf[i] as number;
    if (inString) {
      if (c >= 0x80) st.lastNonAscii = i;
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        if (depth <= 2) st.lastKey = buf.toString("utf8", st.strStart + 1, i);
      }
      continue;
    }
    if (depth > 2) {
      // inside a frame (or deep in metadata): only nesting and strings matter
      if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        depth--;
        if (depth === 2 && st.inFrames) st.framesRunEnd = i + 1;
      } else if (c === QUOTE) {
        inString = true;
        st.strStart = i;
      }
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      st.strStart = i;
      if (st.inFrames && depth === 2) {
        st.lastFrameKeyStart = i;
        if (st.framesRunStart < 0) st.framesRunStart = i;
      }
      if (depth === 1 && st.valueStart < 0 && st.topKey !== undefined && !st.inFrames) st.valueStart = i;
    } else if (c === COLON) {
      if (depth === 1) {
        st.topKey = st.lastKey;
        st.valueStart = -1;
        if (st.topKey === "frames") st.inFrames = true;
      }
    } else if (c === OPEN_OBJ || c === OPEN_ARR) {
      if (depth === 1 && st.topKey !== undefined && !st.inFrames && st.valueStart < 0) st.valueStart = i;
      depth++;
    } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      depth--;
      if (st.inFrames && depth === 2) st.framesRunEnd = i + 1;
      else if (st.inFrames && depth === 1) st.inFrames = false;
      if (
        depth === 1 &&
        st.valueStart >= 0 &&
        st.topKey !== undefined &&
        !st.inFrames &&
        st.topKey !== "frames"
      ) {
        head[st.topKey] = parseValue(path, buf, st.valueStart, i + 1, st.topKey);
        st.valueStart = -1;
        st.topKey = undefined;
      } else if (depth === 1 && st.topKey === "frames") st.topKey = undefined;
      if (depth === 0 && c === CLOSE_OBJ && st.topKey !== undefined && st.valueStart >= 0) {
        // a primitive last value: `"provenance": null}`
        head[st.topKey] = parseValue(path, buf, st.valueStart, i, st.topKey);
        st.valueStart = -1;
        st.topKey = undefined;
      }
    } else if (c === 0x2c /* , */ || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      // a primitive top-level value (`"schema_version": 3`) ends at a comma
      if (c === 0x2c && depth === 1 && st.topKey !== undefined && st.valueStart >= 0) {
        head[st.topKey] = parseValue(path, buf, st.valueStart, i, st.topKey);
        st.valueStart = -1;
        st.topKey = undefined;
      }
    } else if (depth === 1 && st.topKey !== undefined && st.valueStart < 0 && !st.inFrames) st.valueStart = i;
  }
  st.depth = depth;
  st.inString = inString;
  st.escaped = escaped;
  st.pos = i;
}

function parseValue(path: string, buf: Buffer, start: number, end: number, key: string): unknown {
  const text = buf.toString("utf8", start, end).trim();
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badFile(path, `${key}: not valid JSON (${(err as Error).message})`, err);
  }
}

/**
 * Validate the top-level values collected by `readFrameBatches` with io's schema (frames excluded). Returns
 * undefined for a document of an older schema version (the caller loads those whole, through io's migrations).
 */
export function checkHead(path: string, raw: Record<string, unknown>): PredictionsFileHead | undefined {
  if (raw.schema_version !== CURRENT_VERSIONS.video_predictions) return undefined;
  const { frames: _frames, ...rest } = validateDocument(
    "video_predictions",
    { ...raw, frames: {} },
    { source: path },
  );
  return rest;
}

// the frame fields of io's schema (a field only this list lacked, pose_presence, made every infer file fail here)
const FRAME_KEYS = new Set(Object.keys(FramePredictionSchema.shape));

function isNumberRows(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let r = 0; r < v.length; r++) {
    const row = v[r];
    if (!Array.isArray(row)) return false;
    for (let k = 0; k < row.length; k++) if (typeof row[k] !== "number") return false;
  }
  return true;
}

/**
 * Check one frame's types in plain loops (what io's zod schema checks, without a zod call per number):
 * returns the first problem as "frames.<key>.<field>: ...", or undefined.
 */
export function checkFrame(key: string, fr: unknown): string | undefined {
  const at = (f: string) => `frames.${key}.${f}`;
  if (typeof fr !== "object" || fr === null || Array.isArray(fr)) return `frames.${key}: not an object`;
  const f = fr as Record<string, unknown>;
  for (const k in f) if (!FRAME_KEYS.has(k)) return `${at(k)}: unknown field`;
  for (const k of ["boxes", "poses3d", "poses2d"]) if (!Array.isArray(f[k])) return `${at(k)}: missing list`;
  if (!isNumberRows(f.boxes)) return `${at("boxes")}: expected lists of numbers`;
  for (const k of ["poses3d", "poses2d"]) {
    const people = f[k] as unknown[];
    for (let p = 0; p < people.length; p++)
      if (!isNumberRows(people[p])) return `${at(`${k}[${p}]`)}: expected [joint][coordinate] numbers`;
  }
  const persons = (f.poses3d as unknown[]).length;
  for (const k of ["visibility", "presence"]) {
    const v = f[k];
    if (v === undefined) continue;
    if (!Array.isArray(v)) return `${at(k)}: expected lists`;
    if (v.length !== persons) return `${at(k)}: has ${v.length} person(s) but poses3d has ${persons}`;
    for (let p = 0; p < v.length; p++) {
      const row = v[p];
      if (!Array.isArray(row)) return `${at(`${k}[${p}]`)}: expected a list`;
      for (let q = 0; q < row.length; q++) {
        const x = row[q];
        if (typeof x !== "number" || !(x >= 0 && x <= 1)) return `${at(`${k}[${p}]`)}: ${x} is not in 0..1`;
      }
    }
  }
  if (f.pose_presence !== undefined) {
    // written by neuropose-infer (io's schema): one probability per person; not exported, but checked
    const pp = f.pose_presence;
    if (!Array.isArray(pp) || pp.length !== persons)
      return `${at("pose_presence")}: expected ${persons} values`;
    for (let p = 0; p < pp.length; p++) {
      const x = pp[p];
      if (typeof x !== "number" || !(x >= 0 && x <= 1))
        return `${at(`pose_presence[${p}]`)}: ${x} is not in 0..1`;
    }
  }
  if (f.person_ids !== undefined) {
    const ids = f.person_ids;
    if (!Array.isArray(ids) || ids.length !== persons) return `${at("person_ids")}: expected ${persons} ids`;
    for (const x of ids)
      if (!Number.isInteger(x) || (x as number) < 0)
        return `${at("person_ids")}: ${x} is not a non-negative integer`;
  }
  if (f.view_quality !== undefined) {
    const v = f.view_quality;
    if (!Array.isArray(v) || v.length !== persons)
      return `${at("view_quality")}: expected ${persons} numbers`;
    for (const x of v)
      if (typeof x !== "number" || !(x >= 0 && x <= 1)) return `${at("view_quality")}: ${x} is not in 0..1`;
  }
  return undefined;
}
