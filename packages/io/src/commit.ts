// The one atomic-commit primitive: every writer in NeuroPose (bytes handed over, or a file that h5wasm or ffmpeg
// writes itself) goes through a target with a recognisable temp name, `commit()` (fsync, rename, fsync the folder)
// and `abort()`. Temp names carry the owner's pid, so a later run can find and remove those whose owner is gone.
// Over 500 lines on purpose: temp naming, stale-temp removal, the target, commitTogether and the output rule are
// one protocol (each part relies on the others' temp names and states); splitting it would scatter that contract.
import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
} from "node:fs";
import { access, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { NeuroPoseError } from "./errors.js";

const TEMP_TAG = "neuropose-tmp";
const OLD_TAG = "neuropose-old";
// `.<target>.neuropose-tmp-<pid>-<rand>[<ext>]` and `.<target>.neuropose-old-<pid>-<rand>`.
const TEMP_RE = /^\.(.+)\.(neuropose-tmp|neuropose-old)-(\d+)-([0-9a-z]+)(\.[^.]*)?$/;
// Names written by NeuroPose before this module existed: `.<target>.<pid>.<rand>.tmp` (io, nwb) and
// `.<target>.<pid>.tmp.mp4` (the overlay). Recognised so that their leftovers are cleaned too.
const LEGACY_RES = [/^\.(.+)\.(\d+)\.([0-9a-z]+)\.tmp$/, /^\.(.+\.mp4)\.(\d+)\.tmp\.mp4$/];

/** What a NeuroPose temp (or backup) file name says about itself; see {@link parseTempName}. */
export interface TempNameInfo {
  /** The file name (no folder) of the target this temp file was for. */
  target: string;
  /** The pid of the process that created it. */
  pid: number;
  /** "temp": a file being written; "backup": an old target moved aside during a multi-file commit. */
  role: "temp" | "backup";
}

/** Options of {@link openAtomicTarget}. */
export interface AtomicTargetOptions {
  /**
   * Give the temp file the target's extension (`.mp4`, `.nwb`), for writers such as ffmpeg that choose the
   * format from the name. Default false.
   */
  keepExtension?: boolean;
  /** Create missing parent folders (default true; the rule of every NeuroPose output, see `checkOutputPath`). */
  createParents?: boolean;
}

/**
 * A file being written atomically. The writer fills `tmp` (by itself, or through `write`), then calls `commit()`;
 * on any failure it calls `abort()`. Until `commit()` the target is untouched.
 */
export interface AtomicTarget {
  /** The final path. */
  readonly path: string;
  /** The temp path in the same folder; its name is recognised by {@link parseTempName}. */
  readonly tmp: string;
  /** Flush the temp file to disk, rename it over the target, and flush the folder. */
  commit(): Promise<void>;
  /** Remove the temp file (safe to call twice, or after commit). */
  abort(): Promise<void>;
  /** Synchronous twin of `commit`, for code that must not yield. */
  commitSync(): void;
  /** Synchronous twin of `abort`. */
  abortSync(): void;
}

// Temp files of this process that are still open: cleanup never touches them, whatever their age.
const live = new Set<string>();

function rand(): string {
  return Math.random().toString(36).slice(2, 10) || "0";
}

/**
 * The temp name NeuroPose uses for `path`: a hidden file in the same folder that names its target and its owner's
 * pid, so that a later run can recognise it and remove it once that process is gone.
 *
 * @example
 * ```ts
 * import { tempPathFor, parseTempName } from "@neuropose/io";
 * import { basename } from "node:path";
 * const tmp = tempPathFor("/data/out/clip.nwb", { keepExtension: true });
 * console.log(parseTempName(basename(tmp))); // { target: "clip.nwb", pid: <this pid>, role: "temp" }
 * ```
 */
export function tempPathFor(path: string, options: { keepExtension?: boolean } = {}): string {
  const base = basename(path);
  const ext = options.keepExtension ? extname(base) : "";
  return join(dirname(path), `.${base}.${TEMP_TAG}-${process.pid}-${rand()}${ext}`);
}

/**
 * Recognise a NeuroPose temp or backup file name (current and earlier formats); `null` for any other name.
 *
 * @example
 * ```ts
 * import { parseTempName } from "@neuropose/io";
 * console.log(parseTempName(".report.json.neuropose-tmp-4242-k3j2h1")); // { target: "report.json", pid: 4242, role: "temp" }
 * console.log(parseTempName("report.json")); // null
 * ```
 */
export function parseTempName(name: string): TempNameInfo | null {
  const m = TEMP_RE.exec(name);
  if (m) {
    const ext = m[5] ?? "";
    const target = m[1] as string;
    // keepExtension names end in the target's own extension; anything else is not ours.
    if (ext && extname(target) !== ext) return null;
    return { target, pid: Number(m[3]), role: m[2] === OLD_TAG ? "backup" : "temp" };
  }
  for (const re of LEGACY_RES) {
    const l = re.exec(name);
    if (l) return { target: l[1] as string, pid: Number(l[2]), role: "temp" };
  }
  return null;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

/** Options of {@link removeStaleTemps}. */
export interface RemoveStaleTempsOptions {
  /** Only temp files for this target file name (default: every NeuroPose temp file in the folder). */
  target?: string;
}

/**
 * Remove the NeuroPose temp files in `dir` whose owner process is gone (left by a crash or SIGKILL), and restore
 * backups of a multi-file commit that was killed half-way (a backup whose target is missing is renamed back).
 * Temp files of live processes, this one included, are left alone. Returns the paths removed or restored.
 * Never throws for a missing or unreadable folder (returns `[]`).
 *
 * @example
 * ```ts
 * import { removeStaleTemps } from "@neuropose/io";
 * const removed = await removeStaleTemps("/tmp/neuropose-example");
 * console.log(removed.length >= 0); // true
 * ```
 */
export async function removeStaleTemps(
  dir: string,
  options: RemoveStaleTempsOptions = {},
): Promise<string[]> {
  // One folder listing and a few renames/removals: the synchronous sweep is as fast and keeps one copy of the
  // rules (which temp is stale, when a backup is restored).
  return removeStaleTempsSync(dir, options);
}

/** Synchronous twin of {@link removeStaleTemps}. @example
 * ```ts
 * import { removeStaleTempsSync } from "@neuropose/io";
 * console.log(Array.isArray(removeStaleTempsSync("/tmp/neuropose-example"))); // true
 * ```
 */
export function removeStaleTempsSync(dir: string, options: RemoveStaleTempsOptions = {}): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const done: string[] = [];
  const present = new Set(names);
  for (const name of names) {
    const info = parseTempName(name);
    if (!info) continue;
    if (options.target !== undefined && info.target !== options.target) continue;
    const full = join(dir, name);
    if (live.has(resolve(full)) || pidAlive(info.pid)) continue;
    try {
      if (info.role === "backup" && !present.has(info.target)) {
        renameSync(full, join(dir, info.target));
        present.add(info.target);
      } else {
        rmSync(full, { force: true, recursive: true });
      }
      done.push(full);
    } catch {
      /* leave it */
    }
  }
  return done;
}

/** `E_WRITE` with a hint for the usual causes. */
export function writeError(path: string, err: unknown): NeuroPoseError {
  if (err instanceof NeuroPoseError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | null)?.code;
  const hint =
    code === "ENOSPC"
      ? "the disk is full; free space and retry"
      : code === "EACCES" || code === "EPERM" || code === "EROFS"
        ? "check the permissions of the folder"
        : undefined;
  return new NeuroPoseError("E_WRITE", `could not write ${path}: ${msg}`, {
    path,
    hint,
    kind: "user",
    cause: err,
  });
}

async function fsyncPath(p: string): Promise<void> {
  const h = await open(p, "r+");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Make renames durable (best effort: not every platform can open a directory).
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

/** Opens `path` with `flags`, fsyncs it and closes it (throws what open/fsync throw). */
function fsyncPathSync(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDirSync(dir: string): void {
  try {
    fsyncPathSync(dir, "r");
  } catch {
    /* ignore */
  }
}

/**
 * Start writing `path` atomically: returns a target whose `tmp` the writer fills (itself, or by handing the path
 * to h5wasm or ffmpeg), then `commit()` or `abort()`. Stale temp files for the same target left by dead
 * processes are removed first. Parent folders are created unless `createParents: false`.
 *
 * @example
 * ```ts
 * import { openAtomicTarget } from "@neuropose/io";
 * import { writeFile } from "node:fs/promises";
 * const t = await openAtomicTarget("/tmp/neuropose-example/video.txt", { keepExtension: true });
 * try {
 *   await writeFile(t.tmp, "frames\n");
 *   await t.commit();
 * } catch (err) {
 *   await t.abort();
 *   throw err;
 * }
 * ```
 */
export async function openAtomicTarget(
  path: string,
  options: AtomicTargetOptions = {},
): Promise<AtomicTarget> {
  const dir = dirname(path);
  if (options.createParents !== false) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw writeError(path, err);
    }
  }
  await removeStaleTemps(dir, { target: basename(path) });
  return makeTarget(path, options);
}

/**
 * Synchronous twin of {@link openAtomicTarget}.
 *
 * @example
 * ```ts
 * import { openAtomicTargetSync } from "@neuropose/io";
 * import { writeFileSync } from "node:fs";
 * const t = openAtomicTargetSync("/tmp/neuropose-example/sync.txt");
 * writeFileSync(t.tmp, "ok\n");
 * t.commitSync();
 * ```
 */
export function openAtomicTargetSync(path: string, options: AtomicTargetOptions = {}): AtomicTarget {
  const dir = dirname(path);
  if (options.createParents !== false) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw writeError(path, err);
    }
  }
  removeStaleTempsSync(dir, { target: basename(path) });
  return makeTarget(path, options);
}

