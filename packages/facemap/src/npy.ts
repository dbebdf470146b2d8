// Import of facemap's `*_proc.npy`: facemap/process.py `save` does `np.save(path, proc)` with `proc` a dict, so
// the file is an .npy header (dtype object, shape ()) followed by a pickle of a 0-d object array holding the dict
// of lists of numpy arrays. The pickle is decoded by io's inert reader (nothing is imported or called); numpy's
// array pickles (`_reconstruct` + BUILD state, or protocol 5's `_frombuffer`) are turned into plain numbers here.
// The dict is then laid out as facemap's save() lays out the .mat (lists of arrays → `<key>_<i>`, the pupil list
// of dicts → a cell of structs) and read by {@link facemapProcSeries}, so both files give the same series.
import { NeuroPoseError, type PickleGlobal, unpickle } from "@neuropose/io";
import { type FacemapProc, facemapProcSeries, type ProcMatValue } from "./proc.js";

const PER_FRAME = new Set(["motion", "motSVD", "movSVD", "pupil", "blink", "running"]);
const PUPIL_FIELDS = new Set(["area", "area_smooth", "com", "com_smooth", "axlen"]);

function bad(source: string, message: string, cause?: unknown): NeuroPoseError {
  return new NeuroPoseError("E_FACEMAP_PROC", `${source}: ${message}`, {
    path: source,
    hint: "is this a facemap *_proc.npy file (facemap's save(), np.save of the proc dict)?",
    kind: "user",
    cause,
  });
}

const isGlobal = (v: unknown, re: RegExp): v is PickleGlobal =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as PickleGlobal).global === "string" &&
  re.test((v as PickleGlobal).global);

/** A numpy dtype record (`numpy.dtype('f4', False, True)` + BUILD state `(3, '<', ...)`) → reader. */
function dtypeOf(
  v: unknown,
  source: string,
  place: string,
): { size: number; read: (d: DataView, o: number) => number } | "object" {
  if (!isGlobal(v, /^numpy\.dtype$/) || !Array.isArray(v.args) || typeof v.args[0] !== "string")
    throw bad(source, `${place}: not a numpy dtype`);
  const code = v.args[0];
  const state = Array.isArray(v.state) ? v.state : [];
  const order = typeof state[1] === "string" ? state[1] : "|";
  if (code === "O8" || code === "O4") return "object";
  const little = order !== ">";
  const m = /^([fiub])(\d+)$/.exec(code);
  const readers: Record<string, (d: DataView, o: number) => number> = {
    f4: (d, o) => d.getFloat32(o, little),
    f8: (d, o) => d.getFloat64(o, little),
    i1: (d, o) => d.getInt8(o),
    i2: (d, o) => d.getInt16(o, little),
    i4: (d, o) => d.getInt32(o, little),
    i8: (d, o) => Number(d.getBigInt64(o, little)),
    u1: (d, o) => d.getUint8(o),
    u2: (d, o) => d.getUint16(o, little),
    u4: (d, o) => d.getUint32(o, little),
    u8: (d, o) => Number(d.getBigUint64(o, little)),
    b1: (d, o) => d.getUint8(o),
  };
  const read = m ? readers[code] : undefined;
  if (!read) throw bad(source, `${place}: dtype ${code} is not a number type this reader knows`);
  return { size: Number(m?.[2]), read };
}

interface NdArray {
  shape: number[];
  fortran: boolean;
  /** Numbers (row-major when !fortran), or the objects of an object array. */
  data: Float64Array | unknown[];
}

