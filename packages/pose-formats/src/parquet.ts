// Parquet export of the harmonised long table, with a JSON sidecar (skeleton, names, source hash, software).
// Writer: hyparquet-writer (pure JS, MIT, maintained by hyparam; no native or wasm build, works on Node 20),
// loaded lazily so importing this package stays light. Files are written through @neuropose/io's atomic helper.
import { writeFileAtomic } from "@neuropose/io";
import { z } from "zod";
import { PoseFormatError } from "./errors.js";
import { type LongTableOptions, toLongTable } from "./table.js";
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

/**
 * Writes the harmonised long table (time, frame, [individual,] keypoint, x_px, y_px[, z_px], confidence; NaN
 * = missing) as Parquet (snappy) and a JSON sidecar (skeleton, names, source sha256, software, time base).
 * Both files are written atomically; the sidecar last, so its presence means the pair is complete.
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
  if (!path.endsWith(".parquet")) {
    throw new PoseFormatError("E_POSE_OPTION", "the output name must end in .parquet", {
      path,
      hint: "e.g. cam0.pose.parquet",
    });
  }
  const t = toLongTable(pose, options);
  const withInd = options.individualColumn ?? pose.nIndividuals > 1;
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
    { name: "confidence", type: "DOUBLE", description: pose.confidenceDefinition, data: t.confidence },
  ];
  const sidecarPath = options.sidecarPath ?? path.replace(/\.parquet$/, ".json");
  const sidecar: PoseSidecar = {
    schema: "neuropose.pose-table",
    schema_version: POSE_SIDECAR_VERSION,
    parquet: path.split(/[\\/]/).pop() as string,
    rows: t.length,
    columns: cols.map(({ name, type, description }) => ({ name, type, description })),
    key: withInd ? ["time", "individual", "keypoint"] : ["time", "keypoint"],
    missing: "NaN",
    time: options.timestamps
      ? { source: "timestamps" }
      : options.fps
        ? { source: "fps", fps: options.fps }
        : { source: "frame" },
    format: pose.format,
    software: pose.software,
    source: pose.source,
    keypoints: pose.keypoints,
    edges: pose.edges,
    individuals: pose.individuals,
    n_frames: pose.nFrames,
    confidence_definition: pose.confidenceDefinition,
    ...(pose.video ? { video: pose.video } : {}),
    warnings: pose.warnings,
    ...(options.extra ? { extra: options.extra } : {}),
  };
  PoseSidecarSchema.parse(sidecar);
  const { ByteWriter, parquetWrite } = await import("hyparquet-writer");
  const writer = new ByteWriter();
  await parquetWrite({
    writer,
    columnData: cols.map((c) => ({
      name: c.name,
      data: c.data as never,
      type: c.type as "DOUBLE",
      nullable: false,
    })),
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
  const bytes = new Uint8Array(writer.getBuffer());
  await writeFileAtomic(path, bytes);
  await writeFileAtomic(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
  return { parquet: path, sidecar: sidecarPath, rows: t.length, bytes: bytes.length };
}
