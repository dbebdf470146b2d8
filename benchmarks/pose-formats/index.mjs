// Pose import speed: a synthetic 1-hour, 30 fps, 20-keypoint recording (108,000 frames) read by
// @neuropose/pose-formats (built) as a DeepLabCut CSV, DLC .h5 (pandas "table" and "fixed") and a SLEAP .slp,
// each beside a baseline run in the same process on the same numbers: JSON.parse of the frames × values as
// a JSON array of arrays (the cheapest "read a table of numbers" in JS).
// The files are written by make_synthetic.py (Debian python3-pandas/-tables/-h5py); without them this prints
// why and exits 0. `node benchmarks/pose-formats/index.mjs [--quick]` (--quick: 10 minutes).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readDlc, readSleap } from "@neuropose/pose-formats";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const FPS = 30;
const N = quick ? 10 * 60 * FPS : 60 * 60 * FPS;
const K = 20;
const PY = "/usr/bin/python3";

if (!existsSync(PY)) {
  console.log(
    `skipped: ${PY} (Debian python3-pandas, python3-tables, python3-h5py) writes the synthetic files`,
  );
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "bench-pose-"));
try {
  let t = performance.now();
  const gen = spawnSync(PY, [join(here, "make_synthetic.py"), dir, String(N), String(K)], {
    encoding: "utf8",
  });
  if (gen.status !== 0) {
    console.log(
      `skipped: could not write the synthetic files: ${(gen.stderr || gen.stdout).trim().split("\n").pop()}`,
    );
    process.exit(0);
  }
  console.log(
    `synthetic ${N} frames x ${K} keypoints written by pandas/h5py in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // Baseline: the same numbers (x, y, likelihood per keypoint per frame) as JSON text, parsed by JSON.parse.
  const csv = readFileSync(join(dir, "dlc.csv"), "utf8").split("\n").slice(3, -1);
  const json = `[${csv
    .map(
      (l) =>
        `[${l
          .split(",")
          .slice(1)
          .map((v) => (v === "" ? "null" : v))
          .join(",")}]`,
    )
    .join(",")}]`;
  t = performance.now();
  const parsed = JSON.parse(json);
  const baseMs = performance.now() - t;
  if (parsed.length !== N) throw new Error("baseline parse");
  console.log(
    `baseline JSON.parse of the same table (${(json.length / 1e6).toFixed(0)} MB): ${baseMs.toFixed(0)} ms, ${Math.round(N / (baseMs / 1000)).toLocaleString("en-US")} frames/s`,
  );

  // warm the HDF5 module once (WASM compile) so the HDF5 rows time reading, not start-up
  await readSleap(join(dir, "sleap.slp"));
  for (const [label, file, read] of [
    ["DLC CSV", "dlc.csv", readDlc],
    ["DLC .h5 table", "dlc_table.h5", readDlc],
    ["DLC .h5 fixed", "dlc_fixed.h5", readDlc],
    ["SLEAP .slp", "sleap.slp", readSleap],
  ]) {
    const path = join(dir, file);
    const runs = [];
    let pose;
    for (let r = 0; r < 2; r++) {
      const t0 = performance.now();
      pose = await read(path);
      runs.push(performance.now() - t0);
    }
    const ms = Math.min(...runs);
    if (pose.nFrames !== N || pose.nKeypoints !== K)
      throw new Error(`${label}: read ${pose.nFrames} x ${pose.nKeypoints}`);
    const mb = statSync(path).size / 1e6;
    console.log(
      `${label.padEnd(14)} ${mb.toFixed(0).padStart(4)} MB  ${ms.toFixed(0).padStart(6)} ms  ${Math.round(
        N / (ms / 1000),
      )
        .toLocaleString("en-US")
        .padStart(10)} frames/s  ${(ms / baseMs).toFixed(2)}x JSON.parse`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
