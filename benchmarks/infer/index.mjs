// benchmarks/infer: the whole video → pose pipeline of @neuropose/infer (BlazePose lite/full/heavy, ONNX
// Runtime on CPU) with per-stage latency (decode = waiting for the next frame, preprocess, model,
// postprocess) and end-to-end frames/s, beside the baseline: the same pipeline and the same frames with the
// models run by the real TFLite runtime (WASM build in @tensorflow/tfjs-tflite, XNNPACK, 1 thread).
// Targets (issue 5): ONNX end-to-end frames/s >= TFLite-WASM model-only frames/s, and lite at 720p > 30 fps.
// Clip: a 1280x720 H.264 transcode of the first frames of ../shared/fixtures/videos/sports2d_demo.mp4 (two
// people; run with --max-people 1 here), or NEUROPOSE_BENCH_VIDEO=<file>. NEUROPOSE_BENCH_FRAMES (default 90).
// Columns: ms per frame per stage (wall clock), end-to-end and model-only frames/s, this process's CPU ms per
// frame (ffmpeg's decoding runs in its own process and is not included), model runs per frame.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createBlazePose,
  inferVideo,
  MODEL_REGISTRY,
  probeVideo,
  readModelSource,
  resolveFfmpeg,
} from "@neuropose/infer";
import { loadSettings } from "@neuropose/io";
import { createTfliteRunner } from "../../config/tflite-runtime.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const FRAMES = Number(process.env.NEUROPOSE_BENCH_FRAMES ?? 90);
const VARIANTS = (process.env.NEUROPOSE_BENCH_MODELS ?? "lite,full,heavy").split(",");
const cacheDir = join(tmpdir(), "neuropose-bench-models");
const settings = loadSettings(); // ffmpeg/ffprobe paths (NEUROPOSE_FFMPEG_PATH, config file), as the CLI reads them
const tools = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath });

async function tfliteRunner(bytes) {
  const r = await createTfliteRunner(bytes, { from: import.meta.url, simd: true });
  const names = (v) => Array.from({ length: v.size() }, (_, i) => v.get(i).name);
  const inputNames = names(r.GetInputs());
  const outputNames = names(r.GetOutputs());
  return {
    provider: "tflite-wasm",
    inputNames,
    outputNames,
    async run(feeds, outputs) {
      r.GetInputs().get(0).data().set(Object.values(feeds)[0].data);
      r.Infer();
      const o = r.GetOutputs();
      const out = {};
      outputNames.forEach((n, i) => {
        if (!outputs || outputs.includes(n)) out[n] = o.get(i).data().slice();
      });
      return out;
    },
    async dispose() {},
  };
}

function clip() {
  if (process.env.NEUROPOSE_BENCH_VIDEO) return { path: process.env.NEUROPOSE_BENCH_VIDEO, cleanup() {} };
  const src = join(here, "..", "..", "..", "shared", "fixtures", "videos", "sports2d_demo.mp4");
  if (!existsSync(src)) {
    console.log(`skipped: ${src} is absent (clone ../shared beside the repo, or set NEUROPOSE_BENCH_VIDEO)`);
    process.exit(0);
  }
  const dir = mkdtempSync(join(tmpdir(), "np-bench-infer-"));
  const path = join(dir, "clip720p.mp4");
  execFileSync(tools.ffmpeg, [
    "-v",
    "error",
    "-y",
    "-i",
    src,
    "-frames:v",
    String(FRAMES),
    "-vf",
    "scale=1280:720",
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "18",
    "-an",
    path,
  ]);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const ms = (v, n) => (v / n).toFixed(2).padStart(7);
function row(label, s) {
  const n = s.frames;
  const st = s.stageMs;
  return `${label.padEnd(22)} ${ms(st.decode, n)} ${ms(st.preprocess, n)} ${ms(st.model, n)} ${ms(st.postprocess, n)} ${s.fps.toFixed(1).padStart(8)} ${(1000 / (st.model / n)).toFixed(1).padStart(9)} ${ms(s.cpuMs, n)} ${((st.modelRuns ?? 0) / n).toFixed(2).padStart(6)}`;
}

/** Runs the pipeline and adds this process's CPU time (user + system, ms; ffmpeg's decoding not included). */
async function timed(adapter, path, info) {
  const c0 = process.cpuUsage();
  const { stats } = await inferVideo(path, { adapter, tools, info });
  const c = process.cpuUsage(c0);
  return { ...stats, cpuMs: (c.user + c.system) / 1000 };
}

const { path, cleanup } = clip();
try {
  const info = await probeVideo(path, tools);
  console.log(
    `clip ${info.width}x${info.height}, ${info.frameCount} frames; ${cpus().length} CPU cores; node ${process.versions.node}`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} (wall-clock numbers are only comparable within one run)`,
  );
  console.log(
    `per frame, ms:         decode  preproc    model  postproc  e2e fps  model fps  node cpu  runs`,
  );
  const detBytes = readModelSource(MODEL_REGISTRY.pose_detection).bytes;
  for (const v of VARIANTS) {
    const onnx = await createBlazePose({ variant: v, cacheDir, device: "cpu" });
    await inferVideo(path, { adapter: onnx, tools, info, maxFrames: 5 }); // warm-up
    const a = await timed(onnx, path, info);
    await onnx.dispose();
    const tfl = await createBlazePose({
      runners: {
        detector: await tfliteRunner(detBytes),
        landmark: await tfliteRunner(readModelSource(MODEL_REGISTRY[`pose_landmark_${v}`]).bytes),
      },
    });
    await inferVideo(path, { adapter: tfl, tools, info, maxFrames: 5 });
    const b = await timed(tfl, path, info);
    console.log(row(`${v} onnxruntime cpu`, a));
    console.log(row(`${v} tflite-wasm (base)`, b));
    const tfliteModelFps = 1000 / (b.stageMs.model / b.frames);
    console.log(
      `  ${v}: e2e ${a.fps.toFixed(1)} fps = ${(a.fps / tfliteModelFps).toFixed(2)}x TFLite-WASM model-only (${tfliteModelFps.toFixed(1)} fps); ` +
        `model ${(b.stageMs.model / b.frames / (a.stageMs.model / a.frames)).toFixed(2)}x faster; e2e ${(a.fps / b.fps).toFixed(2)}x` +
        (v === "lite" ? `; real time (30 fps) at ${info.height}p: ${a.fps >= 30 ? "yes" : "NO"}` : ""),
    );
  }
  console.log(
    `peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (frames are streamed; the queue holds at most 4)`,
  );
} finally {
  cleanup();
}
