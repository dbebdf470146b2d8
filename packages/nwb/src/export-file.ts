// Predictions file → NWB file, streamed: the file is read twice, frame batch by frame batch (first to check every
// frame and find the tracks, then to feed the writer one write window at a time); the document is never in memory.
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { type FramePrediction, loadVideoPredictions } from "@neuropose/io";
import { NwbWriteError } from "./errors.js";
import type { TrackData } from "./export/_pose-objects.js";
import {
  checkFrame,
  checkHead,
  type KeyedFrame,
  type PredictionsFileHead,
  readFrameBatches,
} from "./export/_predictions-file.js";
import { timeBase } from "./export/_time-base.js";
import {
  clearTracks,
  type FrameScan,
  FrameScanner,
  fillFrame,
  type Include,
  newTracks,
  type Track,
} from "./export/_tracks.js";
import type { NwbExportSummary, VideoPredictionsToNwbOptions } from "./export/options.js";
import { exportSpec, includeOf, videoPredictionsToNwb, writeOptionsOf } from "./export.js";
import type { ChunkSource } from "./types.js";
import { writeNwb } from "./writer.js";

/** Options of {@link predictionsFileToNwb}: those of `videoPredictionsToNwb`, and how the file is read. */
export interface PredictionsFileToNwbOptions extends VideoPredictionsToNwbOptions {
  /** Store the SHA-256 of the predictions file with the provenance, under its file name (default true). */
  hashInput?: boolean;
  /** Rows per write window (default 16384; the frames of one window are in memory at a time). */
  chunkRows?: number;
}

async function checkpoint(signal: AbortSignal | undefined, path: string): Promise<void> {
  await nextTurn();
  if (signal?.aborted)
    throw new NwbWriteError("writing was aborted; nothing was written", {
      path,
      code: "E_ABORTED",
      cause: signal.reason,
    });
}

/** Feeds the pose series of all tracks from a second pass over the file, one write window at a time. */
class WindowFeeder {
  private tracks: Map<number, Track> | undefined;
  private start = 0;
  private end = 0;
  private pending: KeyedFrame[] = [];
  private next = 0;
  private filling: Promise<void> | undefined;
  private readonly batches: AsyncGenerator<KeyedFrame[]>;

  constructor(
    private readonly path: string,
    private readonly keysSeen: (i: number) => string | undefined,
    private readonly scan: FrameScan,
    private readonly include: Include,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.batches = readFrameBatches(path);
  }

  private async frame(i: number): Promise<FramePrediction> {
    while (this.next >= this.pending.length) {
      const r = await this.batches.next();
      if (r.done) throw new NwbWriteError(`${this.path} changed while it was being exported (fewer frames)`);
      this.pending = r.value;
      this.next = 0;
      await checkpoint(this.signal, this.path);
    }
    const f = this.pending[this.next++] as KeyedFrame;
    if (f.key !== this.keysSeen(i))
      throw new NwbWriteError(
        `${this.path} changed while it was being exported (frame ${i} is now ${f.key})`,
      );
    return f.frame;
  }

  private async fill(start: number, end: number): Promise<void> {
    if (start !== this.end) throw new Error(`bug: window ${start}..${end} after ${this.start}..${this.end}`);
    const rows = end - start;
    if (!this.tracks || (this.tracks.values().next().value?.score.length ?? 0) < rows)
      this.tracks = newTracks(this.scan, rows, this.include);
    else clearTracks(this.tracks);
    for (let i = start; i < end; i++)
      fillFrame(this.tracks, i - start, await this.frame(i), this.scan, this.include);
    this.start = start;
    this.end = end;
  }

  async window(start: number, end: number): Promise<Map<number, Track>> {
    if (!(start === this.start && end === this.end && this.tracks)) {
      this.filling ??= this.fill(start, end).finally(() => {
        this.filling = undefined;
      });
      await this.filling;
    }
    return this.tracks as Map<number, Track>;
  }

  close(): void {
    void this.batches.return(undefined);
  }

