// Reads a pandas DataFrame stored by `DataFrame.to_hdf` (PyTables) in either format, through @neuropose/h5:
// - "table" (pandas_type "frame_table"): one compound dataset `<key>/table` with an `index` column and one
//   array column per dtype block (`values_block_<k>`); column labels are pickled in the group's
//   `non_index_axes` attribute and per block in the table's `values_block_<k>_kind`; level names in `info`.
// - "fixed" (pandas_type "frame"): `axis0` (columns) and `axis1` (index), each either a plain array or a
//   MultiIndex stored as `<axis>_level<k>` (unique values) + `<axis>_label<k>` (codes, -1 = missing) with the
//   level name in the level dataset's `name` attribute; values per block in `block<k>_values` (stored transposed
//   when its `transposed` attribute is set, i.e. rows × items) with its columns in `block<k>_items`.
// Layout learnt from pandas/io/pytables.py (AppendableFrameTable, FrameFixed, write_array/read_array).
import type { H5Reader } from "@neuropose/h5";
import { type PickleGlobal, unpickle } from "@neuropose/io";
import { PoseFormatError } from "./errors.js";

export interface PandasFrame {
  key: string;
  format: "table" | "fixed";
  pandasVersion: string | undefined;
  /** Index values as numbers (NaN where the index is not numeric). */
  index: Float64Array;
  /** True when the index is integer frame numbers. */
  numericIndex: boolean;
  levelNames: (string | null)[];
  /** Column labels: one tuple per column (one element for a flat column index). */
  columns: string[][];
  /** Row-major values, rows × columns. */
  values: Float64Array;
}

const PREFERRED_KEYS = ["df_with_missing", "tracks", "df"];

function fail(f: H5Reader, place: string, message: string, hint: string, cause?: unknown): PoseFormatError {
  return new PoseFormatError("E_POSE_LAYOUT", message, { path: f.file, place, hint, cause });
}

function pickled(f: H5Reader, path: string, name: string): unknown {
  const raw = f.attr(path, name);
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" && !(raw instanceof Uint8Array)) return raw;
  try {
    return unpickle(raw);
  } catch (e) {
    throw fail(
      f,
      `${path}@${name}`,
      `cannot decode the pickled attribute: ${(e as Error).message}`,
      "the pandas metadata is damaged; re-save the file with pandas",
      e,
    );
  }
}

function label(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v === null) return "";
  if ((v as PickleGlobal)?.global) return `<${(v as PickleGlobal).global}>`;
  return String(v);
}

function asTuple(v: unknown): string[] {
  return Array.isArray(v) ? v.map(label) : [label(v)];
}

