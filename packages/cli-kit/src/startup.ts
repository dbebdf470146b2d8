// `@neuropose/cli-kit/startup`: what a CLI needs before it decides to load its commands. It imports only
// node:fs, so `neuropose --help` and `--version` answer without loading yargs, pino, zod, onnxruntime or h5wasm.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
