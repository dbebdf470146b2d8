import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock, readLock, withLock } from "./index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "np-lock-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("acquireLock", () => {
  it("one holder at a time; the second gets the holder's pid in the error", () => {
    const path = join(dir, ".neuropose.lock");
    const lock = acquireLock(path);
    expect(readLock(path)).toMatchObject({ pid: process.pid, host: hostname(), role: "daemon" });
    expect(() => acquireLock(path)).toThrow(
      `another NeuroPose daemon (pid ${process.pid}) already holds ${path}`,
    );
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path).release();
    expect(readdirSync(dir)).toEqual([]); // no temp files left
  });

  it("recovers a stale lock (dead pid) with a warning", () => {
    const path = join(dir, ".neuropose.lock");
    writeFileSync(
      path,
      JSON.stringify({ pid: 999999, host: hostname(), started_at: "x", role: "daemon", nonce: "n" }),
    );
    const warnings: string[] = [];
    const lock = acquireLock(path, { logger: { warn: (m: string) => warnings.push(m) } });
    expect(warnings).toEqual(["removing the stale lock .neuropose.lock of pid 999999 (no longer running)"]);
    expect(readLock(path)?.pid).toBe(process.pid);
    lock.release();
  });

  it("refuses a lock held from another machine", () => {
    const path = join(dir, ".neuropose.lock");
    writeFileSync(
      path,
      JSON.stringify({ pid: 1, host: "other-box", started_at: "x", role: "daemon", nonce: "n" }),
    );
    expect(() => acquireLock(path)).toThrow(/pid 1 on other-box/);
  });

  it("withLock serialises read-modify-write sections", async () => {
    const path = join(dir, "status.lock");
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withLock(path, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });
});
