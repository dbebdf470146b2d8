// @neuropose/io speed: reading, validating and writing a VideoPredictions document (built package), each
// beside the plain-JavaScript baseline run in the same process (JSON.parse, JSON.stringify, fs.writeFileSync).
// `node benchmarks/io/index.mjs [--quick]`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseJson,
  saveVideoPredictions,
  stringifyJson,
  validateDocument,
  writeFileAtomic,
} from "@neuropose/io";

const quick = process.argv.includes("--quick");
const FRAMES = quick ? 600 : 3000;
const JOINTS = 43;

let seed = 11;
function rnd() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const frames = {};
for (let f = 0; f < FRAMES; f++) {
  frames[`frame_${String(f).padStart(6, "0")}`] = {
    boxes: [[rnd() * 1000, rnd() * 1000, 300, 700, 0.9]],
    poses3d: [Array.from({ length: JOINTS }, () => [rnd() * 1000, rnd() * 1000, 4000 + rnd() * 1000])],
    poses2d: [Array.from({ length: JOINTS }, () => [rnd() * 1920, rnd() * 1080])],
  };
}
const doc = {
  schema_version: 3,
  metadata: {
    frame_count: FRAMES,
    fps: 30,
    width: 1920,
    height: 1080,
    skeleton: "berkeley_mhad_43",
    poses3d_unit: "mm",
    poses3d_frame: "camera",
  },
  frames,
  segmentations: {},
  provenance: null,
};

function time(fn, minMs = quick ? 200 : 800) {
  fn();
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs || reps < 2) {
    fn();
    reps++;
    t = performance.now();
  }
  return (t - t0) / reps;
}

async function timeAsync(fn, reps = quick ? 3 : 8) {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

const row = (label, ms, baseMs, baseLabel) =>
  console.log(
    `${label.padEnd(50)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / baseMs).toFixed(2).padStart(5)}x ${baseLabel}`,
  );

const text = stringifyJson(doc);
// The same document as Python's json module writes it: one joint per frame not found -> bare NaN.
const pyText = JSON.stringify(doc, null, 2).replace(/("poses3d": \[\s*\[\s*\[)[^\]]*\]/g, "$1NaN, NaN, NaN]");
const numbers = FRAMES * (5 + JOINTS * 5);
console.log(
  `VideoPredictions: ${FRAMES} frames x ${JOINTS} joints (${(numbers / 1e6).toFixed(2)} M numbers, ${(text.length / 1e6).toFixed(1)} MB)`,
);

const tParse = time(() => JSON.parse(text));
row(
  "parseJson (valid JSON)",
  time(() => parseJson(text)),
  tParse,
  "JSON.parse",
);
row(
  "parseJson (Python file with bare NaN)",
  time(() => parseJson(pyText)),
  tParse,
  "JSON.parse",
);
const parsed = JSON.parse(text);
row(
  "validateDocument (zod, all numbers checked)",
  time(() => validateDocument("video_predictions", parsed)),
  tParse,
  "JSON.parse",
);
const tStr = time(() => JSON.stringify(doc, null, 2));
row(
  "stringifyJson (all finite)",
  time(() => stringifyJson(doc)),
  tStr,
  "JSON.stringify",
);
const withNaN = parseJson(pyText);
row(
  "stringifyJson (with NaN: written as strings)",
  time(() => stringifyJson(withNaN)),
  tStr,
  "JSON.stringify",
);

const dir = mkdtempSync(join(tmpdir(), "np-bench-io-"));
try {
  const plain = await timeAsync(async () => writeFileSync(join(dir, "plain.json"), text));
  row(
    "writeFileAtomic (temp + fsync + rename)",
    await timeAsync(() => writeFileAtomic(join(dir, "a.json"), text)),
    plain,
    "fs.writeFileSync",
  );
  row(
    "saveVideoPredictions (validate+stringify+atomic)",
    await timeAsync(() => saveVideoPredictions(join(dir, "p.json"), doc)),
    plain,
    "fs.writeFileSync",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
