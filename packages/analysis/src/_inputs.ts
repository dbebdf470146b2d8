// Reading the input files of a run: bytes (hashed for provenance), JSON, migration and validation, once per file.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
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
   * The document as validated, its frames reduced to what the analysis reads: `poses3d` and `pose_presence`
   * (`boxes` / `poses2d` empty, visibility / presence / person_ids dropped), so that a big cohort or reference
   * set does not hold every 2D landmark and box in memory.
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

/** A frame as the analysis reads it: poses3d and pose_presence, the rest left out. */
function analysedFrame(f: FramePrediction): FramePrediction {
  return f.pose_presence === undefined
    ? { boxes: [], poses3d: f.poses3d, poses2d: [] }
    : { boxes: [], poses3d: f.poses3d, poses2d: [], pose_presence: f.pose_presence };
}

/** A loader of input files that reads, hashes, parses and validates each file once (later calls hit a cache). */
export function createInputLoader(
  baseDir: string,
  readInput: ReadInput = (abs: string) => readFile(abs),
  log?: Logger,
): InputLoader {
  const cache = new Map<string, Loaded>();
  const load = async function load(written: string): Promise<Loaded> {
    const hit = cache.get(written);
    if (hit) return hit;
    const absolute = isAbsolute(written) ? written : resolve(baseDir, written);
    let data: string | Uint8Array;
    try {
      data = await readInput(absolute, written);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new AnalysisRunError(
        "E_INPUT_MISSING",
        `cannot read input ${written}${code ? ` (${code})` : ""}`,
        { path: absolute, hint: `relative inputs resolve against the YAML file's folder (${baseDir})` },
      );
    }
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    let predictions: VideoPredictions;
    let provenance: Record<string, unknown> | null;
    try {
      // Frame by frame (io's streaming reader over the bytes read): each frame's objects die young, so memory
      // stays near the file's size instead of the whole document's object graph, at about the cost of one parse.
      const frames: VideoPredictions["frames"] = {};
      let head: Record<string, unknown> = {};
      const doc = await readVideoPredictionsChunks([bytes], {
        source: written,
        keepFrames: false,
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
    } catch {
      // Whatever the frame-by-frame reader refuses goes through the whole-document path, which gives a malformed
      // file exactly the error it always gave (and reads anything the reader might have refused).
      const text =
        typeof data === "string"
          ? data
          : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
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
    const loaded: Loaded = { written, absolute, predictions, provenance, sha256, bytes: bytes.length };
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
