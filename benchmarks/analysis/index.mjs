// benchmarks/analysis (issue 11): loading a trial against JSON.parse of the same file, and a 50-trial cohort
// (900 frames each, joint angles) on 1 and 2 worker threads, each in a fresh process for its peak RSS.
// `node benchmarks/analysis/index.mjs [--quick] [--align none|procrustes_per_sequence] [--trials N] [--frames N]`.
// Targets: load <= 1.5x JSON.parse; cohort < 300 MB peak RSS; 2 threads >= 1.7x of 1 on an idle machine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  loadVideoPredictions,
  migrate,
  parseDocument,
  parseJson,
  readVideoPredictionsChunks,
  stringifyJson,
  VideoPredictionsSchema,
  validateWith,
} from "@neuropose/io";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const quick = process.argv.includes("--quick");
const TRIALS = Number(arg("trials", quick ? 12 : 50));
const FRAMES = Number(arg("frames", quick ? 300 : 900));
const ALIGN = arg("align", "procrustes_per_sequence");

if (process.argv[2] === "--child") {
  // One cohort run in this fresh process: prints wall ms, loading ms, CPU s and peak RSS (MB).
  const [, , , dir, threads, align] = process.argv;
  const { parseAnalysisConfig, runAnalysis } = await import("@neuropose/analysis");
  const config = parseAnalysisConfig({
    inputs: { cohort: ["trial_*.json"] },
    analysis: {
      kind: "dtw",
      align,
      representation: "angles",
      angle_triplets: [
        ["left_hip", "left_knee", "left_ankle"],
        ["right_hip", "right_knee", "right_ankle"],
        ["left_shoulder", "left_hip", "left_knee"],
        ["right_shoulder", "right_hip", "right_knee"],
      ],
    },
    output: { report: "r.json" },
  });
  const t0 = performance.now();
  let loadMs = 0;
  const { report } = await runAnalysis(config, {
    baseDir: dir,
    threads: Number(threads),
    onProgress: (p) => {
      if (p.stage === "load" && p.done === p.total) loadMs = performance.now() - t0;
    },
  });
  const ms = performance.now() - t0;
  const m = report.results.matrix;
  const u = process.resourceUsage();
  const cpuS = (u.userCPUTime + u.systemCPUTime) / 1e6;
  console.log(JSON.stringify({ ms, loadMs, cpuS, rssMb: u.maxRSS / 1024, m01: m[0][1], n: m.length }));
  process.exit(0);
}

let seed = 7;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

/** A trial as neuropose-infer writes it (blazepose_33, full-precision numbers, visibility and presence). */
async function inferLike(k, frames) {
  const { synthesizeGaitPredictions } = await import("@neuropose/analysis");
  const doc = synthesizeGaitPredictions({
    seed: k + 1,
    frames,
    skeleton: "blazepose_33",
    cadence: 100 + (k % 17),
    amplitude: 0.8 + (k % 5) * 0.05,
  });
  for (const f of Object.values(doc.frames)) {
    f.poses3d = f.poses3d.map((p) => p.map((j) => j.map((v) => v + (rnd() - 0.5) * 1e-3)));
    f.poses2d = f.poses2d.map((p) => p.map((j) => j.map((v) => v + rnd())));
    f.visibility = f.poses3d.map((p) => p.map(() => rnd()));
    f.presence = f.poses3d.map((p) => p.map(() => rnd()));
    f.pose_presence = f.poses3d.map(() => 0.99);
  }
  return doc;
}

const dir = mkdtempSync(join(tmpdir(), "np-bench-analysis-"));
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")} (numbers are noisy on a busy machine)`,
);

// 1. Loading one trial.
const trialPath = join(dir, "one.json");
writeFileSync(trialPath, stringifyJson(await inferLike(0, FRAMES)));
const bytes = readFileSync(trialPath).length;
const REPS = quick ? 5 : 15;
const text = readFileSync(trialPath, "utf8");
const rows = {
  "JSON.parse(text)": () => JSON.parse(text),
  'parseDocument("video_predictions", text)': () => parseDocument("video_predictions", text),
  "the same through the zod schema (before)": () =>
    validateWith(VideoPredictionsSchema, migrate("video_predictions", parseJson(text))),
  "JSON.parse(await readFile(file, utf8))": async () => JSON.parse(await readFile(trialPath, "utf8")),
  "loadVideoPredictions(file)": () => loadVideoPredictions(trialPath),
  // what @neuropose/analysis does with the bytes it read and hashed: frame by frame, frames not kept whole
  "readVideoPredictionsChunks([bytes]) (analysis)": async () =>
    readVideoPredictionsChunks([await readFile(trialPath)], { keepFrames: false, onFrame: () => undefined }),
};
const times = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
for (let r = 0; r < REPS + 2; r++) {
  // interleaved, so a burst of load on the machine hits each about the same
  for (const [k, fn] of Object.entries(rows)) {
    const t = performance.now();
    await fn();
    if (r >= 2) times[k].push(performance.now() - t);
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`trial: ${FRAMES} frames x 33 joints, ${(bytes / 1e6).toFixed(1)} MB (median of ${REPS})`);
const show = (k, base, target) => {
  const ms = med(times[k]);
  const ratio = ms / med(times[base]);
  const verdict = target ? (ratio <= 1.5 ? "  ok (<= 1.5x)" : "  OVER 1.5x") : "";
  console.log(`  ${k.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x ${base}${verdict}`);
};
show("JSON.parse(text)", "JSON.parse(text)");
show('parseDocument("video_predictions", text)', "JSON.parse(text)", true);
show("the same through the zod schema (before)", "JSON.parse(text)");
show("JSON.parse(await readFile(file, utf8))", "JSON.parse(await readFile(file, utf8))");
show("loadVideoPredictions(file)", "JSON.parse(await readFile(file, utf8))", true);
show("readVideoPredictionsChunks([bytes]) (analysis)", "JSON.parse(await readFile(file, utf8))", true);

// 2. The cohort, 1 and 2 threads, each in a fresh process.
for (let k = 0; k < TRIALS; k++)
  writeFileSync(
    join(dir, `trial_${String(k).padStart(3, "0")}.json`),
    stringifyJson(await inferLike(k, FRAMES)),
  );
rmSync(trialPath);
console.log(`cohort: ${TRIALS} trials x ${FRAMES} frames, angles (4 triplets), align ${ALIGN}`);
const runs = {};
for (const threads of [1, 2]) {
  const r = spawnSync(process.execPath, [join(here, "index.mjs"), "--child", dir, String(threads), ALIGN], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`cohort child failed: ${r.stderr}`);
  runs[threads] = JSON.parse(r.stdout.trim().split("\n").pop());
  const x = runs[threads];
  console.log(
    `  ${threads} thread(s): ${(x.ms / 1000).toFixed(2)} s (loading ${(x.loadMs / 1000).toFixed(2)} s, CPU ${x.cpuS.toFixed(1)} s), peak RSS ${x.rssMb.toFixed(0)} MB ${x.rssMb < 300 ? "ok (< 300 MB)" : "OVER 300 MB"}`,
  );
}
console.log(
  `  2 threads vs 1: ${(runs[1].ms / runs[2].ms).toFixed(2)}x (target >= 1.7x on an idle machine); same matrix: ${runs[1].m01 === runs[2].m01}`,
);
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
rmSync(dir, { recursive: true, force: true });
