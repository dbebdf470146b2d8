// A pose source read in row ranges, so an hour-long session never sits in memory whole: DeepLabCut .h5 files
// (pandas "table" or "fixed") are read by row slices through h5wasm (the file is never loaded into memory either); every other
// format is read whole by its reader and handed out in slices (their files are small, or have no row layout).
import { statSync } from "node:fs";
import { open } from "node:fs/promises";
import { sha256File } from "@neuropose/io";
import { buildFromColumns, DLC_CONFIDENCE } from "./_build.js";
import { openPandasFixed, openPandasTable, pandasKey } from "./_pandas.js";
import { asPoseError, isHdf5Bytes, loadH5 } from "./_source.js";
import { columnKeys, readDlc, readLightningPose } from "./dlc.js";
import { PoseFormatError } from "./errors.js";
import { readOpenPose } from "./openpose.js";
import { readSleap } from "./sleap.js";
import { slicePose } from "./table.js";
import type { HarmonisedPose } from "./types.js";

/** The formats {@link openPoseChunks} reads ("auto": by the file name, as `neuropose-session` does). */
export type PoseChunkFormat = "dlc" | "lightning_pose" | "sleap" | "openpose" | "auto";

/** Options of {@link openPoseChunks}. */
export interface OpenPoseChunksOptions {
  /** Default "auto": .slp / analysis.h5 → SLEAP, a .json (or folder of them) → OpenPose, else DeepLabCut. */
  format?: PoseChunkFormat;
  /** DeepLabCut .h5: the pandas key (default df_with_missing, tracks or df). */
  key?: string;
  /** DeepLabCut: (0, 0, 0) points are missing (default true, as readDlc). */
  zeroIsMissing?: boolean;
}

/** A pose source opened for reading in row ranges. Close it when done. */
export interface PoseChunkReader {
  /**
   * The source's names, software, file hash and shape, with `nFrames` the whole file's; its per-frame arrays
   * (`frameIndex`, `coords`, `confidence`) are empty and `stats`/`warnings` are those of the chunks read so far
   * for a streamed file (complete once every row was read).
   */
  readonly header: HarmonisedPose;
  /** True when rows are read from the file on demand (memory flat in the file's length). */
  readonly streamed: boolean;
  /** Frames (rows) `start..end-1` as a harmonised pose of `end - start` frames. */
  read(start: number, end: number): Promise<HarmonisedPose>;
  close(): void;
}

function formatOf(path: string, format: PoseChunkFormat): Exclude<PoseChunkFormat, "auto"> {
  if (format !== "auto") return format;
  if (/\.slp$|analysis\.h5$/i.test(path)) return "sleap";
  if (/\.json$/i.test(path) || statSync(path, { throwIfNoEntry: false })?.isDirectory()) return "openpose";
  return "dlc";
}

/** The header of a pose: its per-frame arrays emptied. */
function headerOf(pose: HarmonisedPose, nFrames: number): HarmonisedPose {
  return {
    ...pose,
    nFrames,
    frameIndex: new Float64Array(0),
    coords: new Float64Array(0),
    confidence: new Float64Array(0),
    ...(pose.instanceKind ? { instanceKind: new Uint8Array(0) } : {}),
  };
}

