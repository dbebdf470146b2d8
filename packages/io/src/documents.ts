import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { validatePredictions } from "./_frames.js";
import { AnalysisConfigSchema, AnalysisReportSchema } from "./analysis.js";
import { writeFileAtomic, writeFileAtomicSync } from "./atomic.js";
import { BenchmarkResultSchema } from "./benchmark.js";
import { NeuroPoseError } from "./errors.js";
import { parseJson, stringifyJson } from "./json.js";
import { type Logger, migrate } from "./migrations.js";
import { JobResultsSchema, VideoPredictionsSchema } from "./predictions.js";
import { SegmentationSchema } from "./segmentation.js";
import { StatusFileSchema } from "./status.js";
import { validateWith } from "./validate.js";
import { CURRENT_VERSIONS, type VersionedKind } from "./versions.js";

const SCHEMAS = {
  video_predictions: VideoPredictionsSchema,
  job_results: JobResultsSchema,
  benchmark_result: BenchmarkResultSchema,
  status_file: StatusFileSchema,
  segmentation: SegmentationSchema,
  analysis_report: AnalysisReportSchema,
  analysis_config: AnalysisConfigSchema,
} as const;

/** The documents NeuroPose reads and writes, by kind. */
export type DocumentSchemas = typeof SCHEMAS;

/** A document kind: video_predictions, job_results, benchmark_result, status_file, segmentation, analysis_*. */
export type DocumentKind = keyof DocumentSchemas;

/** The parsed (output) type of a document kind. */
export type DocumentOf<K extends DocumentKind> = z.output<DocumentSchemas[K]>;

/**
 * The zod schema of a document kind.
 *
 * @example
 * ```ts
 * import { documentSchema } from "@neuropose/io";
 * console.log(documentSchema("video_predictions").safeParse({}).success); // false
 * ```
 */
export function documentSchema<K extends DocumentKind>(kind: K): DocumentSchemas[K] {
  if (!Object.hasOwn(SCHEMAS, kind)) {
    throw new NeuroPoseError("E_DOCUMENT_KIND", `unknown document kind "${String(kind)}"`, {
      hint: `one of ${Object.keys(SCHEMAS).join(", ")}`,
      kind: "bug",
    });
  }
  return SCHEMAS[kind];
}

export interface DocumentOptions {
  /** File name used in error messages. */
  source?: string | undefined;
  /** Receives one info line per migration step. */
  logger?: Logger | undefined;
}

/**
 * Validate a raw value (already parsed from JSON) as a document of `kind`, WITHOUT migrating it. Throws
 * {@link ValidationError} with the JSON path of the first invalid value. Returns the parsed document.
 *
 * @example
 * ```ts
 * import { validateDocument } from "@neuropose/io";
 * const seg = validateDocument("segmentation", {
 *   config: { extractor: { kind: "joint_axis", joint: 41, axis: 1 } },
 *   segments: [{ start: 0, end: 10, peak: 4 }],
 * });
 * console.log(seg.config.method); // valley_to_valley_v1
 * ```
 */
export function validateDocument<K extends DocumentKind>(
  kind: K,
  raw: unknown,
  options: { source?: string | undefined } = {},
): DocumentOf<K> {
  return checkDocument(kind, raw, options.source, false);
}

/** validateDocument; `owned`: `raw` was parsed here and nobody else holds it (its frames need no copy). */
function checkDocument<K extends DocumentKind>(
  kind: K,
  raw: unknown,
  source: string | undefined,
  owned: boolean,
): DocumentOf<K> {
  const options = { source };
  const schema = documentSchema(kind);
  // Predictions: frames checked in plain loops (same result and errors as the schema, a fraction of its cost).
  if (kind === "video_predictions") return validatePredictions(raw, source, owned) as DocumentOf<K>;
  if (kind === "job_results" && isRecordOfObjects(raw)) {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(raw)) {
      if (name === "__proto__") return validateWith(schema, raw, options) as DocumentOf<K>;
      try {
        out[name] = validatePredictions(raw[name], undefined, owned);
      } catch {
        return validateWith(schema, raw, options) as DocumentOf<K>; // the whole file's issues, as always
      }
    }
    return out as DocumentOf<K>;
  }
  return validateWith(schema, raw, options) as DocumentOf<K>;
}

/**
 * Migrate (versioned kinds) then validate a raw value: what loading does after parsing the JSON.
 *
 * @example
 * ```ts
 * import { migrateAndValidate } from "@neuropose/io";
 * const preds = migrateAndValidate("video_predictions", {
 *   metadata: { frame_count: 1, fps: 30, width: 640, height: 480 },
 *   frames: { frame_000000: { boxes: [], poses3d: [], poses2d: [] } },
 * });
 * console.log(preds.schema_version, preds.metadata.skeleton); // 3 berkeley_mhad_43
 * ```
 */
