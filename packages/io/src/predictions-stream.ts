// Streaming VideoPredictions: frames go to disk as they are produced and are read back one at a time, so memory
// stays flat in the length of the video and no document ever becomes one JavaScript string (V8 caps strings at
// ~512 MiB: a 45-minute 30 fps recording at indent 2 is past that). The bytes written are exactly those of
// `saveDocument` for the same document; files are committed through `openAtomicTarget` (temp, fsync, rename).
// Over 500 lines on purpose: the writer and the reader are one format (byte-identical to saveDocument), kept
// side by side so that a change to one is seen against the other.
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { z } from "zod";
import { validFrame } from "./_frames.js";
import { type AtomicTarget, openAtomicTarget, writeError } from "./commit.js";
import { JsonParseError, NeuroPoseError } from "./errors.js";
import { parseJson, stringifyJson } from "./json.js";
import { type Logger, migrate } from "./migrations.js";
import {
  type FramePrediction,
  type FramePredictionSchema,
  type VideoPredictions,
  type VideoPredictionsInput,
  VideoPredictionsSchema,
} from "./predictions.js";
import { validateWith } from "./validate.js";

/**
 * Check one frame as loading a VideoPredictions document checks it (`FramePredictionSchema`: plain loops, zod
 * for what they do not take), and return it as that schema returns it (non-finite numbers written as strings
 * converted, keys in schema order). Throws a `ValidationError` whose issue paths start at `frames.<key>`, so a
 * frame read on its own (a stream, an export) is judged exactly as the whole document would be.
 *
 * @example
 * ```ts
 * import { validateFrame } from "@neuropose/io";
 * const f = validateFrame({ boxes: [], poses3d: [[[1, 2, 3]]], poses2d: [[[4, 5]]], visibility: [["NaN"]] }, "frame_000000");
 * console.log(Number.isNaN(f.visibility?.[0]?.[0])); // true
 * try { validateFrame({ boxes: [], poses3d: [], poses2d: [], extra: 1 }, "frame_000001"); }
 * catch (e) { console.log((e as Error).message); } // frames.frame_000001: ...
 * ```
 */
export function validateFrame(frame: unknown, key: string, source?: string): FramePrediction {
  return validFrame(frame, key, source);
}

/** Everything of a VideoPredictions document but its frames: what a writer needs once the frames are written. */
export type VideoPredictionsRest = Omit<VideoPredictionsInput, "frames">;

/**
 * Where streamed frames go: `writeFrame` for each frame in order, then `finish` with the rest of the document
 * (metadata, segmentations, provenance), or `abort` on failure. {@link openVideoPredictionsWriter} returns one;
 * a pipeline can also be given several (a file and stdout).
 */
export interface PredictionsSink {
  writeFrame(frame: FramePrediction | z.input<typeof FramePredictionSchema>): Promise<void>;
  finish(rest: VideoPredictionsRest): Promise<void>;
  abort(): Promise<void>;
}

/** A {@link PredictionsSink} writing one VideoPredictions document. */
export interface VideoPredictionsWriter extends PredictionsSink {
  /** Frames written so far. */
  readonly frames: number;
  /** The file being written (undefined for a stream destination). */
  readonly path: string | undefined;
  /**
   * Like `finish`, but leaves the file complete under its temp name and returns the target for the caller to
   * commit together with other outputs (`commitTogether`). Only for a file destination.
   */
  prepare(rest: VideoPredictionsRest): Promise<AtomicTarget>;
}

/** Options of {@link openVideoPredictionsWriter}. */
export interface PredictionsWriterOptions {
  /** Spaces of indentation (default 2, as `saveDocument`); 0 writes one line. */
  indent?: number;
  /** Folder for the frames spool of a stream destination (default the OS temp folder). */
  tempDir?: string;
}

const pad = (indent: number, level: number) => " ".repeat(indent * level);

/** Output sink: a file handle (position advances) or a Node writable stream (back-pressure respected). */
type Out = (data: string | Uint8Array) => Promise<void>;

