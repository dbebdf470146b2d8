import { isNeuroPoseError, NeuroPoseError } from "@neuropose/io";

/** Stable error codes raised by @neuropose/cli-kit. */
export type CliKitErrorCode = "E_USAGE";

/**
 * A command-line usage error (unknown flag, missing argument): always a user error, exit code 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "@neuropose/cli-kit";
 * const e = new UsageError("missing <video>", { hint: "neuropose-infer clip.mp4" });
 * e.kind; // "user"
 * ```
 */
export class UsageError extends NeuroPoseError {
  declare readonly code: CliKitErrorCode;

  constructor(message: string, options: { hint?: string; path?: string } = {}) {
    super("E_USAGE", message, { ...options, kind: "user" });
  }
}

/**
 * The exit code for an error: 2 for user errors (bad input, bad config, usage), 1 for anything unexpected.
 *
 * @example
 * ```ts
 * import { exitCodeFor, UsageError } from "@neuropose/cli-kit";
 * exitCodeFor(new UsageError("x")); // 2
 * exitCodeFor(new TypeError("boom")); // 1
 * ```
 */
export function exitCodeFor(error: unknown): 1 | 2 {
  return isNeuroPoseError(error) && error.kind === "user" ? 2 : 1;
}

/**
 * The one `error:` line a CLI prints for an error (never more than one line).
 *
 * @example
 * ```ts
 * import { formatError, UsageError } from "@neuropose/cli-kit";
 * formatError(new UsageError("missing <video>")); // "error: missing <video>"
 * ```
 */
export function formatError(error: unknown): string {
  let text: string;
  if (isNeuroPoseError(error)) {
    text = typeof error.oneLine === "function" ? error.oneLine() : String(error.message);
    if (error.kind !== "user") text = `unexpected (${error.code}): ${text}`;
  } else if (error instanceof Error) {
    text = `unexpected ${error.name}: ${error.message} (please report this with the command you ran)`;
  } else {
    text = `unexpected: ${String(error)}`;
  }
  return `error: ${text.replace(/\s*\n\s*/g, " ").trim()}`;
}

/**
 * The yargs `.fail(...)` handler every NeuroPose CLI uses: a parse problem becomes a {@link UsageError} (exit 2,
 * one `error:` line) with `hint`; an error thrown by a handler passes through unchanged.
 *
 * @example
 * ```ts
 * import { usageFailure } from "@neuropose/cli-kit";
 * const fail = usageFailure("neuropose-infer --help");
 * fail("Unknown argument: frobnicate", undefined); // throws UsageError
 * ```
 */
export function usageFailure(hint: string): (message: string | undefined | null, error: unknown) => never {
  return (message, error) => {
    if (error) throw error;
    throw new UsageError(message ?? "invalid usage", { hint });
  };
}
