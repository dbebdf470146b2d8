// Every stage of a session build runs through `runStage`: it decides whether the stage can be skipped (same
// inputs, same config, outputs still there), measures wall/CPU time and memory, and writes
// `<stage>_summary.json` atomically — on failure too, so a failed run explains itself and completed stages stay
// valid. Stages are plain functions; they never import each other (only the app composes them).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { isNeuroPoseError, NeuroPoseError, writeFileAtomic } from "@neuropose/io";
import { z } from "zod";

export const STAGE_SUMMARY_VERSION = 1;

const FileRef = z.strictObject({
  path: z.string(),
  bytes: z.int().nonnegative(),
  sha256: z.string().optional(),
});

/** An anomaly a stage found, with the threshold it was judged against. */
export const FlagSchema = z.strictObject({
  code: z.string(),
  severity: z.enum(["info", "warn", "fail"]),
  message: z.string(),
  value: z.number().optional(),
  threshold: z.number().optional(),
  /** Where: a camera, a TTL, a file. */
  subject: z.string().optional(),
});
export type StageFlag = z.infer<typeof FlagSchema>;

export const StageSummarySchema = z.strictObject({
  schema_version: z.literal(STAGE_SUMMARY_VERSION),
  stage: z.string(),
  session_id: z.string(),
  status: z.enum(["ok", "failed"]),
  started_at: z.string(),
  wall_s: z.number(),
  cpu_s: z.number(),
  /** Peak resident memory of the process by the end of the stage, in bytes (approximate for the stage). */
  peak_rss_bytes: z.int().nonnegative(),
  cache_key: z.string(),
  inputs: z.array(FileRef),
  outputs: z.array(FileRef),
  counts: z.record(z.string(), z.number()),
  flags: z.array(FlagSchema),
  /** Stage-specific statistics (sync: drift, jitter; pose: missing fractions; …). */
  details: z.record(z.string(), z.unknown()),
  error: z.strictObject({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
export type StageSummary = z.infer<typeof StageSummarySchema>;

/** What a stage function returns; `runStage` adds timing, the cache key and the file list. */
export interface StageResult {
  /** Files written (absolute paths); they are hashed into the summary and checked before a skip. */
  outputs: string[];
  counts?: Record<string, number>;
  flags?: StageFlag[];
  details?: Record<string, unknown>;
}

/** Options of {@link runStage}. */
export interface RunStageOptions {
  stage: string;
  sessionId: string;
  /** Folder that receives `<stage>_summary.json` (the session's interim folder). */
  summaryDir: string;
  /** Input files (hashed into the cache key). */
  inputs: string[];
  /** The part of the resolved config this stage reads (hashed into the cache key), and the stage's version. */
  config: unknown;
  /** Redo even when nothing changed. */
  force?: boolean;
  signal?: AbortSignal;
}

/** Outcome of {@link runStage}: the summary and whether the stage ran or was skipped as up to date. */
export interface StageOutcome {
  summary: StageSummary;
  skipped: boolean;
}

/**
 * sha256 of a file, streamed (a video or a NIDQ file can be many GB).
 *
 * @example
 * ```ts
 * import { hashFile } from "@neuropose/session";
 * import { writeFileSync } from "node:fs";
 * writeFileSync("/tmp/neuropose-example-hash.txt", "abc");
 * console.log(await hashFile("/tmp/neuropose-example-hash.txt")); // ba7816bf…
 * ```
 */
export async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

async function fileRef(path: string, withHash: boolean): Promise<z.infer<typeof FileRef>> {
  const s = await stat(path);
  return withHash ? { path, bytes: s.size, sha256: await hashFile(path) } : { path, bytes: s.size };
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/**
 * The path of a stage's summary file.
 *
 * @example
 * ```ts
 * import { summaryPath } from "@neuropose/session";
 * console.log(summaryPath("/lab/data/interim/S1", "sync")); // /lab/data/interim/S1/sync_summary.json
 * ```
 */
export function summaryPath(summaryDir: string, stage: string): string {
  return join(summaryDir, `${stage}_summary.json`);
}

/**
 * Read a stage summary, or `null` if there is none (or it is unreadable: the stage then simply runs again).
 *
 * @example
 * ```ts
 * import { readStageSummary } from "@neuropose/session";
 * console.log(await readStageSummary("/tmp/nowhere", "sync")); // null
 * ```
 */
export async function readStageSummary(summaryDir: string, stage: string): Promise<StageSummary | null> {
  try {
    const r = StageSummarySchema.safeParse(
      JSON.parse(await readFile(summaryPath(summaryDir, stage), "utf8")),
    );
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

async function stillValid(summary: StageSummary): Promise<boolean> {
  for (const o of summary.outputs) {
    try {
      const s = await stat(o.path);
      if (s.size !== o.bytes) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Run one stage: skip it when its inputs, its config and its outputs are unchanged since the last successful
 * run (unless `force`); otherwise call `fn`, then write `<stage>_summary.json` with wall/CPU time, peak memory,
 * counts, flags and hashed outputs. A failing stage writes a summary with `status: "failed"` and its error, then
 * rethrows. A stage that raises a flag of severity "fail" fails after its summary is written.
 *
 * @example
 * ```ts
 * import { runStage } from "@neuropose/session";
 * import { mkdirSync, writeFileSync } from "node:fs";
 * mkdirSync("/tmp/neuropose-example-stage", { recursive: true });
 * const out = "/tmp/neuropose-example-stage/out.txt";
 * const { summary, skipped } = await runStage(
 *   { stage: "demo", sessionId: "S1", summaryDir: "/tmp/neuropose-example-stage", inputs: [], config: { v: 1 }, force: true },
 *   async () => {
 *     writeFileSync(out, "x");
 *     return { outputs: [out], counts: { rows: 1 } };
 *   },
 * );
 * console.log(summary.status, skipped); // ok false
 * ```
 */
export async function runStage(
  options: RunStageOptions,
  fn: () => Promise<StageResult>,
): Promise<StageOutcome> {
  const inputs = [];
  for (const p of options.inputs) inputs.push(await fileRef(p, true));
  const cacheKey = createHash("sha256")
    .update(stableJson({ stage: options.stage, config: options.config, inputs: inputs.map((i) => i.sha256) }))
    .digest("hex");
  if (!options.force) {
    const previous = await readStageSummary(options.summaryDir, options.stage);
    if (
      previous &&
      previous.status === "ok" &&
      previous.cache_key === cacheKey &&
      (await stillValid(previous))
    )
      return { summary: previous, skipped: true };
  }
  options.signal?.throwIfAborted();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const base = {
    schema_version: STAGE_SUMMARY_VERSION,
    stage: options.stage,
    session_id: options.sessionId,
    started_at: startedAt,
    cache_key: cacheKey,
    inputs,
  } as const;
  const timing = () => {
    const c = process.cpuUsage(c0);
    return {
      wall_s: (performance.now() - t0) / 1000,
      cpu_s: (c.user + c.system) / 1e6,
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    };
  };
  let result: StageResult;
  try {
    result = await fn();
  } catch (err) {
    const e = isNeuroPoseError(err)
      ? { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) }
      : { code: "E_BUG", message: err instanceof Error ? err.message : String(err) };
    const summary: StageSummary = {
      ...base,
      status: "failed",
      ...timing(),
      outputs: [],
      counts: {},
      flags: [],
      details: {},
      error: e,
    };
    await writeFileAtomic(
      summaryPath(options.summaryDir, options.stage),
      `${JSON.stringify(summary, null, 2)}\n`,
    );
    throw err;
  }
  const outputs = [];
  for (const p of result.outputs) outputs.push(await fileRef(p, true));
  const flags = result.flags ?? [];
  const failing = flags.filter((f) => f.severity === "fail");
  const summary: StageSummary = {
    ...base,
    status: failing.length ? "failed" : "ok",
    ...timing(),
    outputs,
    counts: result.counts ?? {},
    flags,
    details: result.details ?? {},
    ...(failing.length
      ? { error: { code: (failing[0] as StageFlag).code, message: (failing[0] as StageFlag).message } }
      : {}),
  };
  await writeFileAtomic(
    summaryPath(options.summaryDir, options.stage),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  if (failing.length) {
    const f = failing[0] as StageFlag;
    throw new NeuroPoseError(f.code, `${options.stage}: ${f.message}`, {
      path: f.subject,
      kind: "user",
      hint: `see ${summaryPath(options.summaryDir, options.stage)}; thresholds are in config.toml`,
    });
  }
  return { summary, skipped: false };
}
