// DeepLabCut (and Lightning Pose) tables → harmonised pose: CSV with 3 header rows (scorer, bodyparts, coords)
// or 4 (scorer, individuals, bodyparts, coords), and .h5 written by pandas in "table" or "fixed" format.
import { buildFromColumns, type ColumnKey, DLC_CONFIDENCE, fileSource } from "./_build.js";
import { parseCell, splitCsvLine, splitLines } from "./_csv.js";
import { pandasKey, readPandasFrame } from "./_pandas.js";
import { asPoseError, guarded, isHdf5Bytes, loadH5, loadInput } from "./_source.js";
import { PoseFormatError } from "./errors.js";
import type { HarmonisedPose, PoseFormat } from "./types.js";

export interface ReadDlcOptions {
  /** Name for error messages when reading bytes. */
  name?: string;
  /** HDF5: the pandas key to read (default df_with_missing, tracks or df, whichever is there). */
  key?: string;
  /**
   * Read points stored as (x, y, likelihood) = (0, 0, 0) as missing (NaN), as some tools write missing points
   * (deepof's multi-animal CSVs do). Default true.
   */
  zeroIsMissing?: boolean;
}

const LEVELS = ["scorer", "individuals", "bodyparts", "coords"];

export function columnKeys(
  levelNames: (string | null)[],
  tuples: string[][],
  path: string,
  place: string,
): { cols: ColumnKey[]; scorer: string | undefined } {
  const n = tuples[0]?.length ?? levelNames.length;
  let at: Record<string, number>;
  const named = levelNames.map((x) => (x ?? "").toLowerCase());
  if (named.includes("bodyparts") && named.includes("coords")) {
    at = Object.fromEntries(LEVELS.map((l) => [l, named.indexOf(l)]));
  } else if (n === 3) at = { scorer: 0, individuals: -1, bodyparts: 1, coords: 2 };
  else if (n === 4) at = { scorer: 0, individuals: 1, bodyparts: 2, coords: 3 };
  else if (n === 2) at = { scorer: -1, individuals: -1, bodyparts: 0, coords: 1 };
  else {
    throw new PoseFormatError(
      "E_POSE_HEADER",
      `the column index has ${n} levels; expected scorer/[individuals/]bodyparts/coords`,
      {
        path,
        place,
        hint: "is this a DeepLabCut output table?",
      },
    );
  }
  const pick = (t: string[], l: string) => ((at[l] as number) >= 0 ? (t[at[l] as number] ?? "") : "");
  const cols = tuples.map((t) => ({
    individual: pick(t, "individuals"),
    bodypart: pick(t, "bodyparts"),
    coord: pick(t, "coords"),
  }));
  const scorers = [...new Set(tuples.map((t) => stripSuffix(pick(t, "scorer"))))].filter(Boolean);
  return { cols, scorer: scorers.length ? scorers.join(", ") : undefined };
}

/** pandas renames duplicated header cells "name.1", "name.2", ... when a CSV is read with one header row. */
function stripSuffix(s: string): string {
  return s.replace(/\.\d+$/, "");
}

interface CsvTable {
  levelNames: string[];
  tuples: string[][];
  frameIndex: Float64Array;
  values: Float64Array;
  warnings: string[];
}

