// The pose stage's work for one camera, chunk by chunk so an hour-long session never sits in memory: rows are read
// from the pose file in ranges, timed by the camera's timestamps, written to Parquet row group by row group, and
// summarised for the QC page on the way (missing fraction and median confidence per keypoint in ≤120 time bins).
// What later stages need (shape, frame order, the QC bins) is kept in a small JSON beside the Parquet file, so a
// build whose pose stage came from the cache reads that instead of the pose.
import { readFile } from "node:fs/promises";
import { NeuroPoseError, writeFileAtomic } from "@neuropose/io";
import {
  type HarmonisedPose,
  openPoseChunks,
  openPoseParquet,
  type PoseChunkFormat,
  type PoseChunkReader,
  type WritePoseParquetResult,
} from "@neuropose/pose-formats";
import { neuroposeChunks } from "./_neuropose.js";

/** Frames read, timed and written at once. */
export const POSE_CHUNK_FRAMES = 8192;

/** What the pose stage records per camera (`pose/<camera>.pose_info.json`). */
export interface PoseInfo {
  schema_version: 1;
  camera_id: string;
  path: string;
  /** BlazePose predictions documents (format "neuropose"), one per video file of the camera. */
  files?: string[];
  format: string;
  n_frames: number;
  n_individuals: number;
  keypoints: string[];
  individuals: string[];
  /** The first frame number when the rows are frames first, first+1, ... (no gaps); else null. */
  contiguous_from: number | null;
  missing_points: number;
  software: HarmonisedPose["software"];
  warnings: string[];
  qc: {
    t0_s: number;
    bin_s: number;
    keypoints: { name: string; missing_fraction: number[]; median_confidence: number[] }[];
  };
}

const sessionError = (code: string, message: string, path: string, hint: string) =>
  new NeuroPoseError(code, message, { path, hint, kind: "user" });

/** The format name `openPoseChunks` takes for a session.toml `[[pose]] format`. */
export function chunkFormat(format: string): PoseChunkFormat {
  return (
    ["dlc", "sleap", "openpose", "lightning_pose"].includes(format) ? format : "auto"
  ) as PoseChunkFormat;
}

/**
 * Imports one camera's pose file: Parquet + sidecar and the info JSON, every row timed by `timestamps` (the
 * camera's, indexed by video frame).
 */
