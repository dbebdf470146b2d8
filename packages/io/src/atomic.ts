import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { mkdir, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { NeuroPoseError } from "./errors.js";

function tempPathFor(path: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${rand}.tmp`);
}

function writeError(path: string, err: unknown): NeuroPoseError {
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  const hint =
    code === "ENOSPC"
      ? "the disk is full; free space and retry"
      : code === "EACCES" || code === "EPERM"
        ? "check the permissions of the folder"
        : undefined;
  return new NeuroPoseError("E_WRITE", `could not write ${path}: ${msg}`, {
    path,
    hint,
    kind: "user",
    cause: err,
  });
}

/**
 * Write a file atomically: the data goes to a temporary file in the same folder, which is flushed to disk
 * (fsync) and then renamed over `path`, so readers see either the old file or the complete new one, never a
 * partial one. Parent folders are created. On any error the temporary file is removed, the old file (if any)
 * is left untouched, and a `NeuroPoseError` with code `E_WRITE` is thrown.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "@neuropose/io";
 * await writeFileAtomic("/tmp/neuropose-example/out.json", '{"ok": true}\n');
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = tempPathFor(path);
  let created = false;
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(tmp, "wx");
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    created = false;
  } catch (err) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw writeError(path, err);
  }
  // Make the rename itself durable (best effort: not every platform can open a directory).
  try {
    const dh = await open(dir, "r");
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    /* ignore */
  }
}

/**
 * Synchronous twin of {@link writeFileAtomic} (same guarantees), for code that must not yield, such as a
 * checkpoint written from a signal handler.
 *
 * @example
 * ```ts
 * import { writeFileAtomicSync } from "@neuropose/io";
 * writeFileAtomicSync("/tmp/neuropose-example/status.json", "{}\n");
 * ```
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = tempPathFor(path);
  let created = false;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, "wx");
    created = true;
    try {
      const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    created = false;
  } catch (err) {
    if (created) {
      try {
        unlinkSync(tmp);
      } catch {
        /* ignore */
      }
    }
    throw writeError(path, err);
  }
}
