// `@neuropose/cli-kit/startup`: what a CLI needs before it decides to load its commands. It imports only
// Node built-ins (fs, path, url, v8), so `neuropose --help` and `--version` answer without loading yargs, pino, zod,
// onnxruntime or h5wasm.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

/**
 * The `version` of the package that holds `metaUrl` (the nearest package.json with a name, at most three
 * folders up, so it works from `src/` and from `dist/`), or "unknown".
 *
 * @example
 * ```ts
 * import { packageVersion } from "@neuropose/cli-kit/startup";
 * console.log(packageVersion(import.meta.url)); // e.g. "0.1.0"
 * ```
 */
export function packageVersion(metaUrl: string): string {
  let dir = dirname(fileURLToPath(metaUrl));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    try {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name && pkg.version) return pkg.version;
    } catch {
      return "unknown";
    }
  }
  return "unknown";
}

/** Options of {@link answerWithoutLoading}. */
export interface QuickAnswerOptions {
  /** `import.meta.url` of the app's entry in dist/: `help.txt` (written at build time) sits beside it. */
  metaUrl: string;
  /** Answer `--version` with {@link packageVersion} (default true; false for apps without `--version`). */
  version?: boolean;
  /** Where the answer goes (default process.stdout). */
  stdout?: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
}

/**
 * Answers `<app> --help` / `-h` from the help text the build rendered with the app's own parser (dist/help.txt)
 * and `<app> --version` from package.json, so the commands (and their dependencies) never load for them.
 * Returns false, answering nothing, for any other argv, when help.txt is absent (running from source) or when
 * stdout is a terminal narrower than the 110 columns the text was rendered for.
 *
 * @example
 * ```ts
 * import { answerWithoutLoading } from "@neuropose/cli-kit/startup";
 * answerWithoutLoading(["run", "x.yaml"], { metaUrl: import.meta.url }); // false
 * ```
 */
export function answerWithoutLoading(argv: readonly string[], options: QuickAnswerOptions): boolean {
  if (argv.length !== 1) return false;
  const out = options.stdout ?? process.stdout;
  if (argv[0] === "--version" && options.version !== false) {
    const version = packageVersion(options.metaUrl);
    if (version === "unknown") return false;
    out.write(`${version}\n`);
    return true;
  }
  if (argv[0] !== "--help" && argv[0] !== "-h") return false;
  if (out.isTTY && (out.columns ?? 110) < 110) return false;
  const file = join(dirname(fileURLToPath(options.metaUrl)), "help.txt");
  if (!existsSync(file)) return false;
  out.write(readFileSync(file, "utf8"));
  return true;
}

// A CLI that works through video (neuropose-infer, the `neuropose watch|process|worker` daemon) runs for as long as
// the video (hours, for a long recording) while allocating steadily (decoded
// frames, model outputs, per-frame predictions). V8 grows its young generation whenever the bytes that survived
// its scavenges since the last growth pass the young generation's size; over hours they always do, so it grows
// to 2 x 16 MB semi-spaces (+32 MB of RSS) that only ever hold garbage: peak RSS of the predictions writer was
// 1.32-1.40x that of a 1-minute clip at 1-4 hours (issue 11), with the heap after a full GC flat. Its growth
// factor is read when V8 decides to grow, so setting it to 1 at start-up (no re-exec, no NODE_OPTIONS) keeps the
// young generation at its start size. Measured (benchmarks/long-clip, writer alone): 60,000 frames 61 MB peak RSS
// with it vs 89 MB without, the same 61 MB as 1,800 frames; spooling was not slower (more, smaller scavenges of
// mostly dead frames).

/** The V8 flag neuropose-infer and neuropose set before they start work (benchmarks/long-clip sets the same one). */
export const YOUNG_GENERATION_FLAG = "--semi-space-growth-factor=1";

/**
 * Keep V8's young generation at its start size for the rest of the process: flat memory over hours of video
 * (issue 11). Called by each CLI's `run` before its command loads; harmless to call twice. Both the daemon and
 * neuropose-infer set it, so their speed compares like with like.
 *
 * @example
 * ```ts
 * import { capYoungGeneration } from "@neuropose/cli-kit/startup";
 * capYoungGeneration();
 * ```
 */
export function capYoungGeneration(): void {
  setFlagsFromString(YOUNG_GENERATION_FLAG);
}