export async function importPose(o: {
  cameraId: string;
  path: string;
  format: string;
  timestamps: Float64Array;
  parquet: string;
  infoFile: string;
  /** The pose already opened (our BlazePose's predictions); else `path` is opened as `format`. */
  reader?: PoseChunkReader;
  /** Files the pose came from when not `path` alone (BlazePose predictions, one per video file). */
  files?: string[];
}): Promise<{ info: PoseInfo; parquet: WritePoseParquetResult }> {
  const r = o.reader ?? (await openPoseChunks(o.path, { format: chunkFormat(o.format) }));
  try {
    const h = r.header;
    const n = h.nFrames;
    const nFramesVideo = o.timestamps.length;
    if (n > nFramesVideo)
      throw sessionError(
        "E_SESSION_POSE",
        `camera ${o.cameraId}: the pose file has ${n} frames but the video has ${nFramesVideo}`,
        o.path,
        "is this the pose file of that camera?",
      );
    const w = await openPoseParquet(h, o.parquet, { timestamps: true });
    const bins = Math.min(120, n);
    const per = Math.ceil(n / Math.max(1, bins));
    const nK = h.nKeypoints;
    const nI = h.nIndividuals;
    const missing = h.keypoints.map(() => [] as number[]);
    const medianConf = h.keypoints.map(() => [] as number[]);
    let bin = 0;
    let miss = new Float64Array(nK);
    let tot = new Float64Array(nK);
    let conf: number[][] = h.keypoints.map(() => []);
    const flushBin = () => {
      for (let k = 0; k < nK; k++) {
        const cs = (conf[k] as number[]).sort((a, b) => a - b);
        (missing[k] as number[]).push(tot[k] ? (miss[k] as number) / (tot[k] as number) : Number.NaN);
        (medianConf[k] as number[]).push(cs.length ? (cs[cs.length >> 1] as number) : Number.NaN);
      }
      miss = new Float64Array(nK);
      tot = new Float64Array(nK);
      conf = h.keypoints.map(() => []);
      bin++;
    };
    let contiguousFrom: number | null = null;
    let t0 = Number.NaN;
    let tEnd = Number.NaN;
    try {
      for (let s = 0; s < n; s += POSE_CHUNK_FRAMES) {
        const chunk = await r.read(s, Math.min(n, s + POSE_CHUNK_FRAMES));
        const ts = new Float64Array(chunk.nFrames);
        for (let f = 0; f < chunk.nFrames; f++) {
          const frame = chunk.frameIndex[f] as number;
          const t = o.timestamps[frame];
          if (!Number.isInteger(frame) || t === undefined)
            throw sessionError(
              "E_SESSION_POSE",
              `camera ${o.cameraId}: pose row ${s + f} is frame ${frame}, outside the video's ${nFramesVideo} frames`,
              o.path,
              "is this the pose file of that camera?",
            );
          ts[f] = t;
          if (s + f === 0) {
            contiguousFrom = frame;
            t0 = t;
          } else if (contiguousFrom !== null && frame !== contiguousFrom + s + f) contiguousFrom = null;
          tEnd = t;
          const g = s + f;
          while (g >= (bin + 1) * per && bin < bins) flushBin();
          for (let i = 0; i < nI; i++)
            for (let k = 0; k < nK; k++) {
              const idx = (f * nI + i) * nK + k;
              tot[k]++;
              if (!Number.isFinite(chunk.coords[idx * chunk.nDims] as number)) miss[k]++;
              else (conf[k] as number[]).push(chunk.confidence[idx] as number);
            }
        }
        await w.write(chunk, ts);
      }
      while (bin < bins) flushBin();
    } catch (err) {
      await w.abort();
      throw err;
    }
    const parquet = await w.finish(r.header);
    const info: PoseInfo = {
      schema_version: 1,
      camera_id: o.cameraId,
      path: o.path,
      ...(o.files ? { files: o.files } : {}),
      format: o.reader ? "neuropose" : h.format,
      n_frames: n,
      n_individuals: nI,
      keypoints: h.keypoints,
      individuals: h.individuals,
      contiguous_from: contiguousFrom,
      missing_points: r.header.stats.missingPoints,
      software: h.software,
      warnings: r.header.warnings,
      qc: {
        t0_s: t0,
        bin_s: (tEnd - t0) / Math.max(1, bins) || 1,
        keypoints: h.keypoints.map((name, k) => ({
          name,
          missing_fraction: missing[k] as number[],
          median_confidence: medianConf[k] as number[],
        })),
      },
    };
    await writeFileAtomic(
      o.infoFile,
      `${JSON.stringify(info, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v))}\n`,
    );
    return { info, parquet };
  } finally {
    r.close();
  }
}

/** The info JSON a (possibly cached) pose stage wrote. */
export async function readPoseInfo(file: string): Promise<PoseInfo> {
  return JSON.parse(await readFile(file, "utf8"), (_k, v) =>
    v === "NaN" ? Number.NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v,
  ) as PoseInfo;
}

/**
 * Opens a camera's pose again for the NWB stage, with the timestamps of its rows (a contiguous run of frames is a
 * view of the camera's timestamps; otherwise the frame numbers are read in one pass). Close the reader after the
 * write.
 */
export async function openPoseForNwb(
  info: PoseInfo,
  cameraTimestamps: Float64Array,
): Promise<{ reader: PoseChunkReader; timestamps: Float64Array }> {
  const reader =
    info.format === "neuropose"
      ? await neuroposeChunks(info.files ?? [info.path], info.camera_id)
      : await openPoseChunks(info.path, { format: chunkFormat(info.format) });
  try {
    if (info.contiguous_from !== null)
      return {
        reader,
        timestamps: cameraTimestamps.subarray(info.contiguous_from, info.contiguous_from + info.n_frames),
      };
    const timestamps = new Float64Array(info.n_frames);
    for (let s = 0; s < info.n_frames; s += POSE_CHUNK_FRAMES) {
      const chunk = await reader.read(s, Math.min(info.n_frames, s + POSE_CHUNK_FRAMES));
      for (let f = 0; f < chunk.nFrames; f++)
        timestamps[s + f] = cameraTimestamps[chunk.frameIndex[f] as number] as number;
    }
    return { reader, timestamps };
  } catch (err) {
    reader.close();
    throw err;
  }
}
