// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeExamplesSuite } from "../../../config/doc-examples.js";

const srcDir = dirname(fileURLToPath(import.meta.url));

nodeExamplesSuite({
  srcDir,
  package: { name: "@neuropose/gait", dist: join(srcDir, "..", "dist", "index.js") },
  atLeast: 10,
  scratch: () => mkdtempSync(join(tmpdir(), "np-gait-doc-")),
  timeoutMs: 20_000,
});
