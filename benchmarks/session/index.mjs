// benchmarks/session: a synthetic recorded session (3 cameras at 150 Hz with a TTL line each, DLC pose with 18
// keypoints for the whole session, a Bpod file of 600 trials synced on their own TTL line) built from raw files to
// a validated NWB file (ingest with ffprobe frame counts → sync → events → pose → NWB → validate → QC; no
// transcode), each build in its own process: wall seconds and peak RSS per session length, to show whether
// memory stays flat as the session grows.
//
//   node benchmarks/session/index.mjs [--minutes 2,10] [--keep]
//
// Stand-in videos: one 16x16 mpeg4 file with exactly the frame count, hard-linked for the three cameras (the
// lab's real videos are large; ffprobe still reads and counts every frame's packet of each camera). Default lengths are
// short so `pnpm bench` stays quick; the issue's comparison is `--minutes 10,60` (results: README.md here).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? dflt : process.argv[i + 1];
};
const minutes = String(arg("--minutes", "2,10")).split(",").map(Number);
const keep = process.argv.includes("--keep");
const FPS = 150;
const TRIALS = 600;
const { ffmpeg } = resolveFfmpeg();
// The pynwb environment that ../shared/tools/nwb-validator/setup.sh builds (the PYTHONPATH its validate.sh sets).
const PYNWB_HOME = "/tmp/nwb-validator";
const PYNWB_PATH = ["pynwb-2.3.1/src", "ndx-pose-0.2.2/src/pynwb", "site"]
  .map((p) => join(PYNWB_HOME, p))
  .join(":");

function makeSession(root, seconds) {
  const dir = join(root, "data", "raw", "BENCH");
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  execFileSync("/usr/bin/python3", [join(here, "make_session.py"), dir, String(seconds), String(TRIALS)]);
  const video = join(root, "standin.avi");
  execFileSync(ffmpeg, [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", `color=c=gray:size=16x16:rate=${FPS}`],
    ...["-frames:v", String(Math.round(seconds * FPS)), "-c:v", "mpeg4", "-q:v", "31", video],
  ]);
  for (const c of [0, 1, 2]) {
    mkdirSync(join(dir, "Video", `cam${c}`), { recursive: true });
    linkSync(video, join(dir, "Video", `cam${c}`, `cam${c}.avi`));
  }
  writeFileSync(
    join(dir, "session.toml"),
    `[session]
id = "BENCH"
subject_id = "m1"
date = "2025-01-01T10:00:00Z"
sex = "M"
age = "P60D"

[bpod]
path = "Bpod/*.mat"
[[bpod.trial_types]]
trial_type = 1
sync_signal = "Stimulus"
sync_ttl = "trials"
[[bpod.trial_types]]
trial_type = 2
sync_signal = "Stimulus"
sync_ttl = "trials"

[[TTLs]]
id = "trials"
paths = "TTLs/trials.txt"
${[0, 1, 2].map((c) => `[[TTLs]]\nid = "cam${c}"\npaths = "TTLs/cam${c}.txt"\n`).join("\n")}
${[0, 1, 2].map((c) => `[[cameras]]\nid = "cam${c}"\npaths = "Video/cam${c}/*.avi"\nttl_id = "cam${c}"\n`).join("\n")}
[[pose]]
camera_id = "cam0"
paths = "pose/*.h5"
format = "dlc"
`,
  );
  writeFileSync(
    join(root, "config.toml"),
    '[project]\nname = "bench"\n[timebase]\nsource = "ttl"\nttl_id = "cam0"\njitter_budget_s = 0.001\n',
  );
  return { dir, prepare_s: (performance.now() - t0) / 1000 };
}

const rows = [];
for (const m of minutes) {
  const root = mkdtempSync(join(tmpdir(), `np-bench-session-${m}min-`));
  try {
    const { dir, prepare_s } = makeSession(root, m * 60);
    const r = spawnSync(process.execPath, [join(here, "_build.mjs"), dir, join(root, "config.toml")], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`build of ${m} min failed:\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split("\n").pop());
    // Baseline in the same run: pynwb writing the same content (../shared/tools/nwb-validator's environment).
    let py = null;
    if (existsSync(PYNWB_HOME)) {
      const p = spawnSync(
        "/usr/bin/python3",
        [join(here, "pynwb_write.py"), dir, join(root, "data", "interim", "BENCH"), join(root, "pynwb.nwb")],
        { encoding: "utf8", env: { ...process.env, PYTHONPATH: PYNWB_PATH, PYTHONWARNINGS: "ignore" } },
      );
      if (p.status === 0) py = JSON.parse(p.stdout.trim().split("\n").pop());
      else console.log(`pynwb baseline failed: ${p.stderr.trim().split("\n").pop()}`);
    }
    rows.push({ minutes: m, frames_per_camera: m * 60 * FPS, prepare_s, ...out });
    console.log(
      `${String(m).padStart(3)} min  ${(m * 60 * FPS).toLocaleString("en")} frames x 3 cameras, ${TRIALS} trials: build ${out.seconds.toFixed(1)} s, peak RSS ${out.peak_rss_mb.toFixed(0)} MB  (stages: ${Object.entries(
        out.stages,
      )
        .map(([k, v]) => `${k} ${v.s.toFixed(1)} s/${v.rss_mb.toFixed(0)} MB`)
        .join(", ")})`,
    );
    if (py)
      console.log(
        `        pynwb 2.3.1 + ndx-pose writing the same content (TTL + DLC files read by numpy/pandas, trials from our CSV): ${py.seconds.toFixed(1)} s, peak RSS ${py.peak_rss_mb.toFixed(0)} MB; our NWB stage ${out.stages.nwb.s.toFixed(1)} s, whole build / pynwb = ${(out.seconds / py.seconds).toFixed(2)}`,
      );
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
    else console.log(`kept ${root}`);
  }
}
if (rows.length >= 2) {
  const a = rows[0];
  const b = rows[rows.length - 1];
  console.log(
    `peak RSS ${b.minutes} min / ${a.minutes} min = ${(b.peak_rss_mb / a.peak_rss_mb).toFixed(2)} for ${(b.minutes / a.minutes).toFixed(1)}x the length; seconds ratio ${(b.seconds / a.seconds).toFixed(2)}`,
  );
}
