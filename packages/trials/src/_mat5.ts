// A small strict MAT v5/v7 (Level 5) reader, written by hand on purpose. The only npm reader we found,
// mat-for-js 1.1.0, is GPL-3.0-or-later (this project is MIT), has no types, throws bare RangeErrors on truncated
// files, silently returns an empty file for a 128-byte header-only file, and drops MATLAB dimensions (so a
// one-trial Bpod file cannot be told from a one-element vector). It did read the three fixture files' values
// correctly. The format (MathWorks "MAT-File Format", Level 5) is small: tagged elements, zlib-compressed
// miMATRIX elements (v7), and five array kinds we need (numeric, logical, char, cell, struct).
// Every read is bounds-checked; every failure is a TrialsError with the byte offset and the variable path.
// Just over 500 lines: one decoder, read top to bottom in the order of the format's elements.
import { constants, inflateSync } from "node:zlib";
import { TrialsError } from "./errors.js";
import type { MatFile, MatNumericClass, MatValue } from "./mat.js";

const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

/** MATLAB array classes (mxCLASS) of the numeric arrays we read, by class number. */
const numericClass: Record<number, MatNumericClass> = {
  6: "double",
  7: "single",
  8: "int8",
  9: "uint8",
  10: "int16",
  11: "uint16",
  12: "int32",
  13: "uint32",
  14: "int64",
  15: "uint64",
};

/** Every MATLAB array class's name, for messages. */
const MX_NAMES: Record<number, string> = {
  1: "cell",
  2: "struct",
  3: "object",
  4: "char",
  5: "sparse",
  ...numericClass,
  16: "function",
  17: "opaque",
};

export interface Mat5Options {
  source?: string | undefined;
  /** "error" (default): unsupported classes throw; "placeholder": they read as `{ kind: "unsupported" }`. */
  unsupported?: "error" | "placeholder";
}

interface Ctx {
  source: string | undefined;
  le: boolean;
  unsupported: "error" | "placeholder";
}

/** A view on a byte range plus the absolute file offset of its first byte (for messages). */
interface Buf {
  bytes: Uint8Array;
  view: DataView;
  /** Absolute file offset of bytes[0]; for decompressed data, the offset of the compressed element. */
  base: number;
  /** True when this buffer is the inflated body of a compressed element (offsets are then approximate). */
  inflated: boolean;
}

function buf(bytes: Uint8Array, base: number, inflated: boolean): Buf {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), base, inflated };
}

function where(b: Buf, at: number, path: string): string {
  const off = b.inflated
    ? `byte ${at} inside the compressed element at byte ${b.base}`
    : `byte ${b.base + at}`;
  return path ? `${off} (${path})` : off;
}

function fail(ctx: Ctx, b: Buf, at: number, path: string, message: string, hint?: string): never {
  const place = where(b, at, path);
  throw new TrialsError("E_MAT_FORMAT", `${ctx.source ?? "MAT file"}: ${message} at ${place}`, {
    path: ctx.source,
    place,
    hint: hint ?? "the file is truncated or corrupted; copy it again from the acquisition computer",
  });
}

interface Tag {
  type: number;
  nbytes: number;
  /** Offset of the data in the buffer. */
  data: number;
  /** Offset just past this element, padding included. */
  next: number;
}

function readTag(ctx: Ctx, b: Buf, at: number, end: number, path: string, padded = true): Tag {
  if (at + 8 > end) fail(ctx, b, at, path, "unexpected end of data while reading an element tag");
  const first = b.view.getUint32(at, ctx.le);
  const small = first >>> 16;
  if (small !== 0) {
    // Small data element: 2 bytes size, 2 bytes type, up to 4 bytes of data in the same 8 bytes.
    const type = first & 0xffff;
    if (small > 4) fail(ctx, b, at, path, `invalid small element size ${small}`);
    return { type, nbytes: small, data: at + 4, next: at + 8 };
  }
  const type = first;
  const nbytes = b.view.getUint32(at + 4, ctx.le);
  const data = at + 8;
  if (data + nbytes > end) {
    fail(
      ctx,
      b,
      at,
      path,
      `element of ${nbytes} bytes runs past the end of its container (${end - data} left)`,
    );
  }
  const next = padded && type !== MI.COMPRESSED ? data + Math.ceil(nbytes / 8) * 8 : data + nbytes;
  return { type, nbytes, data, next: Math.min(next, end) };
}