function handleOut(fh: FileHandle): Out {
  return async (data) => {
    if (typeof data === "string") await fh.write(data);
    else await fh.write(data, 0, data.length);
  };
}

function streamOut(stream: NodeJS.WritableStream): Out {
  return (data) =>
    new Promise<void>((resolve, reject) => {
      const onError = (e: unknown) => reject(e);
      stream.once("error", onError);
      const ok = stream.write(data as string, () => {
        stream.removeListener("error", onError);
        if (ok) resolve();
      });
      if (!ok) stream.once("drain", () => resolve());
    });
}

/**
 * The frames of one document, spooled to a temp file as they come (buffered in ~1 MiB writes), formatted exactly
 * as `stringifyJson` formats them inside the whole document at nesting level `depth`.
 */
class FrameSpool {
  count = 0;
  // Frames are encoded into one reused 1 MiB buffer at once, so no frame text outlives its frame. Holding ~130
  // frames' strings until a flush let them survive young-generation collections into the old generation, whose
  // garbage then grew the heap with the recording's length (4 h: peak RSS ~1.4x that of a 1-minute clip).
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private readonly inner: string;
  private readonly sep: string;
  constructor(
    readonly target: AtomicTarget,
    private readonly fh: FileHandle,
    private readonly indent: number,
    depth: number,
    private readonly source: string | undefined,
  ) {
    this.inner = indent > 0 ? `\n${pad(indent, depth + 2)}` : "";
    this.sep = indent > 0 ? ": " : ":";
  }

  async add(frame: unknown): Promise<void> {
    // JSON.stringify, not String(): V8 caches String(n)'s result for a number, and the cache kept every frame
    // number's text alive past young-generation collections, so each frame promoted a small string: ~30 bytes of
    // old-generation garbage per frame, +12 MB of peak RSS at 4 hours before a full collection
    const key = `frame_${JSON.stringify(this.count).padStart(6, "0")}`;
    let text = stringifyJson(validFrame(frame, key, this.source), { indent: this.indent });
    text = text.slice(0, -1); // stringifyJson ends with a newline
    if (this.indent > 0) text = text.replaceAll("\n", this.inner);
    const s = `${this.count > 0 ? "," : ""}${this.inner}${JSON.stringify(key)}${this.sep}${text}`;
    this.count++;
    // a UTF-16 code unit takes at most 3 bytes of UTF-8
    if (this.used + 3 * s.length > this.buf.length) await this.flush();
    if (3 * s.length > this.buf.length) await this.fh.write(s);
    else this.used += this.buf.write(s, this.used);
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    await this.fh.write(this.buf, 0, n);
  }

