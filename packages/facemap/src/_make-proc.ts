// Test support (not exported): writes a facemap output with scripts/make_proc.py (Debian's python3 with numpy +
// scipy, as facemap's save() writes it) and compares series with the expected.json it writes beside it.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FacemapSeries } from "./proc.js";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "scripts", "make_proc.py");
export const python = "/usr/bin/python3";

/** True when /usr/bin/python3 with numpy and scipy can write the test output. */
export const canMakeProc =
  existsSync(python) &&
  (() => {
    try {
      execFileSync(python, ["-c", "import numpy, scipy.io"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

export interface ExpectedProc {
  nFrames: number;
  series: Record<string, { width: number; data: (number | "NaN")[] }>;
}

/** Writes face_proc.npy, face_proc.mat and expected.json of `frames` frames into `dir`; returns expected.json. */
export function makeProc(dir: string, frames: number): ExpectedProc {
  execFileSync(python, [script, dir, String(frames)]);
  return JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as ExpectedProc;
}

/** Series values with NaN as "NaN", the way expected.json writes them. */
export function asExpected(s: FacemapSeries): { width: number; data: (number | "NaN")[] } {
  return { width: s.width, data: Array.from(s.data, (x) => (Number.isNaN(x) ? "NaN" : x)) };
}