const elemSize: Record<number, number> = {
  [MI.INT8]: 1,
  [MI.UINT8]: 1,
  [MI.INT16]: 2,
  [MI.UINT16]: 2,
  [MI.INT32]: 4,
  [MI.UINT32]: 4,
  [MI.SINGLE]: 4,
  [MI.DOUBLE]: 8,
  [MI.INT64]: 8,
  [MI.UINT64]: 8,
  [MI.UTF8]: 1,
  [MI.UTF16]: 2,
  [MI.UTF32]: 4,
};

/** Numeric element data as float64 values (int64/uint64 beyond 2^53 lose precision: rejected). */
function numbers(ctx: Ctx, b: Buf, tag: Tag, path: string): Float64Array {
  const size = elemSize[tag.type];
  if (size === undefined || tag.type === MI.UTF8 || tag.type === MI.UTF16 || tag.type === MI.UTF32) {
    fail(ctx, b, tag.data - 8, path, `expected numeric data, found element type ${tag.type}`);
  }
  if (tag.nbytes % size !== 0)
    fail(ctx, b, tag.data - 8, path, `${tag.nbytes} bytes is not a multiple of ${size}`);
  const n = tag.nbytes / size;
  const out = new Float64Array(n);
  const v = b.view;
  const le = ctx.le;
  let p = tag.data;
  switch (tag.type) {
    case MI.DOUBLE:
      for (let i = 0; i < n; i++, p += 8) out[i] = v.getFloat64(p, le);
      break;
    case MI.SINGLE:
      for (let i = 0; i < n; i++, p += 4) out[i] = v.getFloat32(p, le);
      break;
    case MI.INT8:
      for (let i = 0; i < n; i++, p += 1) out[i] = v.getInt8(p);
      break;
    case MI.UINT8:
      for (let i = 0; i < n; i++, p += 1) out[i] = v.getUint8(p);
      break;
    case MI.INT16:
      for (let i = 0; i < n; i++, p += 2) out[i] = v.getInt16(p, le);
      break;
    case MI.UINT16:
      for (let i = 0; i < n; i++, p += 2) out[i] = v.getUint16(p, le);
      break;
    case MI.INT32:
      for (let i = 0; i < n; i++, p += 4) out[i] = v.getInt32(p, le);
      break;
    case MI.UINT32:
      for (let i = 0; i < n; i++, p += 4) out[i] = v.getUint32(p, le);
      break;
    case MI.INT64:
    case MI.UINT64:
      for (let i = 0; i < n; i++, p += 8) {
        const big = tag.type === MI.INT64 ? v.getBigInt64(p, le) : v.getBigUint64(p, le);
        const x = Number(big);
        if (BigInt(x) !== big) {
          throw new TrialsError(
            "E_MAT_UNSUPPORTED",
            `${ctx.source ?? "MAT file"}: 64-bit integer ${big} at ${where(b, p, path)} cannot be represented exactly as a double`,
            {
              path: ctx.source,
              place: where(b, p, path),
              hint: "store the value as double in MATLAB, or read this variable with scipy",
            },
          );
        }
        out[i] = x;
      }
      break;
  }
  return out;
}

function decodeText(ctx: Ctx, b: Buf, tag: Tag, path: string): string {
  const raw = b.bytes.subarray(tag.data, tag.data + tag.nbytes);
  if (tag.type === MI.UTF8 || tag.type === MI.UINT8 || tag.type === MI.INT8)
    return new TextDecoder("utf-8").decode(raw);
  if (tag.type === MI.UTF16 || tag.type === MI.UINT16) {
    const n = tag.nbytes >> 1;
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(b.view.getUint16(tag.data + 2 * i, ctx.le));
    return s;
  }
  if (tag.type === MI.UTF32) {
    const n = tag.nbytes >> 2;
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCodePoint(b.view.getUint32(tag.data + 4 * i, ctx.le));
    return s;
  }
  return fail(ctx, b, tag.data - 8, path, `expected character data, found element type ${tag.type}`);
}

