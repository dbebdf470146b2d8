import { z } from 'zod';
import { stat, readFile } from 'fs/promises';
import { NeuroPoseError, isNeuroPoseError, writeFileAtomic, toValidationIssues, formatJsonPath } from '@neuropose/io';
import { glob } from 'tinyglobby';
import { join, resolve, isAbsolute } from 'path';
import { createHash } from 'crypto';
import { parse, TomlError } from 'smol-toml';
import { createReadStream } from 'fs';

// src/config.ts
var nonEmpty = z.string().min(1);
var ORDER = z.enum(["name_asc", "name_desc", "time_asc", "time_desc"]);
var TimebaseSchema = z.strictObject({
  source: z.enum(["nominal_rate", "ttl", "neuropixels"]).default("nominal_rate"),
  mapping: z.enum(["nearest", "linear"]).default("nearest"),
  jitter_budget_s: z.number().positive().default(0.01),
  offset_s: z.number().default(0),
  ttl_id: nonEmpty.optional(),
  neuropixels_stream: nonEmpty.optional()
}).superRefine((t, ctx) => {
  if (t.source === "ttl" && !t.ttl_id)
    ctx.addIssue({
      code: "custom",
      path: ["ttl_id"],
      message: 'required when source = "ttl" (the id of a [[TTLs]] entry)'
    });
  if (t.source === "neuropixels" && !t.neuropixels_stream)
    ctx.addIssue({
      code: "custom",
      path: ["neuropixels_stream"],
      message: 'required when source = "neuropixels" (the SpikeGLX stream that is the reference clock)'
    });
});
var RoiSchema = z.strictObject({
  name: nonEmpty,
  x: z.int().nonnegative(),
  y: z.int().nonnegative(),
  width: z.int().positive(),
  height: z.int().positive()
});
var PipelineConfigSchema = z.strictObject({
  project: z.strictObject({ name: nonEmpty }),
  paths: z.strictObject({
    raw_root: nonEmpty.default("data/raw"),
    intermediate_root: nonEmpty.default("data/interim"),
    output_root: nonEmpty.default("data/processed"),
    metadata_file: nonEmpty.default("session.toml"),
    models_root: nonEmpty.default("models")
  }).prefault({}),
  timebase: TimebaseSchema.prefault({}),
  acquisition: z.strictObject({ concat_strategy: z.enum(["ffconcat", "streamlist"]).default("ffconcat") }).prefault({}),
  verification: z.strictObject({
    mismatch_tolerance_frames: z.int().nonnegative().default(0),
    warn_on_mismatch: z.boolean().default(false)
  }).prefault({}),
  /** Our addition: budgets for the sync statistics the reference pipeline never computed. */
  sync: z.strictObject({
    max_drift_ppm: z.number().nonnegative().default(100),
    max_dropped_ratio: z.number().min(0).max(1).default(0.01),
    on_violation: z.enum(["warn", "fail"]).default("warn")
  }).prefault({}),
  bpod: z.strictObject({ parse: z.boolean().default(true) }).prefault({}),
  video: z.strictObject({
    transcode: z.strictObject({
      enabled: z.boolean().default(false),
      codec: nonEmpty.default("h264"),
      crf: z.int().min(0).max(51).default(20),
      preset: nonEmpty.default("fast"),
      keyint: z.int().positive().default(15)
    }).prefault({})
  }).prefault({}),
  nwb: z.strictObject({
    link_external_video: z.boolean().default(true),
    lab: z.string().default(""),
    institution: z.string().default(""),
    file_name_template: nonEmpty.default("{session.id}.nwb"),
    session_description_template: nonEmpty.default("Session {session.id} on {session.date}")
  }).prefault({}),
  qc: z.strictObject({
    generate_report: z.boolean().default(true),
    out_template: nonEmpty.default("qc/{session.id}"),
    include_verification: z.boolean().default(true)
  }).prefault({}),
  logging: z.strictObject({
    level: z.enum(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]).default("INFO"),
    structured: z.boolean().default(false)
  }).prefault({}),
  labels: z.strictObject({
    dlc: z.strictObject({ run_inference: z.boolean().default(false), model: z.string().default("") }).prefault({}),
    sleap: z.strictObject({ run_inference: z.boolean().default(false), model: z.string().default("") }).prefault({})
  }).prefault({}),
  /** Our addition: where pose comes from — imported files named in session.toml, or our own BlazePose. */
  pose: z.strictObject({
    source: z.enum(["import", "neuropose"]).default("import"),
    model: z.enum(["lite", "full", "heavy"]).default("full")
  }).prefault({}),
  facemap: z.strictObject({
    run_inference: z.boolean().default(false),
    /** ROI names (the reference design), or full rectangles in pixels for motion energy. */
    ROIs: z.array(z.union([nonEmpty, RoiSchema])).default([])
  }).prefault({})
});
var IdEntry = { id: nonEmpty, description: z.string().default("") };
var SessionFileSchema = z.strictObject({
  session: z.strictObject({
    id: nonEmpty,
    subject_id: nonEmpty,
    /** `YYYY-MM-DD` or a full ISO 8601 date-time; with a date only, the start is midnight in `timezone`. */
    date: z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })]),
    /** IANA time zone or ±HH:MM of the session start (NWB needs one); default UTC, stated in the output. */
    timezone: nonEmpty.default("UTC"),
    experimenter: z.union([z.string(), z.array(z.string())]).default(""),
    description: z.string().default(""),
    sex: z.enum(["M", "F", "U", "O"]).default("U"),
    /** ISO 8601 duration (`P60D`); the common `P60` shorthand is read as days. */
    age: z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$|^P\d+$/, {
      message: "expected an ISO 8601 duration such as P60D or P8W"
    }).optional(),
    genotype: z.string().optional(),
    species: z.string().optional()
  }),
  bpod: z.strictObject({
    path: nonEmpty,
    order: ORDER.default("name_asc"),
    continuous_time: z.boolean().default(false),
    trial_types: z.array(
      z.strictObject({
        trial_type: z.int(),
        description: z.string().default(""),
        sync_signal: nonEmpty,
        sync_ttl: nonEmpty
      })
    ).default([])
  }).optional(),
  TTLs: z.array(z.strictObject({ ...IdEntry, paths: nonEmpty })).default([]),
  cameras: z.array(
    z.strictObject({
      ...IdEntry,
      paths: nonEmpty,
      order: ORDER.default("name_asc"),
      ttl_id: nonEmpty.optional()
    })
  ).default([]),
  /** Our addition: pose files to import, per camera (the reference layout keeps them beside the session). */
  pose: z.array(
    z.strictObject({
      camera_id: nonEmpty,
      paths: nonEmpty,
      format: z.enum(["auto", "dlc", "sleap", "lightning_pose", "openpose"]).default("auto")
    })
  ).default([])
}).superRefine((s, ctx) => {
  const ttlIds = /* @__PURE__ */ new Set();
  s.TTLs.forEach((t, i) => {
    if (ttlIds.has(t.id))
      ctx.addIssue({ code: "custom", path: ["TTLs", i, "id"], message: `duplicate TTL id "${t.id}"` });
    ttlIds.add(t.id);
  });
  const camIds = /* @__PURE__ */ new Set();
  s.cameras.forEach((c, i) => {
    if (camIds.has(c.id))
      ctx.addIssue({
        code: "custom",
        path: ["cameras", i, "id"],
        message: `duplicate camera id "${c.id}"`
      });
    camIds.add(c.id);
    if (c.ttl_id && !ttlIds.has(c.ttl_id))
      ctx.addIssue({
        code: "custom",
        path: ["cameras", i, "ttl_id"],
        message: `no [[TTLs]] entry has id "${c.ttl_id}" (known: ${[...ttlIds].join(", ") || "none"})`
      });
  });
  s.bpod?.trial_types.forEach((t, i) => {
    if (!ttlIds.has(t.sync_ttl))
      ctx.addIssue({
        code: "custom",
        path: ["bpod", "trial_types", i, "sync_ttl"],
        message: `no [[TTLs]] entry has id "${t.sync_ttl}" (known: ${[...ttlIds].join(", ") || "none"})`
      });
  });
  s.pose.forEach((p, i) => {
    if (!camIds.has(p.camera_id))
      ctx.addIssue({
        code: "custom",
        path: ["pose", i, "camera_id"],
        message: `no [[cameras]] entry has id "${p.camera_id}"`
      });
  });
});
async function discoverFiles(sessionDir, pattern, order = "name_asc") {
  const rel = await glob(pattern, {
    cwd: sessionDir,
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: false
  });
  const found = [];
  for (const r of rel) {
    const path = `${sessionDir.replace(/\/$/, "")}/${r}`;
    const s = await stat(path);
    found.push({ path, relative: r, bytes: s.size, mtimeMs: s.mtimeMs });
  }
  const byName = (a, b) => a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0;
  const byTime = (a, b) => a.mtimeMs - b.mtimeMs || byName(a, b);
  found.sort(order.startsWith("name") ? byName : byTime);
  if (order.endsWith("desc")) found.reverse();
  return found;
}
async function requireFiles(sessionDir, pattern, order, configKey) {
  const files = await discoverFiles(sessionDir, pattern, order);
  if (files.length === 0)
    throw new NeuroPoseError(
      "E_SESSION_MISSING_INPUT",
      `no file matches ${configKey} = "${pattern}" in ${sessionDir}`,
      {
        path: sessionDir,
        kind: "user",
        hint: `put the files there, or fix ${configKey} in session.toml`
      }
    );
  return files;
}
var INTERIM_PARTS = ["sync", "pose", "facemap", "events", "video"];
function sessionLayout(config, sessionId, options) {
  const at = (p) => isAbsolute(p) ? p : resolve(options.root, p);
  const interim = join(at(config.paths.intermediate_root), sessionId);
  const parts = Object.fromEntries(INTERIM_PARTS.map((p) => [p, join(interim, p)]));
  const processed = join(at(config.paths.output_root), sessionId);
  return {
    raw: options.rawDir ? resolve(options.rawDir) : join(at(config.paths.raw_root), sessionId),
    interim,
    parts,
    processed,
    qc: join(resolve(processed, "..", ".."), "qc", sessionId)
  };
}
function splitKey(raw) {
  const out = [];
  let cur = "";
  let quote = null;
  for (const ch of raw.trim()) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ".") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}
