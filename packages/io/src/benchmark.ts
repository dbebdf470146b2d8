import { z } from "zod";
import { count, float, nonNegative, schemaVersion } from "./_numbers.js";
import { ProvenanceSchema } from "./predictions.js";
import { CURRENT_VERSIONS } from "./versions.js";

const runtimeFields = {
  runtime: z.string().optional().describe("Inference runtime, e.g. 'onnxruntime-node'."),
  runtime_version: z.string().optional().describe("Version of the runtime."),
  execution_provider: z.string().nullable().optional().describe("Execution provider that actually ran."),
  tensorflow_version: z.string().optional().describe("TensorFlow version (files from the original)."),
};

/** Timing and resource use of one inference pass over one video. */
export const PerformanceMetricsSchema = z
  .strictObject({
    model_load_seconds: nonNegative()
      .nullable()
      .default(null)
      .describe("Model load time, s (null: not loaded)."),
    total_seconds: nonNegative().describe("Wall-clock time of the pass, s."),
    per_frame_latencies_ms: z
      .array(float())
      .default([])
      .describe("Per-frame inference latency, ms, in frame order (decode time excluded)."),
    peak_rss_mb: nonNegative().describe("Peak resident set size during the pass, MB."),
    active_device: z
      .string()
      .describe("Device the inference ran on, e.g. 'cpu', 'cuda:0' ('/CPU:0' originally)."),
    tensorflow_metal_active: z
      .boolean()
      .default(false)
      .describe("Original only: tensorflow-metal was active."),
    ...runtimeFields,
  })
  .describe("Timing and resource use of one inference pass.");

export type PerformanceMetrics = z.infer<typeof PerformanceMetricsSchema>;

/** Statistics over the measured passes of a benchmark (first pass and warm-up frames excluded). */
export const BenchmarkAggregateSchema = z
  .strictObject({
    repeats_measured: count().describe("Passes that contributed."),
    warmup_frames_per_pass: count().describe("Frames dropped from the head of each measured pass."),
    mean_frame_latency_ms: nonNegative(),
    p50_frame_latency_ms: nonNegative(),
    p95_frame_latency_ms: nonNegative(),
    p99_frame_latency_ms: nonNegative(),
    stddev_frame_latency_ms: nonNegative(),
    mean_throughput_fps: nonNegative(),
    peak_rss_mb_max: nonNegative().describe("Largest peak RSS over the measured passes, MB."),
    active_device: z.string(),
    tensorflow_metal_active: z.boolean().default(false),
    ...runtimeFields,
  })
  .describe("Latency/throughput statistics over measured benchmark passes.");

export type BenchmarkAggregate = z.infer<typeof BenchmarkAggregateSchema>;

/** A benchmark on the default device compared with the same run on CPU. */
export const CpuComparisonResultSchema = z
  .strictObject({
    primary_aggregate: BenchmarkAggregateSchema.describe("Aggregate of the default-device run."),
    cpu_aggregate: BenchmarkAggregateSchema.describe("Aggregate of the CPU run."),
    speedup: float().describe("primary mean throughput / CPU mean throughput."),
    max_poses3d_divergence_mm: nonNegative().describe("Largest |primary - CPU| over all poses3d values, mm."),
    frame_count_compared: count().describe("Frames compared."),
  })
  .describe("Default device vs CPU.");

export type CpuComparisonResult = z.infer<typeof CpuComparisonResultSchema>;

/** Result of a benchmark run (schema_version 3). */
export const BenchmarkResultSchema = z
  .strictObject({
    schema_version: schemaVersion(CURRENT_VERSIONS.benchmark_result),
    video_name: z.string().describe("Basename of the benchmarked video (no folders)."),
    repeats: z.int().gte(1, { error: "must be >= 1" }).describe("Passes run, including the warm-up pass."),
    warmup_frames: count().describe("Frames excluded from the head of each measured pass."),
    warmup_pass: PerformanceMetricsSchema.describe("First pass, excluded from the aggregate."),
    measured_passes: z.array(PerformanceMetricsSchema).describe("Passes 2..N."),
    aggregate: BenchmarkAggregateSchema,
    cpu_comparison: CpuComparisonResultSchema.nullable().default(null),
    provenance: ProvenanceSchema.nullable().default(null),
  })
  .describe("Result of a benchmark run.");

export type BenchmarkResult = z.infer<typeof BenchmarkResultSchema>;
export type BenchmarkResultInput = z.input<typeof BenchmarkResultSchema>;
