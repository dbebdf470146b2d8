// Shared test configuration. Each package's vitest.config.ts is three lines that call `packageProject`.
// Imports of `@neuropose/<pkg>[/<sub>]` resolve to the package's TypeScript source (dist/x.js -> src/x.ts),
// so tests never run against a stale build.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject, type Plugin } from "vitest/config";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Pkg {
  dir: string;
  exports: Record<string, unknown>;
}

function workspacePackages(): Map<string, Pkg> {
  const out = new Map<string, Pkg>();
  for (const group of ["packages", "apps"]) {
    const base = join(repoRoot, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const file = join(base, name, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8"));
      out.set(pkg.name, { dir: join(base, name), exports: pkg.exports ?? {} });
    }
  }
  return out;
}

function exportTarget(entry: unknown): string | undefined {
  if (typeof entry === "string") return entry;
  if (entry && typeof entry === "object") {
    const e = entry as Record<string, unknown>;
    return exportTarget(e.import ?? e.default);
  }
  return undefined;
}

export function workspaceSource(): Plugin {
  const pkgs = workspacePackages();
  return {
    name: "neuropose-workspace-source",
    enforce: "pre",
    resolveId(id) {
      const m = /^(@neuropose\/[^/]+)(\/.*)?$/.exec(id);
      if (!m) return null;
      const pkg = pkgs.get(m[1]);
      if (!pkg) return null;
      const target = exportTarget(pkg.exports[`.${m[2] ?? ""}`]);
      if (!target) return null;
      const src = join(pkg.dir, target.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"));
      return existsSync(src) ? src : join(pkg.dir, target);
    },
  };
}

export function packageProject(metaUrl: string, options: { testTimeout?: number } = {}) {
  const dir = dirname(fileURLToPath(metaUrl));
  return defineProject({
    plugins: [workspaceSource()],
    test: {
      name: basename(dir),
      root: dir,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: options.testTimeout ?? 30_000,
    },
  });
}