function keyLines(text) {
  const lines = /* @__PURE__ */ new Map();
  const arrayCounts = /* @__PURE__ */ new Map();
  let table = [];
  let inMultiline = null;
  let bracketDepth = 0;
  const all = text.split(/\r?\n/);
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    if (inMultiline) {
      if (line.includes(inMultiline)) inMultiline = null;
      continue;
    }
    if (bracketDepth > 0) {
      for (const ch of line.replace(/#.*$/, "")) bracketDepth += ch === "[" ? 1 : ch === "]" ? -1 : 0;
      continue;
    }
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const aot = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(t);
    if (aot) {
      const name = splitKey(aot[1]).join(".");
      const n = arrayCounts.get(name) ?? 0;
      arrayCounts.set(name, n + 1);
      table = [...name.split("."), String(n)];
      lines.set(table.join("."), i + 1);
      continue;
    }
    const tbl = /^\[\s*([^\]]+?)\s*\]/.exec(t);
    if (tbl) {
      table = splitKey(tbl[1]);
      lines.set(table.join("."), i + 1);
      continue;
    }
    const kv = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-.\s])+?)\s*=\s*(.*)$/.exec(t);
    if (kv) {
      const key = [...table, ...splitKey(kv[1])].join(".");
      if (!lines.has(key)) lines.set(key, i + 1);
      const rest = kv[2].trim();
      for (const q of ['"""', "'''"]) {
        if (rest.startsWith(q) && rest.indexOf(q, 3) === -1) inMultiline = q;
      }
      if (!inMultiline && rest.startsWith("[")) {
        for (const ch of rest.replace(/#.*$/, "")) bracketDepth += ch === "[" ? 1 : ch === "]" ? -1 : 0;
      }
    }
  }
  return lines;
}
function parseToml(text) {
  try {
    const value = parse(text);
    return { ok: true, parsed: { value, lines: keyLines(text) } };
  } catch (err) {
    if (err instanceof TomlError) {
      const message = err.message.split("\n")[0] ?? err.message;
      return { ok: false, line: err.line, column: err.column, message };
    }
    throw err;
  }
}
function lineOf(lines, path) {
  for (let n = path.length; n > 0; n--) {
    const l = lines.get(path.slice(0, n).map(String).join("."));
    if (l !== void 0) return l;
  }
  return 0;
}
function parseOverrideValue(raw) {
  try {
    return parse(`v = ${raw}`).v;
  } catch {
    return raw;
  }
}

