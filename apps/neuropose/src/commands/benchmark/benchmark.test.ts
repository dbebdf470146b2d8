import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFfmpeg } from "@neuropose/infer";
import { loadBenchmarkResult } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTestPattern } from "../../../../../config/test-videos.js";
import { runBenchmark } from "./run.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "np-benchmark-"));
  writeTestPattern(resolveFfmpeg({}).ffmpeg, join(dir, "clip.mp4"), { size: "96x72", rate: 10, frames: 8 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("neuropose benchmark", () => {
  it("writes a valid BenchmarkResult with latency stats and a CPU comparison", async () => {
    const out = join(dir, "bench.json");
    await runBenchmark({
      video: join(dir, "clip.mp4"),
      repeats: 2,
      "warmup-frames": 2,
      "compare-cpu": true,
      output: out,
      model: "lite",
      device: "cpu",
      "max-people": 1,
      "model-cache": join(tmpdir(), "neuropose-infer-test-models"),
      "log-level": "silent",
    });
    const r = await loadBenchmarkResult(out);
    expect(r.video_name).toBe("clip.mp4");
    expect(r.measured_passes).toHaveLength(1);
    expect(r.warmup_pass.model_load_seconds).toBeGreaterThan(0);
    expect(r.measured_passes[0]?.per_frame_latencies_ms).toHaveLength(8);
    const a = r.aggregate;
    expect(a.p50_frame_latency_ms).toBeLessThanOrEqual(a.p95_frame_latency_ms);
    expect(a.p95_frame_latency_ms).toBeLessThanOrEqual(a.p99_frame_latency_ms);
    expect(a.mean_throughput_fps).toBeGreaterThan(0);
    expect(a.active_device).toBe("cpu");
    expect(r.cpu_comparison?.frame_count_compared).toBe(8);
    expect(r.cpu_comparison?.max_poses3d_divergence_mm).toBe(0); // cpu vs cpu: same numbers
    await expect(
      runBenchmark({
        video: "x.mp4",
        repeats: 1,
        "warmup-frames": 0,
        "compare-cpu": false,
        model: "lite",
        "max-people": 1,
      }),
    ).rejects.toThrow(/--repeats must be an integer >= 2/);
  }, 120_000);
});
