import { readFileOr } from "@neuropose/io";
import { readMat5 } from "./_mat5.js";
import { TrialsError } from "./errors.js";

/** MATLAB numeric classes (logical arrays are `uint8` with `logical: true`). */
export type MatNumericClass =
  | "double"
  | "single"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64";

/**
 * One MATLAB value, exactly as stored: `dims` are MATLAB's (column-major, at least 2, never squeezed), data is in
 * MATLAB's column-major order. Numbers are float64 whatever the class (int64 beyond 2^53 is rejected).
 */
export type MatValue =
  | {
      kind: "numeric";
      class: MatNumericClass;
      dims: number[];
      logical: boolean;
      data: Float64Array;
      imag?: Float64Array;
    }
  | { kind: "char"; dims: number[]; rows: string[] }
  | { kind: "cell"; dims: number[]; elements: MatValue[] }
  | { kind: "struct"; dims: number[]; fields: string[]; elements: Record<string, MatValue>[] }
  /** A class this reader does not decode (read with `unsupported: "placeholder"`). */
  | { kind: "unsupported"; class: string; dims: number[] };

/** A decoded MAT file: its variables by name, in file order. */
export interface MatFile {
  format: "v5" | "v7.3";
  /** The 116-byte text header (v5) or the HDF5 user block text (v7.3), trailing blanks removed. */
  header: string;
  variables: Record<string, MatValue>;
  order: string[];
}

export interface ReadMatOptions {
  /** File name for messages. */
  source?: string | undefined;
  /**
   * What to do with values this reader does not decode (sparse, objects, function handles, opaque
   * string/table objects): "error" (default) throws `E_MAT_UNSUPPORTED`; "placeholder" reads them as
   * `{ kind: "unsupported" }` so the rest of the file is still usable.
   */
  unsupported?: "error" | "placeholder";
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function isHdf5(bytes: Uint8Array): boolean {
  // MAT v7.3 files have a 512-byte user block (the MATLAB text header) before the HDF5 superblock.
  for (const at of [0, 512, 1024, 2048]) {
    if (bytes.length >= at + 8 && HDF5_SIGNATURE.every((c, i) => bytes[at + i] === c)) return true;
  }
  return false;
}

/**
 * Decode a MAT v5/v7 file (uncompressed or zlib-compressed elements) from bytes. MAT v7.3 files are HDF5: use
 * {@link readMatFile}, which handles both. Values keep MATLAB's dimensions; {@link squeezeMat} gives the
 * `scipy.io.loadmat(squeeze_me=True)` view.
 *
 * @example
 * ```ts
 * import { readMat } from "@neuropose/trials";
 * try { readMat(new Uint8Array(0), { source: "empty.mat" }); } catch (e) { console.log((e as Error).message); }
 * ```
 */
export function readMat(bytes: Uint8Array, options: ReadMatOptions = {}): MatFile {
  if (isHdf5(bytes)) {
    throw new TrialsError(
      "E_MAT_UNSUPPORTED",
      `${options.source ?? "MAT file"}: a MAT v7.3 (HDF5) file needs readMatFile`,
      {
        path: options.source,
        place: "byte 512 (HDF5 superblock)",
        hint: "call readMatFile(path), which reads v7.3 through h5wasm",
      },
    );
  }
  return readMat5(bytes, options);
}

/**
 * Read a MAT file from disk: v5/v7 by the built-in reader, v7.3 (HDF5) through h5wasm.
 *
 * @example
 * ```ts
 * import { readMatFile } from "@neuropose/trials";
 * const mat = await readMatFile("../shared/fixtures/bpod/kepecslab/Dummy_Subject_AudGonogo_Mar11_2014_Session1.mat").catch(() => undefined);
 * console.log(mat?.order); // prints ["SessionData"] when the fixture is present
 * ```
 */
export async function readMatFile(
  path: string,
  options: Omit<ReadMatOptions, "source"> = {},
): Promise<MatFile> {
  const bytes = await readFileOr(path, null, (...f) => new TrialsError("E_TRIALS_READ", ...f));
  if (isHdf5(bytes)) {
    // h5wasm is loaded only for v7.3 files: reading v5/v7 never pays for the WASM module
    const { readMat73 } = await import("./_mat73.js");
    return readMat73(path, bytes, options);
  }
  return readMat5(bytes, { ...options, source: path });
}

/** A squeezed MATLAB value, as `scipy.io.loadmat(squeeze_me=True, struct_as_record=False)` shapes it. */
export type Squeezed = number | string | null | Squeezed[] | { [field: string]: Squeezed };

/** Column-major data with MATLAB dims -> nested row-major arrays over the non-singleton dims (numpy's squeeze). */
function nest<T>(flat: ArrayLike<T>, dims: number[], leaf: (x: T) => Squeezed): Squeezed {
  const kept = dims.map((d, i) => [d, i] as const).filter(([d]) => d !== 1);
  const total = dims.reduce((a, c) => a * c, 1);
  if (total === 1) return leaf(flat[0] as T);
  if (total === 0) return [];
  const strides: number[] = [];
  let s = 1;
  for (const d of dims) {
    strides.push(s);
    s *= d;
  }
  const rec = (level: number, offset: number): Squeezed => {
    const entry = kept[level];
    if (!entry) return leaf(flat[offset] as T);
    const [d, axis] = entry;
    const out: Squeezed[] = [];
    for (let i = 0; i < d; i++) out.push(rec(level + 1, offset + i * (strides[axis] as number)));
    return out;
  };
  return rec(0, 0);
}

/**
 * The `scipy.io.loadmat(squeeze_me=True, struct_as_record=False)` view of a value, as plain JSON-like data: a
 * 1-element array becomes a scalar, singleton dimensions vanish, a 1x1 struct becomes an object, a 1x1 cell its
 * only element, a 1xN char a string, NaN stays NaN; logical values stay 0/1 numbers as scipy gives them (the `logical` flag is on the
 * unsqueezed value). Multi-dimensional arrays nest
 * row-major like numpy. This is what makes a one-trial Bpod file hold scalars where a many-trial file holds
 * arrays; the Bpod reader works on the unsqueezed {@link MatValue} instead, so that it never has to guess.
 *
 * @example
 * ```ts
 * import { squeezeMat } from "@neuropose/trials";
 * squeezeMat({ kind: "numeric", class: "double", dims: [1, 1], logical: false, data: Float64Array.of(3) }); // 3
 * squeezeMat({ kind: "numeric", class: "double", dims: [2, 2], logical: false, data: Float64Array.of(1, 2, 3, 4) }); // [[1,3],[2,4]]
 * ```
 */
export function squeezeMat(value: MatValue): Squeezed {
  switch (value.kind) {
    case "numeric":
      return nest(value.data, value.dims, (x: number) => x);
    case "char":
      // scipy gives an empty char array ([]), not "", for a 0x0 char
      if (value.dims.some((d) => d === 0)) return [];
      return value.rows.length === 1 ? (value.rows[0] as string) : value.rows;
    case "cell":
      return nest(value.elements, value.dims, (x: MatValue) => squeezeMat(x));
    case "struct":
      return nest(value.elements, value.dims, (rec: Record<string, MatValue>) => {
        const o: { [k: string]: Squeezed } = {};
        for (const f of value.fields) o[f] = squeezeMat(rec[f] as MatValue);
        return o;
      });
    case "unsupported":
      return null;
  }
}