function shapeOf(v: unknown, source: string, place: string): number[] {
  if (!Array.isArray(v) || v.length > 8 || !v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    throw bad(source, `${place}: bad array shape`);
  return v as number[];
}

/** An inert numpy array record from the pickle → its numbers (or objects), checking sizes. */
function ndarray(v: unknown, source: string, place: string): NdArray {
  let shape: number[];
  let dtype: unknown;
  let fortran: boolean;
  let raw: unknown;
  if (isGlobal(v, /^numpy\.(_?core)\.multiarray\._reconstruct$/)) {
    // ndarray.__reduce__: _reconstruct(ndarray, (0,), b'b') then BUILD (version, shape, dtype, is_fortran, data).
    const st = v.state;
    if (!Array.isArray(st) || st.length !== 5) throw bad(source, `${place}: not a numpy array pickle`);
    shape = shapeOf(st[1], source, place);
    dtype = st[2];
    fortran = st[3] === true;
    raw = st[4];
  } else if (isGlobal(v, /^numpy\.(_?core)\.numeric\._frombuffer$/)) {
    // protocol 5: _frombuffer(buffer, dtype, shape, order).
    const a = v.args;
    if (!Array.isArray(a) || a.length !== 4) throw bad(source, `${place}: not a numpy array pickle`);
    [raw, dtype] = a;
    shape = shapeOf(a[2], source, place);
    fortran = a[3] === "F";
  } else throw bad(source, `${place}: holds ${describe(v)}, not a numpy array`);
  let n = 1;
  for (const d of shape) n *= d;
  const dt = dtypeOf(dtype, source, place);
  if (dt === "object") {
    if (!Array.isArray(raw) || raw.length !== n)
      throw bad(source, `${place}: object array of the wrong size`);
    return { shape, fortran, data: raw };
  }
  if (!(raw instanceof Uint8Array) || raw.length !== n * dt.size)
    throw bad(
      source,
      `${place}: array data is ${raw instanceof Uint8Array ? raw.length : "not"} bytes, not ${n * dt.size}`,
    );
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = dt.read(view, i * dt.size);
  return { shape, fortran, data };
}

function describe(v: unknown): string {
  if (isGlobal(v, /./)) return `a ${v.global}`;
  if (v instanceof Map) return "a dict";
  if (Array.isArray(v)) return "a list";
  return v === null ? "None" : typeof v;
}

/** A numeric numpy array as the .mat value scipy would write (1-D → a 1×n row), row-major unless fortran. */
function matValue(a: NdArray, source: string, place: string): ProcMatValue {
  if (!(a.data instanceof Float64Array)) throw bad(source, `${place}: holds objects, not numbers`);
  const dims = a.shape.length === 0 ? [1, 1] : a.shape.length === 1 ? [1, a.shape[0] as number] : a.shape;
  // matrix() in proc.ts reads MATLAB's column-major order; a C-order array is handed over in that order.
  if (a.shape.length < 2 || a.fortran) return { kind: "numeric", dims, data: a.data };
  const [r, c] = [a.shape[0] as number, a.data.length / Math.max(1, a.shape[0] as number)];
  const col = new Float64Array(a.data.length);
  for (let f = 0; f < r; f++) for (let j = 0; j < c; j++) col[f + j * r] = a.data[f * c + j] as number;
  return { kind: "numeric", dims: [r, c], data: col };
}

/** The dict a facemap `*_proc.npy` holds (inert pickle values), after checking the .npy header. */
function npyDict(bytes: Uint8Array, source: string): Map<unknown, unknown> {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b))
    throw bad(source, "not an .npy file (no \\x93NUMPY magic)");
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw bad(source, `.npy format version ${major} is not one numpy writes`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw bad(source, "the .npy header is cut short");
  const hlen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + hlen > bytes.length) throw bad(source, "the .npy header is cut short");
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + hlen),
  );
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shape === undefined) throw bad(source, "the .npy header has no descr/shape");
  if (descr !== "|O" || shape.trim() !== "")
    throw bad(source, `holds a plain ${descr} array of shape (${shape}), not facemap's pickled proc dict`);
  let value: unknown;
  try {
    value = unpickle(bytes.subarray(start + hlen));
  } catch (e) {
    throw bad(source, `cannot decode the pickled proc dict: ${(e as Error).message}`, e);
  }
  const outer = ndarray(value, source, "/");
  const d = outer.data[0];
  if (!(d instanceof Map)) throw bad(source, `holds ${describe(d)}, not facemap's proc dict`);
  return d;
}

/**
 * The per-frame series of a facemap `*_proc.npy` file's bytes (what facemap's `save()` writes with `np.save`):
 * the same series, names and values as {@link facemapProcSeries} gives for the `*_proc.mat` beside it, NaN kept.
 * The pickle inside is decoded without evaluating anything. Throws `E_FACEMAP_PROC` naming the file on a damaged,
 * truncated or foreign file.
 *
 * @example
 * ```ts
 * import { facemapNpySeries } from "@neuropose/facemap";
 * try {
 *   facemapNpySeries(new Uint8Array([1, 2, 3]), "face_proc.npy");
 * } catch (e) {
 *   console.log((e as { code: string }).code); // "E_FACEMAP_PROC"
 * }
 * ```
 */
export function facemapNpySeries(bytes: Uint8Array, source = "<proc.npy>"): FacemapProc {
  const dict = npyDict(bytes, source);
  const variables: Record<string, ProcMatValue> = {};
  for (const [key, v] of dict) {
    if (typeof key !== "string" || !PER_FRAME.has(key)) continue;
    if (!Array.isArray(v)) {
      if (v === null) continue;
      variables[key] = matValue(ndarray(v, source, key), source, key);
      continue;
    }
    if (key === "pupil") {
      // a list of dicts (one per pupil ROI) → scipy's cell array of structs.
      const elements = v.map((p, i): ProcMatValue => {
        if (!(p instanceof Map)) throw bad(source, `pupil[${i}] holds ${describe(p)}, not a dict`);
        const rec: Record<string, ProcMatValue> = {};
        for (const [f, x] of p)
          if (typeof f === "string" && PUPIL_FIELDS.has(f))
            rec[f] = matValue(ndarray(x, source, `pupil[${i}].${f}`), source, `pupil[${i}].${f}`);
        return { kind: "struct", dims: [1, 1], fields: Object.keys(rec), elements: [rec] };
      });
      variables.pupil = { kind: "cell", dims: [1, elements.length], elements };
      continue;
    }
    v.forEach((x, i) => {
      variables[`${key}_${i}`] = matValue(ndarray(x, source, `${key}[${i}]`), source, `${key}[${i}]`);
    });
  }
  return facemapProcSeries(variables, source);
}
