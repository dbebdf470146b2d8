// The neuropose binary's entry: `--help`/`--version` are answered from build-time text without loading the
// commands; everything else loads ./cli.js (yargs, the libraries) on demand.
import { answerWithoutLoading, capYoungGeneration } from "@neuropose/cli-kit/startup";

const VIDEO_COMMANDS = new Set(["watch", "process", "worker", "infer", "benchmark"]);

/**
 * Runs `neuropose` with `argv` and resolves to its exit code (see `main` in cli.ts).
 *
 * @example
 * ```ts
 * import { run } from "@neuropose/neuropose";
 * await run(["--help"]);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  if (answerWithoutLoading(argv, { metaUrl: import.meta.url })) return 0;
  // the commands that run through video for hours (the daemon, and infer as neuropose-infer does) keep flat memory
  // (see capYoungGeneration); the others keep V8's defaults, as their own CLIs (neuropose-analyze, -session) do
  if (argv.some((a) => VIDEO_COMMANDS.has(a))) capYoungGeneration();
  const { main } = await import("./cli.js");
  return main(argv);
}
