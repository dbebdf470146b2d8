// Predictions file → NWB file, streamed: the JSON is read once, frame batch by frame batch, to check every frame and
// find the tracks, while the frames' numbers are spilled (float32) to a temp file beside the output; the writer is
// then fed from the spill one write window at a time. The document is never in memory.
import { createHash } from "node:crypto";
import { type FileHandle, mkdir, open, rm } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { type FramePrediction, loadVideoPredictions, tempPathFor } from "@neuropose/io";
import { NwbWriteError } from "./errors.js";
import type { TrackData } from "./export/_pose-objects.js";
import {
  checkFrame,
  checkHead,
  type PredictionsFileHead,
  readFrameBatches,
} from "./export/_predictions-file.js";
import { exportPlan, exportSpec, writeOptionsOf } from "./export/_spec.js";
import {
  clearTracks,
  type FrameScan,
  FrameScanner,
  type Include,
  newTracks,
  type Track,
} from "./export/_tracks.js";
import type { NwbExportSummary, VideoPredictionsToNwbOptions } from "./export/options.js";
import { videoPredictionsToNwb } from "./export.js";
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

/**
 * The frames' numbers, spilled to a temp file beside the output during the checking pass (float32, as written to
 * NWB), so the write pass reads binary windows instead of parsing the JSON a second time. Per frame: for each
 * person `id, score, x y z * J (world), x y * J (image), visibility * J` (NaN where absent); `offsets[i]` is
 * where frame i starts, in floats.
 */
class FrameSpill {
  readonly offsets: number[] = [0];
  private parts: Float32Array[] = [];
  private queued = 0;
  private size = 0;
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  static async create(outPath: string): Promise<FrameSpill> {
    // a temp name of the output, so a later run removes it when this process was killed
    const path = tempPathFor(outPath);
    await mkdir(dirname(outPath), { recursive: true });
    return new FrameSpill(path, await open(path, "w+"));
  }

  add(fr: FramePrediction, joints: number): void {
    const persons = fr.poses3d.length;
    const rec = 2 + 6 * joints;
    const a = new Float32Array(persons * rec);
    for (let p = 0; p < persons; p++) {
      const o = p * rec;
      a[o] = fr.person_ids?.[p] ?? p;
      const box = fr.boxes[p];
      a[o + 1] = box && box.length >= 5 ? (box[4] as number) : Number.NaN;
      const p3 = fr.poses3d[p] as number[][];
      const p2 = fr.poses2d[p] as number[][];
      const vis = fr.visibility?.[p];
      for (let j = 0; j < joints; j++) {
        const w = p3[j] as number[];
        const im = p2[j] as number[];
        a[o + 2 + j * 3] = w[0] as number;
        a[o + 3 + j * 3] = w[1] as number;
        a[o + 4 + j * 3] = w[2] as number;
        a[o + 2 + 3 * joints + j * 2] = im[0] as number;
        a[o + 3 + 3 * joints + j * 2] = im[1] as number;
        a[o + 2 + 5 * joints + j] = vis?.[j] ?? Number.NaN;
      }
    }
    this.parts.push(a);
    this.queued += a.length;
    this.size += a.length;
    this.offsets.push(this.size);
  }

  /** Frames of a batch that were not checked (a frame with an issue): nothing is exported, keep offsets aligned. */
  skip(): void {
    this.offsets.push(this.size);
  }

  async flush(): Promise<void> {
    if (this.queued === 0) return;
    const all = new Float32Array(this.queued);
    let o = 0;
    for (const p of this.parts) {
      all.set(p, o);
      o += p.length;
    }
    this.parts = [];
    this.queued = 0;
    await this.fh.write(new Uint8Array(all.buffer));
  }

  /** Floats of frames `start..end-1`. */
  async read(start: number, end: number): Promise<Float32Array> {
    const a = this.offsets[start] as number;
    const b = this.offsets[end] as number;
    const out = new Float32Array(b - a);
    if (b > a) await this.fh.read(new Uint8Array(out.buffer), 0, (b - a) * 4, a * 4);
    return out;
  }

