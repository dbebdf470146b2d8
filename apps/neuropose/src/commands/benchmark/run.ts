import { basename } from "node:path";
import { abortOnSignals, UsageError } from "@neuropose/cli-kit";
import {
  createBlazePose,
  inferVideo,
  type PoseModelAdapter,
  probeVideo,
  resolveFfmpeg,
} from "@neuropose/infer";
import {
  type BenchmarkAggregate,
  type BenchmarkResultInput,
  type Device,
  type PerformanceMetrics,
  saveBenchmarkResult,
  stringifyJson,
  validateDocument,
} from "@neuropose/io";
import { context, type DaemonArgs } from "../_shared/context.js";
import { cliVersion, type ModelArgs } from "../_shared/worker.js";

export interface BenchmarkArgs extends DaemonArgs, ModelArgs {
  video: string;
  repeats: number;
  "warmup-frames": number;
  "max-frames"?: number | undefined;
  "compare-cpu": boolean;
  output?: string | undefined;
}

/** numpy's default (linear) percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

interface Pass {
  metrics: PerformanceMetrics;
  poses3d: number[][][][];
}

async function passes(
  device: Device,
  args: BenchmarkArgs,
  settings: ReturnType<typeof context>["settings"],
  logger: ReturnType<typeof context>["logger"],
): Promise<{ passes: Pass[]; provider: string; runtime: { name: string; version: string } }> {
  const tools = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath });
  const signal = abortOnSignals();
  const info = await probeVideo(args.video, tools, signal);
  const t0 = performance.now();
  const adapter = await createBlazePose({
    variant: args.model,
    cacheDir: args["model-cache"] ?? settings.modelCacheDir,
    device,
    threads: args.threads ?? settings.threads,
    maxPeople: args["max-people"],
    logger,
  });
  const loadSeconds = (performance.now() - t0) / 1000;
  const out: Pass[] = [];
  try {
    for (let r = 0; r < args.repeats; r++) {
      const latencies: number[] = [];
      // time the model per frame (decoding runs ahead in ffmpeg and is excluded, as the schema says)
      const timed: PoseModelAdapter = Object.create(adapter);
      timed.processFrame = async (frame) => {
        const s = performance.now();
        const people = await adapter.processFrame(frame);
        latencies.push(performance.now() - s);
        return people;
      };
      timed.reset = () => adapter.reset();
      let peak = process.memoryUsage.rss();
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
      const start = performance.now();
      let res: Awaited<ReturnType<typeof inferVideo>>;
      try {
        res = await inferVideo(args.video, {
          adapter: timed,
          tools,
          info,
          signal,
          maxFrames: args["max-frames"],
          neuroposeVersion: cliVersion(),
        });
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, process.memoryUsage.rss());
      out.push({
        metrics: {
          model_load_seconds: r === 0 ? loadSeconds : null,
          total_seconds: (performance.now() - start) / 1000,
          per_frame_latencies_ms: latencies.map((v) => Math.round(v * 1000) / 1000),
          peak_rss_mb: peak / 1024 ** 2,
          active_device: adapter.provider,
          tensorflow_metal_active: false,
          runtime: adapter.runtime.name,
          runtime_version: adapter.runtime.version,
          execution_provider: adapter.provider,
        },
        poses3d: Object.values(res.predictions.frames).map((f) => f.poses3d),
      });
      logger.info(
        `${device} pass ${r + 1}/${args.repeats}: ${latencies.length} frames, ${(latencies.length / out.at(-1)!.metrics.total_seconds).toFixed(1)} frames/s`,
      );
    }
    return { passes: out, provider: adapter.provider, runtime: adapter.runtime };
  } finally {
    await adapter.dispose();
  }
}

function aggregate(measured: Pass[], warmup: number): BenchmarkAggregate {
  const lat = measured.flatMap((p) => p.metrics.per_frame_latencies_ms.slice(warmup)).sort((a, b) => a - b);
  const mean = lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length);
  const sd = Math.sqrt(lat.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, lat.length));
  const fps = measured.map((p) => p.metrics.per_frame_latencies_ms.length / p.metrics.total_seconds);
  const first = measured[0]?.metrics;
  return {
    repeats_measured: measured.length,
    warmup_frames_per_pass: warmup,
    mean_frame_latency_ms: mean,
    p50_frame_latency_ms: percentile(lat, 50),
    p95_frame_latency_ms: percentile(lat, 95),
    p99_frame_latency_ms: percentile(lat, 99),
    stddev_frame_latency_ms: sd,
    mean_throughput_fps: fps.reduce((a, b) => a + b, 0) / Math.max(1, fps.length),
    peak_rss_mb_max: Math.max(...measured.map((p) => p.metrics.peak_rss_mb)),
    active_device: first?.active_device ?? "unknown",
    tensorflow_metal_active: false,
    runtime: first?.runtime,
    runtime_version: first?.runtime_version,
    execution_provider: first?.execution_provider ?? null,
  };
}

/** Runs the benchmark and writes (or prints) a BenchmarkResult. */
export async function runBenchmark(
  args: BenchmarkArgs,
  stdout: { write(s: string): unknown } = process.stdout,
): Promise<number> {
  if (!Number.isInteger(args.repeats) || args.repeats < 2)
    throw new UsageError(
      `--repeats must be an integer >= 2 (got ${args.repeats}); the first pass is a warm-up`,
    );
  if (!Number.isInteger(args["warmup-frames"]) || args["warmup-frames"] < 0)
    throw new UsageError("--warmup-frames must be an integer >= 0");
  const { settings, logger } = context(args);
  const device = (args.device ?? settings.device) as Device;
  const primary = await passes(device, args, settings, logger);
  const [warm, ...measured] = primary.passes;
  const agg = aggregate(measured, args["warmup-frames"]);
  let cpu_comparison: BenchmarkResultInput["cpu_comparison"] = null;
  if (args["compare-cpu"]) {
    if (primary.provider === "cpu")
      logger.warn("--compare-cpu: the primary run already ran on cpu; the comparison is cpu vs cpu");
    const cpu = await passes("cpu", args, settings, logger);
    const cpuAgg = aggregate(cpu.passes.slice(1), args["warmup-frames"]);
    const a = measured.at(-1)?.poses3d ?? [];
    const b = cpu.passes.at(-1)?.poses3d ?? [];
    let max = 0;
    const n = Math.min(a.length, b.length);
    for (let f = 0; f < n; f++) {
      const pa = a[f] ?? [];
      const pb = b[f] ?? [];
      for (let p = 0; p < Math.min(pa.length, pb.length); p++) {
        const ja = pa[p] ?? [];
        const jb = pb[p] ?? [];
        for (let j = 0; j < Math.min(ja.length, jb.length); j++) {
          for (let k = 0; k < 3; k++) max = Math.max(max, Math.abs((ja[j]?.[k] ?? 0) - (jb[j]?.[k] ?? 0)));
        }
      }
    }
    cpu_comparison = {
      primary_aggregate: agg,
      cpu_aggregate: cpuAgg,
      speedup: agg.mean_throughput_fps / cpuAgg.mean_throughput_fps,
      max_poses3d_divergence_mm: max,
      frame_count_compared: n,
    };
  }
  const result: BenchmarkResultInput = {
    video_name: basename(args.video),
    repeats: args.repeats,
    warmup_frames: args["warmup-frames"],
    warmup_pass: (warm as Pass).metrics,
    measured_passes: measured.map((p) => p.metrics),
    aggregate: agg,
    cpu_comparison,
  };
  if (args.output) {
    await saveBenchmarkResult(args.output, result);
    logger.info(`wrote ${args.output}`);
  } else stdout.write(stringifyJson(validateDocument("benchmark_result", result)));
  logger.info(
    `${agg.active_device}: ${agg.mean_throughput_fps.toFixed(1)} frames/s, latency p50 ${agg.p50_frame_latency_ms.toFixed(1)} ms p95 ${agg.p95_frame_latency_ms.toFixed(1)} ms, peak RSS ${agg.peak_rss_mb_max.toFixed(0)} MB${cpu_comparison ? `; speed-up vs cpu ${(cpu_comparison.speedup as number).toFixed(2)}x, max divergence ${cpu_comparison.max_poses3d_divergence_mm.toFixed(2)} mm` : ""}`,
  );
  return 0;
}