  /** Copy the spooled frames to `out` (after a final flush). */
  async copyTo(out: Out): Promise<void> {
    await this.flush();
    // the spool's own 1 MiB buffer: no second buffer at finish
    const buf = this.buf;
    let pos = 0;
    for (;;) {
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      await out(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await this.target.abort();
  }
}

async function openSpool(
  spoolFor: string,
  indent: number,
  depth: number,
  source: string | undefined,
): Promise<FrameSpool> {
  const target = await openAtomicTarget(spoolFor);
  let fh: FileHandle;
  try {
    fh = await open(target.tmp, "wx+");
  } catch (err) {
    await target.abort();
    throw writeError(spoolFor, err);
  }
  return new FrameSpool(target, fh, indent, depth, source);
}

// Timestamps lists at least this long are checked in a loop and written in pieces instead of going through zod
// and one JSON string: at 4 hours of 30 fps that string alone is ~10 MB, and zod's copy and the string's
// pieces made the save's peak RSS 1.4x that of a 1-minute clip.
const STREAMED_STAMPS = 4096;
const STAMPS_PER_PIECE = 4096;
const STAMPS_BUFFER = 256 << 10;

/** `metadata.timestamps` when it can be written piecewise: all plain numbers, one per frame. */
function streamableStamps(rest: VideoPredictionsRest): readonly number[] | undefined {
  const m = rest.metadata as { frame_count?: unknown; timestamps?: unknown } | undefined;
  const ts = m?.timestamps;
  if (!Array.isArray(ts) || ts.length < STREAMED_STAMPS || m?.frame_count !== ts.length) return undefined;
  for (let i = 0; i < ts.length; i++) if (typeof ts[i] !== "number") return undefined;
  return ts as number[];
}

/**
 * Writes the elements of a timestamps array as `stringifyJson` does inside the document at nesting `depth`, in
 * pieces encoded into one reused buffer. No text outlives its piece, and no piece's text is alive across a write
 * (such strings got promoted to the old generation). Finite numbers go through JSON.stringify of a slice, not
 * String(v): V8 caches String(v)'s results, so the strings of 432,000 distinct stamps (4 h at 30 fps) were kept
 * alive by its cache past young-generation collections and promoted: +10 MB of old-generation garbage at finish.
 */
async function writeStamps(out: Out, ts: readonly number[], indent: number, depth: number): Promise<void> {
  const lead = indent > 0 ? `\n${pad(indent, depth)}` : "";
  // the longest a piece can be: a comma, the lead and 24 characters (e.g. "-1.2345678901234567e-300") per stamp
  const most = STAMPS_PER_PIECE * (1 + lead.length + 24);
  const buf = Buffer.allocUnsafe(Math.max(STAMPS_BUFFER, 2 * most));
  let used = 0;
  for (let i0 = 0; i0 < ts.length; i0 += STAMPS_PER_PIECE) {
    const i1 = Math.min(ts.length, i0 + STAMPS_PER_PIECE);
    if (used + most > buf.length) {
      await out(buf.subarray(0, used));
      used = 0;
    }
    let finite = true;
    for (let i = i0; i < i1 && finite; i++) finite = Number.isFinite(ts[i]);
    let text: string;
    if (finite) {
      const list = JSON.stringify(ts.slice(i0, i1)).slice(1, -1);
      text = `${i0 > 0 ? "," : ""}${lead}${lead ? list.replaceAll(",", `,${lead}`) : list}`;
    } else {
      text = "";
      for (let i = i0; i < i1; i++) {
        const v = ts[i] as number;
        // JSON.stringify(v) for a finite number; non-finite ones as the strings stringifyJson writes
        text += `${i > 0 ? "," : ""}${lead}${Number.isFinite(v) ? JSON.stringify(v) : `"${v}"`}`;
      }
    }
    used += buf.write(text, used, "latin1"); // digits, signs, "e", "NaN", "Infinity", spaces: all ASCII
  }
  if (used > 0) await out(buf.subarray(0, used));
  if (indent > 0) await out(`\n${pad(indent, depth - 1)}`);
}

/**
 * Header and trailer of a document around its frames, at nesting level `depth`, exactly as `stringifyJson` of the
 * whole (validated) document writes them. `head` writes the header (a long timestamps list piecewise).
 */
function frame(
  rest: VideoPredictionsRest,
  frames: number,
  indent: number,
  depth: number,
  source: string | undefined,
): { head: (out: Out) => Promise<void>; tail: string } {
  const stamps = streamableStamps(rest);
  // with a long timestamps list, zod sees an empty one (and frame_count 0, which it is checked against); both
  // are put back: frame_count equals the list's length, so it is a valid count
  const shown = stamps ? { ...rest, metadata: { ...rest.metadata, frame_count: 0, timestamps: [] } } : rest;
  const doc = validateWith(VideoPredictionsSchema, { ...shown, frames: {} }, { source });
  if (stamps) doc.metadata.frame_count = stamps.length;
  let text = stringifyJson(doc, { indent }).slice(0, -1);
  if (indent > 0 && depth > 0) text = text.replaceAll("\n", `\n${pad(indent, depth)}`);
  // metadata (a strict object without free keys) is the only value before "frames", so the first match is it
  const marker = indent > 0 ? `\n${pad(indent, depth + 1)}"frames": {}` : `"frames":{}`;
  const at = text.indexOf(marker);
  if (at < 0) throw new NeuroPoseError("E_BUG", "frames marker not found", { kind: "bug" });
  const split = at + marker.length - 1; // at the closing brace of "frames": {}
  const close = frames > 0 && indent > 0 ? `\n${pad(indent, depth + 1)}` : "";
  const tail = close + text.slice(split);
  if (!stamps) return { head: (out) => out(text.slice(0, split)), tail };
  // a newline cannot occur inside a JSON string, and with indent 0 a quote inside one is escaped: the first
  // match is metadata's own (empty) timestamps member
  const tsMarker = indent > 0 ? `\n${pad(indent, depth + 2)}"timestamps": []` : `"timestamps":[]`;
  const ts = text.indexOf(tsMarker);
  if (ts < 0 || ts > split) throw new NeuroPoseError("E_BUG", "timestamps marker not found", { kind: "bug" });
  const open = ts + tsMarker.length - 1; // at the closing bracket of "timestamps": []
  return {
    head: async (out) => {
      await out(text.slice(0, open));
      await writeStamps(out, stamps, indent, depth + 3);
      await out(text.slice(open, split));
    },
    tail,
  };
}

/**
 * Open a streaming writer for one VideoPredictions document. `destination` is a file path (written atomically:
 * nothing appears at the path until `finish`; `abort`, an error or a killed process leaves nothing there, and a
 * later run removes the temp files of a dead one) or a writable stream such as stdout. Each frame is validated
 * and spooled to disk as it is written, so memory stays flat however long the video; `finish` writes the whole
 * document, byte for byte what `saveDocument("video_predictions", ...)` writes for the same document.
 *
 * @example
 * ```ts
 * import { openVideoPredictionsWriter } from "@neuropose/io";
 * const w = await openVideoPredictionsWriter("/tmp/neuropose-example/stream.json");
 * await w.writeFrame({ boxes: [], poses3d: [], poses2d: [] });
 * await w.finish({
 *   metadata: { frame_count: 1, fps: 30, width: 64, height: 48, skeleton: "blazepose_33", poses3d_unit: "mm", poses3d_frame: "hip_centered" },
 * });
 * ```
 */
export async function openVideoPredictionsWriter(
  destination: string | NodeJS.WritableStream,
  options: PredictionsWriterOptions = {},
): Promise<VideoPredictionsWriter> {
  const indent = options.indent ?? 2;
  const path = typeof destination === "string" ? destination : undefined;
  const spoolFor = path ?? join(options.tempDir ?? tmpdir(), "neuropose-predictions.json");
  const spool = await openSpool(spoolFor, indent, 0, path);
  let state: "open" | "done" = "open";
  const assemble = async (rest: VideoPredictionsRest, out: Out) => {
    const { head, tail } = frame(rest, spool.count, indent, 0, path);
    await head(out);
    await spool.copyTo(out);
    await out(`${tail}\n`);
  };
  const toFile = async (rest: VideoPredictionsRest): Promise<AtomicTarget> => {
    const target = await openAtomicTarget(path as string);
    try {
      const fh = await open(target.tmp, "wx");
      try {
        await assemble(rest, handleOut(fh));
      } finally {
        await fh.close();
      }
    } catch (err) {
      await target.abort();
      throw err instanceof NeuroPoseError ? err : writeError(path as string, err);
    }
    return target;
  };
  const once = () => {
    if (state !== "open")
      throw new NeuroPoseError("E_BUG", "predictions writer already finished", { kind: "bug", path });
    state = "done";
  };
  return {
    path,
    get frames() {
      return spool.count;
    },
    writeFrame: (f) => spool.add(f),
    async prepare(rest) {
      if (path === undefined)
        throw new NeuroPoseError("E_BUG", "prepare() needs a file destination", { kind: "bug" });
      once();
      try {
        return await toFile(rest);
      } finally {
        await spool.close();
      }
    },
    async finish(rest) {
      once();
      try {
        if (path !== undefined) await (await toFile(rest)).commit();
        else await assemble(rest, streamOut(destination as NodeJS.WritableStream));
      } finally {
        await spool.close();
      }
    },
    async abort() {
      state = "done";
      await spool.close();
    },
  };
}

/** A JobResults document ({video file name: VideoPredictions}) written one video at a time. */
export interface JobResultsWriter {
  /** Start the entry for `name`; its writer's `finish` appends it to the job file. One video at a time. */
  video(name: string): Promise<PredictionsSink>;
  /** Names written so far. */
  readonly names: readonly string[];
  /** Commit the job file (atomic). */
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Open a streaming writer for a job's results.json ({video file name: VideoPredictions}) or a stream (stdout);
 * the bytes are those of `saveJobResults` for the same results. A file is atomic: nothing appears at the path
 * before `finish`.
 *
 * @example
 * ```ts
 * import { openJobResultsWriter } from "@neuropose/io";
 * const job = await openJobResultsWriter("/tmp/neuropose-example/results.json");
 * const v = await job.video("clip.mp4");
 * await v.writeFrame({ boxes: [], poses3d: [], poses2d: [] });
 * await v.finish({
 *   metadata: { frame_count: 1, fps: 30, width: 64, height: 48, skeleton: "blazepose_33", poses3d_unit: "mm", poses3d_frame: "hip_centered" },
 * });
 * await job.finish();
 * ```
 */
export async function openJobResultsWriter(
  destination: string | NodeJS.WritableStream,
  options: PredictionsWriterOptions = {},
): Promise<JobResultsWriter> {
  const indent = options.indent ?? 2;
  const toStream = typeof destination !== "string";
  const path = toStream ? join(options.tempDir ?? tmpdir(), "neuropose-results.json") : destination;
  const target = toStream ? undefined : await openAtomicTarget(path);
  let fh: FileHandle | undefined;
  if (target) {
    try {
      fh = await open(target.tmp, "wx");
    } catch (err) {
      await target.abort();
      throw writeError(path, err);
    }
  }
  const out = fh ? handleOut(fh) : streamOut(destination as NodeJS.WritableStream);
  const names: string[] = [];
  let current: FrameSpool | undefined;
  let closed = false;
  const fail = async () => {
    closed = true;
    await current?.close();
    await fh?.close().catch(() => undefined);
    await target?.abort();
  };
  return {
    names,
    async video(name) {
      if (current || closed)
        throw new NeuroPoseError("E_BUG", "one video at a time, before finish()", { kind: "bug", path });
      if (names.includes(name))
        throw new NeuroPoseError("E_DUPLICATE_VIDEO", `two videos named ${name} in one job`, {
          path,
          hint: "video file names must be unique within a job",
        });
      const spool = await openSpool(path, indent, 1, path);
      current = spool;
      const release = async () => {
        current = undefined;
        await spool.close();
      };
      return {
        writeFrame: (f) => spool.add(f),
        async finish(rest) {
          try {
            const { head, tail } = frame(rest, spool.count, indent, 1, path);
            const lead = indent > 0 ? `\n${pad(indent, 1)}` : "";
            const sep = indent > 0 ? ": " : ":";
            await out(`${names.length === 0 ? "{" : ","}${lead}${JSON.stringify(name)}${sep}`);
            await head(out);
            await spool.copyTo(out);
            await out(tail);
            names.push(name);
          } catch (err) {
            await fail();
            throw err instanceof NeuroPoseError ? err : writeError(path, err);
          } finally {
            await release();
          }
        },
        abort: release,
      };
    },
    async finish() {
      if (current || closed)
        throw new NeuroPoseError("E_BUG", "job writer: a video is still open or the job is closed", {
          kind: "bug",
          path,
        });
      closed = true;
      try {
        await out(names.length === 0 ? "{}\n" : `${indent > 0 ? "\n" : ""}}\n`);
        await fh?.close();
      } catch (err) {
        await fh?.close().catch(() => undefined);
        await target?.abort();
        throw writeError(path, err);
      }
      await target?.commit();
    },
    abort: fail,
  };
}

/** Options of {@link readVideoPredictionsStream}. */
export interface PredictionsReadOptions {
  /** Called with each frame (validated) in file order; may be async (reading waits). */
  onFrame?: (frame: FramePrediction, key: string, index: number) => void | Promise<void>;
  /** Keep the frames in the returned document (default true); false returns it with `frames: {}`. */
  keepFrames?: boolean;
  logger?: Logger | undefined;
  signal?: AbortSignal | undefined;
}

const WS = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Read a VideoPredictions file (any version, migrated) one frame at a time: the file is scanned in 4 MiB chunks,
 * each frame parsed (bare NaN / Infinity accepted) and validated on its own, so a file of any size loads (no
 * 512 MiB string limit) and, with `keepFrames: false` and an `onFrame` callback, in flat memory. Loads back
 * exactly what `loadVideoPredictions` loads. A hand-written scanner (not a streaming JSON library): it must accept
 * the bare NaN / Infinity tokens that files of the original contain, and it only needs to find member boundaries.
 *
 * @example
 * ```ts
 * import { readVideoPredictionsStream } from "@neuropose/io";
 * let people = 0;
 * const doc = await readVideoPredictionsStream("/tmp/neuropose-example/stream.json", {
 *   keepFrames: false,
 *   onFrame: (f) => { people += f.poses3d.length; },
 * });
 * console.log(doc.metadata.frame_count, people);
 * ```
 */
export async function readVideoPredictionsStream(
  path: string,
  options: PredictionsReadOptions = {},
): Promise<VideoPredictions> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new NeuroPoseError(
      code === "ENOENT" ? "E_INPUT_MISSING" : "E_READ",
      code === "ENOENT" ? `${path}: file not found` : `${path}: cannot read: ${(err as Error).message}`,
      { path, cause: err },
    );
  }
  async function* chunks(handle: FileHandle): AsyncGenerator<Uint8Array> {
    const buf = Buffer.allocUnsafe(4 << 20);
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, null);
        if (bytesRead === 0) return;
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }
  return readVideoPredictionsChunks(chunks(fh), { ...options, source: path });
}

