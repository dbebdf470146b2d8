import { isNeuroPoseError } from "@neuropose/io";
import { formatError } from "./errors.js";
import { runMain } from "./run-main.js";
import { abortOnSignals, interruptedBy } from "./signals.js";

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Where results go (default process.stdout); with `json`, a failure's JSON document goes here too. */
  stdout?: { write(chunk: string): unknown };
  /** Where the one `error:` line goes (default process.stderr). */
  stderr?: { write(chunk: string): unknown };
  /** `--json` was given: a failure also prints `{"ok": false, "error": {code, kind, message}}` on stdout. */
  json?: boolean;
  /**
   * Install the Ctrl-C handler before the body runs (default true). The umbrella CLI passes false: its commands
   * that do long work ask for the signal themselves, and the others keep the default Ctrl-C (the process ends).
   */
  handleSignals?: boolean;
  /**
   * The `error:` line's text after Ctrl-C, from the signal's reason. Default: the abort error's own line when a
   * library threw one (a user error), else the reason ("interrupted by SIGINT").
   */
  interrupted?: (reason: string) => string;
}

/**
 * Runs a CLI's body with the plumbing every NeuroPose app shares and resolves to the exit code (also set as
 * `process.exitCode`): the body gets an AbortSignal fired by the first SIGINT/SIGTERM (a second one exits at
 * once with 130, see {@link abortOnSignals}); a returned number is the exit code; a thrown error prints one
 * `error:` line (2 for user errors, 1 for bugs), and, when the run was interrupted, exits 130 as shells expect.
 *
 * @example
 * ```ts
 * import { runCli } from "@neuropose/cli-kit";
 * const code = await runCli(async (signal) => {
 *   signal.throwIfAborted();
 *   return 0;
 * });
 * code; // 0
 * ```
 */
export async function runCli(
  body: (signal: AbortSignal) => Promise<number | undefined>,
  options: RunCliOptions = {},
): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  // Without our handler, an unclaimed signal never fires (the process ends on Ctrl-C as usual).
  const signal = options.handleSignals === false ? new AbortController().signal : abortOnSignals();
  const code = await runMain(
    async () => {
      try {
        return (await body(signal)) ?? 0;
      } catch (e) {
        const interrupted = interruptedBy(e);
        if (options.json) {
          const err = isNeuroPoseError(e)
            ? { code: e.code, kind: e.kind, message: e.oneLine() }
            : { code: "E_UNEXPECTED", kind: "bug", message: String((e as Error)?.message ?? e) };
          stdout.write(`${JSON.stringify({ ok: false, error: err })}\n`);
        }
        if (interrupted !== undefined) {
          // A library's own abort error says what was kept (e.g. "the previous outputs are unchanged").
          const own = !options.interrupted && isNeuroPoseError(e) && e.kind === "user";
          const text = options.interrupted ? options.interrupted(interrupted) : interrupted;
          stderr.write(`${own ? formatError(e) : `error: ${text}`}\n`);
          return 130;
        }
        throw e;
      }
    },
    { stderr, exit: () => undefined },
  );
  process.exitCode = code;
  return code;
}

/** Where an app's CLI writes: results on `stdout`, the one `error:` line on `stderr`. */
export interface CliOutput {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/**
 * {@link runCli} for an app whose body takes its argv and streams (injectable for tests): `--json` among the
 * arguments makes a failure also print its JSON document on `streams.stdout`.
 *
 * @example
 * ```ts
 * import { runCliWithArgs } from "@neuropose/cli-kit";
 * const streams = { stdout: process.stdout, stderr: process.stderr };
 * const code = await runCliWithArgs(["--json"], streams, async (argv, out) => {
 *   out.stdout.write(`${JSON.stringify({ ok: true, args: argv.length })}\n`);
 *   return 0;
 * });
 * code; // 0
 * ```
 */
export function runCliWithArgs<S extends CliOutput>(
  argv: string[],
  streams: S,
  body: (argv: string[], streams: S, signal: AbortSignal) => Promise<number | undefined>,
): Promise<number> {
  return runCli((signal) => body(argv, streams, signal), {
    stdout: streams.stdout,
    stderr: streams.stderr,
    json: argv.includes("--json"),
  });
}
