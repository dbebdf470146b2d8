// Shared by benchmarks/daemon and benchmarks/queue: the 20 short clips both push through, the environment
// the CLIs run in, CPU time of a CLI run (its own threads and the ffmpeg/ffprobe processes it waited for), the
// per-job bookkeeping read from a daemon/worker JSON log, and the statistics both print.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..");
export const FRAMES = 30;
const src = join(root, "..", "shared", "fixtures", "videos", "gaitlab_input.mp4");
export const clipSource = existsSync(src) ? "gaitlab_input.mp4 cuts" : "testsrc";

/** The environment of every CLI run: a fixed model cache, no user config, `extra` on top. */
export function benchEnv(extra = {}) {
  return {
    ...process.env,
    NEUROPOSE_MODEL_CACHE_DIR: join(tmpdir(), "neuropose-bench-models"),
    NEUROPOSE_CONFIG: "",
    ...extra,
  };
}

/**
 * `n` clips of FRAMES frames (640x360): 1 s cuts of ../shared/fixtures/videos/gaitlab_input.mp4 (a walking
 * person), else ffmpeg's testsrc. `layout(i)` gives the clip's path under `dir`.
 */
export function makeClips(dir, n, layout = (i) => `clip${String(i).padStart(2, "0")}.mp4`) {
  const { ffmpeg } = resolveFfmpeg({});
  const clips = [];
  for (let i = 0; i < n; i++) {
    const out = join(dir, layout(i));
    mkdirSync(dirname(out), { recursive: true });
    const input = existsSync(src)
      ? ["-ss", String((i * 0.7) % 8), "-i", src]
      : ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=30"];
    execFileSync(ffmpeg, [
      ...["-v", "error", "-y", ...input, "-frames:v", String(FRAMES)],
      ...["-vf", "scale=640:360", "-an", "-c:v", "libx264", out],
    ]);
    clips.push(out);
  }
  return clips;
}

/** NODE_OPTIONS that make a node CLI write its CPU seconds to `file` when it exits (see cpu-report.mjs). */
export function cpuReportEnv(file) {
  const preload = join(here, "_cpu-report.mjs");
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${JSON.stringify(preload)}`.trim(),
    NEUROPOSE_BENCH_CPU_OUT: file,
  };
}

export { cpuSecondsNow } from "./_cpu-report.mjs";

/** CPU seconds a run wrote with {@link cpuReportEnv}, or NaN (not Linux). */
export function readCpu(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8")).cpuSeconds;
  } catch {
    return Number.NaN;
  }
}

/**
 * The daemon's own bookkeeping per job from JSON log lines: job wall time minus the worker's calls ("video
 * done" ms: probe, inference, document write, the work neuropose-infer does too), and the gap from one job's
 * end to the next one's start (the claim). Much less sensitive than wall-clock ratios to the machine's load.
 */
export function bookkeeping(stderrs) {
  const job = [];
  const gap = [];
  for (const stderr of stderrs) {
    let worker = 0;
    let lastDone;
    for (const l of stderr
      .split("\n")
      .filter((x) => x.startsWith("{"))
      .map((x) => JSON.parse(x))) {
      if (l.msg.startsWith("job started") && lastDone !== undefined) gap.push(Date.parse(l.time) - lastDone);
      if (l.msg.startsWith("video done")) worker += l.ms;
      if (l.msg.startsWith("job completed")) {
        job.push(l.ms - worker);
        worker = 0;
        lastDone = Date.parse(l.time);
      }
    }
  }
  return { job: median(job), gap: median(gap), total: median(job) + median(gap) };
}

export function median(values) {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export const load = () => loadavg()[0].toFixed(1);
