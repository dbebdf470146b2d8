import { join } from "node:path";

/** File extensions (lower case) that count as videos in a job folder, as in the original. */
export const VIDEO_EXTENSIONS: readonly string[] = Object.freeze([".mp4", ".avi", ".mov", ".mkv"]);

/** The folders and files of a data dir. */
export interface DataDirLayout {
  root: string;
  /** Jobs waiting or running: one direct subfolder per job. */
  in: string;
  /** One folder per job with its results.json; also the status file. */
  out: string;
  /** Inputs of failed jobs (`failed/<job>`, `<job>.1`, ...). */
  failed: string;
  /** `out/status.json`. */
  status: string;
  /** `.neuropose.lock`: pid of the daemon that owns the data dir. */
  lock: string;
  /** `.neuropose-monitor.lock`: pid of the monitor serving the data dir (so `reset` can stop it). */
  monitorLock: string;
  /** `.staging/`: where `ingest` extracts before renaming into in/ (same filesystem). */
  staging: string;
}

/**
 * The paths of a data dir: `in/`, `out/`, `failed/`, `out/status.json`, `.neuropose.lock`, `.staging/`.
 *
 * @example
 * ```ts
 * import { dataDirLayout } from "@neuropose/jobs";
 * console.log(dataDirLayout("/data/neuropose").status); // /data/neuropose/out/status.json
 * ```
 */
export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    in: join(root, "in"),
    out: join(root, "out"),
    failed: join(root, "failed"),
    status: join(root, "out", "status.json"),
    lock: join(root, ".neuropose.lock"),
    monitorLock: join(root, ".neuropose-monitor.lock"),
    staging: join(root, ".staging"),
  };
}

/**
 * True when a file name has a video extension (.mp4 .avi .mov .mkv, any case).
 *
 * @example
 * ```ts
 * import { isVideoFile } from "@neuropose/jobs";
 * console.log(isVideoFile("walk.MP4"), isVideoFile("notes.txt")); // true false
 * ```
 */
export function isVideoFile(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && VIDEO_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}

/**
 * True for a name usable as a job (a plain folder name: no separators, not `.`/`..`, not hidden, no NUL).
 *
 * @example
 * ```ts
 * import { isJobName } from "@neuropose/jobs";
 * console.log(isJobName("subject01"), isJobName("../etc")); // true false
 * ```
 */
export function isJobName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !name.startsWith(".") &&
    !/[/\\\0]/.test(name) &&
    name !== "." &&
    name !== ".."
  );
}
