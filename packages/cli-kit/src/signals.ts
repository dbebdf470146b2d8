/**
 * An AbortSignal fired by the first SIGINT/SIGTERM, so long work can stop cleanly (finish or discard the current
 * output, never leave a half-written file). A second signal exits at once with code 130.
 *
 * @example
 * ```ts
 * import { abortOnSignals } from "@neuropose/cli-kit";
 * const signal = abortOnSignals();
 * // pass `signal` to library calls; they throw an AbortError when it fires
 * ```
 */
export function abortOnSignals(signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): AbortSignal {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  for (const s of signals) process.on(s, handler);
  return controller.signal;
}
