// The neuropose-infer binary's entry: `--help`/`--version` are answered from build-time text without loading the
// commands; everything else loads ./cli.js (yargs, the libraries) on demand.
import { answerWithoutLoading, capYoungGeneration } from "@neuropose/cli-kit/startup";

/**
 * Runs `neuropose-infer` with `argv` and resolves to its exit code (see `main` in cli.ts).
 *
 * @example
 * ```ts
 * import { run } from "@neuropose/neuropose-infer";
 * await run(["--help"]);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  if (answerWithoutLoading(argv, { metaUrl: import.meta.url })) return 0;
  // before any work: flat memory over hours of video (see capYoungGeneration in @neuropose/cli-kit/startup)
  capYoungGeneration();
  const { main } = await import("./cli.js");
  return main(argv);
}
