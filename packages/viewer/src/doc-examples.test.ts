// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeExamplesSuite } from "../../../config/doc-examples.js";

const srcDir = dirname(fileURLToPath(import.meta.url));

nodeExamplesSuite({
  srcDir,
  package: { name: "@neuropose/viewer", dist: join(srcDir, "..", "dist", "index.js") },
  atLeast: 3,
  others: { "@neuropose/gait": join(srcDir, "..", "..", "gait", "dist", "index.js") },
  scratch: () => mkdtempSync(join(tmpdir(), "np-viewer-doc-")),
  timeoutMs: 20_000,
});
