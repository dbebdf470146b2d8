import { writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { openAtomicTarget, openAtomicTargetSync, writeError } from "./commit.js";

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