/** Parses a DLC-style CSV (header rows named by their first cell). */
function parseDlcCsv(text: string, path: string): CsvTable {
  const lines = splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (lines.length === 0 || lines.every((l) => l.trim() === "")) {
    throw new PoseFormatError("E_POSE_EMPTY", "the file is empty", {
      path,
      hint: "expected a DeepLabCut CSV",
    });
  }
  const first = splitCsvLine(lines[0] as string);
  if ((first[0] ?? "").trim().toLowerCase() !== "scorer") {
    throw new PoseFormatError(
      "E_POSE_HEADER",
      `the first header cell is "${(first[0] ?? "").slice(0, 40)}", not "scorer"`,
      {
        path,
        place: "row 1",
        hint: "DeepLabCut CSVs start with header rows scorer, [individuals,] bodyparts, coords",
      },
    );
  }
  // leading index columns: the scorer row's cells after the first that are empty (DLC ≥ 2.3 labelled data has 3)
  let nIndex = 1;
  while (nIndex < first.length && (first[nIndex] ?? "") === "") nIndex++;
  const header: string[][] = [];
  const names: string[] = [];
  let r = 0;
  for (; r < lines.length; r++) {
    const cells = splitCsvLine(lines[r] as string);
    const name = (cells[0] ?? "").trim().toLowerCase();
    if (!LEVELS.includes(name)) break;
    if (names.includes(name)) {
      throw new PoseFormatError("E_POSE_HEADER", `header row "${name}" appears twice`, {
        path,
        place: `row ${r + 1}`,
        hint: "the header rows are scorer, [individuals,] bodyparts, coords",
      });
    }
    if (cells.length !== first.length) {
      throw new PoseFormatError(
        "E_POSE_HEADER",
        `header row "${name}" has ${cells.length} cells; the scorer row has ${first.length}`,
        {
          path,
          place: `row ${r + 1}`,
          hint: "a header row is missing a column; re-export the CSV",
        },
      );
    }
    names.push(name);
    header.push(cells.slice(nIndex));
  }
  if (!names.includes("bodyparts") || !names.includes("coords")) {
    throw new PoseFormatError(
      "E_POSE_HEADER",
      `header rows are ${names.join(", ")}; "bodyparts" and "coords" are required`,
      {
        path,
        place: `row ${r + 1}`,
        hint: "DeepLabCut CSVs have header rows scorer, [individuals,] bodyparts, coords",
      },
    );
  }
  const warnings: string[] = [];
  // pandas writes a row naming the index ("frame,,,...") after the header when the index has a name
  if (r < lines.length) {
    const cells = splitCsvLine(lines[r] as string);
    if (cells.slice(nIndex).every((c) => c === "") && parseCell(cells[0] ?? "") === undefined) r++;
  }
  const nCols = first.length - nIndex;
  const tuples: string[][] = Array.from({ length: nCols }, (_, c) => header.map((h) => h[c] as string));
  const dataLines: string[] = [];
  const lineNo: number[] = [];
  for (; r < lines.length; r++) {
    if ((lines[r] as string).trim() === "") continue;
    dataLines.push(lines[r] as string);
    lineNo.push(r + 1);
  }
  const n = dataLines.length;
  const values = new Float64Array(n * nCols);
  const frameIndex = new Float64Array(n);
  let numericIndex = true;
  const colName = (c: number) => (tuples[c] ?? []).slice(names.indexOf("scorer") >= 0 ? 1 : 0).join("/");
  for (let i = 0; i < n; i++) {
    const cells = splitCsvLine(dataLines[i] as string);
    if (cells.length !== first.length) {
      throw new PoseFormatError("E_POSE_ROW", `has ${cells.length} cells; the header has ${first.length}`, {
        path,
        place: `row ${lineNo[i]}`,
        hint:
          cells.length < first.length
            ? "a column is missing (was the file cut or edited?)"
            : "the row has extra cells",
      });
    }
    const idx = nIndex === 1 ? parseCell(cells[0] as string) : undefined;
    if (idx === undefined || Number.isNaN(idx)) numericIndex = false;
    frameIndex[i] = numericIndex && idx !== undefined ? idx : i;
    const off = i * nCols;
    for (let c = 0; c < nCols; c++) {
      const s = cells[c + nIndex] as string;
      const v = parseCell(s);
      if (v === undefined) {
        throw new PoseFormatError("E_POSE_VALUE", `"${s.slice(0, 30)}" is not a number`, {
          path,
          place: `row ${lineNo[i]}, column ${c + nIndex + 1} (${colName(c)})`,
          hint: "pose values are numbers; empty cells are read as missing",
        });
      }
      values[off + c] = v;
    }
  }
  if (!numericIndex) {
    for (let i = 0; i < n; i++) frameIndex[i] = i;
    warnings.push("the row index is not frame numbers (image paths?): rows are numbered 0..n-1");
  }
  return { levelNames: names, tuples, frameIndex, values, warnings };
}

async function readDlcLike(
  source: string | Uint8Array,
  options: ReadDlcOptions,
  software: "DeepLabCut" | "Lightning Pose",
): Promise<HarmonisedPose> {
  const what = software === "DeepLabCut" ? "DeepLabCut .csv or .h5 file" : "Lightning Pose .csv file";
  const input = loadInput(source, options.name, what);
  const zeroIsMissing = options.zeroIsMissing ?? true;
  const src = fileSource(input.name, input.bytes);
  return guarded(input.name, () =>
    readDlcBytes(
      { ...input, path: typeof source === "string" ? source : undefined },
      src,
      options,
      software,
      zeroIsMissing,
      what,
    ),
  );
}