async function firstBytes(path: string): Promise<Uint8Array> {
  const h = await open(path, "r");
  try {
    const b = new Uint8Array(16_384);
    const { bytesRead } = await h.read(b, 0, b.length, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

/**
 * Opens a pose file for reading in row ranges. A DeepLabCut .h5 (pandas "table" or "fixed" format) is read by
 * row slices straight from the file, so memory stays flat however long the session; the
 * values equal {@link readDlc}'s for the same rows. Other formats are read whole and handed out in slices.
 *
 * @example
 * ```ts
 * import { openPoseChunks } from "@neuropose/pose-formats";
 * const r = await openPoseChunks("videoDLC_resnet50_shuffle1_100000.h5");
 * try {
 *   for (let s = 0; s < r.header.nFrames; s += 10_000) {
 *     const chunk = await r.read(s, s + 10_000);
 *     console.log(chunk.frameIndex[0], chunk.nFrames);
 *   }
 * } finally {
 *   r.close();
 * }
 * ```
 */
export async function openPoseChunks(
  path: string,
  options: OpenPoseChunksOptions = {},
): Promise<PoseChunkReader> {
  const format = formatOf(path, options.format ?? "auto");
  if (format === "dlc" && statSync(path, { throwIfNoEntry: false })?.isFile()) {
    const streamed = await openDlcTable(path, options).catch((e: unknown) => {
      throw asPoseError(e, path, undefined);
    });
    if (streamed) return streamed;
  }
  const pose =
    format === "sleap"
      ? await readSleap(path)
      : format === "openpose"
        ? await readOpenPose(statSync(path).isDirectory() ? path : path.replace(/[\\/][^\\/]*$/, ""))
        : format === "lightning_pose"
          ? await readLightningPose(path)
          : await readDlc(path, {
              ...(options.key !== undefined ? { key: options.key } : {}),
              ...(options.zeroIsMissing !== undefined ? { zeroIsMissing: options.zeroIsMissing } : {}),
            });
  return {
    header: headerOf(pose, pose.nFrames),
    streamed: false,
    read: async (start, end) => slicePose(pose, start, end),
    close: () => {},
  };
}

/** A DeepLabCut pandas .h5 ("table" or "fixed") read by row slices; null for anything else (read whole instead). */
async function openDlcTable(path: string, options: OpenPoseChunksOptions): Promise<PoseChunkReader | null> {
  if (!isHdf5Bytes(await firstBytes(path))) return null;
  const { openH5 } = await loadH5();
  const f = await openH5(path);
  let key: string;
  let pandasType: string | undefined;
  try {
    key = pandasKey(f, options.key);
    pandasType = f.attrText(`/${key}`, "pandas_type");
    if (pandasType !== "frame_table" && pandasType !== "frame") {
      f.close();
      return null; // readDlc names what is wrong
    }
  } catch (e) {
    f.close();
    throw e;
  }
  try {
    const table = (() => {
      try {
        return pandasType === "frame" ? openPandasFixed(f, key) : openPandasTable(f, key);
      } catch (e) {
        throw asPoseError(e, path, `/${key}`);
      }
    })();
    const { cols, scorer } = columnKeys(table.levelNames, table.columns, path, `/${key} column index`);
    const source = {
      path,
      sha256: await sha256File(path),
      bytes: statSync(path).size,
      files: 1,
    };
    const zeroIsMissing = options.zeroIsMissing ?? true;
    const stats = { missingPoints: 0, zeroAsMissing: 0 };
    const warnings = new Set<string>();
    const build = (start: number, end: number) => {
      const s = Math.max(0, Math.min(start, table.nRows));
      const e = Math.max(s, Math.min(end, table.nRows));
      let rows: { index: Float64Array; values: Float64Array };
      try {
        rows = table.read(s, e);
      } catch (err) {
        throw asPoseError(err, path, `/${key}/table`);
      }
      return buildFromColumns({
        format: pandasType === "frame" ? "dlc-h5-fixed" : "dlc-h5-table",
        software: { name: "DeepLabCut", ...(scorer ? { scorer } : {}) },
        source,
        frameIndex: table.numericIndex ? rows.index : Float64Array.from(rows.index, (_, i) => s + i),
        columns: cols,
        values: rows.values,
        zeroIsMissing,
        headerPlace: `/${key} column index`,
        confidenceDefinition: DLC_CONFIDENCE,
      });
    };
    const first = build(0, 0);
    const header = headerOf(first, table.nRows);
    header.stats = stats;
    header.warnings = [];
    return {
      header,
      streamed: true,
      async read(start, end) {
        const chunk = build(start, end);
        stats.missingPoints += chunk.stats.missingPoints;
        stats.zeroAsMissing += chunk.stats.zeroAsMissing;
        for (const w of chunk.warnings) if (!w.startsWith("0 ")) warnings.add(w);
        if (stats.zeroAsMissing)
          header.warnings = [
            `${stats.zeroAsMissing} points stored as (0, 0, 0) were read as missing (NaN)`,
            ...[...warnings].filter((w) => !/points stored as \(0, 0, 0\)/.test(w)),
          ];
        else header.warnings = [...warnings];
        return chunk;
      },
      close: () => f.close(),
    };
  } catch (e) {
    f.close();
    if (e instanceof PoseFormatError) throw e;
    throw asPoseError(e, path, `/${key}`);
  }
}