export function migrateAndValidate<K extends DocumentKind>(
  kind: K,
  raw: unknown,
  options: DocumentOptions = {},
): DocumentOf<K> {
  return migrateAndCheck(kind, raw, options, false);
}

function migrateAndCheck<K extends DocumentKind>(
  kind: K,
  raw: unknown,
  options: DocumentOptions,
  owned: boolean,
): DocumentOf<K> {
  const migrated = Object.hasOwn(CURRENT_VERSIONS, kind)
    ? migrate(kind as VersionedKind, raw, { logger: options.logger })
    : raw;
  return checkDocument(kind, migrated, options.source, owned);
}

/**
 * Parse JSON text (bare NaN / Infinity accepted), migrate and validate it as a document of `kind`.
 *
 * @example
 * ```ts
 * import { parseDocument } from "@neuropose/io";
 * const s = parseDocument("status_file", '{"job1": {"status": "processing", "started_at": "2026-01-01T00:00:00Z"}}');
 * console.log(s.job1?.status);
 * ```
 */
export function parseDocument<K extends DocumentKind>(
  kind: K,
  text: string,
  options: DocumentOptions = {},
): DocumentOf<K> {
  // The parsed value is ours alone: frames already in the schema's shape are kept, not copied.
  return migrateAndCheck(kind, parseJson(text, { source: options.source }), options, true);
}

function isRecordOfObjects(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ENOENT") {
      throw new NeuroPoseError("E_INPUT_MISSING", `${path}: file not found`, {
        path,
        hint: "check the path",
        cause: err,
      });
    }
    if (code === "EISDIR") {
      throw new NeuroPoseError("E_INPUT_MISSING", `${path}: is a folder, expected a JSON file`, {
        path,
        cause: err,
      });
    }
    throw new NeuroPoseError("E_READ", `${path}: cannot read: ${(err as Error).message}`, {
      path,
      cause: err,
    });
  }
}

/**
 * Read a document file: parse (bare NaN / Infinity accepted), migrate to the current version (each step logged
 * at info), validate. Errors name the file and the JSON path of the first invalid value.
 *
 * @example
 * ```ts
 * import { loadDocument } from "@neuropose/io";
 * const preds = await loadDocument("video_predictions", "results/trial_01.json");
 * console.log(Object.keys(preds.frames).length);
 * ```
 */
export async function loadDocument<K extends DocumentKind>(
  kind: K,
  path: string,
  options: { logger?: Logger | undefined } = {},
): Promise<DocumentOf<K>> {
  const text = await readText(path);
  return parseDocument(kind, text, { source: path, logger: options.logger });
}

/**
 * Validate and write a document atomically (temp file + fsync + rename, parent folders created), always at the
 * current version, as valid JSON (non-finite numbers as "NaN" / "Infinity" / "-Infinity" strings).
 *
 * @example
 * ```ts
 * import { saveDocument } from "@neuropose/io";
 * await saveDocument("status_file", "/tmp/neuropose-example/status.json", {});
 * ```
 */
export async function saveDocument<K extends DocumentKind>(
  kind: K,
  path: string,
  value: z.input<DocumentSchemas[K]> | DocumentOf<K>,
  options: { indent?: number } = {},
): Promise<void> {
  const valid = validateDocument(kind, value, { source: path });
  await writeFileAtomic(path, stringifyJson(valid, { indent: options.indent ?? 2 }));
}

/**
 * Synchronous twin of {@link saveDocument} (same validation and atomicity), for writes that must complete before
 * the process exits, such as a status checkpoint in a shutdown handler.
 *
 * @example
 * ```ts
 * import { saveDocumentSync } from "@neuropose/io";
 * saveDocumentSync("status_file", "/tmp/neuropose-example/status.json", {});
 * ```
 */
export function saveDocumentSync<K extends DocumentKind>(
  kind: K,
  path: string,
  value: z.input<DocumentSchemas[K]> | DocumentOf<K>,
  options: { indent?: number } = {},
): void {
  const valid = validateDocument(kind, value, { source: path });
  writeFileAtomicSync(path, stringifyJson(valid, { indent: options.indent ?? 2 }));
}

/**
 * Load a VideoPredictions file (any version; migrated to v3).
 *
 * @example
 * ```ts
 * import { loadVideoPredictions } from "@neuropose/io";
 * const p = await loadVideoPredictions("trial.json");
 * console.log(p.metadata.fps);
 * ```
 */
export function loadVideoPredictions(path: string, options: { logger?: Logger } = {}) {
  return loadDocument("video_predictions", path, options);
}

