// Shared plumbing of the daemon/operator commands: settings from flags (only io's loadSettings reads
// NEUROPOSE_*), the logger, and the data dir's job source. Imported only by the commands' run.ts files.
import { createLogger, type LogFormat, type Logger, type LogLevel } from "@neuropose/cli-kit";
import { loadSettings, type Settings, type SettingsOverrides } from "@neuropose/io";
import { FolderJobSource } from "@neuropose/jobs";

/** Flags every daemon command understands. */
export interface DaemonArgs {
  "data-dir"?: string | undefined;
  "log-format"?: LogFormat | undefined;
  "log-level"?: LogLevel | undefined;
}

export interface Context {
  settings: Settings;
  logger: Logger;
  source: FolderJobSource;
}

/** Settings (flags win), a logger on stderr, and the folder job source of the data dir. */
export function context(args: DaemonArgs, overrides: SettingsOverrides = {}): Context {
  const settings = loadSettings({
    overrides: {
      ...(args["data-dir"] ? { dataDir: args["data-dir"] } : {}),
      ...(args["log-format"] ? { logFormat: args["log-format"] } : {}),
      ...(args["log-level"] && args["log-level"] !== "silent" ? { logLevel: args["log-level"] } : {}),
      ...overrides,
    },
  });
  const logger = createLogger({ format: settings.logFormat, level: args["log-level"] ?? settings.logLevel });
  return { settings, logger, source: new FolderJobSource(settings.dataDir, { logger }) };
}

/** Writes a plain text table (first row: header). */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  }
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  "))
    .join("\n");
}