// src/load.ts
var SessionConfigError = class extends NeuroPoseError {
  issues;
  constructor(issues, hint) {
    const first = issues[0];
    const where = first.line > 0 ? `${first.file}:${first.line}` : first.file;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    super("E_SESSION_CONFIG", `${where} ${first.key}: ${first.message}${more}`, {
      path: first.file,
      kind: "user",
      hint: hint ?? "fix the key named above (see the example config in the @neuropose/session README)"
    });
    this.issues = issues;
  }
};
function applyOverrides(value, set, file) {
  for (const item of set) {
    const eq = item.indexOf("=");
    const key = eq > 0 ? item.slice(0, eq).trim() : "";
    if (!key)
      throw new SessionConfigError(
        [{ file: "--set", line: 0, key: item, message: "expected key=value, e.g. timebase.source=ttl" }],
        "write --set section.key=value"
      );
    const parts = key.split(".");
    let obj = value;
    for (const p of parts.slice(0, -1)) {
      const next = obj[p];
      if (next === void 0) obj[p] = {};
      else if (typeof next !== "object" || next === null || Array.isArray(next))
        throw new SessionConfigError([
          { file, line: 0, key, message: `--set cannot go inside "${p}", which is not a table` }
        ]);
      obj = obj[p];
    }
    obj[parts[parts.length - 1]] = parseOverrideValue(item.slice(eq + 1).trim());
  }
}
function parseWith(schema, text, options, defaultFile) {
  const file = options.file ?? defaultFile;
  const r = parseToml(text);
  if (!r.ok)
    throw new SessionConfigError(
      [{ file, line: r.line, key: "(syntax)", message: r.message }],
      "fix the TOML syntax at that line"
    );
  const set = options.set ?? [];
  applyOverrides(r.parsed.value, set, file);
  const overridden = new Set(set.map((s) => s.slice(0, Math.max(0, s.indexOf("="))).trim()));
  const result = schema.safeParse(r.parsed.value, { reportInput: true });
  if (!result.success) {
    const issues = toValidationIssues(result.error.issues).map((i) => {
      const key = formatJsonPath(i.path).replace(/\[(\d+)\]/g, ".$1");
      const fromSet = [...overridden].some((o) => key === o || key.startsWith(`${o}.`));
      return {
        file: fromSet ? "--set" : file,
        line: fromSet ? 0 : lineOf(r.parsed.lines, i.path),
        key,
        message: i.message
      };
    });
    throw new SessionConfigError(issues);
  }
  return {
    value: result.data,
    file,
    sha256: createHash("sha256").update(text).digest("hex"),
    overrides: [...set]
  };
}
function parsePipelineConfig(text, options = {}) {
  return parseWith(PipelineConfigSchema, text, options, "config.toml");
}
function parseSessionFile(text, options = {}) {
  return parseWith(SessionFileSchema, text, options, "session.toml");
}
async function readText(path, what) {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = err.code;
    throw new NeuroPoseError("E_SESSION_CONFIG", `cannot read the ${what} ${path} (${code ?? String(err)})`, {
      path,
      kind: "user",
      hint: code === "ENOENT" ? `check the path of the ${what}` : void 0,
      cause: err
    });
  }
}
async function loadPipelineConfig(path, options = {}) {
  return parsePipelineConfig(await readText(path, "pipeline config"), { file: path, ...options });
}
async function loadSessionFile(path, options = {}) {
  return parseSessionFile(await readText(path, "session file"), { file: path, ...options });
}
function checkConfigAgainstSession(config, session, configFile = "config.toml") {
  if (config.timebase.source === "ttl") {
    const ids = session.TTLs.map((t) => t.id);
    if (!ids.includes(config.timebase.ttl_id))
      throw new SessionConfigError([
        {
          file: configFile,
          line: 0,
          key: "timebase.ttl_id",
          message: `"${config.timebase.ttl_id}" is not a [[TTLs]] id of session ${session.session.id} (known: ${ids.join(", ") || "none"})`
        }
      ]);
  }
}
var MANIFEST_VERSION = 1;
var Rel = z.string().min(1);
var ManifestSchema = z.strictObject({
  schema_version: z.literal(MANIFEST_VERSION),
  session_id: z.string().min(1),
  videos: z.array(
    z.strictObject({
      camera_id: z.string(),
      /** The camera's files, in the configured order (concatenated in that order). */
      paths: z.array(Rel).min(1),
      codec: z.string(),
      fps: z.number().positive(),
      duration_s: z.number().nonnegative(),
      resolution: z.tuple([z.int().positive(), z.int().positive()]),
      /** Rotation from the container's display matrix, degrees. */
      rotation_deg: z.number().optional(),
      /** Frames decoded and counted (ffprobe -count_frames), summed over the camera's files. */
      frame_count: z.int().nonnegative(),
      ttl_id: z.string().optional(),
      /** TTL pulses on the camera's ttl_id, when it has one. */
      pulse_count: z.int().nonnegative().optional()
    })
  ),
  sync: z.array(
    z.strictObject({
      id: z.string(),
      paths: z.array(Rel).min(1),
      type: z.enum(["ttl_edges", "spikeglx_nidq"]),
      pulse_count: z.int().nonnegative()
    })
  ),
  events: z.array(
    z.strictObject({ paths: z.array(Rel).min(1), kind: z.enum(["bpod_mat", "iblrig_ndjson"]) })
  ),
  pose: z.array(z.strictObject({ camera_id: z.string(), paths: z.array(Rel).min(1), format: z.string() })),
  facemap: z.array(z.strictObject({ camera_id: z.string(), paths: z.array(Rel) })).optional(),
  files: z.array(z.strictObject({ path: Rel, bytes: z.int().nonnegative(), sha256: z.string().length(64) })),
  config_snapshot: z.strictObject({
    config: z.unknown(),
    session: z.unknown(),
    overrides: z.array(z.string())
  }),
  provenance: z.strictObject({
    created_at: z.string(),
    config_sha256: z.string(),
    session_sha256: z.string(),
    neuropose_version: z.string()
  })
});
var STAGE_SUMMARY_VERSION = 1;
var FileRef = z.strictObject({
  path: z.string(),
  bytes: z.int().nonnegative(),
  sha256: z.string().optional()
});
var FlagSchema = z.strictObject({
  code: z.string(),
  severity: z.enum(["info", "warn", "fail"]),
  message: z.string(),
  value: z.number().optional(),
  threshold: z.number().optional(),
  /** Where: a camera, a TTL, a file. */
  subject: z.string().optional()
});
var StageSummarySchema = z.strictObject({
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
  error: z.strictObject({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional()
});
async function hashFile(path) {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk);
  return h.digest("hex");
}
async function fileRef(path, withHash) {
  const s = await stat(path);
  return withHash ? { path, bytes: s.size, sha256: await hashFile(path) } : { path, bytes: s.size };
}
function stableJson(v) {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}
function summaryPath(summaryDir, stage) {
  return join(summaryDir, `${stage}_summary.json`);
}
async function readStageSummary(summaryDir, stage) {
  try {
    const r = StageSummarySchema.safeParse(
      JSON.parse(await readFile(summaryPath(summaryDir, stage), "utf8"))
    );
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
async function stillValid(summary) {
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
async function runStage(options, fn) {
  const inputs = [];
  for (const p of options.inputs) inputs.push(await fileRef(p, true));
  const cacheKey = createHash("sha256").update(stableJson({ stage: options.stage, config: options.config, inputs: inputs.map((i) => i.sha256) })).digest("hex");
  if (!options.force) {
    const previous = await readStageSummary(options.summaryDir, options.stage);
    if (previous && previous.status === "ok" && previous.cache_key === cacheKey && await stillValid(previous))
      return { summary: previous, skipped: true };
  }
  options.signal?.throwIfAborted();
  const startedAt = (/* @__PURE__ */ new Date()).toISOString();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const base = {
    schema_version: STAGE_SUMMARY_VERSION,
    stage: options.stage,
    session_id: options.sessionId,
    started_at: startedAt,
    cache_key: cacheKey,
    inputs
  };
  const timing = () => {
    const c = process.cpuUsage(c0);
    return {
      wall_s: (performance.now() - t0) / 1e3,
      cpu_s: (c.user + c.system) / 1e6,
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024
    };
  };
  let result;
  try {
    result = await fn();
  } catch (err) {
    const e = isNeuroPoseError(err) ? { code: err.code, message: err.message, ...err.hint ? { hint: err.hint } : {} } : { code: "E_BUG", message: err instanceof Error ? err.message : String(err) };
    const summary2 = {
      ...base,
      status: "failed",
      ...timing(),
      outputs: [],
      counts: {},
      flags: [],
      details: {},
      error: e
    };
    await writeFileAtomic(
      summaryPath(options.summaryDir, options.stage),
      `${JSON.stringify(summary2, null, 2)}
`
    );
    throw err;
  }
  const outputs = [];
  for (const p of result.outputs) outputs.push(await fileRef(p, true));
  const flags = result.flags ?? [];
  const failing = flags.filter((f) => f.severity === "fail");
  const summary = {
    ...base,
    status: failing.length ? "failed" : "ok",
    ...timing(),
    outputs,
    counts: result.counts ?? {},
    flags,
    details: result.details ?? {},
    ...failing.length ? { error: { code: failing[0].code, message: failing[0].message } } : {}
  };
  await writeFileAtomic(
    summaryPath(options.summaryDir, options.stage),
    `${JSON.stringify(summary, null, 2)}
`
  );
  if (failing.length) {
    const f = failing[0];
    throw new NeuroPoseError(f.code, `${options.stage}: ${f.message}`, {
      path: f.subject,
      kind: "user",
      hint: `see ${summaryPath(options.summaryDir, options.stage)}; thresholds are in config.toml`
    });
  }
  return { summary, skipped: false };
}
function expandTemplate(template, values, key = "template") {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (_m, path) => {
    let v = values;
    for (const p of path.split("."))
      v = v !== null && typeof v === "object" ? v[p] : void 0;
    if (v === void 0 || v === null || typeof v === "object")
      throw new NeuroPoseError("E_SESSION_CONFIG", `${key}: unknown placeholder {${path}} in "${template}"`, {
        kind: "user",
        hint: "use placeholders such as {session.id}, {session.date}, {session.subject_id}"
      });
    return String(v);
  });
}

export { FlagSchema, INTERIM_PARTS, MANIFEST_VERSION, ManifestSchema, PipelineConfigSchema, STAGE_SUMMARY_VERSION, SessionConfigError, SessionFileSchema, StageSummarySchema, TimebaseSchema, checkConfigAgainstSession, discoverFiles, expandTemplate, hashFile, loadPipelineConfig, loadSessionFile, parsePipelineConfig, parseSessionFile, readStageSummary, requireFiles, runStage, sessionLayout, summaryPath };
//# sourceMappingURL=index.js.map
//# sourceMappingURL=index.js.map