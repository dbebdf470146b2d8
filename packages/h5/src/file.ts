// Open an HDF5 file (or bytes) read-only through h5wasm, quietly (libraries never print: HDF5's own error stack
// printer is swapped for exceptions), and read what is inside with its real dtype and shape. Every failure is one
// H5Error naming the file and the object inside it.
// Over 500 lines: H5Reader is one class (layout, numbers, strings, compound tables, attributes) over one open
// file; the raw-byte decoding already lives in _raw.ts.
import { randomUUID } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm, { type Dataset, type Group, Module } from "h5wasm/node";
import { decodeFixedStrings, dtypeOf, isNumeric, readScalar, scalarReader, widthOf } from "./_raw.js";
import { H5Error } from "./errors.js";
import type { H5Array, H5DatasetInfo, H5Dtype, H5NumberArray, H5Table } from "./types.js";

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const TRUNCATED_HINT =
  "the file may be truncated, still being written or not an HDF5 file; re-export or copy it again";

let readyPromise: Promise<unknown> | undefined;
let quietDepth = 0;

async function ready(): Promise<typeof h5wasm> {
  readyPromise ??= h5wasm.ready;
  await readyPromise;
  return h5wasm;
}

/** Runs `fn` with HDF5's diagnostic printing replaced by thrown errors (nests). */
function quietly<T>(fn: () => T): T {
  if (quietDepth++ === 0) Module.activate_throwing_error_handler();
  try {
    return fn();
  } finally {
    if (--quietDepth === 0) Module.deactivate_throwing_error_handler();
  }
}

/**
 * One line from an h5wasm/HDF5 error: its messages are multi-line HDF5 error stacks that list the API call first
 * and the root cause last (`#006: .../H5Fsuper.c line 577 in fn(): cause`); the cause is returned.
 *
 * @example
 * ```ts
 * import { h5ErrorSummary } from "@neuropose/h5";
 * const e = new Error("HDF5-DIAG: Error detected\n#000: H5F.c line 1 in H5Fopen(): unable to open file\n#001: H5Fsuper.c line 577 in H5F__super_read(): file signature not found");
 * console.log(h5ErrorSummary(e)); // "file signature not found"
 * ```
 */