function makeTarget(path: string, options: AtomicTargetOptions): AtomicTarget {
  const tmp = tempPathFor(path, { keepExtension: options.keepExtension });
  const key = resolve(tmp);
  live.add(key);
  let state: "open" | "committed" | "aborted" = "open";
  return {
    path,
    tmp,
    async commit() {
      if (state !== "open")
        throw new NeuroPoseError("E_BUG", `atomic target ${path} was already ${state}`, {
          path,
          kind: "bug",
        });
      try {
        await fsyncPath(tmp);
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true }).catch(() => undefined);
        state = "aborted";
        live.delete(key);
        throw writeError(path, err);
      }
      state = "committed";
      live.delete(key);
      await fsyncDir(dirname(path));
    },
    async abort() {
      if (state === "open") state = "aborted";
      live.delete(key);
      await rm(tmp, { force: true, recursive: true }).catch(() => undefined);
    },
    commitSync() {
      if (state !== "open")
        throw new NeuroPoseError("E_BUG", `atomic target ${path} was already ${state}`, {
          path,
          kind: "bug",
        });
      try {
        fsyncPathSync(tmp, "r+");
        renameSync(tmp, path);
      } catch (err) {
        try {
          rmSync(tmp, { force: true });
        } catch {
          /* ignore */
        }
        state = "aborted";
        live.delete(key);
        throw writeError(path, err);
      }
      state = "committed";
      live.delete(key);
      fsyncDirSync(dirname(path));
    },
    abortSync() {
      if (state === "open") state = "aborted";
      live.delete(key);
      try {
        rmSync(tmp, { force: true, recursive: true });
      } catch {
        /* ignore */
      }
    },
  };
}

