// MAT v7.3 = HDF5 with MATLAB's conventions, read through h5wasm directly (a shared @neuropose/h5 package is being
// written elsewhere; this module is small on purpose and can move onto it). Conventions:
// - every dataset/group carries a `MATLAB_class` attribute (double, single, intN, uintN, logical, char, cell, struct);
// - HDF5 shapes are MATLAB's dims reversed, so the row-major HDF5 data IS MATLAB's column-major data;
// - an empty array has `MATLAB_empty` = 1 and stores its dims as data;
// - char is uint16 (UTF-16 code units); a cell is a dataset of object references into `/#refs#`;
// - a scalar struct is a group (field order from the `MATLAB_fields` attribute when present, else link order);
//   a struct array is a group whose fields are reference datasets without `MATLAB_class`.
import h5wasm, { type Dataset, type Group, Module, type Reference } from "h5wasm/node";
import { TrialsError } from "./errors.js";
import type { MatFile, MatNumericClass, MatValue } from "./mat.js";

let ready: Promise<unknown> | undefined;

const NUMERIC = new Set([
  "double",
  "single",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
]);

function attrText(obj: Group | Dataset, name: string): string | undefined {
  if (!Object.hasOwn(obj.attrs, name)) return undefined;
  const v = obj.get_attribute(name, true);
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.join("");
  return v === null || v === undefined ? undefined : String(v);
}

function attrNumber(obj: Group | Dataset, name: string): number | undefined {
  if (!Object.hasOwn(obj.attrs, name)) return undefined;
  const v = obj.get_attribute(name, true);
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === "number" ? x : typeof x === "bigint" ? Number(x) : undefined;
}

function fieldsOf(g: Group): string[] {
  if (Object.hasOwn(g.attrs, "MATLAB_fields")) {
    const raw = g.get_attribute("MATLAB_fields", true);
    if (Array.isArray(raw)) {
      return raw.map((f) => (Array.isArray(f) ? f.join("") : String(f)));
    }
  }
  return g.keys().filter((k) => k !== "#refs#" && k !== "#subsystem#");
}

function flatNumbers(v: unknown): Float64Array {
  if (v === null || v === undefined) return new Float64Array(0);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean")
    return Float64Array.of(Number(v));
  if (ArrayBuffer.isView(v)) return Float64Array.from(v as unknown as ArrayLike<number>, Number);
  if (Array.isArray(v)) return Float64Array.from(v.flat(Number.POSITIVE_INFINITY) as number[], Number);
  return new Float64Array(0);
}

function refsOf(v: unknown): Reference[] {
  if (Array.isArray(v)) return v.flat(Number.POSITIVE_INFINITY) as Reference[];
  return v ? [v as Reference] : [];
}

