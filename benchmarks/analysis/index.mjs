// benchmarks/analysis (issue 11): loading a trial against JSON.parse of the same file, and a 50-trial cohort
// (900 frames each, joint angles) on 1 and 2 worker threads, each in a fresh process for its peak RSS.
// `node benchmarks/analysis/index.mjs [--quick] [--align none|procrustes_per_sequence] [--trials N] [--frames N]
// [--rounds N] [--cohort-only]`. Targets (one verdict line each at the end): loading a trial (900 and 10,000
// frames) <= 1.5x JSON.parse of the same text, in this process, interleaved, medians; the cohort < 300 MB peak RSS
// with 1 and with 2 threads; 2 threads >= 1.7x of 1 on an idle machine (1 and 2 threads alternate round by round;
// the median of the rounds' ratios, with the load average).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
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
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
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
  let loadCpuS = 0;
  const { report } = await runAnalysis(config, {
    baseDir: dir,
    threads: Number(threads),
    onProgress: (p) => {
      if (p.stage === "load" && p.done === p.total) {
        loadMs = performance.now() - t0;
        const c = process.cpuUsage(); // every thread of the process
        loadCpuS = (c.user + c.system) / 1e6;
      }
    },
  });
  const ms = performance.now() - t0;
  const m = report.results.matrix;
  const u = process.resourceUsage();
  const cpuS = (u.userCPUTime + u.systemCPUTime) / 1e6;
  console.log(
    // the whole matrix, hashed (bit for bit: JSON keeps every double exactly)
    JSON.stringify({
      ms,
      loadMs,
      loadCpuS,
      cpuS,
      rssMb: u.maxRSS / 1024,
      matrix: createHash("sha256").update(JSON.stringify(m)).digest("hex"),
      n: m.length,
    }),
  );
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

const med = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const h = Math.floor(v.length / 2);
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
};
const verdicts = [];

// 1. Loading one trial, against JSON.parse of the same text / file, interleaved in this process (medians).
async function loadRows(frames, reps) {
  const trialPath = join(dir, `one-${frames}.json`);
  writeFileSync(trialPath, stringifyJson(await inferLike(0, frames)));
  const bytes = readFileSync(trialPath).length;
  const text = readFileSync(trialPath, "utf8");
  const rows = {
    "JSON.parse(text)": () => JSON.parse(text),
    'parseDocument("video_predictions", text)': () => parseDocument("video_predictions", text),
    ...(frames <= 2000
      ? {
          "the same through the zod schema (before)": () =>
            validateWith(VideoPredictionsSchema, migrate("video_predictions", parseJson(text))),
        }
      : {}),
    "JSON.parse(await readFile(file, utf8))": async () => JSON.parse(await readFile(trialPath, "utf8")),
    "loadVideoPredictions(file)": () => loadVideoPredictions(trialPath),
    // what @neuropose/analysis does with the bytes it read and hashed: frame by frame, frames not kept whole
    "readVideoPredictionsChunks([bytes]) (analysis)": async () =>
      readVideoPredictionsChunks([await readFile(trialPath)], {
        keepFrames: false,
        onFrame: () => undefined,
      }),
  };
  const times = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
  for (let r = 0; r < reps + 1; r++) {
    // interleaved, so a burst of load on the machine hits each about the same; the first round warms up. A full
    // collection before each call: every row starts from the same clean heap and pays only for its own garbage
    // (else the zod row's garbage is collected during whichever row comes next).
    for (const [k, fn] of Object.entries(rows)) {
      gc();
      const t = performance.now();
      await fn();
      if (r >= 1) times[k].push(performance.now() - t);
    }
  }
  console.log(`trial: ${frames} frames x 33 joints, ${(bytes / 1e6).toFixed(1)} MB (median of ${reps})`);
  const show = (k, base, target) => {
    if (!times[k]) return;
    const ms = med(times[k]);
    const ratio = ms / med(times[base]);
    const verdict = target ? (ratio <= 1.5 ? "  ok (<= 1.5x)" : "  OVER 1.5x") : "";
    if (target)
      verdicts.push(
        `${ratio <= 1.5 ? "ok  " : "FAIL"} load a ${frames}-frame trial <= 1.5x JSON.parse: ${k} ${ratio.toFixed(2)}x`,
      );
    console.log(`  ${k.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x ${base}${verdict}`);
  };
  show("JSON.parse(text)", "JSON.parse(text)");
  show('parseDocument("video_predictions", text)', "JSON.parse(text)", true);
  show("the same through the zod schema (before)", "JSON.parse(text)");
  show("JSON.parse(await readFile(file, utf8))", "JSON.parse(await readFile(file, utf8))");
  show("loadVideoPredictions(file)", "JSON.parse(await readFile(file, utf8))", true);
  show("readVideoPredictionsChunks([bytes]) (analysis)", "JSON.parse(await readFile(file, utf8))", true);
  rmSync(trialPath);
}
// `--cohort-only` skips the loading rows (a re-run of the cohort targets).
if (!process.argv.includes("--cohort-only")) {
  await loadRows(FRAMES, quick ? 5 : 15);
  if (!quick) await loadRows(10000, 3);
}

