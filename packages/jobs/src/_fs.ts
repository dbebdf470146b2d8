// Small filesystem helpers of the folder job source.
import { type Dirent, existsSync } from "node:fs";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isProcessAlive } from "./lock.js";

export async function listDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return [];
    throw err;
  }
}

export function sortByName<T extends { name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** First free `<base>/<name>`, `<name>.1`, `<name>.2`, ... */
export function freeName(base: string, name: string): string {
  if (!existsSync(join(base, name))) return join(base, name);
  for (let i = 1; ; i++) {
    const p = join(base, `${name}.${i}`);
    if (!existsSync(p)) return p;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function moveDir(from: string, to: string): Promise<void> {
  await rename(from, to);
}

export async function removeTree(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** Temp files of atomic writes and lock takes (io's `.<name>.<pid>.<rand>.tmp`, ours `<name>.<pid>.<rand>[.stale].tmp`). */
const TEMP = /\.(\d+)\.[0-9a-z]+(?:\.stale)?\.tmp$/;

/** Removes the temp files in `dir` whose writer process is gone; returns how many. */
export async function removeDeadTemps(dir: string): Promise<number> {
  let n = 0;
  for (const e of await listDir(dir)) {
    const m = TEMP.exec(e.name);
    if (!m || !e.isFile()) continue;
    if (isProcessAlive(Number(m[1])) && Number(m[1]) !== process.pid) continue;
    if (Number(m[1]) === process.pid) continue;
    await rm(join(dir, e.name), { force: true });
    n++;
  }
  return n;
}
