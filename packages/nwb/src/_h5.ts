// Thin helpers over h5wasm (HDF5 compiled to WebAssembly; the node build reads and writes real files).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import h5wasm, { type Dataset, type Group, Module } from "h5wasm/node";

let readyPromise: Promise<unknown> | undefined;

/**
 * The folder of h5wasm-plugins' compiled HDF5 filters (lzf, blosc, blosc2, zstd, lz4, bz2, bitshuffle, ...), which
 * h5wasm's node build loads from the real file system; undefined when the package is missing.
 */
function pluginFolder(): string | undefined {
  try {
    const dir = join(
      dirname(createRequire(import.meta.url).resolve("h5wasm-plugins/package.json")),
      "plugins",
    );
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Wait until the WASM module is loaded and the filter plugins are on its search path (once per process). */
export async function h5ready(): Promise<typeof h5wasm> {
  readyPromise ??= h5wasm.ready.then(() => {
    const dir = pluginFolder();
    if (dir && !Module.get_plugin_search_paths().includes(dir)) Module.insert_plugin_search_path(dir, 0);
  });
  await readyPromise;
  return h5wasm;
}

/** HDF5 filters built into h5wasm (no plugin needed). */
const BUILTIN_FILTERS = new Set([1, 2, 3, 4, 5, 6]);

/**
 * The filters of `d` that cannot be decoded here (neither built in nor a plugin on h5wasm's search path), as
 * "name (id N)".
 */
export function unreadableFilters(d: Dataset): string[] {
  let filters: { id: number; name: string }[];
  try {
    filters = d.filters;
  } catch {
    return [];
  }
  const dirs = Module.get_plugin_search_paths();
  const out: string[] = [];
  for (const f of filters) {
    if (BUILTIN_FILTERS.has(f.id)) continue;
    const known = PLUGIN_FILES[f.id];
    if (known && dirs.some((d) => existsSync(join(d, known)))) continue;
    out.push(`${f.name || "unnamed"} (id ${f.id})`);
  }
  return out;
}

/** Registered HDF5 filter ids → the h5wasm-plugins file that decodes them. */
const PLUGIN_FILES: Record<number, string> = {
  307: "libH5Zbz2.so",
  32000: "libH5Zlzf.so",
  32001: "libH5Zblosc.so",
  32004: "libH5Zlz4.so",
  32008: "libH5Zbshuf.so",
  32013: "libH5Zzfp.so",
  32015: "libH5Zzstd.so",
  32019: "libH5Zjpeg.so",
  32022: "libH5Zbitgroom.so",
  32023: "libH5Zbitround.so",
  32026: "libH5Zblosc2.so",
};

export type H5File = InstanceType<typeof h5wasm.File>;

/** `quietly` for async work (the handler stays swapped while `fn` awaits). */
export async function quietlyAsync<T>(fn: () => Promise<T>): Promise<T> {
  if (quietDepth++ === 0) Module.activate_throwing_error_handler();
  try {
    return await fn();
  } finally {
    if (--quietDepth === 0) Module.deactivate_throwing_error_handler();
  }
}

let quietDepth = 0;

/**
 * Run `fn` with HDF5's error printing replaced by exceptions (libraries never print): an HDF5 failure inside
 * becomes a thrown Error carrying the HDF5 message. Nests; restores the default handler afterwards.
 */
export function quietly<T>(fn: () => T): T {
  if (quietDepth++ === 0) Module.activate_throwing_error_handler();
  try {
    return fn();
  } finally {
    if (--quietDepth === 0) Module.deactivate_throwing_error_handler();
  }
}
export type { Dataset, Group };

export function newObjectId(): string {
  return crypto.randomUUID();
}

/** Mark a group or dataset as a typed NWB object. */
export function setType(obj: Group | Dataset, type: string, namespace: string): void {
  obj.create_attribute("namespace", namespace);
  obj.create_attribute("neurodata_type", type);
  obj.create_attribute("object_id", newObjectId());
}

export function attrText(obj: Group | Dataset, name: string, value: string): void {
  obj.create_attribute(name, value);
}

export function attrTextArray(obj: Group | Dataset, name: string, values: string[]): void {
  obj.create_attribute(name, values, [values.length]);
}

export function attrF64(obj: Group | Dataset, name: string, value: number): void {
  obj.create_attribute(name, value, null, "<d");
}

export function attrF32(obj: Group | Dataset, name: string, value: number): void {
  obj.create_attribute(name, value, null, "<f");
}

export function attrI32(obj: Group | Dataset, name: string, value: number): void {
  obj.create_attribute(name, value, null, "<i");
}

export function dsText(g: Group, name: string, value: string): Dataset {
  return g.create_dataset({ name, data: value });
}

export function dsTextArray(g: Group, name: string, values: string[]): Dataset {
  return g.create_dataset({ name, data: values, shape: [values.length] });
}

export function dsF64Scalar(g: Group, name: string, value: number): Dataset {
  return g.create_dataset({ name, data: value, dtype: "<d" });
}

export function group(parent: Group, name: string): Group {
  const existing = parent.get(name);
  if (existing && (existing as Group).type === "Group") return existing as Group;
  const g = parent.create_group(name);
  if (!g) throw new Error(`could not create group ${parent.path}/${name}`);
  return g;
}

/** Full path of a child. */
export function childPath(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

/** One line from an h5wasm/HDF5 error: @neuropose/h5's (the root cause, the stack's last frame). */
export { h5ErrorSummary } from "@neuropose/h5";
