// The static module graph of a built entry (dist/*.js): every `import … from` / `export … from` / side-effect
// import, followed through relative files and, with `workspace: true`, into the dist/ of @neuropose/* packages.
// Used by the laziness tests (what an entry loads at import time, before any function runs).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { repoRoot } from "./vitest.js";

/** Where `@neuropose/<name>[/<sub>]` resolves in the build (its package.json `exports`), or undefined. */
function workspaceEntry(spec: string): string | undefined {
  const m = /^@neuropose\/([^/]+)(\/.+)?$/.exec(spec);
  if (!m) return undefined;
  for (const group of ["packages", "apps"]) {
    const dir = join(repoRoot, group, m[1] as string);
    if (!existsSync(join(dir, "package.json"))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const entry = pkg.exports?.[m[2] ? `.${m[2]}` : "."];
    const target = typeof entry === "string" ? entry : (entry?.default ?? entry?.import);
    return typeof target === "string" ? join(dir, target) : undefined;
  }
  return undefined;
}

/**
 * Bare specifiers (packages, built-ins) reachable by static imports from `entry`; with `workspace`, @neuropose/*
 * packages are followed into their builds (and listed too).
 */
export function staticImports(entry: string, options: { workspace?: boolean } = {}): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^(?:import|export)\s+(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm)) {
      const spec = m[1] as string;
      if (spec.startsWith(".")) {
        walk(resolve(dirname(file), spec));
        continue;
      }
      bare.add(spec);
      const inWorkspace = options.workspace ? workspaceEntry(spec) : undefined;
      if (inWorkspace && existsSync(inWorkspace)) walk(inWorkspace);
    }
  };
  walk(entry);
  return bare;
}
