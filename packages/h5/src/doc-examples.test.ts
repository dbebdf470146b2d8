// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts), in a
// scratch folder holding a copy of a real SLEAP labels file (labels.slp).
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeExamplesSuite } from "../../../config/doc-examples.js";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";

const srcDir = dirname(fileURLToPath(import.meta.url));

fixtureSuite("h5 TSDoc examples", ["sleap", "dance.mp4.labels.slp"], () => {
  nodeExamplesSuite({
    srcDir,
    package: { name: "@neuropose/h5", dist: join(srcDir, "..", "dist", "index.js") },
    atLeast: 3,
    scratch() {
      const dir = mkdtempSync(join(tmpdir(), "np-h5-doc-"));
      cpSync(fixturePath("sleap", "dance.mp4.labels.slp"), join(dir, "labels.slp"));
      return dir;
    },
    timeoutMs: 30_000,
  });
});