  async remove(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}

/** Feeds the pose series of all tracks from the spill, one write window at a time. */
class WindowFeeder {
  private tracks: Map<number, Track> | undefined;
  private start = 0;
  private end = 0;
  private filling: Promise<void> | undefined;

  constructor(
    private readonly spill: FrameSpill,
    private readonly scan: FrameScan,
    private readonly include: Include,
  ) {}

  private async fill(start: number, end: number): Promise<void> {
    if (start !== this.end) throw new Error(`bug: window ${start}..${end} after ${this.start}..${this.end}`);
    const rows = end - start;
    if (!this.tracks || (this.tracks.values().next().value?.score.length ?? 0) < rows)
      this.tracks = newTracks(this.scan, rows, this.include);
    else clearTracks(this.tracks);
    const J = this.scan.joints;
    const rec = 2 + 6 * J;
    const vals = await this.spill.read(start, end);
    const base = this.spill.offsets[start] as number;
    for (let i = start; i < end; i++) {
      const r = i - start;
      for (
        let o = (this.spill.offsets[i] as number) - base;
        o < (this.spill.offsets[i + 1] as number) - base;
        o += rec
      ) {
        const t = this.tracks.get(vals[o] as number);
        if (!t || t.seen[r]) continue;
        t.seen[r] = 1;
        t.score[r] = vals[o + 1] as number;
        for (let j = 0; j < J; j++) {
          if (this.include.world3d) {
            const w = t.world[j] as Float32Array;
            w[r * 3] = vals[o + 2 + j * 3] as number;
            w[r * 3 + 1] = vals[o + 3 + j * 3] as number;
            w[r * 3 + 2] = vals[o + 4 + j * 3] as number;
          }
          if (this.include.image2d) {
            const im = t.image[j] as Float32Array;
            im[r * 2] = vals[o + 2 + 3 * J + j * 2] as number;
            im[r * 2 + 1] = vals[o + 3 + 3 * J + j * 2] as number;
          }
          if (t.visibility) (t.visibility[j] as Float32Array)[r] = vals[o + 2 + 5 * J + j] as number;
        }
      }
    }
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
 * (`chunkRows`), not by the recording's length. The JSON is parsed once; every frame is checked before anything is
 * written (the numbers wait in a float32 temp file beside the output, removed at the end), and the write is atomic. Files of older schema versions are loaded whole and migrated
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
  let n = 0;
  let joints = -1;
  const hash = (options.hashInput ?? true) ? createHash("sha256") : undefined;
  const spill = await FrameSpill.create(outPath);
  try {
    for await (const batch of readFrameBatches(predictionsPath, raw, 1 << 20, hash)) {
      for (const { key, frame } of batch) {
        n++;
        if (scanner.full) continue;
        const bad = checkFrame(key, frame);
        if (bad) frameIssues.push(bad);
        else {
          const before = frameIssues.length;
          scanner.add(key, frame);
          if (joints < 0 && frame.poses3d.length > 0) joints = frame.poses3d[0]?.length ?? -1;
          if (frameIssues.length === before) {
            spill.add(frame, joints);
            continue;
          }
        }
        spill.skip();
      }
      await spill.flush();
      await checkpoint(signal, outPath);
    }
    const inputHashes = hash
      ? { [basename(predictionsPath)]: `sha256:${hash.digest("hex")}`, ...options.inputHashes }
      : options.inputHashes;
    const head: PredictionsFileHead | undefined = checkHead(predictionsPath, raw);
    if (!head) {
      // an older schema version: io migrates it (such files come from the original tool and are small)
      await spill.remove();
      const preds = await loadVideoPredictions(predictionsPath);
      return await videoPredictionsToNwb(preds, outPath, {
        ...options,
        ...(inputHashes ? { inputHashes } : {}),
      });
    }
    const md = head.metadata;
    const { time, include } = exportPlan(md, n, options, issues);
    issues.push(...frameIssues);
    // the scanner counts only frames it checked; the summary counts every frame
    const scan: FrameScan = { ...scanner.finish(), n };
    const feeder = new WindowFeeder(spill, scan, include);
    const { summary, ...spec } = exportSpec(
      head,
      scan,
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
    await spill.remove();
  }
}
