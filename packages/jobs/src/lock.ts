import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename } from "node:path";
import type { Logger } from "@neuropose/io";
import { JobsError } from "./errors.js";

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  started_at: string;
  /** What holds it: "daemon", "monitor", "status". */
  role: string;
  /** Unique per acquisition, so a stale-lock takeover can tell two holders with one pid apart. */
  nonce: string;
}

/** A held lock. */
export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock file if it is still ours. Never throws. */
  release(): void;
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  role?: string;
  logger?: Logger | undefined;
  /** Whether a process id is running (tests); default `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
  /**
   * fsync the lock's content before it is linked into place (default true). The short status lock of
   * {@link withLock} skips it: after a power loss its holder is dead anyway, so the file (whole, empty or absent)
   * is stale and taken over; an fsync per status write was a third of the daemon's per-job bookkeeping.
   */
  durable?: boolean;
}

/**
 * True when a process with this id exists (it may belong to another user).
 *
 * @example
 * ```ts
 * import { isProcessAlive } from "@neuropose/jobs";
 * console.log(isProcessAlive(process.pid)); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === "number" && typeof v.host === "string") return v as LockInfo;
  } catch {}
  return undefined;
}

/**
 * Reads a lock file; undefined when it is absent or unreadable.
 *
 * @example
 * ```ts
 * import { readLock } from "@neuropose/jobs";
 * console.log(readLock("/tmp/neuropose-example/.neuropose.lock")?.pid);
 * ```
 */
export function readLock(path: string): LockInfo | undefined {
  try {
    return parseLock(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

function writeTemp(path: string, text: string, durable: boolean): string {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(tmp, "wx");
  try {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/** Result of one try: the lock, or who holds it. */
type TryResult = { lock: HeldLock } | { holder: LockInfo };

/** Grace for a lock file that exists but cannot be parsed (a holder between link and... never; a foreign file). */
const UNREADABLE_STALE_MS = 2000;

/**
 * One attempt to take a lock file: creation is atomic (a complete temp file is hard-linked to the lock path,
 * which fails when the lock exists), so the lock file is never seen half-written. A lock whose pid is no
 * longer running on this host is stale: it is removed with a warning and taken over.
 *
 * @example
 * ```ts
 * import { tryAcquireLock } from "@neuropose/jobs";
 * const r = tryAcquireLock("/tmp/neuropose-example.lock");
 * if ("lock" in r) r.lock.release(); else console.log("held by", r.holder.pid);
 * ```
 */
export function tryAcquireLock(path: string, options: AcquireLockOptions = {}): TryResult {
  const isAlive = options.isAlive ?? isProcessAlive;
  const host = hostname();
  for (let attempt = 0; attempt < 20; attempt++) {
    const info: LockInfo = {
      pid: process.pid,
      host,
      started_at: new Date().toISOString(),
      role: options.role ?? "daemon",
      nonce: randomBytes(8).toString("hex"),
    };
    const text = `${JSON.stringify(info)}\n`;
    let tmp: string;
    try {
      tmp = writeTemp(path, text, options.durable ?? true);
    } catch (err) {
      throw new JobsError("E_DATA_DIR", `cannot create the lock ${path}: ${(err as Error).message}`, {
        path,
        hint: "check that the data dir exists and is writable",
        cause: err,
      });
    }
    try {
      linkSync(tmp, path);
      unlinkSync(tmp);
      return { lock: heldLock(path, info) };
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {}
      if ((err as { code?: string }).code !== "EEXIST") {
        throw new JobsError("E_DATA_DIR", `cannot create the lock ${path}: ${(err as Error).message}`, {
          path,
          cause: err,
        });
      }
    }
    // The lock exists: is its holder alive?
    let existingText: string;
    let mtime: number;
    try {
      existingText = readFileSync(path, "utf8");
      mtime = statSync(path).mtimeMs;
    } catch {
      continue; // released between our link and our read: try again
    }
    const holder = parseLock(existingText);
    if (holder === undefined) {
      if (Date.now() - mtime < UNREADABLE_STALE_MS) {
        return {
          holder: { pid: 0, host, started_at: new Date(mtime).toISOString(), role: "unknown", nonce: "" },
        };
      }
    } else if (holder.host !== host) {
      return { holder };
    } else if (isAlive(holder.pid)) {
      return { holder };
    }
    options.logger?.warn?.(
      holder
        ? `removing the stale lock ${basename(path)} of pid ${holder.pid} (no longer running)`
        : `removing the unreadable lock ${basename(path)}`,
      { path, ...(holder ? { pid: holder.pid } : {}) },
    );
    // Take the stale file aside and check it is the one we judged (another process may have replaced it).
    const aside = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.stale.tmp`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    let asideText = "";
    try {
      asideText = readFileSync(aside, "utf8");
    } catch {}
    if (asideText !== existingText) {
      // We moved a fresh lock taken by someone else in between: put it back.
      try {
        linkSync(aside, path);
      } catch {}
    }
    try {
      unlinkSync(aside);
    } catch {}
  }
  throw new JobsError("E_LOCKED", `could not take the lock ${path} (it keeps changing)`, { path });
}

function heldLock(path: string, info: LockInfo): HeldLock {
  let released = false;
  return {
    path,
    info,
    release() {
      if (released) return;
      released = true;
      try {
        if (readLock(path)?.nonce === info.nonce) unlinkSync(path);
      } catch {}
    },
  };
}

/**
 * Takes the data dir's daemon lock (one daemon per data dir), recovering a stale one (dead pid) with a
 * warning. A second instance gets `E_LOCKED` naming the holder's pid.
 *
 * @example
 * ```ts
 * import { acquireLock } from "@neuropose/jobs";
 * const lock = acquireLock("/tmp/neuropose-example.lock");
 * lock.release();
 * ```
 */
export function acquireLock(path: string, options: AcquireLockOptions = {}): HeldLock {
  const r = tryAcquireLock(path, options);
  if ("lock" in r) return r.lock;
  const who = r.holder.role === "unknown" ? "a NeuroPose process" : `another NeuroPose ${r.holder.role}`;
  const pid =
    r.holder.pid > 0
      ? ` (pid ${r.holder.pid}${r.holder.host !== hostname() ? ` on ${r.holder.host}` : ""})`
      : "";
  throw new JobsError("E_LOCKED", `${who}${pid} already holds ${path}`, {
    path,
    hint:
      r.holder.host !== hostname()
        ? "the data dir is used from another machine; stop that daemon, or delete the lock if that machine is gone"
        : "stop it first (neuropose reset --stop), or use another data dir",
  });
}

/**
 * Runs `fn` while holding a short-lived lock file (waits up to `timeoutMs` for it); used so that the daemon and
 * commands such as `requeue` never overwrite each other's change to the status file.
 *
 * @example
 * ```ts
 * import { withLock } from "@neuropose/jobs";
 * await withLock("/tmp/neuropose-example.status.lock", async () => "edited");
 * ```
 */
export async function withLock<T>(
  path: string,
  fn: () => Promise<T> | T,
  options: AcquireLockOptions & { timeoutMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let wait = 2;
  for (;;) {
    const r = tryAcquireLock(path, { durable: false, ...options, role: options.role ?? "status" });
    if ("lock" in r) {
      try {
        return await fn();
      } finally {
        r.lock.release();
      }
    }
    if (Date.now() > deadline) {
      throw new JobsError("E_LOCKED", `timed out waiting for ${path} (held by pid ${r.holder.pid})`, {
        path,
      });
    }
    await new Promise((res) => setTimeout(res, wait));
    wait = Math.min(50, wait * 2);
  }
}