  source(id: number, width: number, pick: (t: Track) => Float32Array): ChunkSource {
    return {
      length: this.scan.n,
      width,
      read: async (start, end) => {
        const t = (await this.window(start, end)).get(id) as Track;
        return pick(t).subarray(0, (end - start) * width);
      },
    };
  }

  dataOf(id: number): TrackData {
    return {
      image: (j) => this.source(id, 2, (t) => t.image[j] as Float32Array),
      world: (j) => this.source(id, 3, (t) => t.world[j] as Float32Array),
      visibility: (j) =>
        this.scan.hasVis ? this.source(id, 1, (t) => t.visibility?.[j] as Float32Array) : undefined,
      score: () => this.source(id, 1, (t) => t.score),
    };
  }
}

/**
 * Export a predictions JSON file (as written by neuropose-infer) to an NWB file without loading the document:
 * the same file as {@link videoPredictionsToNwb} writes, with memory bounded by one write window of frames
 * (`chunkRows`), not by the recording's length. The file is read twice (check, then write); every frame is checked
 * before anything is written, and the write is atomic. Files of older schema versions are loaded whole and migrated
 * by @neuropose/io first. Honours `signal` between frame batches and write chunks (rejects with `E_ABORTED`,
 * leaving no file).
 *
 * @example
 * ```ts
 * import { predictionsFileToNwb } from "@neuropose/nwb";
 * const summary = await predictionsFileToNwb("clip.json", "clip.nwb", {
 *   sessionDescription: "gait lab walk",
 *   sessionStartTime: "2024-05-01T10:00:00+02:00",
 *   subject: { subjectId: "S01", species: "Homo sapiens" },
 * });
 * console.log(summary.frames, summary.poseEstimations);
 * ```
 */
export async function predictionsFileToNwb(
  predictionsPath: string,
  outPath: string,
  options: PredictionsFileToNwbOptions,
): Promise<NwbExportSummary> {
  const signal = options.signal;
  const issues: string[] = [];
  const frameIssues: string[] = [];
  const scanner = new FrameScanner(frameIssues);
  const raw: Record<string, unknown> = {};
  const keys: string[] = [];
  const hash = (options.hashInput ?? true) ? createHash("sha256") : undefined;
  for await (const batch of readFrameBatches(predictionsPath, raw, undefined, hash)) {
    for (const { key, frame } of batch) {
      keys.push(key);
      if (scanner.full) continue;
      const bad = checkFrame(key, frame);
      if (bad) frameIssues.push(bad);
      else scanner.add(key, frame);
    }
    await checkpoint(signal, outPath);
  }
  const inputHashes = hash
    ? { [basename(predictionsPath)]: `sha256:${hash.digest("hex")}`, ...options.inputHashes }
    : options.inputHashes;
  const head: PredictionsFileHead | undefined = checkHead(predictionsPath, raw);
  if (!head) {
    // an older schema version: io migrates it (such files come from the original tool and are small)
    const preds = await loadVideoPredictions(predictionsPath);
    return videoPredictionsToNwb(preds, outPath, { ...options, ...(inputHashes ? { inputHashes } : {}) });
  }
  const md = head.metadata;
  const n = keys.length;
  if (n === 0) issues.push("frames: no frames to export");
  if (md.frame_count !== n)
    issues.push(`metadata.frame_count: ${md.frame_count}, but the document has ${n} frames`);
  const time = timeBase(md, n, options.videoStartTime, issues);
  const include = includeOf(options, issues);
  issues.push(...frameIssues);
  const scan = scanner.finish();
  // the scanner counts only frames it checked; the summary counts every frame
  const fullScan: FrameScan = { ...scan, n };
  const feeder = new WindowFeeder(predictionsPath, (i) => keys[i], fullScan, include, signal);
  try {
    const { summary, ...spec } = exportSpec(
      head,
      fullScan,
      outPath,
      { ...options, ...(inputHashes ? { inputHashes } : {}) },
      issues,
      include,
      time,
      (id) => feeder.dataOf(id),
    );
    await writeNwb(outPath, spec, {
      ...writeOptionsOf(options),
      ...(options.chunkRows !== undefined ? { chunkRows: options.chunkRows } : {}),
    });
    return { path: outPath, ...summary };
  } finally {
    feeder.close();
  }
}
