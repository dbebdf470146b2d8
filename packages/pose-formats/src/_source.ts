// Reading the input of a reader: a path or bytes, with the user errors every reader shares.
import { existsSync, readFileSync, statSync } from "node:fs";
import { PoseFormatError } from "./errors.js";

export interface LoadedInput {
  /** The path, or the name given for bytes ("<bytes>"). */
  name: string;
  bytes: Uint8Array;
}

export function loadInput(source: string | Uint8Array, name: string | undefined, what: string): LoadedInput {
  if (typeof source !== "string") {
    const label = name ?? "<bytes>";
    if (source.length === 0)
      throw new PoseFormatError("E_POSE_EMPTY", "the file is empty", {
        path: label,
        hint: `expected a ${what}`,
      });
    return { name: label, bytes: source };
  }
  if (!existsSync(source))
    throw new PoseFormatError("E_POSE_NOT_FOUND", "file not found", { path: source, hint: "check the path" });
  if (statSync(source).isDirectory()) {
    throw new PoseFormatError("E_POSE_FORMAT", "is a folder, not a file", {
      path: source,
      hint: `expected a ${what}`,
    });
  }
  const bytes = readFileSync(source);
  if (bytes.length === 0)
    throw new PoseFormatError("E_POSE_EMPTY", "the file is empty", {
      path: source,
      hint: `expected a ${what}; was the export interrupted?`,
    });
  return { name: source, bytes };
}

export function isHdf5Bytes(b: Uint8Array): boolean {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (let off = 0; off + 8 <= b.length && off <= 8192; off = off === 0 ? 512 : off * 2) {
    if (sig.every((v, i) => b[off + i] === v)) return true;
  }
  return false;
}

/** Loads @neuropose/h5 (and so h5wasm) only when an HDF5 file is actually read. */
export async function loadH5(): Promise<typeof import("@neuropose/h5")> {
  return import("@neuropose/h5");
}

/**
 * One PoseFormatError for anything a reader hits: @neuropose/h5's errors keep their message and hint and gain
 * `place` (the dataset); other NeuroPose errors pass through; anything else (an h5wasm or JSON surprise on a
 * damaged file) becomes a user error naming the file.
 */
export function asPoseError(e: unknown, path: string, place: string | undefined): unknown {
  if (e instanceof PoseFormatError) return e;
  if (e && typeof e === "object" && "code" in e && "kind" in e) {
    const h = e as { code: string; message: string; hint?: string; dataset?: string; kind: "user" | "bug" };
    if (typeof h.code === "string" && h.code.startsWith("E_H5_")) {
      const where = h.dataset ?? place;
      const msg = where && h.message.startsWith(`${where}: `) ? h.message.slice(where.length + 2) : h.message;
      return new PoseFormatError(h.code === "E_H5_NOT_FOUND" ? "E_POSE_NOT_FOUND" : "E_POSE_FORMAT", msg, {
        path,
        place: where,
        hint: h.hint,
        kind: h.kind,
        cause: e,
      });
    }
    return e;
  }
  return new PoseFormatError("E_POSE_FORMAT", `cannot read the file: ${(e as Error)?.message ?? String(e)}`, {
    path,
    place,
    hint: "the file may be damaged or truncated; export it again",
    kind: "user",
    cause: e,
  });
}

/** Runs a reader body, turning every failure into one PoseFormatError (see asPoseError). */
export async function guarded<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asPoseError(e, path, undefined);
  }
}
