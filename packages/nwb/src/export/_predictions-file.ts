// Reads a predictions JSON file (VideoPredictions v3) chunk by chunk, never holding the document, and never
// building a JS object per frame. Hand-written for speed (AGENTS.md: our speed): an hour of 30 fps video is ~430 MB
// of JSON and ~23 million numbers; JSON.parse of that alone costs more than the whole export's 10 s budget (13 s
// CPU), and most of it is building arrays that are thrown away once their numbers are copied to float32. Here one
// byte loop finds the top-level members and reads each frame's number arrays straight into reused typed arrays
// (`TypedFrame`), with a number scanner that gives exactly JSON.parse's double (see `scanNumber`). Anything a
// plain frame of numbers does not hold (strings such as "NaN", unknown keys, other shapes, a bare NaN token) is
// handed to JSON.parse and @neuropose/io's own frame check (`validateFrame`), which accepts, converts or names the
// problem exactly as loading the document would; the typed checks below accept only frames that check accepts too.
// The small top-level values (metadata, segmentations, provenance) are parsed and validated with io's schemas.
import type { Hash } from "node:crypto";
import { open } from "node:fs/promises";
import {
  CURRENT_VERSIONS,
  NeuroPoseError,
  parseJson,
  ValidationError,
  type VideoPredictions,
  validateDocument,
  validateFrame,
} from "@neuropose/io";
import { bufferRefilled, FAIL, NEED, parseTypedFrame, plainFrameValid, TypedFrame } from "./_typed-frame.js";

/** JSON's structural bytes (a const enum: inlined as numbers by the build). */
enum B {
  Quote = 0x22,
  Backslash = 0x5c,
  OpenObj = 0x7b,
  CloseObj = 0x7d,
  OpenArr = 0x5b,
  CloseArr = 0x5d,
  Colon = 0x3a,
  Comma = 0x2c,
}
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Everything but the frames. */
export type PredictionsFileHead = Omit<VideoPredictions, "frames">;

/**
 * Called with each frame in file order: its numbers (`frame`, reused for the next frame: copy what you keep), or
 * undefined and the problem io's check found (`issue`, "frames.<key>...: message").
 */
export type OnFrame = (key: string, frame: TypedFrame | undefined, issue?: string) => void;

/** A frame key with escapes or non-ASCII, decoded as JSON; a malformed one is the input's fault. */
function frameKey(path: string, quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch (err) {
    throw badFile(path, `frames: a frame key is not valid JSON (${quoted.slice(0, 40)})`, err);
  }
}

function badFile(path: string, message: string, cause?: unknown): NeuroPoseError {
  return new NeuroPoseError("E_INPUT_INVALID", message, {
    path,
    kind: "user",
    hint: "give the predictions JSON written by neuropose-infer",
    ...(cause !== undefined ? { cause } : {}),
  });
}

/**
 * Scan `path` once: calls `onFrame` for every frame in file order and collects the other top-level values into
 * `head` (complete when the generator is done). Yields the number of frames read after each chunk (a place to
 * check for Ctrl-C and let other work run).
 */
