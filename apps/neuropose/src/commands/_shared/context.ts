// Shared plumbing of the daemon/operator commands: settings and logger from the flags (cli-kit's
// settingsFromFlags; only io's loadSettings reads NEUROPOSE_*), and the data dir's job source. Imported only by the commands' run.ts files.
import { type CommonFlags, cliLogger, type Logger, settingsFromFlags } from "@neuropose/cli-kit";
import type { Settings, SettingsOverrides } from "@neuropose/io";
import { FolderJobSource } from "@neuropose/jobs";

/** Flags every daemon command understands (`--data-dir`, the log flags; `--model-cache`, `--device`, `--threads`). */
export type DaemonArgs = CommonFlags;

export interface Context {
  settings: Settings;
  logger: Logger;
  source: FolderJobSource;
}

/** Settings (flags win), a logger on stderr, and the folder job source of the data dir. */
export function context(args: DaemonArgs, overrides: SettingsOverrides = {}): Context {
  const resolved = settingsFromFlags(args, overrides);
  const logger = cliLogger(resolved);
  const { settings } = resolved;
  return { settings, logger, source: new FolderJobSource(settings.dataDir, { logger }) };
}

/** Where a command prints its result (stdout; a test's collector). */
export interface Out {
  write(s: string): unknown;
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