/** Read a MAT v7.3 file through h5wasm into the same MatValue model as the v5 reader. */
export async function readMat73(
  path: string,
  bytes: Uint8Array,
  options: { unsupported?: "error" | "placeholder" } = {},
): Promise<MatFile> {
  ready ??= h5wasm.ready;
  await ready;
  const header = new TextDecoder("latin1").decode(bytes.subarray(0, 116)).replace(/[\0 ]+$/, "");
  const unsupported = options.unsupported ?? "error";
  const bad = (
    place: string,
    message: string,
    hint: string,
    code: "E_MAT_FORMAT" | "E_MAT_UNSUPPORTED" = "E_MAT_FORMAT",
  ): never => {
    throw new TrialsError(code, `${path}: ${message} at ${place}`, { path, place, hint });
  };
  let file: InstanceType<typeof h5wasm.File> | undefined;
  Module.activate_throwing_error_handler();
  try {
    try {
      file = new h5wasm.File(path, "r");
    } catch (e) {
      return bad(
        "HDF5 superblock",
        `not a readable HDF5 file (${(e as Error).message})`,
        "the file is truncated or corrupted",
      );
    }
    const f: InstanceType<typeof h5wasm.File> = file;
    const read = (obj: Group | Dataset, where: string): MatValue => {
      const cls = attrText(obj, "MATLAB_class");
      if (obj instanceof h5wasm.Group) {
        if (cls !== undefined && cls !== "struct") {
          if (unsupported === "placeholder") return { kind: "unsupported", class: cls, dims: [1, 1] };
          bad(
            where,
            `MATLAB class ${cls} stored as a group is not supported`,
            "convert it to a struct before saving",
            "E_MAT_UNSUPPORTED",
          );
        }
        const fields = fieldsOf(obj);
        const members = fields.map((name) => [name, obj.get(name)] as const);
        const isArray =
          members.length > 0 &&
          members.every(
            ([, m]) =>
              m instanceof h5wasm.Dataset &&
              m.dtype === "Reference" &&
              attrText(m, "MATLAB_class") === undefined,
          );
        if (!isArray) {
          const rec: Record<string, MatValue> = {};
          for (const [name, m] of members) {
            if (!(m instanceof h5wasm.Group || m instanceof h5wasm.Dataset))
              bad(`${where}.${name}`, "broken link", "the file is corrupted");
            rec[name] = read(m as Group | Dataset, `${where}.${name}`);
          }
          return { kind: "struct", dims: [1, 1], fields, elements: [rec] };
        }
        const first = members[0]?.[1] as Dataset;
        const dims = [...(first.shape ?? [])].reverse();
        const count = dims.reduce((a, c) => a * c, 1);
        const elements: Record<string, MatValue>[] = Array.from({ length: count }, () => ({}));
        for (const [name, m] of members) {
          const refs = refsOf((m as Dataset).value);
          if (refs.length !== count)
            bad(`${where}.${name}`, "struct array fields differ in size", "the file is corrupted");
          refs.forEach((r, i) => {
            const target = f.dereference(r);
            if (!(target instanceof h5wasm.Group || target instanceof h5wasm.Dataset)) {
              bad(`${where}(${i + 1}).${name}`, "dangling object reference", "the file is corrupted");
            }
            (elements[i] as Record<string, MatValue>)[name] = read(
              target as unknown as Group | Dataset,
              `${where}(${i + 1}).${name}`,
            );
          });
        }
        return { kind: "struct", dims, fields, elements };
      }
      const ds = obj as Dataset;
      const shape = ds.shape ?? [];
      let dims = shape.length === 0 ? [1, 1] : [...shape].reverse();
      if (dims.length === 1) dims = [dims[0] as number, 1];
      if (attrNumber(ds, "MATLAB_empty") === 1) {
        const stored = Array.from(flatNumbers(ds.value));
        const edims = stored.length >= 2 ? stored : [0, 0];
        if (cls === "char") return { kind: "char", dims: edims, rows: [""] };
        if (cls === "cell") return { kind: "cell", dims: edims, elements: [] };
        if (cls === "struct") return { kind: "struct", dims: edims, fields: [], elements: [] };
        return {
          kind: "numeric",
          class: (NUMERIC.has(cls ?? "") ? cls : "double") as MatNumericClass,
          dims: edims,
          logical: cls === "logical",
          data: new Float64Array(0),
        };
      }
      if (cls === "cell" || ds.dtype === "Reference") {
        const refs = refsOf(ds.value);
        const elements = refs.map((r, i) => {
          const target = f.dereference(r);
          if (!(target instanceof h5wasm.Group || target instanceof h5wasm.Dataset)) {
            return bad(`${where}{${i + 1}}`, "dangling object reference", "the file is corrupted");
          }
          return read(target as unknown as Group | Dataset, `${where}{${i + 1}}`);
        });
        return { kind: "cell", dims, elements };
      }
      if (cls === "char") {
        const codes = flatNumbers(ds.value);
        const text = String.fromCharCode(...codes);
        const rows = dims[0] ?? 1;
        if (rows <= 1) return { kind: "char", dims, rows: [text] };
        const cols = codes.length / rows;
        const out: string[] = [];
        for (let r = 0; r < rows; r++) {
          let s = "";
          for (let c = 0; c < cols; c++) s += text[c * rows + r] ?? "";
          out.push(s);
        }
        return { kind: "char", dims, rows: out };
      }
      if (cls === "logical" || (cls !== undefined && NUMERIC.has(cls)) || cls === undefined) {
        const v = ds.value;
        if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v) && !Array.isArray(v)) {
          // compound (complex numbers are stored as {real, imag})
          if (unsupported === "placeholder") return { kind: "unsupported", class: "complex", dims };
          bad(
            where,
            "complex values are not supported",
            "store real and imaginary parts separately",
            "E_MAT_UNSUPPORTED",
          );
        }
        const data = flatNumbers(v);
        const numericClass = (cls === "logical" ? "uint8" : (cls ?? "double")) as MatNumericClass;
        return { kind: "numeric", class: numericClass, dims, logical: cls === "logical", data };
      }
      if (unsupported === "placeholder") return { kind: "unsupported", class: cls, dims };
      return bad(
        where,
        `MATLAB class ${cls} is not supported`,
        "convert it to double/char/struct/cell before saving",
        "E_MAT_UNSUPPORTED",
      );
    };
    const variables: Record<string, MatValue> = {};
    const order: string[] = [];
    for (const name of f.keys()) {
      if (name.startsWith("#")) continue;
      const obj = f.get(name);
      if (!(obj instanceof h5wasm.Group || obj instanceof h5wasm.Dataset)) continue;
      variables[name] = read(obj, name);
      order.push(name);
    }
    if (order.length === 0) bad("/", "the HDF5 file holds no MATLAB variable", "this is not a MAT v7.3 file");
    return { format: "v7.3", header, variables, order };
  } catch (e) {
    if (e instanceof TrialsError) throw e;
    throw new TrialsError("E_MAT_FORMAT", `${path}: HDF5 read failed (${(e as Error).message})`, {
      path,
      place: "HDF5",
      hint: "the file is truncated or corrupted",
      cause: e,
    });
  } finally {
    try {
      file?.close();
    } catch {
      // closing a file that failed half-way: nothing more to report
    }
    Module.deactivate_throwing_error_handler();
  }
}
