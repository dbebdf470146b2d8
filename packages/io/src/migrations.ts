import { FutureSchemaError, MigrationError, MigrationNotFoundError } from "./errors.js";
import { CURRENT_VERSIONS, type VersionedKind } from "./versions.js";

/** A logger: any object with these methods (all optional); @neuropose/cli-kit's createLogger fits. */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** One migration step: takes a raw object at version N, returns a new raw object at N + 1 (stamped). */
export type MigrationStep = (payload: Record<string, unknown>) => Record<string, unknown>;

type EnvelopeKind = Exclude<VersionedKind, "job_results">;

const DISPLAY: Record<EnvelopeKind, string> = {
  video_predictions: "VideoPredictions",
  benchmark_result: "BenchmarkResult",
  analysis_report: "AnalysisReport",
};

const REGISTRY: Record<EnvelopeKind, Map<number, MigrationStep>> = {
  video_predictions: new Map(),
  benchmark_result: new Map(),
  analysis_report: new Map(),
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Register a migration step from `fromVersion` to `fromVersion + 1` for a versioned document kind. Steps are
 * pure functions on raw JSON objects (never on parsed schemas, which only describe the current version).
 *
 * @example
 * ```ts
 * import { registeredMigrations } from "@neuropose/io";
 * console.log(registeredMigrations("video_predictions")); // [1, 2]
 * ```
 */
export function registerMigration(kind: EnvelopeKind, fromVersion: number, step: MigrationStep): void {
  const reg = REGISTRY[kind];
  if (reg.has(fromVersion)) {
    throw new MigrationError(
      `${DISPLAY[kind]} migration already registered from schema_version ${fromVersion}`,
      {
        kind: "bug",
      },
    );
  }
  reg.set(fromVersion, step);
}

/**
 * The versions that have a registered migration step for a kind, ascending.
 *
 * @example
 * ```ts
 * import { registeredMigrations } from "@neuropose/io";
 * console.log(registeredMigrations("benchmark_result")); // [1, 2]
 * ```
 */
export function registeredMigrations(kind: EnvelopeKind): number[] {
  return [...REGISTRY[kind].keys()].sort((a, b) => a - b);
}

function reprVersion(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (v === null) return "null";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function migrateEnvelope(
  kind: EnvelopeKind,
  payload: Record<string, unknown>,
  logger?: Logger,
): Record<string, unknown> {
  const name = DISPLAY[kind];
  const current = CURRENT_VERSIONS[kind];
  const version = Object.hasOwn(payload, "schema_version") ? payload.schema_version : 1;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw new MigrationError(
      `${name} payload has invalid schema_version ${reprVersion(version)}; must be an integer >= 1`,
      { hint: "schema_version must be a whole number such as 2 or 3" },
    );
  }
  if (version > current) {
    throw new FutureSchemaError(
      `${name} payload declares schema_version ${version}, which is newer than this build's CURRENT_VERSION (${current}). Upgrade NeuroPose.`,
    );
  }
  let out = payload;
  for (let v = version; v < current; v++) {
    const step = REGISTRY[kind].get(v);
    if (!step) throw new MigrationNotFoundError(`no ${name} migration registered from schema_version ${v}`);
    logger?.info?.(`Migrating ${name} payload from schema_version ${v} to ${v + 1}`, {
      document: name,
      from: v,
      to: v + 1,
    });
    out = step(out);
  }
  return out;
}

/**
 * Bring a raw document (as parsed from JSON, before validation) up to the current version of its kind.
 * A missing `schema_version` means 1. `job_results` migrates each video entry. Values that are not JSON objects
 * are returned unchanged (validation reports them). Each step is logged at info level via `logger`.
 * Throws {@link MigrationError} (invalid version), {@link FutureSchemaError} (newer than this build) or
 * {@link MigrationNotFoundError} (a step is missing).
 *
 * @example
 * ```ts
 * import { migrate } from "@neuropose/io";
 * const v3 = migrate("video_predictions", { metadata: { frame_count: 0, fps: 30, width: 1, height: 1 }, frames: {} });
 * console.log(v3.schema_version); // 3
 * ```
 */
export function migrate<T = Record<string, unknown>>(
  kind: VersionedKind,
  raw: unknown,
  options: { logger?: Logger } = {},
): T {
  if (!isPlainObject(raw)) return raw as T;
  if (kind === "job_results") {
    const out: Record<string, unknown> = {};
    for (const [name, video] of Object.entries(raw)) {
      out[name] = isPlainObject(video) ? migrateEnvelope("video_predictions", video, options.logger) : video;
    }
    return out as T;
  }
  return migrateEnvelope(kind, raw, options.logger) as T;
}

/**
 * The v2 -> v3 step of a Provenance object: the original ran TensorFlow and did not record the device, so
 * `runtime` = "tensorflow", `runtime_version` = its `tensorflow_version` (when present), `execution_provider` =
 * null. All original fields are kept. Non-objects are returned unchanged.
 *
 * @example
 * ```ts
 * import { migrateProvenanceV2ToV3 } from "@neuropose/io";
 * console.log(migrateProvenanceV2ToV3({ tensorflow_version: "2.16.2" }));
 * ```
 */
export function migrateProvenanceV2ToV3(provenance: unknown): unknown {
  if (!isPlainObject(provenance)) return provenance;
  if (Object.hasOwn(provenance, "runtime")) return provenance;
  const out: Record<string, unknown> = { ...provenance, runtime: "tensorflow" };
  if (Object.hasOwn(provenance, "tensorflow_version")) out.runtime_version = provenance.tensorflow_version;
  if (!Object.hasOwn(provenance, "execution_provider")) out.execution_provider = null;
  return out;
}

// ---- registered steps -------------------------------------------------------------------------------------

function v1ToV2(payload: Record<string, unknown>): Record<string, unknown> {
  const out = { ...payload };
  if (!Object.hasOwn(out, "provenance")) out.provenance = null;
  out.schema_version = 2;
  return out;
}

registerMigration("video_predictions", 1, v1ToV2);
registerMigration("benchmark_result", 1, v1ToV2);

/** What every file of the original contains: MeTRAbs berkeley_mhad_43, millimetres, camera frame (y down). */
export const ORIGINAL_METADATA_DEFAULTS = Object.freeze({
  skeleton: "berkeley_mhad_43",
  poses3d_unit: "mm",
  poses3d_frame: "camera",
} as const);

registerMigration("video_predictions", 2, (payload) => {
  const out: Record<string, unknown> = { ...payload };
  if (isPlainObject(out.metadata)) {
    const m: Record<string, unknown> = { ...out.metadata };
    for (const [k, v] of Object.entries(ORIGINAL_METADATA_DEFAULTS)) if (!Object.hasOwn(m, k)) m[k] = v;
    out.metadata = m;
  }
  if (Object.hasOwn(out, "provenance")) out.provenance = migrateProvenanceV2ToV3(out.provenance);
  out.schema_version = 3;
  return out;
});

registerMigration("benchmark_result", 2, (payload) => {
  const out: Record<string, unknown> = { ...payload };
  if (Object.hasOwn(out, "provenance")) out.provenance = migrateProvenanceV2ToV3(out.provenance);
  out.schema_version = 3;
  return out;
});