/**
 * Commit several targets as one: either every target gets its new file or every target keeps what it had. All
 * temp files must be complete (the disk-filling part is over); existing targets are first moved aside under
 * recognisable backup names, then every temp file is renamed into place; if any step fails, what was renamed is
 * undone and the backups are restored. A process killed half-way leaves backups that {@link removeStaleTemps}
 * restores. Used for outputs that belong together (a report's JSON and HTML).
 *
 * @example
 * ```ts
 * import { commitTogether, openAtomicTarget } from "@neuropose/io";
 * import { writeFile } from "node:fs/promises";
 * const json = await openAtomicTarget("/tmp/neuropose-example/r/report.json");
 * const html = await openAtomicTarget("/tmp/neuropose-example/r/report.html");
 * await writeFile(json.tmp, "{}\n");
 * await writeFile(html.tmp, "<p>ok</p>\n");
 * await commitTogether([json, html]);
 * ```
 */
export async function commitTogether(targets: readonly AtomicTarget[]): Promise<void> {
  const backups: { path: string; backup: string }[] = [];
  const placed: string[] = [];
  try {
    for (const t of targets) await fsyncPath(t.tmp);
    for (const t of targets) {
      try {
        const s = await stat(t.path);
        if (s.isDirectory())
          throw new NeuroPoseError("E_OUTPUT_IS_DIR", `${t.path} is a folder`, {
            path: t.path,
            kind: "user",
            hint: "give a file path",
          });
        const backup = join(dirname(t.path), `.${basename(t.path)}.${OLD_TAG}-${process.pid}-${rand()}`);
        live.add(resolve(backup));
        await rename(t.path, backup);
        backups.push({ path: t.path, backup });
      } catch (err) {
        if ((err as { code?: string }).code !== "ENOENT") throw err;
      }
    }
    for (const t of targets) {
      await rename(t.tmp, t.path);
      placed.push(t.path);
    }
  } catch (err) {
    for (const p of placed) await rm(p, { force: true }).catch(() => undefined);
    for (const b of backups) await rename(b.backup, b.path).catch(() => undefined);
    for (const b of backups) live.delete(resolve(b.backup));
    for (const t of targets) await t.abort();
    throw writeError(targets[placed.length]?.path ?? targets[0]?.path ?? "", err);
  }
  for (const b of backups) {
    await rm(b.backup, { force: true }).catch(() => undefined);
    live.delete(resolve(b.backup));
  }
  // The targets are in place; mark them done so a later abort() is a no-op on the (now renamed) temp names.
  for (const t of targets) await t.abort();
  const dirs = new Set(targets.map((t) => dirname(t.path)));
  for (const d of dirs) await fsyncDir(d);
}

