import { writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { type AtomicTargetOptions, openAtomicTarget, openAtomicTargetSync, writeError } from "./commit.js";

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
  const target = await openAtomicTarget(path);
  try {
    const handle = await open(target.tmp, "wx");
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  } catch (err) {
    await target.abort();
    throw writeError(path, err);
  }
  await target.commit();
}

/**
 * Write a file atomically piece by piece: `body` receives a `write` that appends to the temp file (strings or
 * bytes, awaited in order), so a large output never has to be one string in memory. The temp file is committed
 * when `body` resolves; if `body` (or the commit) throws, the temp file is removed, the old file is left
 * untouched, and the error is rethrown as it is (a writer's own `NeuroPoseError` keeps its code). `options` are
 * {@link openAtomicTarget}'s (e.g. `createParents: false` when the folder must already exist).
 *
 * @example
 * ```ts
 * import { writeFileAtomicStreamed } from "@neuropose/io";
 * await writeFileAtomicStreamed("/tmp/neuropose-example/rows.csv", async (write) => {
 *   await write("frame,t\n");
 *   for (let i = 0; i < 3; i++) await write(`${i},${i / 30}\n`);
 * });
 * ```
 */
export async function writeFileAtomicStreamed(
  path: string,
  body: (write: (piece: string | Uint8Array) => Promise<unknown>) => Promise<void>,
  options: AtomicTargetOptions = {},
): Promise<void> {
  const target = await openAtomicTarget(path, options);
  try {
    const handle = await open(target.tmp, "wx");
    try {
      await body((piece) => (typeof piece === "string" ? handle.write(piece) : handle.write(piece)));
    } finally {
      await handle.close();
    }
    await target.commit();
  } catch (err) {
    await target.abort();
    // a file-system failure (ENOSPC, EACCES, ...) becomes E_WRITE with its hint, as writeFileAtomic's; an error the
    // body threw itself passes unchanged
    throw typeof (err as { syscall?: unknown } | null)?.syscall === "string" ? writeError(path, err) : err;
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
  const target = openAtomicTargetSync(path);
  try {
    writeFileSync(target.tmp, data, { flag: "wx" });
  } catch (err) {
    target.abortSync();
    throw writeError(path, err);
  }
  target.commitSync();
}
