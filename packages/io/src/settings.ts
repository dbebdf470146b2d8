// The ONLY module of NeuroPose that reads environment variables, config files and home / XDG paths.
// Everything else receives a Settings object (or single values) as arguments.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { NeuroPoseError } from "./errors.js";
import { parseJson } from "./json.js";
import type { Logger } from "./migrations.js";

/** Execution devices a user can ask for. */
export const DEVICES = ["auto", "cpu", "cuda", "coreml", "webgpu"] as const;
export type Device = (typeof DEVICES)[number];
/** Log levels, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = "human" | "json";

/** Validated, resolved settings (all paths absolute). */
export const SettingsSchema = z.strictObject({
  dataDir: z.string().min(1).describe("Root of NeuroPose's data (jobs, outputs, status)."),
  modelCacheDir: z.string().min(1).describe("Where converted models are cached (default <dataDir>/models)."),
  logFormat: z.enum(["human", "json"]).describe("Log output: human-readable lines or JSON lines."),
  logLevel: z.enum(LOG_LEVELS).describe("Least severe level that is logged."),
  device: z.enum(DEVICES).describe("Execution device: auto picks the best available."),
  ffmpegPath: z.string().min(1).optional().describe("ffmpeg binary (default: the bundled one, then PATH)."),
  ffprobePath: z.string().min(1).optional().describe("ffprobe binary (default: the bundled one, then PATH)."),
  threads: z
    .int()
    .gte(1)
    .optional()
    .describe(
      "CPU threads: for inference (default: the runtime's choice) and the analysis's worker threads for cohorts " +
        "and reference sets (default: every core).",
    ),
  // The job daemon and its monitor (`neuropose watch | serve | ingest | prune`).
  pollSeconds: z
    .number()
    .gt(0)
    .optional()
    .describe("How often the daemon looks for new jobs, s (default 5)."),
  retentionDays: z
    .number()
    .gt(0)
    .optional()
    .describe("The daemon prunes finished jobs older than this many days (default: never)."),
  monitorToken: z
    .string()
    .min(1)
    .optional()
    .describe("Token the monitor asks for (?token= or X-Status-Token); default: none."),
  monitorHost: z.string().min(1).optional().describe("Address the monitor binds (default 127.0.0.1)."),
  monitorPort: z.int().gte(0).lte(65535).optional().describe("Port of the monitor (default 8765)."),
  ingestMaxBytes: z
    .int()
    .gt(0)
    .optional()
    .describe("Largest total uncompressed size `ingest` accepts, bytes (default 20 GiB)."),
  // The Redis-backed queue (`neuropose submit | worker | status --queue | serve --queue`).
  queueUrl: z
    .string()
    .min(1)
    .optional()
    .describe("Redis URL of the job queue (redis://host:6379/0, rediss:// for TLS); default: none."),
  queuePassword: z
    .string()
    .min(1)
    .optional()
    .describe("Redis password of the queue (wins over one in the URL; never logged)."),
  queueTlsCa: z
    .string()
    .min(1)
    .optional()
    .describe("PEM file of the CA of the queue's Redis TLS certificate."),
});

export type Settings = Readonly<z.infer<typeof SettingsSchema>>;
/** Values a caller can set; every field optional. */
export type SettingsOverrides = Partial<z.input<typeof SettingsSchema>>;

type Key = keyof z.infer<typeof SettingsSchema>;

/** The environment variable of each setting. `NEUROPOSE_CONFIG` names a config file. */
export const SETTINGS_ENV: Readonly<Record<Key, string>> = Object.freeze({
  dataDir: "NEUROPOSE_DATA_DIR",
  modelCacheDir: "NEUROPOSE_MODEL_CACHE_DIR",
  logFormat: "NEUROPOSE_LOG_FORMAT",
  logLevel: "NEUROPOSE_LOG_LEVEL",
  device: "NEUROPOSE_DEVICE",
  ffmpegPath: "NEUROPOSE_FFMPEG_PATH",
  ffprobePath: "NEUROPOSE_FFPROBE_PATH",
  threads: "NEUROPOSE_THREADS",
  pollSeconds: "NEUROPOSE_POLL_SECONDS",
  retentionDays: "NEUROPOSE_RETENTION_DAYS",
  monitorToken: "NEUROPOSE_MONITOR_TOKEN",
  monitorHost: "NEUROPOSE_MONITOR_HOST",
  monitorPort: "NEUROPOSE_MONITOR_PORT",
  ingestMaxBytes: "NEUROPOSE_INGEST_MAX_BYTES",
  queueUrl: "NEUROPOSE_QUEUE_URL",
  queuePassword: "NEUROPOSE_QUEUE_PASSWORD",
  queueTlsCa: "NEUROPOSE_QUEUE_TLS_CA",
});
const NUMBER_KEYS = new Set<Key>([
  "threads",
  "pollSeconds",
  "retentionDays",
  "monitorPort",
  "ingestMaxBytes",
]);

