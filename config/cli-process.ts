// Test helper: run a CLI (or any command) as a user would — a real process, its output collected — and the
// scratch folders and shared model cache those tests use. Import it relatively, e.g. `../../../config/cli-process.js`.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The converted-model cache every test that runs inference shares (converted once per machine). */
export const TEST_MODEL_CACHE = join(tmpdir(), "neuropose-infer-test-models");

/** The test subject's flags of the NWB-writing commands (`neuropose nwb export`, `neuropose-infer --nwb`). */
export const SUBJECT_FLAGS = ["--subject-id", "S01", "--age", "P30Y", "--sex", "F"];
/** What an NWB file written with {@link SUBJECT_FLAGS} records as its subject. */
export const SUBJECT = { subjectId: "S01", age: "P30Y", sex: "F" };

/** A process's end: exit code (null when a signal ended it), the signal, everything it printed. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A started process: the child, its output so far, and its end. */
export interface Started {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<Finished>;
}

/**
 * The environment of a CLI under test: this process's, with no NeuroPose config file, the shared model cache,
 * and `env` on top.
 */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NEUROPOSE_MODEL_CACHE_DIR: TEST_MODEL_CACHE, NEUROPOSE_CONFIG: "", ...env };
}

/** Starts `command args` in `cwd` with {@link cliEnv}`(env)`, collecting stdout and stderr. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Started {
  const child = spawn(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: cliEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const done = new Promise<Finished>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, out: () => stdout, err: () => stderr };
}

/** Starts `node <bin> args` (a built CLI's bin.js) — see {@link startProcess}. */
export function startBin(
  bin: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Started {
  return startProcess(process.execPath, [bin, ...args], options);
}

/** Runs `node <bin> args` to its end. */
export function runBin(
  bin: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Finished> {
  return startBin(bin, args, options).done;
}

/** A fresh folder under the system temp folder, named `<prefix>XXXXXX`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Removes a folder and everything in it (nothing if it is absent). */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
