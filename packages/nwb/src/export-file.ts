// Predictions file → NWB file, streamed: the JSON is read once, frame batch by frame batch, to check every frame and
// find the tracks, while the frames' numbers are spilled (float32) to a temp file beside the output; the writer is
// then fed from the spill one write window at a time. The document is never in memory.
import { createHash } from "node:crypto";
import { type FileHandle, mkdir, open, rm } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { loadVideoPredictions, tempPathFor } from "@neuropose/io";
import { NwbWriteError } from "./errors.js";
import type { TrackData } from "./export/_pose-objects.js";
import { checkHead, type PredictionsFileHead, readFrames } from "./export/_predictions-file.js";
import { exportPlan, exportSpec, writeOptionsOf } from "./export/_spec.js";
import {
  clearTracks,
  type FrameScan,
  FrameScanner,
  type Include,
  newTracks,
  type Track,
} from "./export/_tracks.js";
import type { TypedFrame } from "./export/_typed-frame.js";
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
 * person `id, score, view quality, x y z * J (world), x y * J (image), visibility * J` (NaN where absent);
 * `offsets[i]` is where frame i starts, in floats.
 */
const REC_HEAD = 3;
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

  add(fr: TypedFrame, joints: number): void {
    const p3s = fr.poses3d;
    const p2s = fr.poses2d;
    const persons = p3s.length;
    const rec = REC_HEAD + 6 * joints;
    const a = new Float32Array(persons * rec);
    const ids = fr.personIds.present ? fr.personIds.values : undefined;
    const vq = fr.viewQuality.present ? fr.viewQuality.values : undefined;
    const vis = fr.visibility.present ? fr.visibility : undefined;
    const boxes = fr.boxes;
    for (let p = 0; p < persons; p++) {
      const o = p * rec;
      a[o] = ids ? (ids[p] as number) : p;
      a[o + 1] =
        p < boxes.length && boxes.size(0, p) >= 5
          ? (boxes.values[boxes.first(0, p) + 4] as number)
          : Number.NaN;
      a[o + 2] = vq ? (vq[p] as number) : Number.NaN;
      // the scanner checked the shapes: `joints` joints of 3 (world) and 2 (image) values, `joints` visibilities
      const w = p3s.first(1, p3s.first(0, p));
      const im = p2s.first(1, p2s.first(0, p));
      const v3 = p3s.values;
      const v2 = p2s.values;
      for (let j = 0; j < joints; j++) {
        a[o + REC_HEAD + j * 3] = v3[w + j * 3] as number;
        a[o + REC_HEAD + 1 + j * 3] = v3[w + j * 3 + 1] as number;
        a[o + REC_HEAD + 2 + j * 3] = v3[w + j * 3 + 2] as number;
        a[o + REC_HEAD + 3 * joints + j * 2] = v2[im + j * 2] as number;
        a[o + REC_HEAD + 1 + 3 * joints + j * 2] = v2[im + j * 2 + 1] as number;
      }
      if (vis) {
        const v0 = vis.first(0, p);
        for (let j = 0; j < joints; j++) a[o + REC_HEAD + 5 * joints + j] = vis.values[v0 + j] as number;
      } else for (let j = 0; j < joints; j++) a[o + REC_HEAD + 5 * joints + j] = Number.NaN;
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
    const rec = REC_HEAD + 6 * J;
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
        if (t.viewQuality) t.viewQuality[r] = vals[o + 2] as number;
        const h = o + REC_HEAD;
        for (let j = 0; j < J; j++) {
          if (this.include.world3d) {
            const w = t.world[j] as Float32Array;
            w[r * 3] = vals[h + j * 3] as number;
            w[r * 3 + 1] = vals[h + 1 + j * 3] as number;
            w[r * 3 + 2] = vals[h + 2 + j * 3] as number;
          }
          if (this.include.image2d) {
            const im = t.image[j] as Float32Array;
            im[r * 2] = vals[h + 3 * J + j * 2] as number;
            im[r * 2 + 1] = vals[h + 1 + 3 * J + j * 2] as number;
          }
          if (t.visibility) (t.visibility[j] as Float32Array)[r] = vals[h + 5 * J + j] as number;
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
    // one source per track and array, so a source given twice (a keypoint's visibility as the confidence of its
    // 2D and its 3D series) is recognised by the writer and stored once
    const cache = new Map<string, ChunkSource>();
    const src = (name: string, width: number, pick: (t: Track) => Float32Array) => {
      const s = cache.get(name) ?? this.source(id, width, pick);
      cache.set(name, s);
      return s;
    };
    return {
      image: (j) => src(`i${j}`, 2, (t) => t.image[j] as Float32Array),
      world: (j) => src(`w${j}`, 3, (t) => t.world[j] as Float32Array),
      visibility: (j) =>
        this.scan.hasVis ? src(`v${j}`, 1, (t) => t.visibility?.[j] as Float32Array) : undefined,
      score: () => src("s", 1, (t) => t.score),
      viewQuality: () =>
        this.scan.hasViewQuality ? src("q", 1, (t) => t.viewQuality as Float32Array) : undefined,
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
    const onFrame = (key: string, frame: TypedFrame | undefined, issue?: string) => {
      n++;
      if (scanner.full) return;
      if (frame === undefined) frameIssues.push(issue ?? `frames.${key}: invalid frame`);
      else {
        const before = frameIssues.length;
        scanner.add(key, frame);
        if (joints < 0 && frame.poses3d.length > 0) joints = frame.poses3d.size(0, 0);
        if (frameIssues.length === before) {
          spill.add(frame, joints);
          return;
        }
      }
      spill.skip();
    };
    for await (const _ of readFrames(predictionsPath, raw, onFrame, 4 << 20, hash)) {
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