/** Options of {@link checkOutputPath}. */
export interface CheckOutputOptions {
  /** Replace an existing file (default false: an existing file is an error). */
  force?: boolean;
  /** What the output is, for messages ("--overlay", "the NWB file"). */
  label?: string;
}

/** Rethrows a failed stat() of an output path (or its parent) as the output rule's error; ENOENT passes. */
function rethrowUnlessMissing(err: unknown, label: string, path: string): void {
  if (err instanceof NeuroPoseError) throw err;
  const code = (err as { code?: string }).code;
  if (code === "ENOTDIR") throw parentError(label, path, "a parent of this path is a file, not a folder");
  if (code !== "ENOENT") throw writeError(path, err);
}

/** `E_OUTPUT_PARENT`: an output path whose parent is not a folder. */
function parentError(label: string, path: string, what: string): NeuroPoseError {
  return new NeuroPoseError("E_OUTPUT_PARENT", `${label}${path}: ${what}`, {
    path,
    kind: "user",
    hint: "choose a path whose parents are folders",
  });
}

/**
 * The one rule for every output of every NeuroPose command, checked before any work starts: the path is not a
 * folder; an existing file is replaced only with `force`; missing parent folders will be created, and the nearest
 * existing parent must be a writable folder. Throws a user `NeuroPoseError` (`E_OUTPUT_IS_DIR`,
 * `E_OUTPUT_EXISTS`, `E_OUTPUT_PARENT`, `E_OUTPUT_NOT_WRITABLE`) naming the path and the fix.
 *
 * @example
 * ```ts
 * import { checkOutputPath } from "@neuropose/io";
 * await checkOutputPath("/tmp/neuropose-example/new/out.json", { force: true, label: "-o" });
 * ```
 */
export async function checkOutputPath(path: string, options: CheckOutputOptions = {}): Promise<void> {
  const label = options.label ? `${options.label} ` : "";
  const abs = resolve(path);
  try {
    const s = await stat(abs);
    if (s.isDirectory())
      throw new NeuroPoseError("E_OUTPUT_IS_DIR", `${label}${path} is a folder, not a file`, {
        path,
        kind: "user",
        hint: "give a file path inside the folder",
      });
    if (!options.force)
      throw new NeuroPoseError("E_OUTPUT_EXISTS", `${label}${path} already exists`, {
        path,
        kind: "user",
        hint: "pass --force to replace it, or choose another path",
      });
  } catch (err) {
    rethrowUnlessMissing(err, label, path);
  }
  // The nearest existing ancestor must be a writable folder (missing ones below it will be created).
  let dir = dirname(abs);
  for (;;) {
    try {
      const s = await stat(dir);
      if (!s.isDirectory()) throw parentError(label, path, `${dir} is a file, not a folder`);
      break;
    } catch (err) {
      rethrowUnlessMissing(err, label, path);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new NeuroPoseError("E_OUTPUT_NOT_WRITABLE", `${label}${path}: the folder ${dir} is not writable`, {
      path,
      kind: "user",
      hint: "choose a folder you can write to",
    });
  }
  // access() trusts permission bits; some file systems (/proc, read-only mounts) refuse writes anyway.
  const probe = join(dir, `.${basename(abs)}.${TEMP_TAG}-${process.pid}-${rand()}`);
  try {
    const h = await open(probe, "wx");
    await h.close();
    await rm(probe, { force: true });
  } catch (err) {
    throw new NeuroPoseError(
      "E_OUTPUT_NOT_WRITABLE",
      `${label}${path}: cannot create files in ${dir} (${(err as { code?: string }).code ?? "error"})`,
      {
        path,
        kind: "user",
        hint: "choose a folder you can write to",
      },
    );
  }
}
