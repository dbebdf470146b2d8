// Reading the input files of a run: bytes (hashed for provenance), JSON, migration and validation, once per file.
import { createHash, type Hash } from "node:crypto";
import { type FileHandle, open, readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import {
  type FramePrediction,
  isNeuroPoseError,
  type Logger,
  migrateAndValidate,
  parseJson,
  readVideoPredictionsChunks,
  type VideoPredictions,
} from "@neuropose/io";
import { type PoseSequence, predictionsToSequence } from "@neuropose/kinematics";
import { AnalysisRunError } from "./errors.js";

/** One input file, read and validated. */
export interface Loaded {
  written: string;
  absolute: string;
  /**
   * The document as validated, its frames reduced to what the analysis reads: `poses3d`, `visibility`,
   * `presence` and `pose_presence` (`boxes` / `poses2d` empty, person_ids dropped), so that a big cohort or
   * reference set does not hold every 2D landmark and box in memory.
   */
  predictions: VideoPredictions;
  /** The file's provenance as written (the report stores it so, as the original did); null when absent. */
  provenance: Record<string, unknown> | null;
  sha256: string;
  bytes: number;
}

/** A loaded input as the report's `primary` / `reference` / `cohort` entries summarise it. */
export interface InputSummary {
  path: string;
  frame_count: number;
  fps: number;
  provenance: Record<string, unknown> | null;
}

/** Reads one input file (absolute path) as written in the config. */
export type ReadInput = (absolutePath: string, written: string) => Promise<string | Uint8Array>;

/** A NeuroPose error re-thrown as an AnalysisRunError with `context` before its message; other errors as they are. */
export function withContext(e: unknown, context: string, path?: string): unknown {
  if (isNeuroPoseError(e)) {
    return new AnalysisRunError(e.code, `${context}: ${e.message}`, {
      path: path ?? e.path,
      hint: e.hint,
      kind: e.kind,
      cause: e,
    });
  }
  return e;
}

/** Loads an input file once; `forget` drops it from the cache once a step no longer needs it (cohort trials). */
export interface InputLoader {
  (written: string): Promise<Loaded>;
  forget(written: string): void;
}

/**
 * A frame as the analysis reads it: poses3d, and the per-person visibility / presence / pose_presence that the
 * missing-frame policy and the per-cycle keypoint score read; boxes, poses2d and person_ids left out.
 */
function analysedFrame(f: FramePrediction): FramePrediction {
  const out: FramePrediction = { boxes: [], poses3d: f.poses3d, poses2d: [] };
  if (f.visibility !== undefined) out.visibility = f.visibility;
  if (f.presence !== undefined) out.presence = f.presence;
  if (f.pose_presence !== undefined) out.pose_presence = f.pose_presence;
  return out;
}

/** A file's bytes in 1 MiB chunks, each hashed and counted as it is read (the buffer is reused). */
async function* hashedChunks(
  fh: FileHandle,
  hash: Hash,
  size: { bytes: number },
): AsyncGenerator<Uint8Array> {
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      size.bytes += bytesRead;
      yield chunk;
    }
  } finally {
    await fh.close();
  }
}

/**
 * A loader of input files that reads, hashes, parses and validates each file once (later calls hit a cache).
 * Without `readInput`, files are read in chunks, hashed and parsed frame by frame as they arrive (the whole file
 * is never in memory at once); with it, the same over the bytes it returns.
 */
export function createInputLoader(baseDir: string, readInput?: ReadInput, log?: Logger): InputLoader {
  const cache = new Map<string, Loaded>();
  const missing = (e: unknown, written: string, absolute: string) => {
    const code = (e as NodeJS.ErrnoException).code;
    return new AnalysisRunError(
      "E_INPUT_MISSING",
      `cannot read input ${written}${code ? ` (${code})` : ""}`,
      {
        path: absolute,
        hint: `relative inputs resolve against the YAML file's folder (${baseDir})`,
      },
    );
  };
  const load = async function load(written: string): Promise<Loaded> {
    const hit = cache.get(written);
    if (hit) return hit;
    const absolute = isAbsolute(written) ? written : resolve(baseDir, written);
    const readBytes = async (): Promise<Uint8Array> => {
      let data: string | Uint8Array;
      try {
        data = await (readInput ?? ((abs: string) => readFile(abs)))(absolute, written);
      } catch (e) {
        throw missing(e, written, absolute);
      }
      return typeof data === "string" ? Buffer.from(data, "utf8") : data;
    };
    let source: Uint8Array[] | AsyncGenerator<Uint8Array>;
    const hash = createHash("sha256");
    const size = { bytes: 0 };
    if (readInput) {
      const bytes = await readBytes();
      hash.update(bytes);
      size.bytes = bytes.length;
      source = [bytes];
    } else {
      let fh: FileHandle;
      try {
        fh = await open(absolute, "r");
      } catch (e) {
        throw missing(e, written, absolute);
      }
      source = hashedChunks(fh, hash, size);
    }
    let predictions: VideoPredictions;
    let provenance: Record<string, unknown> | null;
    let sha256: string;
    try {
      // Frame by frame (io's streaming reader): each frame's objects die young, so memory stays near one
      // frame's instead of the whole document's object graph, at about the cost of one parse.
      const frames: VideoPredictions["frames"] = {};
      let head: Record<string, unknown> = {};
      const doc = await readVideoPredictionsChunks(source, {
        source: written,
        keepFrames: false,
        logger: log,
        onFrame: (f, key) => {
          if (key === "__proto__") throw new Error("frame key __proto__");
          frames[key] = analysedFrame(f);
        },
        onHead: (h) => {
          head = h;
        },
      });
      predictions = { ...doc, frames };
      provenance = (head.provenance ?? null) as Record<string, unknown> | null;
      sha256 = hash.digest("hex");
    } catch {
      // Whatever the frame-by-frame reader refuses (or a read that failed half-way) goes through the
      // whole-document path, which gives a malformed file exactly the error it always gave.
      const bytes = await readBytes();
      size.bytes = bytes.length;
      sha256 = createHash("sha256").update(bytes).digest("hex");
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
      const raw = parseJson(text, { source: written }) as Record<string, unknown>;
      // io validates the frames in plain loops (no zod per number).
      const valid = migrateAndValidate("video_predictions", raw, { source: written, logger: log });
      const frames: VideoPredictions["frames"] = {};
      for (const key of Object.keys(valid.frames))
        frames[key] = analysedFrame(valid.frames[key] as FramePrediction);
      predictions = { ...valid, frames };
      // Only the provenance of the parsed document is kept (not a second copy of every frame).
      provenance = (raw.provenance ?? null) as Record<string, unknown> | null;
    }
    const loaded: Loaded = { written, absolute, predictions, provenance, sha256, bytes: size.bytes };
    cache.set(written, loaded);
    log?.debug?.("loaded input", { path: written, frames: predictions.metadata.frame_count, sha256 });
    return loaded;
  };
  return Object.assign(load, { forget: (written: string) => void cache.delete(written) });
}

/** The report's summary of an input (path, frame count, fps, provenance as written). */
export function inputSummary(l: Loaded): InputSummary {
  return {
    path: l.written,
    frame_count: l.predictions.metadata.frame_count,
    fps: l.predictions.metadata.fps,
    provenance: l.provenance,
  };
}

/** The input's frames of person `personIndex` as a pose sequence (errors name the file). */
export function toSequence(l: Loaded, personIndex: number): PoseSequence {
  try {
    return predictionsToSequence(l.predictions, { personIndex });
  } catch (e) {
    throw withContext(e, `${l.written}`, l.absolute);
  }
}