export async function* readFrames(
  path: string,
  head: Record<string, unknown>,
  onFrame: OnFrame,
  chunkBytes = 4 << 20,
  hash?: Hash,
): AsyncGenerator<number> {
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
    const st = newScanState();
    const frame = new TypedFrame();
    let frames = 0;
    const counted: OnFrame = (key, f, issue) => {
      frames++;
      onFrame(key, f, issue);
    };
    // one buffer, reused: what is still open at its end moves to its start, and it grows only for a value
    // longer than itself
    let buf = Buffer.allocUnsafe(chunkBytes);
    let have = 0;
    for (;;) {
      if (have === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, have, buf.length - have, null);
      const atEnd = bytesRead === 0;
      hash?.update(buf.subarray(have, have + bytesRead));
      const n = have + bytesRead;
      bufferRefilled();
      for (;;) {
        if (st.inFrames) {
          if (!scanFrames(st, buf, n, frame, counted, path)) break;
        } else if (!scanBytes(st, buf, n, path, head)) break;
      }
      if (atEnd) {
        if (st.depth !== 0 || st.inString || st.inFrames)
          throw badFile(path, "the file ends in the middle of the JSON document");
        return;
      }
      // keep what is still open: the next frame, or a top-level value being read
      let keep = st.pos;
      if (st.valueStart >= 0) keep = Math.min(keep, st.valueStart);
      if (st.inString) keep = Math.min(keep, st.strStart);
      buf.copy(buf, 0, keep, n);
      have = n - keep;
      st.pos -= keep;
      if (st.valueStart >= 0) st.valueStart -= keep;
      if (st.inString) st.strStart -= keep;
      yield frames;
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
  /** Last string closed at depth 1 (a key, when a colon follows). */
  lastKey: string | undefined;
  /** Key of the top-level value being read. */
  topKey: string | undefined;
  /** Start of the current top-level value (not frames). */
  valueStart: number;
  /** Inside the frames object (read by `scanFrames`). */
  inFrames: boolean;
  /** In frames: a frame was read, a comma or the closing brace comes next. */
  afterFrame: boolean;
  /** Where scanning resumes. */
  pos: number;
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
    afterFrame: false,
    pos: 0,
  };
}

/**
 * The frames object, frame after frame, from `st.pos`. Returns true when the frames object was closed (the
 * top-level scan goes on), false when the buffer ends first (`st.pos` is where the unread frame starts).
 */
function scanFrames(
  st: ScanState,
  buf: Buffer,
  n: number,
  t: TypedFrame,
  onFrame: OnFrame,
  path: string,
): boolean {
  let i = st.pos;
  for (;;) {
    while (i < n && isWs(buf[i] as number)) i++;
    if (i >= n) break;
    let c = buf[i] as number;
    if (c === B.CloseObj) {
      st.inFrames = false;
      st.depth = 1;
      st.topKey = undefined;
      st.pos = i + 1;
      return true;
    }
    if (st.afterFrame) {
      if (c !== B.Comma)
        throw badFile(path, `frames: not valid JSON (unexpected "${String.fromCharCode(c)}")`);
      st.afterFrame = false;
      st.pos = i + 1;
      i++;
      continue;
    }
    if (c !== B.Quote) throw badFile(path, `frames: not valid JSON (expected a frame key at byte ${i})`);
    // the key
    let j = i + 1;
    let plain = true;
    for (; j < n; j++) {
      c = buf[j] as number;
      if (c === B.Quote) break;
      if (c === B.Backslash) {
        plain = false;
        j++; // the escaped character
      } else if (c >= 0x80) plain = false;
    }
    if (j >= n) break;
    const key = plain ? buf.toString("latin1", i + 1, j) : frameKey(path, buf.toString("utf8", i, j + 1));
    let v = j + 1;
    while (v < n && isWs(buf[v] as number)) v++;
    if (v >= n) break;
    if (buf[v] !== B.Colon) throw badFile(path, `frames.${key}: not valid JSON (expected ":")`);
    v++;
    while (v < n && isWs(buf[v] as number)) v++;
    if (v >= n) break;
    let end = buf[v] === B.OpenObj ? parseTypedFrame(buf, v, n, t) : FAIL;
    if (end === NEED) break;
    if (end === FAIL || !plainFrameValid(t)) {
      end = skipValue(buf, v, n);
      if (end === NEED) break;
      const text = buf.toString("utf8", v, end);
      let issue: string | undefined;
      try {
        t.fromFrame(validateFrame(parseJson(text, { source: `${path} (frames.${key})` }), key, path));
      } catch (err) {
        if (err instanceof ValidationError) {
          const first = err.issues[0];
          issue = first ? `${first.jsonPath}: ${first.message}` : `frames.${key}: invalid frame`;
        } else throw badFile(path, `frames.${key}: not valid JSON (${(err as Error).message})`, err);
      }
      onFrame(key, issue === undefined ? t : undefined, issue);
    } else onFrame(key, t);
    i = end;
    st.pos = end;
    st.afterFrame = true;
  }
  return false;
}