/** Options of {@link readVideoPredictionsChunks}. */
export interface PredictionsChunksOptions extends PredictionsReadOptions {
  /** Name of the document in error messages (a file name). */
  source?: string | undefined;
  /** Receives the top-level values (metadata, provenance, ...) as written, before migration and validation. */
  onHead?: ((raw: Record<string, unknown>) => void) | undefined;
}

/**
 * {@link readVideoPredictionsStream} over bytes already in hand (a Buffer, or chunks as they arrive): each frame
 * parsed and validated on its own, so no text of the whole document and no object graph of every frame is ever
 * built (a chunk may be reused by the caller once the next one is asked for). Same document, same checks.
 *
 * @example
 * ```ts
 * import { readVideoPredictionsChunks } from "@neuropose/io";
 * const bytes = Buffer.from('{"metadata": {"frame_count": 1, "fps": 30, "width": 2, "height": 2}, "frames": {"frame_000000": {"boxes": [], "poses3d": [[[1, 2, 3]]], "poses2d": []}}}');
 * const doc = await readVideoPredictionsChunks([bytes], { source: "inline.json" });
 * console.log(doc.frames.frame_000000?.poses3d[0]?.[0]); // [1, 2, 3]
 * ```
 */
export async function readVideoPredictionsChunks(
  source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: PredictionsChunksOptions = {},
): Promise<VideoPredictions> {
  const path = options.source ?? "(predictions)";
  const keep = options.keepFrames ?? true;
  const top: Record<string, unknown> = {};
  const frames: Record<string, FramePrediction> = {};
  let index = 0;
  // scanner state
  let depth = 0;
  let inStr = false;
  let esc = false;
  let started = false;
  let ended = false;
  let expectKey = false; // at depth 1 (top) or 2 (inside frames)
  let pendingValue = false;
  let inFrames = false;
  let topKey: string | undefined;
  let frameKey: string | undefined;
  let capturing: "key" | "value" | undefined;
  let cap: Buffer[] = [];
  let capFrom = 0;
  let pos = 0;
  const bad = (what: string): never => {
    throw new JsonParseError(`${path}: invalid JSON at byte ${pos}: ${what}`, { path });
  };
  const capturedText = () => {
    const t = Buffer.concat(cap).toString("utf8").trim();
    cap = [];
    return t;
  };
  const endValue = async (chunk: Buffer, i: number) => {
    capturing = undefined;
    let text: string;
    // A value inside one chunk is decoded in place (no copy of its bytes: one allocation less per frame).
    if (cap.length === 0) text = chunk.toString("utf8", capFrom, i).trim();
    else {
      cap.push(chunk.subarray(capFrom, i));
      text = capturedText();
    }
    if (inFrames) {
      const key = frameKey as string;
      const raw = parseJson(text, { source: `${path} (frames.${key})` });
      const valid = validFrame(raw, key, path);
      if (keep) frames[key] = valid;
      await options.onFrame?.(valid, key, index);
      index++;
    } else {
      top[topKey as string] = parseJson(text, { source: `${path} (${topKey})` });
    }
  };
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
      : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  try {
    for (;;) {
      if (options.signal?.aborted)
        throw new NeuroPoseError("E_ABORTED", "reading aborted", { path, kind: "user" });
      const next = await iterator.next();
      if (next.done) break;
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      const bytesRead = chunk.length;
      capFrom = 0;
      for (let i = 0; i < bytesRead; i++, pos++) {
        const b = chunk[i] as number;
        if (inStr) {
          if (esc) esc = false;
          else if (b === 0x5c) esc = true;
          else if (b === 0x22) {
            inStr = false;
            if (capturing === "key") {
              capturing = undefined;
              let keyText: string;
              if (cap.length === 0) keyText = chunk.toString("utf8", capFrom, i + 1);
              else {
                cap.push(chunk.subarray(capFrom, i + 1));
                keyText = capturedText();
              }
              const k = JSON.parse(keyText) as string;
              if (inFrames) frameKey = k;
              else topKey = k;
            }
          }
          continue;
        }
        if (WS(b)) continue;
        if (ended) bad("unexpected data after the end of the document");
        if (!started) {
          if (b === 0xef && pos === 0) {
            i += 2; // UTF-8 byte order mark (EF BB BF)
            pos += 2;
            continue;
          }
          if (b !== 0x7b) bad("a VideoPredictions file must hold a JSON object");
          started = true;
          depth = 1;
          expectKey = true;
          continue;
        }
        const level = inFrames ? 2 : 1;
        if (pendingValue) {
          pendingValue = false;
          if (!inFrames && topKey === "frames" && b === 0x7b && depth === 1) {
            inFrames = true;
            depth = 2;
            expectKey = true;
            continue;
          }
          capturing = "value";
          capFrom = i;
        }
        if (b === 0x22) {
          inStr = true;
          if (expectKey && depth === level && capturing === undefined) {
            capturing = "key";
            capFrom = i;
            expectKey = false;
          }
          continue;
        }
        if (b === 0x7b || b === 0x5b) {
          depth++;
          continue;
        }
        if (depth === level && capturing === undefined && b === 0x3a) {
          pendingValue = true;
          continue;
        }
        if (depth === level && (b === 0x2c || b === 0x7d)) {
          if (capturing === "value") await endValue(chunk, i);
          if (b === 0x2c) {
            expectKey = true;
            continue;
          }
          depth--;
          if (inFrames) {
            inFrames = false;
            expectKey = false;
          } else ended = true;
          continue;
        }
        if (b === 0x7d || b === 0x5d) {
          depth--;
          if (depth < 1) bad("unbalanced brackets");
        }
      }
      if (capturing) cap.push(Buffer.from(chunk.subarray(capFrom)));
    }
  } finally {
    await iterator.return?.();
  }
  if (!ended) bad("unexpected end of input (truncated file?)");
  options.onHead?.(top);
  const migrated = migrate("video_predictions", { ...top, frames: {} }, { logger: options.logger });
  const doc = validateWith(VideoPredictionsSchema, migrated, { source: path }) as VideoPredictions;
  if (keep) doc.frames = frames;
  return doc;
}