function ascii(b: Buf, tag: Tag): string {
  let s = "";
  for (let i = 0; i < tag.nbytes; i++) {
    const c = b.bytes[tag.data + i] as number;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Largest element count of an array that stores no bytes per element (a fieldless struct, an Nx0 char). */
const MAX_EMPTY_ELEMENTS = 1_000_000;

/** Column-major char matrix -> one string per row (a 1xN char is one string). */
function charRows(text: string, dims: number[]): string[] | null {
  const rows = dims[0] ?? 0;
  const cols = dims.slice(1).reduce((a, c) => a * c, 1);
  // Dimensions far beyond the characters stored are corrupt or hostile (the caller reports where): refused before
  // the loops below allocate for them.
  if (rows * cols > text.length + MAX_EMPTY_ELEMENTS) return null;
  if (rows === 0 || cols === 0)
    return rows === 1 || rows === 0 ? [""] : Array.from({ length: rows }, () => "");
  if (rows === 1) return [text];
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let s = "";
    for (let c = 0; c < cols; c++) s += text[c * rows + r] ?? "";
    out.push(s);
  }
  return out;
}

/** Parse the body of an miMATRIX element (from its data offset to `end`). */
function readMatrix(
  ctx: Ctx,
  b: Buf,
  at: number,
  end: number,
  path: string,
  nameOut?: { name: string },
): MatValue {
  if (at === end)
    return { kind: "numeric", class: "double", dims: [0, 0], logical: false, data: new Float64Array(0) };
  // Array flags
  const flagsTag = readTag(ctx, b, at, end, path);
  if (flagsTag.type !== MI.UINT32 || flagsTag.nbytes < 8) fail(ctx, b, at, path, "array flags missing");
  const flags = b.view.getUint32(flagsTag.data, ctx.le);
  const mxClass = flags & 0xff;
  const complex = (flags & 0x0800) !== 0;
  const logical = (flags & 0x0200) !== 0;
  // Dimensions
  const dimsTag = readTag(ctx, b, flagsTag.next, end, path);
  if (dimsTag.type !== MI.INT32) fail(ctx, b, flagsTag.next, path, "dimensions array missing");
  const dims = Array.from(numbers(ctx, b, dimsTag, path));
  if (dims.length < 2 || dims.some((d) => d < 0 || !Number.isInteger(d))) {
    fail(ctx, b, flagsTag.next, path, `invalid dimensions [${dims.join(", ")}]`);
  }
  const count = dims.reduce((a, c) => a * c, 1);
  // Name
  const nameTag = readTag(ctx, b, dimsTag.next, end, path);
  if (nameTag.type !== MI.INT8 && nameTag.type !== MI.UINT8)
    fail(ctx, b, dimsTag.next, path, "array name missing");
  const name = ascii(b, nameTag);
  if (nameOut) nameOut.name = name;
  const here = path || name;
  let p = nameTag.next;
  const className = MX_NAMES[mxClass] ?? `class ${mxClass}`;
  const unsupported = (why: string, hint: string): MatValue => {
    if (ctx.unsupported === "placeholder") return { kind: "unsupported", class: className, dims };
    const place = where(b, at, here);
    throw new TrialsError("E_MAT_UNSUPPORTED", `${ctx.source ?? "MAT file"}: ${here} is ${why}`, {
      path: ctx.source,
      place,
      hint,
    });
  };
  switch (mxClass) {
    case 1: {
      // cell: `count` miMATRIX elements, column-major
      const elements: MatValue[] = [];
      for (let i = 0; i < count; i++) {
        const t = readTag(ctx, b, p, end, `${here}{${i + 1}}`);
        if (t.type !== MI.MATRIX)
          fail(ctx, b, p, `${here}{${i + 1}}`, `cell element is type ${t.type}, not miMATRIX`);
        elements.push(readMatrix(ctx, b, t.data, t.data + t.nbytes, `${here}{${i + 1}}`));
        p = t.next;
      }
      return { kind: "cell", dims, elements };
    }
    case 2:
    case 3: {
      if (mxClass === 3) {
        return unsupported(
          "a MATLAB object (classdef/old-style class instance)",
          "save the object's fields as a plain struct (struct(obj)) before saving",
        );
      }
      const lenTag = readTag(ctx, b, p, end, here);
      if (lenTag.type !== MI.INT32) fail(ctx, b, p, here, "struct field-name length missing");
      const len = b.view.getInt32(lenTag.data, ctx.le);
      const namesTag = readTag(ctx, b, lenTag.next, end, here);
      // a struct without fields may store a zero name length; otherwise the names must fill whole slots
      if (namesTag.nbytes > 0 && (len <= 0 || namesTag.nbytes % len !== 0)) {
        fail(ctx, b, lenTag.next, here, "invalid struct field names");
      }
      const nf = namesTag.nbytes === 0 ? 0 : namesTag.nbytes / len;
      const fields: string[] = [];
      for (let f = 0; f < nf; f++) {
        let s = "";
        for (let i = 0; i < len; i++) {
          const c = b.bytes[namesTag.data + f * len + i] as number;
          if (c === 0) break;
          s += String.fromCharCode(c);
        }
        fields.push(s);
      }
      p = namesTag.next;
      // Each field of each element is an miMATRIX of at least 8 bytes: dimensions that promise more elements than
      // the bytes can hold are a corrupt (or hostile) file, refused before any allocation. A struct without
      // fields stores nothing per element, so its size is bounded outright.
      if (nf > 0 ? count * nf * 8 > end - p : count > MAX_EMPTY_ELEMENTS)
        fail(ctx, b, p, here, `dimensions [${dims.join("x")}] need more data than the element holds`);
      const elements: Record<string, MatValue>[] = [];
      for (let i = 0; i < count; i++) {
        const rec: Record<string, MatValue> = {};
        for (const f of fields) {
          const fp = count === 1 ? `${here}.${f}` : `${here}(${i + 1}).${f}`;
          const t = readTag(ctx, b, p, end, fp);
          if (t.type !== MI.MATRIX) fail(ctx, b, p, fp, `struct field is type ${t.type}, not miMATRIX`);
          rec[f] = readMatrix(ctx, b, t.data, t.data + t.nbytes, fp);
          p = t.next;
        }
        elements.push(rec);
      }
      return { kind: "struct", dims, fields, elements };
    }
    case 4: {
      const t = readTag(ctx, b, p, end, here);
      if (complex) return unsupported("a complex char array", "store text as real char");
      const text = t.nbytes === 0 ? "" : decodeText(ctx, b, t, here);
      const rows = charRows(text, dims);
      if (!rows)
        fail(
          ctx,
          b,
          p,
          here,
          `holds ${text.length} characters but its dimensions [${dims.join("x")}] promise ${count}`,
        );
      return { kind: "char", dims, rows: rows as string[] };
    }
    case 5:
      return unsupported(
        "a sparse matrix, which this reader does not decode",
        "convert it with full() in MATLAB before saving, or read the file with scipy.io.loadmat",
      );
    case 16:
    case 17:
      return unsupported(
        `a MATLAB ${className} value (function handle, string/table/datetime object), which this reader does not decode`,
        "convert it to char/double/struct in MATLAB before saving",
      );
    default: {
      const cls = numericClass[mxClass];
      if (!cls) fail(ctx, b, at, here, `unknown array class ${mxClass}`);
      const t = readTag(ctx, b, p, end, here);
      const data = numbers(ctx, b, t, here);
      if (data.length !== count) {
        fail(
          ctx,
          b,
          p,
          here,
          `holds ${data.length} values but its dimensions [${dims.join("x")}] need ${count}`,
        );
      }
      let imag: Float64Array | undefined;
      if (complex) {
        const ti = readTag(ctx, b, t.next, end, here);
        imag = numbers(ctx, b, ti, here);
        if (imag.length !== count) fail(ctx, b, t.next, here, "imaginary part has the wrong length");
      }
      return imag
        ? { kind: "numeric", class: cls, dims, logical, data, imag }
        : { kind: "numeric", class: cls, dims, logical, data };
    }
  }
}

/** The name of the variable whose element starts at `p`, read from as much of it as exists (for messages). */
function peekName(ctx: Ctx, top: Buf, p: number): string {
  try {
    const n = top.bytes.length;
    if (p + 8 > n) return "";
    const type = top.view.getUint32(p, ctx.le);
    let b: Buf;
    let at: number;
    if (type === MI.COMPRESSED) {
      const part = inflateSync(top.bytes.subarray(p + 8, Math.min(n, p + 8 + 4096)), {
        finishFlush: constants.Z_SYNC_FLUSH,
      });
      b = buf(part, p, true);
      at = 8;
    } else if (type === MI.MATRIX) {
      b = top;
      at = p + 8;
    } else return "";
    const end = b.bytes.length;
    const flags = readTag(ctx, b, at, end, "");
    const dims = readTag(ctx, b, flags.next, end, "");
    const name = readTag(ctx, b, dims.next, end, "");
    return ascii(b, name);
  } catch {
    return "";
  }
}

/** Decode a whole MAT v5/v7 file (not v7.3: that is HDF5, see _mat73.ts). */
export function readMat5(bytes: Uint8Array, options: Mat5Options = {}): MatFile {
  const top = buf(bytes, 0, false);
  const ctx: Ctx = { source: options.source, le: true, unsupported: options.unsupported ?? "error" };
  if (bytes.length < 128) {
    fail(
      ctx,
      top,
      bytes.length,
      "",
      `file is ${bytes.length} bytes, shorter than the 128-byte MAT header`,
      "the file is empty or truncated",
    );
  }
  const header = new TextDecoder("latin1").decode(bytes.subarray(0, 116)).replace(/[\0 ]+$/, "");
  const endian = String.fromCharCode(bytes[126] as number, bytes[127] as number);
  if (endian === "IM") ctx.le = true;
  else if (endian === "MI") ctx.le = false;
  else
    fail(
      ctx,
      top,
      126,
      "",
      `no MAT endian indicator (found ${JSON.stringify(endian)})`,
      "this is not a MATLAB MAT file",
    );
  const version = top.view.getUint16(124, ctx.le);
  if (version !== 0x0100)
    fail(ctx, top, 124, "", `unknown MAT version 0x${version.toString(16)}`, "this is not a MAT v5/v7 file");
  const subsys = top.view.getBigUint64(116, ctx.le);
  const variables: Record<string, MatValue> = {};
  const order: string[] = [];
  let p = 128;
  if (p === bytes.length) {
    fail(
      ctx,
      top,
      p,
      "",
      "the file holds a MAT header but no variable",
      "the file is truncated (a complete save holds at least one variable)",
    );
  }
  while (p < bytes.length) {
    const tag = readTag(ctx, top, p, bytes.length, peekName(ctx, top, p), true);
    const isSubsystem = subsys !== 0n && subsys !== 0x2020202020202020n && BigInt(p) === subsys;
    let value: MatValue;
    const nameOut = { name: "" };
    if (tag.type === MI.COMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = inflateSync(bytes.subarray(tag.data, tag.data + tag.nbytes));
      } catch (e) {
        fail(ctx, top, p, "", `compressed element does not inflate (${(e as Error).message})`);
      }
      const ib = buf(inflated, p, true);
      const inner = readTag(ctx, ib, 0, inflated.length, "");
      if (inner.type !== MI.MATRIX)
        fail(ctx, ib, 0, "", `compressed element holds type ${inner.type}, not miMATRIX`);
      value = isSubsystem
        ? { kind: "unsupported", class: "subsystem", dims: [0, 0] }
        : readMatrix(ctx, ib, inner.data, inner.data + inner.nbytes, "", nameOut);
    } else if (tag.type === MI.MATRIX) {
      value = isSubsystem
        ? { kind: "unsupported", class: "subsystem", dims: [0, 0] }
        : readMatrix(ctx, top, tag.data, tag.data + tag.nbytes, "", nameOut);
    } else {
      fail(ctx, top, p, "", `top-level element of type ${tag.type} (expected miMATRIX or miCOMPRESSED)`);
    }
    if (!isSubsystem) {
      variables[nameOut.name] = value;
      order.push(nameOut.name);
    }
    p = tag.next;
  }
  return { format: "v5", header, variables, order };
}
