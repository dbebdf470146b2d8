// One process has one Ctrl-C: every caller shares one controller per set of signals, so the process gets one
// listener per signal however many commands (or tests) ask for it.
const shared = new Map<string, AbortController>();

/**
 * An AbortSignal fired by the first SIGINT/SIGTERM, so long work can stop cleanly (finish or discard the current
 * output, never leave a half-written file). A second signal exits at once with code 130. Calls share one signal
 * (and one process listener per signal).
 *
 * @example
 * ```ts
 * import { abortOnSignals } from "@neuropose/cli-kit";
 * const signal = abortOnSignals();
 * // pass `signal` to library calls; they throw an AbortError when it fires
 * ```
 */
export function abortOnSignals(signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): AbortSignal {
  const key = [...signals].sort().join(",");
  let controller = shared.get(key);
  if (!controller) {
    const c = new AbortController();
    const handler = (sig: NodeJS.Signals) => {
      if (c.signal.aborted) process.exit(130);
      c.abort(new Error(`interrupted by ${sig}`));
    };
    for (const s of signals) process.on(s, handler);
    shared.set(key, c);
    controller = c;
  }
  return controller.signal;
}

/**
 * Whether a failure is an interruption: a Ctrl-C/SIGTERM was received (by {@link abortOnSignals}) or the error
 * is an abort (`E_ABORTED`, `AbortError`). Returns the reason's text (e.g. "interrupted by SIGINT"), else
 * undefined.
 *
 * @example
 * ```ts
 * import { interruptedBy } from "@neuropose/cli-kit";
 * interruptedBy(new Error("disk full")); // undefined
 * ```
 */
export function interruptedBy(error: unknown): string | undefined {
  for (const c of shared.values()) {
    if (c.signal.aborted) return (c.signal.reason as Error | undefined)?.message ?? "interrupted";
  }
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (e && (e.code === "E_ABORTED" || e.name === "AbortError")) return "interrupted";
  return undefined;
}
