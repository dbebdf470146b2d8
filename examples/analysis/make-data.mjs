// Writes the small synthetic trials (data/*.json) that the example configs read. Deterministic: the same files
// every time. The recipe (seed, cadence, ...) per file is in trials.json. Run after `pnpm build`:
//   node examples/analysis/make-data.mjs
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { synthesizeGaitPredictions } from "@neuropose/analysis";
import { stringifyJson, writeFileAtomicSync } from "@neuropose/io";

const here = dirname(fileURLToPath(import.meta.url));
const trials = JSON.parse(readFileSync(join(here, "trials.json"), "utf8"));
for (const [path, opts] of Object.entries(trials)) {
  const file = join(here, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomicSync(
    file,
    stringifyJson(synthesizeGaitPredictions({ frames: 90, fps: 30, ...opts }), { indent: 0 }),
  );
  console.log(`wrote ${path}`);
}
