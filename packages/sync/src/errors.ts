import { PlacedError } from "@neuropose/io/core";

/** Stable error codes raised by `@neuropose/sync`. */
export type SyncErrorCode =
  /** A file cannot be read (missing, unreadable). */
  | "E_SYNC_READ"
  /** A file is empty (no edge, no sample). */
  | "E_SYNC_EMPTY"
  /** A TTL edge line is not a number. */
  | "E_TTL_NUMBER"
  /** TTL edge times go backwards. */
  | "E_TTL_ORDER"
  /** A SpikeGLX .meta is malformed or lacks a key. */
  | "E_META"
  /** The .bin does not match its .meta (size, channel count), or is truncated. */
  | "E_META_MISMATCH"
  /** Bad arguments (lengths differ, too few points, unknown mode). */
  | "E_SYNC_ARGUMENT";

/**
 * Error raised by the sync readers and statistics: `path` is the file, `place` the line / byte / meta key, `hint`
 * what to do.
 *
 * @example
 * ```ts
 * import { SyncError, parseTtlEdges } from "@neuropose/sync";
 * try {
 *   parseTtlEdges("1.0\nabc\n", { source: "x.txt" });
 * } catch (e) {
 *   if (e instanceof SyncError) console.log(e.code, e.place); // "E_TTL_NUMBER" "line 2"
 * }
 * ```
 */
export class SyncError extends PlacedError<SyncErrorCode> {}