/**
 * Save a VideoPredictions document atomically (v3).
 *
 * @example
 * ```ts
 * import { saveVideoPredictions } from "@neuropose/io";
 * await saveVideoPredictions("/tmp/neuropose-example/p.json", {
 *   metadata: { frame_count: 0, fps: 30, width: 1, height: 1, skeleton: "blazepose_33", poses3d_unit: "m", poses3d_frame: "hip_centered" },
 *   frames: {},
 * });
 * ```
 */
export function saveVideoPredictions(
  path: string,
  value: z.input<typeof VideoPredictionsSchema>,
  options: { indent?: number } = {},
) {
  return saveDocument("video_predictions", path, value, options);
}

/**
 * Load a job's results.json (each entry migrated).
 *
 * @example
 * ```ts
 * import { loadJobResults } from "@neuropose/io";
 * const r = await loadJobResults("out/job1/results.json");
 * console.log(Object.keys(r));
 * ```
 */
export function loadJobResults(path: string, options: { logger?: Logger } = {}) {
  return loadDocument("job_results", path, options);
}

/**
 * Save a job's results.json atomically.
 *
 * @example
 * ```ts
 * import { saveJobResults } from "@neuropose/io";
 * await saveJobResults("/tmp/neuropose-example/results.json", {});
 * ```
 */
export function saveJobResults(
  path: string,
  value: z.input<typeof JobResultsSchema>,
  options: { indent?: number } = {},
) {
  return saveDocument("job_results", path, value, options);
}

/**
 * Load a BenchmarkResult file (migrated to v3).
 *
 * @example
 * ```ts
 * import { loadBenchmarkResult } from "@neuropose/io";
 * const b = await loadBenchmarkResult("bench.json");
 * console.log(b.aggregate.mean_throughput_fps);
 * ```
 */
export function loadBenchmarkResult(path: string, options: { logger?: Logger } = {}) {
  return loadDocument("benchmark_result", path, options);
}

/**
 * Save a BenchmarkResult atomically.
 *
 * @example
 * ```ts
 * import { loadBenchmarkResult, saveBenchmarkResult } from "@neuropose/io";
 * const result = await loadBenchmarkResult("bench.json"); // e.g. a v1 file from the original
 * await saveBenchmarkResult("/tmp/neuropose-example/bench.json", result); // written as v3
 * ```
 */
export function saveBenchmarkResult(
  path: string,
  value: z.input<typeof BenchmarkResultSchema>,
  options: { indent?: number } = {},
) {
  return saveDocument("benchmark_result", path, value, options);
}

/**
 * Load the daemon's status file. A missing file, invalid JSON or a JSON value that is not an object is treated
 * as empty (`{}`) and reported at warn level; an object with invalid entries throws {@link ValidationError}.
 *
 * @example
 * ```ts
 * import { loadStatusFile } from "@neuropose/io";
 * const status = await loadStatusFile("/tmp/neuropose-example/none.json", { logger: console });
 * console.log(Object.keys(status).length); // 0
 * ```
 */
export async function loadStatusFile(
  path: string,
  options: { logger?: Logger | undefined } = {},
): Promise<DocumentOf<"status_file">> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    options.logger?.warn?.(
      `status file ${path} ${code === "ENOENT" ? "does not exist" : "cannot be read"}; starting empty`,
      {
        path,
        reason: code ?? String(err),
      },
    );
    return {};
  }
  let raw: unknown;
  try {
    raw = parseJson(text, { source: path });
  } catch (err) {
    options.logger?.warn?.(`status file ${path} is not valid JSON; treating it as empty`, {
      path,
      reason: (err as Error).message,
    });
    return {};
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    options.logger?.warn?.(`status file ${path} does not hold a JSON object; treating it as empty`, { path });
    return {};
  }
  return validateDocument("status_file", raw, { source: path });
}

/**
 * Save the daemon's status file atomically.
 *
 * @example
 * ```ts
 * import { saveStatusFile } from "@neuropose/io";
 * await saveStatusFile("/tmp/neuropose-example/status.json", {
 *   job1: { status: "processing", started_at: new Date().toISOString() },
 * });
 * ```
 */
export function saveStatusFile(path: string, value: z.input<typeof StatusFileSchema>) {
  return saveDocument("status_file", path, value);
}

/**
 * Synchronous {@link saveStatusFile}.
 *
 * @example
 * ```ts
 * import { saveStatusFileSync } from "@neuropose/io";
 * saveStatusFileSync("/tmp/neuropose-example/status.json", {});
 * ```
 */
export function saveStatusFileSync(path: string, value: z.input<typeof StatusFileSchema>): void {
  saveDocumentSync("status_file", path, value);
}
