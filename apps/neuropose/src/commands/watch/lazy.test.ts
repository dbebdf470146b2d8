// What entries load at import time, checked on the builds (config/module-graph.ts walks their static imports).
// `neuropose --help` must not load the daemon's code (onnxruntime, yauzl, HTTP): the commands' run.ts files are
// imported only when a command runs. Checked on the build: the static imports reachable from dist/index.js
// (following `export … from` too: the entry re-exports its chunks).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { staticImports } from "../../../../../config/module-graph.js";
import { repoRoot } from "../../../../../config/vitest.js";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "dist");

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

// The math packages load no schema library, HDF5 or ONNX at import (issue 11: `import("@neuropose/dtw")` < 30 ms):
// zod stays behind io's full entry, which they import only as `@neuropose/io/core` (or lazily, on first use).
const MATH = ["kinematics", "dtw", "segment", "gait", "sync"];
const built = (p: string) => join(repoRoot, "packages", p, "dist", "index.js");
describe.skipIf(!MATH.every((p) => existsSync(built(p))))("math packages", () => {
  it.each(MATH)("@neuropose/%s's module graph has no zod, yaml, h5wasm or onnxruntime", (p) => {
    const bare = staticImports(built(p), { workspace: true });
    for (const heavy of ["zod", "yaml", "h5wasm", "onnxruntime-node", "onnxruntime-web", "@neuropose/io"]) {
      expect(bare.has(heavy), `${p} loads ${heavy}`).toBe(false);
    }
  });

  it("@neuropose/dtw takes node:worker_threads on first use (loading it cost ~20 ms of every import)", () => {
    const bare = staticImports(built("dtw"), { workspace: true });
    expect(bare.has("node:worker_threads") || bare.has("worker_threads")).toBe(false);
    expect(bare.has("node:os") || bare.has("os")).toBe(true); // the walk sees dtw's own built-ins
  });

  it("the walk follows workspace packages (segment reaches io/core through kinematics)", () => {
    const bare = staticImports(built("segment"), { workspace: true });
    expect(bare.has("@neuropose/kinematics")).toBe(true);
    expect(bare.has("@neuropose/io/core")).toBe(true);
    // and the full io entry, walked the same way, does reach zod
    expect(staticImports(join(repoRoot, "packages", "io", "dist", "index.js")).has("zod")).toBe(true);
  });
});
