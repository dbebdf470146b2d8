// The demo never writes over a file the user changed. It records a sha256 of every file it wrote in
// `<out>/.neuropose-demo.json`; on a later run, a file in the folder whose content no longer matches (the user
// edited demo.yaml, or re-ran the analysis into report.json) belongs to the user, and the demo goes to the next
// free folder beside it (`neuropose-demo-2`, ...) instead, unless --force.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "@neuropose/io";

const MANIFEST = ".neuropose-demo.json";

function sha256(file: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
  } catch {
    return undefined; // absent: nothing to keep
  }
}

/** Files of `files` (paths relative to `dir`) that exist in `dir` with content the demo did not write. */
export function changedByUser(dir: string, files: readonly string[]): string[] {
  let written: Record<string, string> = {};
  try {
    written = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as Record<string, string>;
  } catch {}
  return files.filter((f) => {
    const now = sha256(join(dir, f));
    return now !== undefined && now !== written[f];
  });
}

/**
 * The folder the demo may write `files` into: `out` when it holds none of them or only the demo's own, else the
 * first `out-2`, `out-3`, ... that does. `kept` lists the user's files found in `out` (empty when `out` is used).
 */
export function demoFolder(
  out: string,
  files: readonly string[],
  force: boolean,
): { folder: string; kept: string[] } {
  const kept = force ? [] : changedByUser(out, files);
  if (kept.length === 0) return { folder: out, kept };
  for (let i = 2; ; i++) {
    const folder = `${out}-${i}`;
    if (!existsSync(folder) || changedByUser(folder, files).length === 0) return { folder, kept };
  }
}

/** Records the demo's own files (their sha256) so a later run can tell them from the user's edits. */
export async function recordDemoFiles(dir: string, files: readonly string[]): Promise<void> {
  const hashes: Record<string, string> = {};
  for (const f of files) {
    const h = sha256(join(dir, f));
    if (h) hashes[f] = h;
  }
  await writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(hashes, null, 2)}\n`);
}
