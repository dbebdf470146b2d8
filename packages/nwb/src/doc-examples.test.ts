// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts), in a
// scratch folder holding the files the examples read (clip.json, clip.mp4, session.nwb); so does the README's.
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { builtExamplesSuite } from "../../../config/doc-examples.js";
import { synthPredictions } from "../test/_synth.js";
import { minimalSpec } from "../test/_util.js";
import { writeNwb } from "./index.js";

let template: string;

builtExamplesSuite(import.meta.url, "@neuropose/nwb", {
  siblings: ["@neuropose/io"],
  atLeast: 10,
  async setup() {
    template = mkdtempSync(join(tmpdir(), "np-nwb-doc-"));
    writeFileSync(join(template, "clip.json"), JSON.stringify(synthPredictions({ frames: 10 })));
    writeFileSync(join(template, "clip.mp4"), "video");
    await writeNwb(join(template, "session.nwb"), minimalSpec());
  },
  scratch() {
    const dir = mkdtempSync(join(tmpdir(), "np-nwb-doc-"));
    for (const f of readdirSync(template)) copyFileSync(join(template, f), join(dir, f));
    return dir;
  },
  timeoutMs: 30_000,
  readme: {
    mentions: "videoPredictionsToNwb",
    check(out) {
      expect(out).toContain("/processing/behavior/pose3d_person0");
      expect(out).toMatch(/meters 3 90 \{ rate: 30, startingTime: 0 \}\ntrue\n$/);
    },
  },
});
