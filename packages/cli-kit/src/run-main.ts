import { exitCodeFor, formatError } from "./errors.js";

export interface RunMainOptions {
  /** Where the `error:` line goes (default process.stderr). */
  stderr?: { write(chunk: string): unknown };
  /** Sets the exit code (default: `process.exitCode = code`, so pending output is flushed). */
  exit?: (code: number) => void;
  /** Called with the error before it is printed (e.g. to log a stack trace at debug level). */
  onError?: (error: unknown) => void;
}

/**
 * Runs a CLI's main function and turns its outcome into an exit code: the returned number (default 0); for a
 * thrown user error (NeuroPoseError of kind "user", UsageError) one `error:` line and 2; for anything else one
 * `error: unexpected ...` line and 1. Never prints a stack trace unless `onError` does.
 *
 * @example
 * ```ts
 * import { runMain } from "@neuropose/cli-kit";
 * await runMain(async () => {
 *   console.log("hello");
 *   return 0;
 * });
 * ```
 */
export async function runMain(fn: () => Promise<unknown>, options: RunMainOptions = {}): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const exit =
    options.exit ??
    ((code: number) => {
      process.exitCode = code;
    });
  let code: number;
  try {
    const result = await fn();
    code = typeof result === "number" ? result : 0;
  } catch (error) {
    options.onError?.(error);
    stderr.write(`${formatError(error)}\n`);
    code = exitCodeFor(error);
  }
  exit(code);
  return code;
}
