// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts), in a
// scratch folder that holds the sample files the examples read (trial.json, bench.json, ...).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeExamplesSuite } from "../../../config/doc-examples.js";
import { ffmpegOnPath } from "../../../config/test-videos.js";

const srcDir = dirname(fileURLToPath(import.meta.url));

const V1 = `{"metadata": {"frame_count": 1, "fps": 30.0, "width": 640, "height": 480},
 "frames": {"frame_000000": {"boxes": [[1.0, 2.0, 3.0, 4.0, 0.9]], "poses3d": [[[1.0, 2.0, NaN]]], "poses2d": [[[1.0, 2.0]]]}}}`;
const PASS = {
  total_seconds: 1,
  per_frame_latencies_ms: [1],
  peak_rss_mb: 1,
  active_device: "/CPU:0",
  tensorflow_version: "2.16.2",
};
const AGG = { repeats_measured: 1, warmup_frames_per_pass: 0, mean_frame_latency_ms: 1, p50_frame_latency_ms: 1, p95_frame_latency_ms: 1, p99_frame_latency_ms: 1, stddev_frame_latency_ms: 0, mean_throughput_fps: 1, peak_rss_mb_max: 1, active_device: "/CPU:0", tensorflow_version: "2.16.2" }; // biome-ignore format: fixture

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "np-io-doc-"));
  mkdirSync(join(dir, "results"));
  mkdirSync(join(dir, "out", "job1"), { recursive: true });
  writeFileSync(join(dir, "trial.json"), V1);
  writeFileSync(join(dir, "results", "trial_01.json"), V1);
  writeFileSync(join(dir, "out", "job1", "results.json"), `{"trial.mp4": ${V1}}`);
  writeFileSync(
    join(dir, "bench.json"),
    JSON.stringify({
      video_name: "t.mp4",
      repeats: 2,
      warmup_frames: 0,
      warmup_pass: PASS,
      measured_passes: [PASS],
      aggregate: AGG,
    }),
  );
  return dir;
}

nodeExamplesSuite({
  srcDir,
  package: { name: "@neuropose/io", dist: join(srcDir, "..", "dist", "index.js") },
  atLeast: 41,
  scratch,
  timeoutMs: 20_000,
  skip: (code) =>
    code.includes("openRawVideo") && !ffmpegOnPath()
      ? "no ffmpeg on PATH (openRawVideo's example runs it)"
      : undefined,
});