// 2. The cohort, 1 and 2 threads alternately (ROUNDS times each), each run in a fresh process for its peak RSS.
const ROUNDS = Number(arg("rounds", quick ? 1 : 3));
for (let k = 0; k < TRIALS; k++)
  writeFileSync(
    join(dir, `trial_${String(k).padStart(3, "0")}.json`),
    stringifyJson(await inferLike(k, FRAMES)),
  );
console.log(
  `cohort: ${TRIALS} trials x ${FRAMES} frames, angles (4 triplets), align ${ALIGN}; ${ROUNDS} round(s)`,
);
const runs = { 1: [], 2: [] };
const loads = [];
for (let round = 0; round < ROUNDS; round++) {
  // alternate which goes first, so a change of load on the machine does not favour one
  for (const threads of round % 2 === 0 ? [1, 2] : [2, 1]) {
    loads.push(loadavg()[0]);
    const r = spawnSync(process.execPath, [join(here, "index.mjs"), "--child", dir, String(threads), ALIGN], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`cohort child failed: ${r.stderr}`);
    const x = JSON.parse(r.stdout.trim().split("\n").pop());
    runs[threads].push(x);
    console.log(
      `  ${threads} thread(s): ${(x.ms / 1000).toFixed(2)} s (loading ${(x.loadMs / 1000).toFixed(2)} s; CPU ${x.cpuS.toFixed(1)} s, ${x.loadCpuS.toFixed(1)} s of it until loaded), peak RSS ${x.rssMb.toFixed(0)} MB  (load average ${loads.at(-1).toFixed(2)})`,
    );
  }
}
const same = [...runs[1], ...runs[2]].every((x) => x.matrix === runs[1][0].matrix);
for (const t of [1, 2]) {
  const peak = Math.max(...runs[t].map((x) => x.rssMb));
  verdicts.push(
    `${peak < 300 ? "ok  " : "FAIL"} cohort peak RSS < 300 MB with ${t} thread(s): max ${peak.toFixed(0)} MB, median ${med(runs[t].map((x) => x.rssMb)).toFixed(0)} MB over ${runs[t].length} run(s)`,
  );
}
// Each round's 1- and 2-thread runs ran back to back: the median of the per-round ratios is less exposed to the
// machine's load drifting between rounds than a ratio of medians.
const ratios = runs[1].map((x, r) => x.ms / runs[2][r].ms);
const speedup = med(ratios);
verdicts.push(
  `${speedup >= 1.7 ? "ok  " : "FAIL"} 2 threads >= 1.7x of 1: ${speedup.toFixed(2)}x (median of the rounds' ratios ${ratios.map((x) => x.toFixed(2)).join(", ")}; median wall ${(med(runs[1].map((x) => x.ms)) / 1000).toFixed(2)} s vs ${(med(runs[2].map((x) => x.ms)) / 1000).toFixed(2)} s; CPU ${med(runs[1].map((x) => x.cpuS)).toFixed(1)} s vs ${med(runs[2].map((x) => x.cpuS)).toFixed(1)} s; load average ${med(loads).toFixed(2)} median, ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}; only meaningful on an idle machine)`,
);
verdicts.push(
  `${same ? "ok  " : "FAIL"} the same matrix on 1 and 2 threads in every run (sha256 of the whole matrix)`,
);
if (!same) process.exitCode = 1; // a wrong answer, not a slow one: fail the run
console.log("verdicts:");
for (const v of verdicts) console.log(`  ${v}`);
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
rmSync(dir, { recursive: true, force: true });
