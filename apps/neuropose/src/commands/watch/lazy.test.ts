// `neuropose --help` must not load the daemon's code (onnxruntime, yauzl, HTTP): the commands' run.ts files are
// imported only when a command runs. Checked on the build: the static imports reachable from dist/index.js
// (following `export … from` too: the entry re-exports its chunks).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "dist");

function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^(?:import|export)\s+(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm)) {
      const spec = m[1] as string;
      if (spec.startsWith(".")) walk(resolve(dirname(file), spec));
      else bare.add(spec);
    }
  };
  walk(entry);
  return bare;
}

describe.skipIf(!existsSync(join(dist, "index.js")))("lazy commands", () => {
  it("the CLI's entry does not statically import the daemon, monitor, inference or zip code", () => {
    const bare = staticImports(join(dist, "index.js"));
    for (const heavy of [
      "@neuropose/jobs",
      "@neuropose/monitor",
      "@neuropose/infer",
      "onnxruntime-node",
      "yauzl",
      "@neuropose/segment",
      "@neuropose/queue",
      "bullmq",
      "ioredis",
    ]) {
      expect(bare.has(heavy), heavy).toBe(false);
    }
    expect(bare.has("yargs")).toBe(true); // the walk does see the static graph
  });
});