/** End of the JSON value at b[i] (strings and nesting only; JSON.parse judges it), or NEED. */
function skipValue(b: Buffer, i: number, n: number): number {
  let depth = 0;
  let inStr = false;
  for (; i < n; i++) {
    const c = b[i] as number;
    if (inStr) {
      if (c === B.Backslash) i++;
      else if (c === B.Quote) inStr = false;
      continue;
    }
    if (c === B.Quote) inStr = true;
    else if (c === B.OpenObj || c === B.OpenArr) depth++;
    else if (c === B.CloseObj || c === B.CloseArr) {
      if (depth === 0) return i;
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === B.Comma && depth === 0) return i;
  }
  return NEED;
}

/**
 * The top-level byte loop (plain function: V8 optimises it; a loop inside the async generator ran ~100x
 * slower). Tracks strings and depth and parses the small top-level values. Returns true when it stopped at the
 * start of the frames object (`scanFrames` goes on from `st.pos`), false at the end of the buffer.
 */
function scanBytes(
  st: ScanState,
  buf: Buffer,
  n: number,
  path: string,
  head: Record<string, unknown>,
): boolean {
  let depth = st.depth;
  let inString = st.inString;
  let escaped = st.escaped;
  let i = st.pos;
  let entered = false;
  for (; i < n; i++) {
    const c = buf[i] as number;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === B.Backslash) escaped = true;
      else if (c === B.Quote) {
        inString = false;
        if (depth === 1) st.lastKey = buf.toString("utf8", st.strStart + 1, i);
      }
      continue;
    }
    if (depth > 1) {
      // deep in metadata: only nesting and strings matter
      if (c === B.OpenObj || c === B.OpenArr) depth++;
      else if (c === B.CloseObj || c === B.CloseArr) depth--;
      else if (c === B.Quote) {
        inString = true;
        st.strStart = i;
      }
      if (
        depth === 1 &&
        (c === B.CloseObj || c === B.CloseArr) &&
        st.valueStart >= 0 &&
        st.topKey !== undefined
      ) {
        head[st.topKey] = parseValue(path, buf, st.valueStart, i + 1, st.topKey);
        st.valueStart = -1;
        st.topKey = undefined;
      }
      continue;
    }
    if (c === B.Quote) {
      inString = true;
      st.strStart = i;
      if (depth === 1 && st.valueStart < 0 && st.topKey !== undefined) st.valueStart = i;
    } else if (c === B.Colon) {
      if (depth === 1) {
        st.topKey = st.lastKey;
        st.valueStart = -1;
      }
    } else if (c === B.OpenObj || c === B.OpenArr) {
      if (depth === 1 && st.topKey === "frames" && st.valueStart < 0 && c === B.OpenObj) {
        st.inFrames = true;
        st.afterFrame = false;
        depth = 2;
        i++;
        entered = true;
        break;
      }
      if (depth === 1 && st.topKey !== undefined && st.valueStart < 0) st.valueStart = i;
      depth++;
    } else if (c === B.CloseObj || c === B.CloseArr) {
      depth--;
      if (depth === 0 && c === B.CloseObj && st.topKey !== undefined && st.valueStart >= 0) {
        // a primitive last value: `"provenance": null}`
        head[st.topKey] = parseValue(path, buf, st.valueStart, i, st.topKey);
        st.valueStart = -1;
        st.topKey = undefined;
      }
    } else if (isWs(c) || c === B.Comma) {
      // a primitive top-level value (`"schema_version": 3`) ends at a comma
      if (c === B.Comma && depth === 1 && st.topKey !== undefined && st.valueStart >= 0) {
        head[st.topKey] = parseValue(path, buf, st.valueStart, i, st.topKey);
        st.valueStart = -1;
        st.topKey = undefined;
      }
    } else if (depth === 1 && st.topKey !== undefined && st.valueStart < 0) st.valueStart = i;
  }
  st.depth = depth;
  st.inString = inString;
  st.escaped = escaped;
  st.pos = i;
  return entered;
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