async function readDlcBytes(
  input: { name: string; bytes: Uint8Array; path: string | undefined },
  src: HarmonisedPose["source"],
  options: ReadDlcOptions,
  software: "DeepLabCut" | "Lightning Pose",
  zeroIsMissing: boolean,
  what: string,
): Promise<HarmonisedPose> {
  if (isHdf5Bytes(input.bytes)) {
    const { openH5 } = await loadH5();
    const f = await openH5(input.path ?? input.bytes, { label: input.name });
    try {
      const key = pandasKey(f, options.key);
      let frame: ReturnType<typeof readPandasFrame>;
      try {
        frame = readPandasFrame(f, key);
      } catch (e) {
        throw asPoseError(e, input.name, `/${key}`);
      }
      const { cols, scorer } = columnKeys(
        frame.levelNames,
        frame.columns,
        input.name,
        `/${key} column index`,
      );
      const format: PoseFormat = frame.format === "table" ? "dlc-h5-table" : "dlc-h5-fixed";
      return buildFromColumns({
        format: software === "DeepLabCut" ? format : "lightning-pose-csv",
        software: { name: software, ...(scorer ? { scorer } : {}) },
        source: src,
        frameIndex: frame.numericIndex ? frame.index : Float64Array.from(frame.index, (_, i) => i),
        columns: cols,
        values: frame.values,
        zeroIsMissing,
        headerPlace: `/${key} column index`,
        confidenceDefinition: DLC_CONFIDENCE,
      });
    } finally {
      f.close();
    }
  }
  // Buffer's UTF-8 decoder is several times faster than a fatal TextDecoder; invalid bytes show up as U+FFFD
  const text = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString(
    "utf8",
  );
  if (text.includes("\uFFFD") || text.includes("\u0000")) {
    throw new PoseFormatError("E_POSE_FORMAT", "neither HDF5 nor UTF-8 text", {
      path: input.name,
      hint: `expected a ${what}`,
    });
  }
  const t = parseDlcCsv(text, input.name);
  const { cols, scorer } = columnKeys(t.levelNames, t.tuples, input.name, "header");
  return buildFromColumns({
    format: software === "DeepLabCut" ? "dlc-csv" : "lightning-pose-csv",
    software: { name: software, ...(scorer ? { scorer } : {}) },
    source: src,
    frameIndex: t.frameIndex,
    columns: cols,
    values: t.values,
    zeroIsMissing,
    headerPlace: "header",
    confidenceDefinition:
      software === "DeepLabCut"
        ? DLC_CONFIDENCE
        : "Lightning Pose likelihood: the confidence of the heatmap peak at the predicted location (0-1; NaN when missing).",
    warnings: t.warnings,
  });
}

/**
 * Reads a DeepLabCut output (.csv with 3 or 4 header rows, or .h5 in pandas "table" or "fixed" format; single-
 * or multi-animal) into the harmonised form. Values equal pandas' `read_csv`/`read_hdf`; missing points are NaN
 * (empty cells, NaN, and (0, 0, 0) triples unless `zeroIsMissing: false`).
 *
 * @example
 * ```ts
 * import { readDlc } from "@neuropose/pose-formats";
 * const pose = await readDlc("videoDLC_resnet50_shuffle1_100000.h5");
 * console.log(pose.nFrames, pose.keypoints, pose.individuals, pose.software.scorer);
 * ```
 */
export async function readDlc(
  source: string | Uint8Array,
  options: ReadDlcOptions = {},
): Promise<HarmonisedPose> {
  return readDlcLike(source, options, "DeepLabCut");
}

/**
 * Reads a Lightning Pose predictions CSV (DeepLabCut-style header rows scorer/bodyparts/coords with x, y,
 * likelihood) into the harmonised form.
 *
 * @example
 * ```ts
 * import { readLightningPose } from "@neuropose/pose-formats";
 * const pose = await readLightningPose("predictions.csv");
 * console.log(pose.software.name, pose.nFrames); // Lightning Pose 1000
 * ```
 */
export async function readLightningPose(
  source: string | Uint8Array,
  options: Omit<ReadDlcOptions, "key"> = {},
): Promise<HarmonisedPose> {
  return readDlcLike(source, options, "Lightning Pose");
}
