import { stat } from "node:fs/promises";
import { NeuroPoseError } from "@neuropose/io";
import { glob } from "tinyglobby";
import type { FileOrder } from "./config.js";

/** A file found for a config entry, with what ordering needs. */
export interface FoundFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the session folder (what goes into NWB and the manifest; no absolute paths). */
  relative: string;
  bytes: number;
  mtimeMs: number;
}

/**
 * Files for one `paths` glob in the session folder, in the configured order. No match returns `[]`; use
 * {@link requireFiles} where the input is required.
 *
 * @example
 * ```ts
 * import { discoverFiles } from "@neuropose/session";
 * const files = await discoverFiles("/tmp", "no-such-*.avi", "name_asc");
 * console.log(files.length); // 0
 * ```
 */
export async function discoverFiles(
  sessionDir: string,
  pattern: string,
  order: FileOrder = "name_asc",
): Promise<FoundFile[]> {
  const rel = await glob(pattern, {
    cwd: sessionDir,
    onlyFiles: true,
    dot: false,
  });
  const found: FoundFile[] = [];
  for (const r of rel) {
    const path = `${sessionDir.replace(/\/$/, "")}/${r}`;
    const s = await stat(path);
    found.push({ path, relative: r, bytes: s.size, mtimeMs: s.mtimeMs });
  }
  const byName = (a: FoundFile, b: FoundFile) =>
    a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0;
  const byTime = (a: FoundFile, b: FoundFile) => a.mtimeMs - b.mtimeMs || byName(a, b);
  found.sort(order.startsWith("name") ? byName : byTime);
  if (order.endsWith("desc")) found.reverse();
  return found;
}

/**
 * Like {@link discoverFiles}, but no match is an `E_SESSION_MISSING_INPUT` error naming the config key to fix.
 *
 * @example
 * ```ts
 * import { requireFiles } from "@neuropose/session";
 * try {
 *   await requireFiles("/tmp", "Video/top/*.avi", "name_asc", "cameras[0].paths (cam0)");
 * } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 */
export async function requireFiles(
  sessionDir: string,
  pattern: string,
  order: FileOrder,
  configKey: string,
): Promise<FoundFile[]> {
  const files = await discoverFiles(sessionDir, pattern, order);
  if (files.length === 0)
    throw new NeuroPoseError(
      "E_SESSION_MISSING_INPUT",
      `no file matches ${configKey} = "${pattern}" in ${sessionDir}`,
      {
        path: sessionDir,
        kind: "user",
        hint: `put the files there, or fix ${configKey} in session.toml`,
      },
    );
  return files;
}
