// Read helpers over an open h5wasm file (internal).
import { existsSync } from "node:fs";
import { isHdf5 } from "@neuropose/h5";
import {
  childPath,
  type Dataset,
  type Group,
  type H5File,
  h5ErrorSummary,
  h5ready,
  quietly,
  unreadableFilters,
} from "./_h5.js";
import { NwbReadError } from "./errors.js";

/**
 * True when the file starts with the HDF5 signature (at offset 0, 512, 1024, ...), as NWB files do.
 *
 * @example
 * ```ts
 * import { isHdf5File } from "@neuropose/nwb";
 * console.log(isHdf5File("session.nwb")); // true
 * ```
 */
export function isHdf5File(path: string): boolean {
  return isHdf5(path); // @neuropose/h5's check (nwb loads it anyway, for its HDF5 error lines)
}

/** A tiny view over an open h5wasm file with path-based helpers that never trigger HDF5 diagnostics. */
export class H5View {
  constructor(readonly f: H5File) {}

  private readonly keyCache = new Map<string, Set<string> | null>();

  /** Names in a group (cached: the file is read-only while viewed); null when `path` is not a group. */
  private keysOf(path: string): Set<string> | null {
    let k = this.keyCache.get(path);
    if (k === undefined) {
      const g = this.f.get(path) as Group | null;
      k = g?.type === "Group" ? new Set(g.keys()) : null;
      this.keyCache.set(path, k);
    }
    return k;
  }

  exists(path: string): boolean {
    if (path === "/") return true;
    // walk from the root so a missing parent never reaches HDF5 (which would print a diagnostic)
    const parts = path.split("/").filter(Boolean);
    let cur = "/";
    for (const p of parts) {
      if (!this.keysOf(cur)?.has(p)) return false;
      cur = childPath(cur, p);
    }
    return true;
  }

  /** Soft-link target of `path`, or undefined when it is a hard link (a normal object). */
  softLink(path: string): string | undefined {
    if (!this.exists(path)) return undefined;
    const t = this.f.get_link(path);
    return typeof t === "string" && t.length > 0 ? t : undefined;
  }

  group(path: string): Group | undefined {
    if (!this.exists(path)) return undefined;
    const o = this.f.get(path);
    return o && (o as Group).type === "Group" ? (o as Group) : undefined;
  }

  dataset(path: string): Dataset | undefined {
    if (!this.exists(path)) return undefined;
    const o = this.f.get(path);
    return o && (o as Dataset).type === "Dataset" ? (o as Dataset) : undefined;
  }

  attr(obj: Group | Dataset | undefined, name: string): unknown {
    if (!obj) return undefined;
    const a = obj.attrs[name];
    if (!a) return undefined;
    try {
      return a.value;
    } catch {
      return undefined;
    }
  }

  attrText(obj: Group | Dataset | undefined, name: string): string | undefined {
    const v = this.attr(obj, name);
    if (typeof v === "string") return v;
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === "string") return v[0];
    return undefined;
  }

  attrNumber(obj: Group | Dataset | undefined, name: string): number | undefined {
    const v = this.attr(obj, name);
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 1)
      return Number((v as unknown as ArrayLike<number>)[0]);
    return undefined;
  }

  /** File this view reads (for error messages). */
  get file(): string {
    return this.f.filename;
  }

  /** An error about the object at `path` in this file: "<path>: <message>". */
  fail(path: string, message: string, hint?: string): NwbReadError {
    return new NwbReadError(`${path}: ${message}`, { path: this.file, ...(hint ? { hint } : {}) });
  }

  /**
   * The dataset's values; a compression filter that cannot be decoded (or any other read failure) becomes an
   * NwbReadError naming the dataset and the filter.
   */
  value(path: string, d: Dataset): unknown {
    try {
      return d.value;
    } catch (e) {
      const bad = unreadableFilters(d);
      if (bad.length > 0)
        throw this.fail(
          path,
          `compressed with the HDF5 filter ${bad.join(", ")}, which this reader cannot decode`,
          "rewrite the file with gzip, e.g. `h5repack -f GZIP=4 in.nwb out.nwb` (hdf5-tools)",
        );
      throw this.fail(path, `cannot read the data (${h5ErrorSummary(e)})`);
    }
  }

  /** HDF5 type class of a dataset: 0 integer, 1 float, 3 string, ... */
  typeClass(d: Dataset): number {
    return d.metadata.type;
  }

  /** Numbers of a dataset that must be numeric (integer or float): an error names the path otherwise. */
  numeric(path: string, what: string): Float64Array | Float32Array | undefined {
    const d = this.dataset(path);
    if (!d) return undefined;
    const cls = this.typeClass(d);
    if (cls !== 0 && cls !== 1)
      throw this.fail(
        path,
        `${what} must be numbers, but the dataset holds ${cls === 3 ? "text" : `HDF5 type class ${cls}`}`,
      );
    return this.numbers(path);
  }

  text(path: string): string | undefined {
    const d = this.dataset(path);
    if (!d) return undefined;
    const v = this.value(path, d);
    if (typeof v === "string") return v;
    if (Array.isArray(v) && typeof v[0] === "string") return v.join("\n");
    return undefined;
  }

  textArray(path: string): string[] {
    const d = this.dataset(path);
    if (!d) return [];
    const v = this.value(path, d);
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.map((x) => String(x));
    return [];
  }

  numbers(path: string): Float64Array | Float32Array | undefined {
    const d = this.dataset(path);
    if (!d) return undefined;
    const v = this.value(path, d);
    if (v instanceof Float32Array || v instanceof Float64Array) return v;
    if (ArrayBuffer.isView(v)) return Float64Array.from(v as unknown as ArrayLike<number>, Number);
    if (typeof v === "number") return Float64Array.of(v);
    if (typeof v === "bigint") return Float64Array.of(Number(v));
    if (Array.isArray(v)) return Float64Array.from((v as unknown[]).flat(8) as number[], Number);
    return undefined;
  }

  typeOf(obj: Group | Dataset | undefined): { type: string; ns: string } | undefined {
    const t = this.attrText(obj, "neurodata_type");
    if (!t) return undefined;
    return { type: t, ns: this.attrText(obj, "namespace") ?? "" };
  }
}

/** Open an NWB/HDF5 file read-only, with user errors for a missing, non-HDF5 or unreadable file. */
export async function openForRead(path: string): Promise<H5File> {
  if (!existsSync(path)) throw new NwbReadError("file not found", { path, hint: "check the path" });
  if (!isHdf5File(path)) {
    throw new NwbReadError("not an HDF5 file (no HDF5 signature)", {
      path,
      hint: "NWB files are HDF5 files; check the path",
    });
  }
  const h5 = await h5ready();
  try {
    return quietly(() => new h5.File(path, "r"));
  } catch (e) {
    throw new NwbReadError(`cannot open the HDF5 file: ${h5ErrorSummary(e)}`, {
      path,
      hint: "the file may be truncated or still being written",
      cause: e,
    });
  }
}