/** Chooses the pandas key: the one asked for, else df_with_missing / tracks / df, else the only pandas group. */
export function pandasKey(f: H5Reader, key: string | undefined): string {
  const top = f.keys("/");
  if (key !== undefined) {
    if (!top.includes(key.replace(/^\//, ""))) {
      throw new PoseFormatError(
        "E_POSE_LAYOUT",
        `no key "${key}" in the file (keys: ${top.join(", ") || "none"})`,
        {
          path: f.file,
          place: `/${key.replace(/^\//, "")}`,
          hint: "pass one of the file's keys as `key`",
        },
      );
    }
    return key.replace(/^\//, "");
  }
  for (const k of PREFERRED_KEYS) if (top.includes(k)) return k;
  const pandasGroups = top.filter((k) => f.kind(`/${k}`) === "group" && f.attrText(`/${k}`, "pandas_type"));
  if (pandasGroups.length === 1) return pandasGroups[0] as string;
  throw new PoseFormatError(
    "E_POSE_LAYOUT",
    pandasGroups.length === 0
      ? `no pandas DataFrame in the file (top-level: ${top.join(", ") || "nothing"})`
      : `several DataFrames in the file (${pandasGroups.join(", ")})`,
    {
      path: f.file,
      place: "/",
      hint:
        pandasGroups.length === 0
          ? "DeepLabCut .h5 files hold key df_with_missing (or tracks / df); is this a SLEAP or NWB file?"
          : "pass the one to read as `key`",
    },
  );
}

/** Reads the DataFrame at `key` (see the file comment for both layouts). */
export function readPandasFrame(f: H5Reader, key: string): PandasFrame {
  const g = `/${key}`;
  const pandasType = f.attrText(g, "pandas_type");
  const pandasVersion = f.attrText(g, "pandas_version");
  if (pandasType === "frame_table") return readWhole(openPandasTable(f, key), key, "table", pandasVersion);
  if (pandasType === "frame") return readWhole(openPandasFixed(f, key), key, "fixed", pandasVersion);
  throw fail(
    f,
    `${g}@pandas_type`,
    pandasType === undefined
      ? "not a pandas DataFrame (no pandas_type attribute)"
      : `pandas_type "${pandasType}" is not a DataFrame`,
    "DeepLabCut writes DataFrames (pandas_type frame or frame_table); check the key",
  );
}

/** A pandas "table" frame opened for reading rows in ranges (a long session never sits in memory whole). */
export interface PandasTableRows {
  nRows: number;
  levelNames: (string | null)[];
  columns: string[][];
  /** True when the index is integer frame numbers. */
  numericIndex: boolean;
  /** Rows [start, end): the index (numbers) and row-major values. */
  read(start: number, end: number): { index: Float64Array; values: Float64Array };
}

/** Opens a pandas "table" frame (pandas_type frame_table) for reading in row ranges (PyTables row slices). */
export function openPandasTable(f: H5Reader, key: string): PandasTableRows {
  const g = `/${key}`;
  const tpath = `${g}/table`;
  if (f.kind(tpath) !== "dataset")
    throw fail(f, tpath, "the table dataset is missing", "the file is damaged; re-export it");
  const nia = pickled(f, g, "non_index_axes");
  if (!Array.isArray(nia) || nia.length !== 1 || !Array.isArray(nia[0]) || !Array.isArray(nia[0][1])) {
    throw fail(
      f,
      `${g}@non_index_axes`,
      "column labels are missing or not a list",
      "re-save the file with pandas",
    );
  }
  const labels = (nia[0][1] as unknown[]).map(asTuple);
  const info = pickled(f, g, "info");
  let levelNames: (string | null)[] = [];
  if (info instanceof Map) {
    const ax = info.get(1);
    const names = ax instanceof Map ? ax.get("names") : undefined;
    if (Array.isArray(names)) levelNames = names.map((n) => (n === null ? null : label(n)));
  }
  if (!levelNames.length) levelNames = (labels[0] ?? []).map(() => null);
  const nCols = labels.length;
  const keyOf = (tup: string[]) => tup.join("\u0000");
  const colOf = new Map(labels.map((l, i) => [keyOf(l), i]));
  const infoT = f.info(tpath);
  const nRows = infoT.shape[0] ?? 0;
  const members = infoT.dtype.members ?? [];
  // Which table column fills which frame column: checked once, from the metadata, before any row is read.
  const blocks: { name: string; cols: number[] }[] = [];
  const filled = new Uint8Array(nCols);
  for (const b of members.map((m) => m.name).filter((n) => n.startsWith("values_block_"))) {
    const kind = pickled(f, tpath, `${b}_kind`);
    if (!Array.isArray(kind))
      throw fail(f, `${tpath}@${b}_kind`, "block column labels are missing", "re-save the file with pandas");
    const m = members.find((x) => x.name === b);
    const md = m?.dtype;
    const el = md?.class === "array" ? md.base : md;
    if (!el || !["int", "uint", "float", "enum"].includes(el.class)) {
      const dtypeName = f.attrText(tpath, `${b}_dtype`);
      throw fail(
        f,
        `${tpath}/${b}`,
        `block holds ${dtypeName ?? "non-numeric"} values`,
        "pose tables hold numbers only",
      );
    }
    const width = md?.class === "array" ? (md.arrayShape ?? []).reduce((a, x) => a * x, 1) : 1;
    if (width !== kind.length) {
      throw fail(
        f,
        `${tpath}/${b}`,
        `block has ${width} values per row but ${kind.length} labels`,
        "the file is damaged; re-export it",
      );
    }
    const cols = kind.map((k) => {
      const c = colOf.get(keyOf(asTuple(k)));
      if (c === undefined)
        throw fail(
          f,
          `${tpath}@${b}_kind`,
          `label ${asTuple(k).join("/")} is not a column`,
          "the file is damaged; re-export it",
        );
      filled[c] = 1;
      return c;
    });
    blocks.push({ name: b, cols });
  }
  const missing = filled.indexOf(0);
  if (missing >= 0) {
    throw fail(
      f,
      tpath,
      `column ${(labels[missing] ?? []).join("/")} has no values (data_columns are not supported)`,
      "re-save with DataFrame.to_hdf(format='table') without data_columns",
    );
  }
  const hasIndex = members.some((m) => m.name === "index");
  const kindAttr = f.attrText(tpath, "index_kind");
  const numericIndex = hasIndex && (kindAttr === undefined || kindAttr === "integer");
  return {
    nRows,
    levelNames,
    columns: labels,
    numericIndex,
    read(start, end) {
      const t = f.table(tpath, { start, end });
      const n = t.length;
      const values = new Float64Array(n * nCols);
      for (const b of blocks) {
        const col = t.columns[b.name];
        if (!col || col.width !== b.cols.length)
          throw fail(f, `${tpath}/${b.name}`, "block is not numeric", "pose tables hold numbers only");
        b.cols.forEach((c, j) => {
          for (let r = 0; r < n; r++) values[r * nCols + c] = col.data[r * col.width + j] as number;
        });
      }
      const idx = t.columns.index;
      const index = idx ? Float64Array.from(idx.data) : Float64Array.from({ length: n }, (_, i) => start + i);
      return { index, values };
    },
  };
}

/** A whole frame read through its row reader (one code path for reading whole and in ranges). */
function readWhole(
  t: PandasTableRows,
  key: string,
  format: "table" | "fixed",
  pandasVersion: string | undefined,
): PandasFrame {
  const { index, values } = t.read(0, t.nRows);
  const { numericIndex, levelNames, columns } = t;
  return { key, format, pandasVersion, index, numericIndex, levelNames, columns, values };
}

interface Axis {
  tuples: string[][];
  names: (string | null)[];
  numbers?: Float64Array;
}

function levelName(f: H5Reader, path: string): string | null {
  const n = f.attr(path, "name");
  if (n === undefined) return null;
  if (typeof n === "string") {
    if (n === "N.") return null;
    if (/\.\s*$/.test(n) && /^[(\]VSILNFp]/.test(n)) {
      try {
        const v = unpickle(n);
        return v === null ? null : label(v);
      } catch {
        return n;
      }
    }
    return n;
  }
  return label(n);
}

function readArray(f: H5Reader, path: string): { strings?: string[]; numbers?: Float64Array } {
  if (f.kind(path) !== "dataset")
    throw fail(f, path, "dataset is missing", "the file is damaged; re-export it");
  const info = f.info(path);
  if (info.dtype.class === "string") return { strings: f.strings(path) };
  if (["int", "uint", "float", "enum"].includes(info.dtype.class)) return { numbers: f.float64(path).data };
  throw fail(
    f,
    path,
    `holds ${info.dtype.class} values (e.g. pickled objects)`,
    "pose tables have string or integer labels",
  );
}

function readAxis(f: H5Reader, g: string, prefix: string): Axis {
  const variety = f.attrText(g, `${prefix}_variety`);
  if (variety === "multi") {
    const n = f.attrNumber(g, `${prefix}_nlevels`);
    if (!n || n < 1)
      throw fail(
        f,
        `${g}@${prefix}_nlevels`,
        "MultiIndex level count missing",
        "the file is damaged; re-export it",
      );
    const levels: string[][] = [];
    const codes: Float64Array[] = [];
    const names: (string | null)[] = [];
    for (let k = 0; k < n; k++) {
      const lp = `${g}/${prefix}_level${k}`;
      const lv = readArray(f, lp);
      levels.push(lv.strings ?? Array.from(lv.numbers ?? [], (x) => String(x)));
      names.push(levelName(f, lp));
      const cp = `${g}/${prefix}_label${k}`;
      const c = readArray(f, cp).numbers;
      if (!c) throw fail(f, cp, "MultiIndex codes are not integers", "the file is damaged; re-export it");
      codes.push(c);
    }
    const len = codes[0]?.length ?? 0;
    const tuples: string[][] = [];
    for (let i = 0; i < len; i++) {
      tuples.push(
        levels.map((lv, k) => {
          const c = (codes[k] as Float64Array)[i] as number;
          if (c < 0) return "";
          const v = lv[c];
          if (v === undefined)
            throw fail(
              f,
              `${g}/${prefix}_label${k}`,
              `code ${c} at ${i} is outside the level's ${lv.length} values`,
              "the file is damaged; re-export it",
            );
          return v;
        }),
      );
    }
    return { tuples, names };
  }
  const p = `${g}/${prefix}`;
  const a = readArray(f, p);
  const name = levelName(f, p);
  if (a.numbers)
    return { tuples: Array.from(a.numbers, (x) => [String(x)]), names: [name], numbers: a.numbers };
  return { tuples: (a.strings ?? []).map((s) => [s]), names: [name] };
}

/**
 * Opens a pandas "fixed" frame (pandas_type frame) for reading in row ranges. pandas stores a DataFrame's blocks
 * transposed (rows × items), so rows are read as slices of the first dimension; a block stored items × rows is
 * read whole once (older writers) and sliced.
 */
export function openPandasFixed(f: H5Reader, key: string): PandasTableRows {
  const g = `/${key}`;
  const cols = readAxis(f, g, "axis0");
  const idx = readAxis(f, g, "axis1");
  const nRows = idx.tuples.length;
  const nCols = cols.tuples.length;
  const keyOf = (tup: string[]) => tup.join("\u0000");
  const colOf = new Map(cols.tuples.map((l, i) => [keyOf(l), i]));
  const filled = new Uint8Array(nCols);
  const nBlocks = f.attrNumber(g, "nblocks") ?? 0;
  const blocks: {
    path: string;
    transposed: boolean;
    nItems: number;
    cols: number[];
    whole?: Float64Array;
  }[] = [];
  for (let b = 0; b < nBlocks; b++) {
    const items = readAxis(f, g, `block${b}_items`);
    const vp = `${g}/block${b}_values`;
    const vinfo = f.kind(vp) === "dataset" ? f.info(vp) : undefined;
    if (!vinfo) throw fail(f, vp, "block values are missing", "the file is damaged; re-export it");
    if (!["int", "uint", "float", "enum"].includes(vinfo.dtype.class)) {
      throw fail(f, vp, `block holds ${vinfo.dtype.class} values`, "pose tables hold numbers only");
    }
    const transposed = Number(f.attr(vp, "transposed") ?? 0) !== 0;
    const nItems = items.tuples.length;
    const [a, bdim] = [vinfo.shape[0] ?? 0, vinfo.shape[1] ?? 0];
    const ok = transposed ? a === nRows && bdim === nItems : a === nItems && bdim === nRows;
    if (!ok) {
      throw fail(
        f,
        vp,
        `values are ${vinfo.shape.join("×")}; expected ${transposed ? `${nRows}×${nItems}` : `${nItems}×${nRows}`}`,
        "the file is damaged; re-export it",
      );
    }
    const bcols = items.tuples.map((t) => {
      const c = colOf.get(keyOf(t));
      if (c === undefined)
        throw fail(
          f,
          `${g}/block${b}_items`,
          `item ${t.join("/")} is not a column`,
          "the file is damaged; re-export it",
        );
      filled[c] = 1;
      return c;
    });
    blocks.push({ path: vp, transposed, nItems, cols: bcols });
  }
  const missing = filled.indexOf(0);
  if (missing >= 0)
    throw fail(
      f,
      g,
      `column ${(cols.tuples[missing] ?? []).join("/")} has no values`,
      "the file is damaged; re-export it",
    );
  const numericIndex = !!idx.numbers;
  const index = idx.numbers ?? Float64Array.from({ length: nRows }, (_, i) => i);
  return {
    nRows,
    levelNames: cols.names,
    columns: cols.tuples,
    numericIndex,
    read(start, end) {
      const n = end - start;
      const values = new Float64Array(n * nCols);
      for (const b of blocks) {
        const { nItems } = b;
        if (b.transposed) {
          const v = f.float64(b.path, { start, end }).data;
          b.cols.forEach((c, j) => {
            for (let r = 0; r < n; r++) values[r * nCols + c] = v[r * nItems + j] as number;
          });
        } else {
          b.whole ??= f.float64(b.path).data;
          const v = b.whole;
          b.cols.forEach((c, j) => {
            for (let r = 0; r < n; r++) values[r * nCols + c] = v[j * nRows + start + r] as number;
          });
        }
      }
      return { index: index.slice(start, end), values };
    },
  };
}
