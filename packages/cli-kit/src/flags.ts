// The flags every NeuroPose CLI shares (log level incl. `silent`, log format, quiet, data dir, model cache,
// device, threads) and the one mapping from them to @neuropose/io's settings: flags win, then NEUROPOSE_*
// variables, the config file, the defaults (only io's loadSettings reads those).
import {
  type Device,
  LOG_LEVELS,
  type LogFormat,
  loadSettings,
  type Settings,
  type SettingsOverrides,
} from "@neuropose/io";
import { createLogger, type Logger, type LogLevel } from "./logger.js";

/**
 * yargs `.options(...)` records of the logging flags (`--log-level` incl. `silent`, `--log-format`), plain
 * objects so this package needs no CLI library.
 *
 * @example
 * ```ts
 * import { LOG_OPTIONS } from "@neuropose/cli-kit";
 * LOG_OPTIONS["log-level"].choices; // ["debug", "info", "warn", "error", "silent"]
 * // yargs(argv).options(LOG_OPTIONS)
 * ```
 */
export const LOG_OPTIONS = {
  "log-level": {
    choices: [...LOG_LEVELS, "silent"] as ["debug", "info", "warn", "error", "silent"],
    describe: "least severe log lines shown (default: NEUROPOSE_LOG_LEVEL or info)",
  },
  "log-format": {
    choices: ["human", "json"] as ["human", "json"],
    describe: "log lines on stderr (default: NEUROPOSE_LOG_FORMAT or human)",
  },
} as const;

/** The shared flags as yargs parses them (kebab-case keys); every one optional. */
export interface CommonFlags {
  "log-level"?: LogLevel | undefined;
  "log-format"?: LogFormat | undefined;
  quiet?: boolean | undefined;
  "data-dir"?: string | undefined;
  "model-cache"?: string | undefined;
  device?: Device | undefined;
  threads?: number | undefined;
}

/** What {@link settingsFromFlags} resolves: the settings and the effective log level/format. */
export interface CliSettings {
  settings: Settings;
  /** The level the logger uses: `silent` from the flag, `warn` under `--quiet`, else flag, then settings. */
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/**
 * The settings of one CLI run: the shared flags mapped onto @neuropose/io's `loadSettings` overrides (flags win
 * over NEUROPOSE_* variables and the config file), plus `extra` overrides a command adds (e.g. `pollSeconds`).
 * `--log-level silent` is a flag only (settings know no such level); `--quiet` lowers the level to `warn`.
 *
 * @example
 * ```ts
 * import { settingsFromFlags } from "@neuropose/cli-kit";
 * const s = settingsFromFlags({ "log-level": "silent", "log-format": "json", threads: 2 });
 * s.logLevel; // "silent"
 * s.logFormat; // "json"
 * s.settings.threads; // 2
 * ```
 */
export function settingsFromFlags(flags: CommonFlags, extra: SettingsOverrides = {}): CliSettings {
  const level = flags["log-level"];
  const settings = loadSettings({
    overrides: {
      ...(flags["data-dir"] ? { dataDir: flags["data-dir"] } : {}),
      ...(flags["model-cache"] ? { modelCacheDir: flags["model-cache"] } : {}),
      ...(flags.device ? { device: flags.device } : {}),
      ...(flags.threads ? { threads: flags.threads } : {}),
      ...(flags["log-format"] ? { logFormat: flags["log-format"] } : {}),
      ...(level && level !== "silent" ? { logLevel: level } : {}),
      ...extra,
    },
  });
  const logLevel: LogLevel =
    level === "silent" ? "silent" : flags.quiet ? "warn" : (level ?? settings.logLevel);
  return { settings, logLevel, logFormat: settings.logFormat };
}

/**
 * The CLI logger of a run resolved by {@link settingsFromFlags}: its level and format, on `stream` (default stderr).
 *
 * @example
 * ```ts
 * import { cliLogger, settingsFromFlags } from "@neuropose/cli-kit";
 * const log = cliLogger(settingsFromFlags({ quiet: true }));
 * log.info("not shown under --quiet");
 * ```
 */
export function cliLogger(
  resolved: Pick<CliSettings, "logLevel" | "logFormat">,
  stream?: { write(chunk: string): unknown },
): Logger {
  return createLogger({
    format: resolved.logFormat,
    level: resolved.logLevel,
    ...(stream ? { stream } : {}),
  });
}