export function h5ErrorSummary(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const lines = m
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const frames = lines.filter((l) => /^#\d+:/.test(l));
  const detail = frames.at(-1)?.replace(/^#\d+:.*? in [\w.]+\(\): /, "");
  return detail ?? lines[0] ?? "unknown error";
}

/**
 * True when `bytes` (the start of a file) or the file at `path` carries the HDF5 signature (at offset 0, 512,
 * 1024, ...).
 *
 * @example
 * ```ts
 * import { isHdf5 } from "@neuropose/h5";
 * console.log(isHdf5(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))); // true
 * ```
 */
export function isHdf5(source: string | Uint8Array): boolean {
  const at = (buf: Uint8Array) => HDF5_SIGNATURE.every((b, i) => buf[i] === b);
  if (typeof source !== "string") {
    for (let off = 0; off + 8 <= source.length && off <= 8192; off = off === 0 ? 512 : off * 2) {
      if (at(source.subarray(off, off + 8))) return true;
    }
    return false;
  }
  let fd: number | undefined;
  try {
    fd = openSync(source, "r");
    const buf = Buffer.alloc(8);
    for (let off = 0; off <= 8192; off = off === 0 ? 512 : off * 2) {
      if (readSync(fd, buf, 0, 8, off) < 8) return false;
      if (at(buf)) return true;
    }
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface OpenH5Options {
  /** Name used in error messages when reading bytes (default "<bytes>"). */
  label?: string;
}

/**
 * Opens an HDF5 file read-only from a path or from bytes. A missing, empty, non-HDF5 or truncated file is one
 * user `H5Error` naming the file; close the reader when done (bytes are staged in a temp file that closing removes).
 *
 * @example
 * ```ts
 * import { openH5 } from "@neuropose/h5";
 * const f = await openH5("labels.slp");
 * try {
 *   console.log(f.keys("/"), f.info("/frames").shape);
 * } finally {
 *   f.close();
 * }
 * ```
 */
export async function openH5(source: string | Uint8Array, options: OpenH5Options = {}): Promise<H5Reader> {
  const label = typeof source === "string" ? source : (options.label ?? "<bytes>");
  let path = typeof source === "string" ? source : undefined;
  let temp: string | undefined;
  if (typeof source === "string") {
    if (!existsSync(source))
      throw new H5Error("E_H5_NOT_FOUND", "file not found", { path: label, hint: "check the path" });
    if (statSync(source).size === 0)
      throw new H5Error("E_H5_NOT_HDF5", "the file is empty", { path: label, hint: TRUNCATED_HINT });
  } else if (source.length === 0) {
    throw new H5Error("E_H5_NOT_HDF5", "the file is empty", { path: label, hint: TRUNCATED_HINT });
  }
  if (!isHdf5(source)) {
    throw new H5Error("E_H5_NOT_HDF5", "not an HDF5 file (no HDF5 signature)", {
      path: label,
      hint: "check that this is the .h5/.slp file the tool wrote, not a CSV/JSON or a renamed file",
    });
  }
  const h5 = await ready();
  if (typeof source !== "string") {
    temp = join(tmpdir(), `neuropose-h5-${randomUUID()}.h5`);
    writeFileSync(temp, source);
    path = temp;
  }
  try {
    const f = quietly(() => new h5.File(path as string, "r"));
    if (!f || (f as unknown as { file_id: bigint | number }).file_id < 0) throw new Error("could not open");
    return new H5Reader(f, label, temp);
  } catch (e) {
    if (temp) rmSync(temp, { force: true });
    throw new H5Error("E_H5_OPEN", `cannot open the HDF5 file: ${h5ErrorSummary(e)}`, {
      path: label,
      hint: TRUNCATED_HINT,
      cause: e,
    });
  }
}

type H5File = InstanceType<typeof h5wasm.File>;

/** Rows to read from the first dimension: [start, end) (default all). */
export interface RowRange {
  start?: number;
  end?: number;
}

/**
 * A read-only HDF5 file. Paths are absolute inside the file ("/group/dataset"); every method that names a missing
 * object throws `H5Error` `E_H5_MISSING` (use `has` to probe first).
 */
export class H5Reader {
  private readonly keyCache = new Map<string, Set<string> | null>();
  private closed = false;

  /** @internal */
  constructor(
    private readonly f: H5File,
    /** The file's name, as used in error messages. */
    readonly file: string,
    private readonly temp: string | undefined,
  ) {}

  /** Closes the file (and removes the staged copy of bytes). Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      quietly(() => this.f.close());
    } catch {
      // closing a file whose reads failed can fail again; nothing is written, so nothing is lost
    }
    if (this.temp) rmSync(this.temp, { force: true });
  }

  private err(
    code: "E_H5_MISSING" | "E_H5_TYPE" | "E_H5_READ",
    at: string,
    message: string,
    hint: string,
    cause?: unknown,
  ) {
    return new H5Error(code, `${at}: ${message}`, { path: this.file, dataset: at, hint, cause });
  }

  private live(): void {
    if (this.closed)
      throw new H5Error("E_H5_CLOSED", "the file was already closed", { path: this.file, kind: "bug" });
  }

  private keysOf(path: string): Set<string> | null {
    let k = this.keyCache.get(path);
    if (k === undefined) {
      try {
        const g = quietly(() => this.f.get(path)) as Group | null;
        k = g?.type === "Group" ? new Set(quietly(() => g.keys())) : null;
      } catch (e) {
        throw this.err("E_H5_READ", path, `cannot list the group: ${h5ErrorSummary(e)}`, TRUNCATED_HINT, e);
      }
      this.keyCache.set(path, k);
    }
    return k;
  }

  /** True when an object exists at `path` (never touches HDF5 for a missing parent). */
  has(path: string): boolean {
    this.live();
    const parts = path.split("/").filter(Boolean);
    let cur = "/";
    for (const p of parts) {
      if (!this.keysOf(cur)?.has(p)) return false;
      cur = cur === "/" ? `/${p}` : `${cur}/${p}`;
    }
    return true;
  }

  /** "group", "dataset" or undefined (absent or another kind of object). */
  kind(path: string): "group" | "dataset" | undefined {
    if (!this.has(path)) return undefined;
    const o = this.obj(path);
    return o.type === "Group" ? "group" : o.type === "Dataset" ? "dataset" : undefined;
  }

  /** Names in a group, in HDF5's order. */
  keys(path = "/"): string[] {
    this.live();
    const k = this.has(path) ? this.keysOf(normal(path)) : null;
    if (!k)
      throw this.err("E_H5_MISSING", normal(path), "no such group", "check the file's layout (h5ls -r FILE)");
    return [...k];
  }

  private obj(path: string): Group | Dataset {
    try {
      const o = quietly(() => this.f.get(normal(path))) as Group | Dataset | null;
      if (!o) throw new Error("not found");
      return o;
    } catch (e) {
      throw this.err(
        "E_H5_READ",
        normal(path),
        `cannot open the object: ${h5ErrorSummary(e)}`,
        TRUNCATED_HINT,
        e,
      );
    }
  }

  private dataset(path: string): Dataset {
    this.live();
    const p = normal(path);
    if (!this.has(p))
      throw this.err("E_H5_MISSING", p, "no such dataset", "check the file's layout (h5ls -r FILE)");
    const o = this.obj(p);
    if (o.type !== "Dataset")
      throw this.err("E_H5_TYPE", p, "is a group, not a dataset", "check the file's layout");
    return o as Dataset;
  }

  /** Shape, dtype and chunking of a dataset. */
  info(path: string): H5DatasetInfo {
    const d = this.dataset(path);
    try {
      const m = quietly(() => d.metadata);
      return {
        path: normal(path),
        shape: (m.shape ?? []).map(Number),
        dtype: dtypeOf(m),
        chunks: m.chunks ? m.chunks.map(Number) : null,
      };
    } catch (e) {
      throw this.err(
        "E_H5_READ",
        normal(path),
        `cannot read the dataset's type: ${h5ErrorSummary(e)}`,
        TRUNCATED_HINT,
        e,
      );
    }
  }

  /** Attribute names of a group or dataset. */
  attrNames(path: string): string[] {
    this.live();
    if (!this.has(path))
      throw this.err("E_H5_MISSING", normal(path), "no such object", "check the file's layout");
    const o = this.obj(path);
    try {
      return Object.keys(quietly(() => o.attrs));
    } catch (e) {
      throw this.err(
        "E_H5_READ",
        normal(path),
        `cannot list attributes: ${h5ErrorSummary(e)}`,
        TRUNCATED_HINT,
        e,
      );
    }
  }

  /**
   * An attribute's value, or undefined when absent: strings as strings, one-element numeric arrays as numbers,
   * 64-bit integers as numbers, other arrays as arrays.
   */
  attr(path: string, name: string): unknown {
    this.live();
    if (!this.has(path)) return undefined;
    const o = this.obj(path);
    try {
      const a = quietly(() => o.attrs[name]);
      if (!a) return undefined;
      const v: unknown = quietly(() => a.value);
      if (typeof v === "bigint") return Number(v);
      if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
        const n = Array.from(v, Number);
        return n.length === 1 ? n[0] : n;
      }
      if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 1)
        return Number((v as unknown as ArrayLike<number>)[0]);
      return v;
    } catch (e) {
      throw this.err(
        "E_H5_READ",
        `${normal(path)}@${name}`,
        `cannot read the attribute: ${h5ErrorSummary(e)}`,
        TRUNCATED_HINT,
        e,
      );
    }
  }

  /** A string attribute (a one-element string array counts), or undefined when absent or not text. */
  attrText(path: string, name: string): string | undefined {
    const v = this.attr(path, name);
    if (typeof v === "string") return v;
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === "string") return v[0];
    return undefined;
  }

  /** A numeric attribute, or undefined when absent or not a single number. */
  attrNumber(path: string, name: string): number | undefined {
    const v = this.attr(path, name);
    return typeof v === "number" ? v : undefined;
  }

  /** Raw bytes of rows [start, end) of a dataset (the whole dataset when it has no dimensions). */
  private raw(
    path: string,
    info: H5DatasetInfo,
    rows: RowRange = {},
  ): { bytes: Uint8Array; count: number; rowCount: number } {
    return this.withRaw(path, info, rows, (view, count, rowCount) => ({
      bytes: view.slice(),
      count,
      rowCount,
    }));
  }

  /**
   * Reads rows [start, end) into the WASM heap and hands `fn` a view of those bytes, valid only during the call
   * (no copy: compound tables are decoded straight from the heap).
   */
  private withRaw<T>(
    path: string,
    info: H5DatasetInfo,
    rows: RowRange,
    fn: (view: Uint8Array, count: number, rowCount: number) => T,
  ): T {
    const d = this.dataset(path);
    const shape = info.shape;
    const n0 = shape[0] ?? 1;
    const start = Math.max(0, Math.min(rows.start ?? 0, n0));
    const end = Math.max(start, Math.min(rows.end ?? n0, n0));
    const rest = shape.slice(1).reduce((a, b) => a * b, 1);
    const rowCount = shape.length === 0 ? 1 : end - start;
    const count = rowCount * rest;
    const nbytes = count * info.dtype.size;
    if (count === 0) return fn(new Uint8Array(0), 0, rowCount);
    const ptr = Module._malloc(nbytes);
    if (!ptr)
      throw this.err("E_H5_READ", info.path, `cannot allocate ${nbytes} bytes`, "read fewer rows at a time");
    try {
      if (shape.length === 0) {
        quietly(() => Module.get_dataset_data(d.file_id, d.path, null, null, null, BigInt(ptr)));
      } else {
        const c = shape.map((s, i) => BigInt(i === 0 ? end - start : s));
        const o = shape.map((_, i) => BigInt(i === 0 ? start : 0));
        const st = shape.map(() => 1n);
        quietly(() => Module.get_dataset_data(d.file_id, d.path, c, o, st, BigInt(ptr)));
      }
    } catch (e) {
      Module._free(ptr);
      throw this.err("E_H5_READ", info.path, `cannot read the data: ${h5ErrorSummary(e)}`, TRUNCATED_HINT, e);
    }
    try {
      return fn(Module.HEAPU8.subarray(ptr, ptr + nbytes), count, rowCount);
    } finally {
      Module._free(ptr);
    }
  }

  /**
   * A numeric dataset with its real type (float32 stays Float32Array, int8 Int8Array, ...; 64-bit integers
   * become Float64Array). `rows` limits the first dimension.
   */
  numbers(path: string, rows: RowRange = {}): H5Array {
    const info = this.info(path);
    const dt = info.dtype;
    if (!isNumeric(dt)) {
      throw this.err(
        "E_H5_TYPE",
        info.path,
        `holds ${dt.class} values, not numbers`,
        "check which dataset holds the numbers",
      );
    }
    const { bytes, count, rowCount } = this.raw(path, info, rows);
    const shape = info.shape.length === 0 ? [] : [rowCount, ...info.shape.slice(1)];
    const c = dt.class === "enum" && dt.base ? dt.base.class : dt.class;
    let data: H5NumberArray;
    // raw() returns a fresh copy out of the WASM heap: reuse its buffer instead of copying again
    const buf =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    if (dt.littleEndian && c === "float" && dt.size === 8) data = new Float64Array(buf);
    else if (dt.littleEndian && c === "float" && dt.size === 4) data = new Float32Array(buf);
    else if (c === "int" && dt.size === 1) data = new Int8Array(buf);
    else if (c !== "int" && c !== "float" && dt.size === 1) data = new Uint8Array(buf);
    else if (dt.littleEndian && c === "int" && dt.size === 2) data = new Int16Array(buf);
    else if (dt.littleEndian && c !== "int" && c !== "float" && dt.size === 2) data = new Uint16Array(buf);
    else if (dt.littleEndian && c === "int" && dt.size === 4) data = new Int32Array(buf);
    else if (dt.littleEndian && c !== "int" && c !== "float" && dt.size === 4) data = new Uint32Array(buf);
    else {
      const view = new DataView(buf);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = readScalar(view, i * dt.size, dt);
      data = out;
    }
    return { data, shape, dtype: dt };
  }

  /** A numeric dataset as float64 (any numeric dtype). */
  float64(path: string, rows: RowRange = {}): { data: Float64Array; shape: number[] } {
    const a = this.numbers(path, rows);
    return { data: a.data instanceof Float64Array ? a.data : Float64Array.from(a.data), shape: a.shape };
  }

  /** A string dataset (fixed-length strings are decoded as UTF-8, as h5py's bytes are by their readers). */
  strings(path: string): string[] {
    const info = this.info(path);
    const dt = info.dtype;
    if (dt.class !== "string") {
      throw this.err(
        "E_H5_TYPE",
        info.path,
        `holds ${dt.class} values, not strings`,
        "check which dataset holds the names",
      );
    }
    if (dt.vlen) {
      const d = this.dataset(path);
      try {
        const v: unknown = quietly(() => d.value);
        return typeof v === "string" ? [v] : Array.isArray(v) ? v.map(String) : [];
      } catch (e) {
        throw this.err(
          "E_H5_READ",
          info.path,
          `cannot read the strings: ${h5ErrorSummary(e)}`,
          TRUNCATED_HINT,
          e,
        );
      }
    }
    const { bytes, count } = this.raw(path, info);
    return decodeFixedStrings(bytes, dt.size, count);
  }

  /**
   * A compound dataset, one typed column per member (array members flattened row-major with their `width`;
   * fixed-length string members as `strings`). `rows` limits the rows read.
   */
  table(path: string, rows: RowRange = {}): H5Table {
    const info = this.info(path);
    const dt = info.dtype;
    if (dt.class !== "compound" || !dt.members) {
      throw this.err(
        "E_H5_TYPE",
        info.path,
        `holds ${dt.class} values, not a compound table`,
        "check the dataset path",
      );
    }
    if (info.shape.length > 1) {
      throw this.err(
        "E_H5_TYPE",
        info.path,
        `is ${info.shape.length}-D; expected a 1-D table`,
        "check the dataset path",
      );
    }
    return this.withRaw(path, info, rows, (bytes, _count, rowCount) => this.decodeTable(dt, bytes, rowCount));
  }

  private decodeTable(dt: H5Dtype, bytes: Uint8Array, rowCount: number): H5Table {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const columns: H5Table["columns"] = {};
    const strings: H5Table["strings"] = {};
    const size = dt.size;
    for (const m of dt.members ?? []) {
      const md = m.dtype;
      if (md.class === "string" && !md.vlen) {
        const out: string[] = new Array(rowCount);
        const dec = new TextDecoder("utf-8");
        for (let r = 0; r < rowCount; r++) {
          const s = bytes.subarray(r * size + m.offset, r * size + m.offset + md.size);
          const z = s.indexOf(0);
          out[r] = dec.decode(z >= 0 ? s.subarray(0, z) : s);
        }
        strings[m.name] = out;
        continue;
      }
      const el = md.class === "array" ? md.base : md;
      if (!el || !isNumeric(el)) continue; // references, vlen members: not needed by our readers
      const w = widthOf(md);
      const out = new Float64Array(rowCount * w);
      const get = scalarReader(view, el);
      const es = el.size;
      if (w === 1) {
        for (let r = 0, off = m.offset; r < rowCount; r++, off += size) out[r] = get(off);
      } else {
        for (let r = 0; r < rowCount; r++) {
          const base = r * size + m.offset;
          for (let k = 0; k < w; k++) out[r * w + k] = get(base + k * es);
        }
      }
      columns[m.name] = { data: out, width: w, dtype: md };
    }
    return { length: rowCount, columns, strings };
  }
}

function normal(path: string): string {
  const p = `/${path.split("/").filter(Boolean).join("/")}`;
  return p;
}

export type { H5Dtype };
