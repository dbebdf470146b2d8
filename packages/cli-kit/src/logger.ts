import type { Logger as LibraryLogger, LogFormat, LogLevel as SettingsLogLevel } from "@neuropose/io";
import { pino } from "pino";

export type { LogFormat };
/** The settings' log levels plus `silent` (a CLI flag: no log lines at all). */
export type LogLevel = SettingsLogLevel | "silent";

/** The logger libraries accept (@neuropose/io's `Logger`), with every method present; extra fields go in `fields`. */
export type Logger = Required<LibraryLogger>;

export interface LoggerOptions {
  format?: LogFormat;
  level?: LogLevel;
  /** Destination (default process.stderr, so stdout stays clean for --json output). */
  stream?: { write(chunk: string): unknown };
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * A logger for CLIs: human lines (`warn: cuda failed, using cpu`) or JSON lines (pino), on stderr.
 *
 * @example
 * ```ts
 * import { createLogger } from "@neuropose/cli-kit";
 * const log = createLogger({ format: "json", level: "info" });
 * log.info("converted model", { model: "full", ms: 812 });
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const stream = options.stream ?? process.stderr;
  if (options.format === "json") {
    const p = pino(
      { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
      { write: (chunk: string) => stream.write(chunk) },
    );
    return {
      debug: (m, f) => p.debug(f ?? {}, m),
      info: (m, f) => p.info(f ?? {}, m),
      warn: (m, f) => p.warn(f ?? {}, m),
      error: (m, f) => p.error(f ?? {}, m),
    };
  }
  const emit = (lvl: Exclude<LogLevel, "silent">) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const extra =
      fields && Object.keys(fields).length
        ? ` ${Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
            .join(" ")}`
        : "";
    stream.write(`${lvl}: ${message}${extra}\n`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
