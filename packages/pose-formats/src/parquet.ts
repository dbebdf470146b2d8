// Parquet export of the harmonised long table, with a JSON sidecar (skeleton, names, source hash, software).
// Writer: hyparquet-writer (pure JS, MIT, maintained by hyparam; no native or wasm build, works on Node 20),
// loaded lazily so importing this package stays light. Files are written through @neuropose/io's atomic helper.
import { statSync } from "node:fs";
import { openAtomicTarget, writeFileAtomic } from "@neuropose/io";
import { z } from "zod";
import { PoseFormatError } from "./errors.js";
import { type LongTableOptions, slicePose, toLongTable } from "./table.js";
import type { HarmonisedPose } from "./types.js";

/** Version of the sidecar document (bump on incompatible change). */
export const POSE_SIDECAR_VERSION = 1;

/** The JSON sidecar written beside a pose Parquet file. */
export const PoseSidecarSchema = z.strictObject({
  schema: z.literal("neuropose.pose-table"),
  schema_version: z.literal(POSE_SIDECAR_VERSION),
  parquet: z.string(),
  rows: z.int().nonnegative(),
  columns: z.array(z.strictObject({ name: z.string(), type: z.string(), description: z.string() })),
  key: z.array(z.string()),
  missing: z.literal("NaN"),
  time: z.strictObject({ source: z.enum(["timestamps", "fps", "frame"]), fps: z.number().optional() }),
  format: z.string(),
  software: z.strictObject({
    name: z.string(),
    version: z.string().optional(),
    scorer: z.string().optional(),
  }),
  source: z.strictObject({ path: z.string(), sha256: z.string(), bytes: z.int(), files: z.int() }),
  keypoints: z.array(z.string()),
  edges: z.array(z.tuple([z.int(), z.int()])),
  individuals: z.array(z.string()),
  n_frames: z.int().nonnegative(),
  confidence_definition: z.string(),
  video: z
    .strictObject({
      path: z.string(),
      width: z.number().optional(),
      height: z.number().optional(),
      fps: z.number().optional(),
    })
    .optional(),
  warnings: z.array(z.string()),
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type PoseSidecar = z.infer<typeof PoseSidecarSchema>;

export interface WritePoseParquetOptions extends LongTableOptions {
  /** Write the `individual` column even with one individual (default: only when there are several). */
  individualColumn?: boolean;
  /** Sidecar path (default: the Parquet path with ".json" in place of ".parquet"). */
  sidecarPath?: string;
  /** Anything else to record in the sidecar (model hashes, config). */
  extra?: Record<string, unknown>;
}

export interface WritePoseParquetResult {
  parquet: string;
  sidecar: string;
  rows: number;
  bytes: number;
}

/** Frames per Parquet row group (and per chunk a streamed writer takes at once). */
const FRAMES_PER_GROUP = 8192;

/**
 * A pose Parquet file written chunk by chunk (one row group per chunk of frames), so a session of any length is
 * written in flat memory. The sidecar is written by `finish`, last, so its presence means the pair is complete;
 * `abort` leaves neither file.
 */
export interface PoseParquetWriter {
  /** Appends frames (in order); `timestamps`: one per frame of the chunk (with `timestamps: true` at open). */
  write(chunk: HarmonisedPose, timestamps?: Float64Array | readonly number[]): Promise<void>;
  /** Closes the Parquet file and writes the sidecar (names, stats and warnings from `header` as it is now). */
  finish(header?: HarmonisedPose): Promise<WritePoseParquetResult>;
  abort(): Promise<void>;
}

/** Options of {@link openPoseParquet}: as {@link writePoseParquet}'s, `timestamps` given per chunk. */
export interface OpenPoseParquetOptions extends Omit<WritePoseParquetOptions, "timestamps"> {
  /** Each `write` passes the chunk's timestamps (time source "timestamps" in the sidecar). */
  timestamps?: boolean;
}

/**
 * Opens a pose Parquet file for writing chunk by chunk (see {@link PoseParquetWriter}); `header` gives the names
 * and shape (a {@link PoseChunkReader}'s header, or any chunk).
 *
 * @example
 * ```ts
 * import { openPoseChunks, openPoseParquet } from "@neuropose/pose-formats";
 * const r = await openPoseChunks("videoDLC_resnet50_shuffle1_100000.h5");
 * const w = await openPoseParquet(r.header, "out/cam0.pose.parquet", { fps: 30 });
 * for (let s = 0; s < r.header.nFrames; s += 8192) await w.write(await r.read(s, s + 8192));
 * console.log((await w.finish(r.header)).rows);
 * r.close();
 * ```
 */
export async function openPoseParquet(
  header: HarmonisedPose,
  path: string,
  options: OpenPoseParquetOptions = {},
): Promise<PoseParquetWriter> {
  if (!path.endsWith(".parquet")) {
    throw new PoseFormatError("E_POSE_OPTION", "the output name must end in .parquet", {
      path,
      hint: "e.g. cam0.pose.parquet",
    });
  }
  if (options.fps !== undefined && !(options.fps > 0)) {
    throw new PoseFormatError("E_POSE_OPTION", `fps ${options.fps} is not positive`, {
      hint: "pass the video's frame rate",
    });
  }
  const withInd = options.individualColumn ?? header.nIndividuals > 1;
  const columnsOf = (pose: HarmonisedPose, timestamps: Float64Array | readonly number[] | undefined) => {
    const t = toLongTable(pose, {
      ...(timestamps ? { timestamps } : options.fps ? { fps: options.fps } : {}),
      ...(options.dropMissing ? { dropMissing: true } : {}),
    });
    const cols: { name: string; type: string; description: string; data: ArrayLike<unknown> }[] = [
      {
        name: "time",
        type: "DOUBLE",
        description: "seconds (or frame number when no time base was given)",
        data: t.time,
      },
      { name: "frame", type: "INT32", description: "video frame number", data: t.frame },
      ...(withInd
        ? [{ name: "individual", type: "STRING", description: "individual / track name", data: t.individual }]
        : []),
      { name: "keypoint", type: "STRING", description: "harmonised keypoint name", data: t.keypoint },
      { name: "x_px", type: "DOUBLE", description: "x in pixels (NaN = missing)", data: t.x_px },
      { name: "y_px", type: "DOUBLE", description: "y in pixels (NaN = missing)", data: t.y_px },
      ...(t.z_px ? [{ name: "z_px", type: "DOUBLE", description: "z (NaN = missing)", data: t.z_px }] : []),
      { name: "confidence", type: "DOUBLE", description: header.confidenceDefinition, data: t.confidence },
    ];
    return { cols, rows: t.length };
  };
  const sidecarPath = options.sidecarPath ?? path.replace(/\.parquet$/, ".json");
  const { ParquetWriter, fileWriter, schemaFromColumnData } = await import("hyparquet-writer");
  const target = await openAtomicTarget(path);
  const empty = columnsOf(slicePose(header, 0, 0), options.timestamps ? [] : undefined).cols;
  const columnData = (cols: typeof empty) =>
    cols.map((c) => ({ name: c.name, data: c.data as never, type: c.type as "DOUBLE", nullable: false }));
  let pq: InstanceType<typeof ParquetWriter>;
  try {
    pq = new ParquetWriter({
      writer: fileWriter(target.tmp),
      schema: schemaFromColumnData({ columnData: columnData(empty) }),
      kvMetadata: [
        {
          key: "neuropose.pose-table",
          value: JSON.stringify({
            schema_version: POSE_SIDECAR_VERSION,
            sidecar: sidecarPath.split(/[\\/]/).pop(),
          }),
        },
      ],
      createdBy: "@neuropose/pose-formats (hyparquet-writer)",
    });
  } catch (err) {
    await target.abort();
    throw err;
  }
  let rows = 0;
  let frames = 0;
  let done = false;
  return {
    async write(chunk, timestamps) {
      if (options.timestamps && !timestamps)
        throw new PoseFormatError("E_POSE_OPTION", "this writer was opened for timestamps: pass them", {
          path,
          hint: "pass one timestamp per frame of the chunk",
        });
      for (let s = 0; s < chunk.nFrames; s += FRAMES_PER_GROUP) {
        const e = Math.min(chunk.nFrames, s + FRAMES_PER_GROUP);
        const part = e - s === chunk.nFrames ? chunk : slicePose(chunk, s, e);
        const t = timestamps
          ? ArrayBuffer.isView(timestamps)
            ? (timestamps as Float64Array).subarray(s, e)
            : timestamps.slice(s, e)
          : undefined;
        const { cols, rows: n } = columnsOf(part, t);
        if (n > 0) await pq.write({ columnData: columnData(cols), rowGroupSize: n });
        rows += n;
      }
      frames += chunk.nFrames;
    },
    async finish(final = header) {
      if (done) throw new PoseFormatError("E_POSE_OPTION", "finish called twice", { path, kind: "bug" });
      done = true;
      const sidecar: PoseSidecar = {
        schema: "neuropose.pose-table",
        schema_version: POSE_SIDECAR_VERSION,
        parquet: path.split(/[\\/]/).pop() as string,
        rows,
        columns: empty.map(({ name, type, description }) => ({ name, type, description })),
        key: withInd ? ["time", "individual", "keypoint"] : ["time", "keypoint"],
        missing: "NaN",
        time: options.timestamps
          ? { source: "timestamps" }
          : options.fps
            ? { source: "fps", fps: options.fps }
            : { source: "frame" },
        format: final.format,
        software: final.software,
        source: final.source,
        keypoints: final.keypoints,
        edges: final.edges,
        individuals: final.individuals,
        n_frames: frames,
        confidence_definition: final.confidenceDefinition,
        ...(final.video ? { video: final.video } : {}),
        warnings: final.warnings,
        ...(options.extra ? { extra: options.extra } : {}),
      };
      try {
        PoseSidecarSchema.parse(sidecar);
        await pq.finish();
      } catch (err) {
        await target.abort();
        throw err;
      }
      await target.commit();
      await writeFileAtomic(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
      return { parquet: path, sidecar: sidecarPath, rows, bytes: statSync(path).size };
    },
    async abort() {
      done = true;
      await target.abort();
    },
  };
}

/**
 * Writes the harmonised long table (time, frame, [individual,] keypoint, x_px, y_px[, z_px], confidence; NaN
 * = missing) as Parquet (snappy, row groups of 8192 frames) and a JSON sidecar (skeleton, names, source sha256,
 * software, time base). Both files are written atomically; the sidecar last, so its presence means the pair is
 * complete. For a session too long to hold in memory, see {@link openPoseParquet}.
 *
 * @example
 * ```ts
 * import { readSleap, writePoseParquet } from "@neuropose/pose-formats";
 * const pose = await readSleap("labels.slp");
 * const r = await writePoseParquet(pose, "out/cam0.pose.parquet", { fps: 30 });
 * console.log(r.rows, r.sidecar); // 7650 out/cam0.pose.json
 * ```
 */
export async function writePoseParquet(
  pose: HarmonisedPose,
  path: string,
  options: WritePoseParquetOptions = {},
): Promise<WritePoseParquetResult> {
  const { timestamps, ...rest } = options;
  if (timestamps && timestamps.length !== pose.nFrames) {
    throw new PoseFormatError("E_POSE_OPTION", `${timestamps.length} timestamps for ${pose.nFrames} frames`, {
      path: pose.source.path,
      hint: "pass one timestamp per pose frame (the camera's timebase)",
    });
  }
  const w = await openPoseParquet(pose, path, { ...rest, timestamps: !!timestamps });
  try {
    await w.write(pose, timestamps);
  } catch (err) {
    await w.abort();
    throw err;
  }
  return w.finish(pose);
}
