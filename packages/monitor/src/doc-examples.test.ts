// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeExamplesSuite } from "../../../config/doc-examples.js";

const srcDir = dirname(fileURLToPath(import.meta.url));

nodeExamplesSuite({
  srcDir,
  package: { name: "@neuropose/monitor", dist: join(srcDir, "..", "dist", "index.js") },
  others: { "@neuropose/jobs": join(srcDir, "..", "node_modules", "@neuropose", "jobs", "dist", "index.js") },
  atLeast: 4,
  scratch: () => mkdtempSync(join(tmpdir(), "np-monitor-doc-")),
  timeoutMs: 30_000,
});