const PATH_KEYS = new Set<Key>(["dataDir", "modelCacheDir", "ffmpegPath", "ffprobePath", "queueTlsCa"]);
const CONFIG_ENV = "NEUROPOSE_CONFIG";

export interface LoadSettingsOptions {
  /** Environment to read (default `process.env`). Empty values count as unset. */
  env?: Record<string, string | undefined>;
  /** Folder that relative paths from env / overrides resolve against (default `process.cwd()`). */
  cwd?: string;
  /**
   * Config file (JSON, keys as in {@link Settings}). Default: `$NEUROPOSE_CONFIG`, else
   * `$XDG_CONFIG_HOME/neuropose/config.json` (or `~/.config/neuropose/config.json`) when it exists. `false`
   * reads none. Relative paths inside it resolve against its folder.
   */
  configFile?: string | false;
  /** Highest-precedence values (e.g. from command-line flags). */
  overrides?: SettingsOverrides;
  /** Home folder (default `os.homedir()`). */
  home?: string;
  /** Warned about unknown `NEUROPOSE_*` variables and config keys. */
  logger?: Logger;
}

function settingsError(where: string, message: string, hint?: string): NeuroPoseError {
  return new NeuroPoseError("E_SETTINGS", `${where}: ${message}`, { path: where, hint, kind: "user" });
}

function expandPath(value: string, base: string, home: string): string {
  if (value === "~") return home;
  if (value.startsWith("~/")) return join(home, value.slice(2));
  return isAbsolute(value) ? value : resolve(base, value);
}

function validateField(key: Key, value: unknown, where: string): unknown {
  const field = SettingsSchema.shape[key];
  const r = field.safeParse(value);
  if (r.success) return r.data;
  const allowed =
    key === "device"
      ? `one of ${DEVICES.join(", ")}`
      : key === "logLevel"
        ? `one of ${LOG_LEVELS.join(", ")}`
        : key === "logFormat"
          ? "human or json"
          : key === "threads"
            ? "a whole number >= 1"
            : key === "pollSeconds" || key === "retentionDays"
              ? "a number > 0"
              : key === "monitorPort"
                ? "a port number 0..65535"
                : key === "ingestMaxBytes"
                  ? "a whole number of bytes > 0"
                  : key === "monitorToken" ||
                      key === "monitorHost" ||
                      key === "queueUrl" ||
                      key === "queuePassword"
                    ? "a non-empty string"
                    : "a non-empty path";
  throw settingsError(where, `expected ${allowed}, got ${JSON.stringify(value)}`);
}

function fromEnv(key: Key, raw: string): unknown {
  if (NUMBER_KEYS.has(key)) {
    const n = Number(raw.trim());
    return raw.trim() === "" ? raw : n;
  }
  return key === "logFormat" || key === "logLevel" || key === "device" ? raw.trim().toLowerCase() : raw;
}

/**
 * Resolve NeuroPose's settings. Precedence: `overrides` > environment (`NEUROPOSE_*`, see
 * {@link SETTINGS_ENV}) > config file > defaults. Defaults: `dataDir` = `$XDG_DATA_HOME/neuropose` or
 * `~/.local/share/neuropose`; `modelCacheDir` = `<dataDir>/models`; `logFormat` human; `logLevel` info;
 * `device` auto. Bad values throw `NeuroPoseError` `E_SETTINGS` naming the variable (or file and key).
 * Returns a frozen object with absolute paths.
 *
 * @example
 * ```ts
 * import { loadSettings } from "@neuropose/io";
 * const s = loadSettings({ env: { NEUROPOSE_DEVICE: "cpu" }, configFile: false, home: "/home/ada" });
 * console.log(s.device, s.dataDir); // cpu /home/ada/.local/share/neuropose
 * ```
 */
export function loadSettings(options: LoadSettingsOptions = {}): Settings {
  return resolveSettings(options).settings;
}

/** Where a setting's value came from. */
export type SettingSource = "default" | "config" | "env" | "override";

