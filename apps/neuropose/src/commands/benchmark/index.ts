import type { CommandModule } from "yargs";
import { lazyRun, modelOptions, outputOption } from "../_shared/options.js";

/** `neuropose benchmark VIDEO`: latency and throughput of the pipeline → BenchmarkResult JSON. */
export const benchmarkCommand: CommandModule = {
  command: "benchmark <video>",
  describe:
    "time the pose pipeline on a video: latency mean/p50/p95/p99, frames/s, peak RSS (BenchmarkResult)",
  builder: (y) =>
    outputOption(
      modelOptions(y)
        .positional("video", { type: "string", demandOption: true })
        .option("repeats", { type: "number", default: 3, describe: "passes (>= 2; the first is a warm-up)" })
        .option("warmup-frames", {
          type: "number",
          default: 5,
          describe: "frames dropped from the head of each pass",
        })
        .option("max-frames", { type: "number", describe: "frames per pass (default: the whole video)" })
        .option("compare-cpu", {
          type: "boolean",
          default: false,
          describe: "also run on CPU: speed-up and max 3D divergence (mm)",
        }),
      "write the BenchmarkResult JSON here (default: stdout)",
    ),
  handler: lazyRun(async () => (await import("./run.js")).runBenchmark),
};
