import { isAbsolute, join, resolve } from "node:path";
import type { PipelineConfig } from "./config.js";

/** Stage sub-folders of a session's interim folder (the design's directory conventions). */
export const INTERIM_PARTS = ["sync", "pose", "facemap", "events", "video"] as const;

/** Where a session's files live: raw inputs, interim stage outputs, the processed NWB, the QC page. */
export interface SessionLayout {
  /** `data/raw/<session>`: the recorded files (only read). */
  raw: string;
  /** `data/interim/<session>`: stage outputs and `<stage>_summary.json` files. */
  interim: string;
  /** `data/interim/<session>/<part>` for each stage part. */
  parts: Record<(typeof INTERIM_PARTS)[number], string>;
  /** `data/processed/<session>`: the NWB file and its validation report. */
  processed: string;
  /** `data/qc/<session>`: the QC page and its assets. */
  qc: string;
}

/**
 * The folders of one session, from the config's `paths` resolved against `root` (the folder the config sits in,
 * unless the paths are absolute). A session folder given directly (`build <session-dir>`) is used as `raw`.
 *
 * @example
 * ```ts
 * import { parsePipelineConfig, sessionLayout } from "@neuropose/session";
 * const config = parsePipelineConfig('[project]\nname = "lab"\n').value;
 * const l = sessionLayout(config, "Session-000001", { root: "/lab" });
 * console.log(l.parts.sync); // /lab/data/interim/Session-000001/sync
 * ```
 */
export function sessionLayout(
  config: PipelineConfig,
  sessionId: string,
  options: { root: string; rawDir?: string },
): SessionLayout {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(options.root, p));
  const interim = join(at(config.paths.intermediate_root), sessionId);
  const parts = Object.fromEntries(INTERIM_PARTS.map((p) => [p, join(interim, p)])) as SessionLayout["parts"];
  const processed = join(at(config.paths.output_root), sessionId);
  return {
    raw: options.rawDir ? resolve(options.rawDir) : join(at(config.paths.raw_root), sessionId),
    interim,
    parts,
    processed,
    qc: join(resolve(processed, "..", ".."), "qc", sessionId),
  };
}
