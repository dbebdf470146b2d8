// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts), in a
// scratch folder holding what the examples read: clip.mp4 (a tiny test pattern) and session.zip (one job).
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";
import yazl from "yazl";
import { nodeExamplesSuite } from "../../../config/doc-examples.js";
import { writeTestPattern } from "../../../config/test-videos.js";

const srcDir = dirname(fileURLToPath(import.meta.url));
const template = mkdtempSync(join(tmpdir(), "np-jobs-doc-template-"));

nodeExamplesSuite({
  srcDir,
  package: { name: "@neuropose/jobs", dist: join(srcDir, "..", "dist", "index.js") },
  others: { "@neuropose/io": join(srcDir, "..", "node_modules", "@neuropose", "io", "dist", "index.js") },
  atLeast: 18,
  async setup() {
    writeTestPattern(resolveFfmpeg({}).ffmpeg, join(template, "clip.mp4"), {
      size: "96x72",
      rate: 10,
      frames: 4,
    });
    const z = new yazl.ZipFile();
    z.addFile(join(template, "clip.mp4"), "walk01/clip.mp4", { compress: false });
    z.end();
    const chunks: Buffer[] = [];
    for await (const c of z.outputStream) chunks.push(c as Buffer);
    writeFileSync(join(template, "session.zip"), Buffer.concat(chunks));
  },
  scratch: () => {
    const dir = mkdtempSync(join(tmpdir(), "np-jobs-doc-"));
    cpSync(template, dir, { recursive: true });
    return dir;
  },
  timeoutMs: 120_000,
});
