// Low-level decoding of HDF5 bytes read by h5wasm into typed columns. Hand-written for speed: h5wasm's generic
// `value` turns a compound dataset into one JS array per row (slow and memory-hungry for millions of rows); here
// each member becomes one typed column in a single pass over the raw bytes with a DataView.
import type { H5Dtype } from "./types.js";

/** h5wasm's H5T class numbers. */
export const H5T = {
  INTEGER: 0,
  FLOAT: 1,
  TIME: 2,
  STRING: 3,
  BITFIELD: 4,
  OPAQUE: 5,
  COMPOUND: 6,
  REFERENCE: 7,
  ENUM: 8,
  VLEN: 9,
  ARRAY: 10,
} as const;

// biome-ignore lint/suspicious/noExplicitAny: h5wasm's metadata objects are untyped JSON-like records
type Meta = any;

/** Our dtype description from h5wasm's metadata. */
export function dtypeOf(m: Meta): H5Dtype {
  const size = Number(m.size ?? 0);
  const littleEndian = m.littleEndian !== false;
  switch (m.type) {
    case H5T.INTEGER:
      return { class: m.signed ? "int" : "uint", size, littleEndian };
    case H5T.FLOAT:
      return { class: "float", size, littleEndian };
    case H5T.STRING:
      return { class: "string", size, littleEndian, vlen: !!m.vlen, utf8: m.cset === 1 };
    case H5T.COMPOUND:
      return {
        class: "compound",
        size,
        littleEndian,
        members: (m.compound_type?.members ?? []).map((mm: Meta) => ({
          name: String(mm.name),
          offset: Number(mm.offset),
          dtype: dtypeOf(mm),
        })),
      };
    case H5T.ENUM: {
      const base = dtypeOf({ ...m, type: m.enum_type?.type ?? H5T.INTEGER });
      return { ...base, class: "enum", base, enumMembers: { ...(m.enum_type?.members ?? {}) } };
    }
    case H5T.ARRAY: {
      const base = dtypeOf(m.array_type ?? {});
      return { class: "array", size, littleEndian, base, arrayShape: [...(m.array_type?.shape ?? [])] };
    }
    case H5T.VLEN:
      return { class: "vlen", size, littleEndian, ...(m.vlen_type ? { base: dtypeOf(m.vlen_type) } : {}) };
    case H5T.REFERENCE:
      return { class: "reference", size, littleEndian };
    case H5T.BITFIELD:
      return { class: "bitfield", size, littleEndian };
    case H5T.OPAQUE:
      return { class: "opaque", size, littleEndian };
    default:
      return { class: "other", size, littleEndian };
  }
}

/** True for a dtype whose values are plain numbers (integers, floats, enums of integers, bitfields). */
export function isNumeric(d: H5Dtype): boolean {
  return (
    d.class === "int" ||
    d.class === "uint" ||
    d.class === "float" ||
    d.class === "enum" ||
    d.class === "bitfield"
  );
}

/** Reads one number of dtype `d` at byte `off` of `view`. */
export function readScalar(view: DataView, off: number, d: H5Dtype): number {
  const le = d.littleEndian;
  const c = d.class === "enum" && d.base ? d.base.class : d.class;
  if (c === "float") {
    if (d.size === 8) return view.getFloat64(off, le);
    if (d.size === 4) return view.getFloat32(off, le);
    if (d.size === 2) return halfToFloat(view.getUint16(off, le));
    return Number.NaN;
  }
  const signed = c === "int";
  switch (d.size) {
    case 1:
      return signed ? view.getInt8(off) : view.getUint8(off);
    case 2:
      return signed ? view.getInt16(off, le) : view.getUint16(off, le);
    case 4:
      return signed ? view.getInt32(off, le) : view.getUint32(off, le);
    case 8:
      return Number(signed ? view.getBigInt64(off, le) : view.getBigUint64(off, le));
    default:
      return Number.NaN;
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** A reader of one number of dtype `d` at a byte offset, chosen once per column (no per-value switch). */
export function scalarReader(view: DataView, d: H5Dtype): (off: number) => number {
  const le = d.littleEndian;
  const c = d.class === "enum" && d.base ? d.base.class : d.class;
  if (c === "float" && d.size === 8) return (o) => view.getFloat64(o, le);
  if (c === "float" && d.size === 4) return (o) => view.getFloat32(o, le);
  if (c === "int") {
    if (d.size === 1) return (o) => view.getInt8(o);
    if (d.size === 2) return (o) => view.getInt16(o, le);
    if (d.size === 4) return (o) => view.getInt32(o, le);
    if (d.size === 8) return (o) => Number(view.getBigInt64(o, le));
  } else if (c !== "float") {
    if (d.size === 1) return (o) => view.getUint8(o);
    if (d.size === 2) return (o) => view.getUint16(o, le);
    if (d.size === 4) return (o) => view.getUint32(o, le);
    if (d.size === 8) return (o) => Number(view.getBigUint64(o, le));
  }
  return (o) => readScalar(view, o, d);
}

/** Number of scalar values per element of an array member (1 for a scalar member). */
export function widthOf(d: H5Dtype): number {
  return d.class === "array" ? (d.arrayShape ?? []).reduce((a, b) => a * b, 1) : 1;
}

/** Decodes fixed-length strings (UTF-8, null-terminated or null/space padded) from raw bytes. */
export function decodeFixedStrings(bytes: Uint8Array, size: number, count: number): string[] {
  const dec = new TextDecoder("utf-8");
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let end = i * size + size;
    const start = i * size;
    const z = bytes.subarray(start, end).indexOf(0);
    if (z >= 0) end = start + z;
    out[i] = dec.decode(bytes.subarray(start, end));
  }
  return out;
}
