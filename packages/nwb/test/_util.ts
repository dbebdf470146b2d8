// Test helpers: temp folders, h5dump detection, a minimal valid spec (bare or with a "behavior" module).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { NwbFileSpec, NwbProcessingModule } from "../src/index.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder removed after the test file. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "neuropose-nwb-"));
  dirs.push(d);
  return d;
}

/** Files in a folder (to check no temp file was left behind). */
export function listDir(d: string): string[] {
  return readdirSync(d).sort();
}

/** The h5dump binary when installed (Debian hdf5-tools), else undefined. */
export function h5dumpPath(): string | undefined {
  const r = spawnSync("h5dump", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? "h5dump" : undefined;
}

export function h5dumpHeader(file: string): string {
  const r = spawnSync("h5dump", ["-H", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`h5dump failed: ${r.stderr}`);
  return r.stdout;
}

export function minimalSpec(extra: Partial<NwbFileSpec> = {}): NwbFileSpec {
  return {
    identifier: "test-file",
    sessionDescription: "a test session",
    sessionStartTime: "2024-05-01T10:00:00+02:00",
    fileCreateDate: ["2024-05-02T09:00:00+00:00"],
    ...extra,
  };
}

/** `minimalSpec` with one processing module, "behavior" (description "b"), holding `dataInterfaces`. */
export function behaviorSpec(dataInterfaces: NwbProcessingModule["dataInterfaces"]): NwbFileSpec {
  return minimalSpec({ processing: [{ name: "behavior", description: "b", dataInterfaces }] });
}