/** Settings plus, for each one, where its value came from (for `doctor`-style reports). */
export interface ResolvedSettings {
  settings: Settings;
  sources: Readonly<Partial<Record<keyof Settings, SettingSource>>>;
  /** The config file that was read, if any. */
  configFile: string | undefined;
}

/**
 * Like {@link loadSettings}, also saying where each value came from and which config file was read.
 *
 * @example
 * ```ts
 * import { resolveSettings } from "@neuropose/io";
 * const r = resolveSettings({ env: { NEUROPOSE_DEVICE: "cpu" }, configFile: false, home: "/home/ada" });
 * console.log(r.sources.device, r.sources.dataDir); // env default
 * ```
 */
export function resolveSettings(options: LoadSettingsOptions = {}): ResolvedSettings {
  const sources: Partial<Record<Key, SettingSource>> = {
    logFormat: "default",
    logLevel: "default",
    device: "default",
  };
  let readConfig: string | undefined;
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === "" ? undefined : v;
  };

  // Defaults.
  const xdgData = value("XDG_DATA_HOME");
  const defaultDataDir =
    xdgData && isAbsolute(xdgData) ? join(xdgData, "neuropose") : join(home, ".local", "share", "neuropose");
  const merged: Partial<Record<Key, unknown>> = { logFormat: "human", logLevel: "info", device: "auto" };
  /** Validates one value (`where` names it in errors), resolves a path against `base`, records its source. */
  const set = (key: Key, raw: unknown, where: string, base: string, source: SettingSource) => {
    let val = validateField(key, raw, where);
    if (PATH_KEYS.has(key) && typeof val === "string") val = expandPath(val, base, home);
    merged[key] = val;
    sources[key] = source;
  };

  // Config file.
  let configPath: string | undefined;
  let configExplicit = false;
  if (options.configFile !== false) {
    if (options.configFile !== undefined) {
      configPath = expandPath(options.configFile, cwd, home);
      configExplicit = true;
    } else if (value(CONFIG_ENV)) {
      configPath = expandPath(value(CONFIG_ENV) as string, cwd, home);
      configExplicit = true;
    } else {
      const xdgConfig = value("XDG_CONFIG_HOME");
      const base = xdgConfig && isAbsolute(xdgConfig) ? xdgConfig : join(home, ".config");
      configPath = join(base, "neuropose", "config.json");
    }
  }
  if (configPath !== undefined) {
    let text: string | undefined;
    try {
      text = readFileSync(configPath, "utf8");
    } catch (err) {
      if (configExplicit) {
        throw settingsError(
          configPath,
          `cannot read config file (${(err as { code?: string }).code ?? err})`,
          "check the path",
        );
      }
    }
    if (text !== undefined) {
      const raw = parseJson(text, { source: configPath });
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw settingsError(configPath, "config file must hold a JSON object");
      }
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (!Object.hasOwn(SETTINGS_ENV, k)) {
          throw settingsError(
            `${configPath}: ${k}`,
            "unknown setting",
            `valid keys: ${Object.keys(SETTINGS_ENV).join(", ")}`,
          );
        }
        set(k as Key, v, `${configPath}: ${k}`, dirname(configPath), "config");
      }
      readConfig = configPath;
    }
  }

  // Environment.
  for (const [k, name] of Object.entries(SETTINGS_ENV) as [Key, string][]) {
    const raw = value(name);
    if (raw !== undefined) set(k, fromEnv(k, raw), name, cwd, "env");
  }
  const known = new Set<string>([...Object.values(SETTINGS_ENV), CONFIG_ENV]);
  for (const name of Object.keys(env)) {
    if (name.startsWith("NEUROPOSE_") && !known.has(name)) {
      options.logger?.warn?.(`ignoring unknown environment variable ${name}`, { valid: [...known] });
    }
  }

  // Overrides.
  for (const [k, v] of Object.entries(options.overrides ?? {})) {
    if (v === undefined) continue;
    if (!Object.hasOwn(SETTINGS_ENV, k)) throw settingsError(k, "unknown setting");
    set(k as Key, v, k, cwd, "override");
  }

  if (merged.dataDir === undefined) {
    merged.dataDir = defaultDataDir;
    sources.dataDir = "default";
  }
  if (merged.modelCacheDir === undefined) {
    merged.modelCacheDir = join(merged.dataDir as string, "models");
    sources.modelCacheDir = "default";
  }
  const parsed = SettingsSchema.parse(merged);
  return { settings: Object.freeze(parsed), sources: Object.freeze(sources), configFile: readConfig };
}
