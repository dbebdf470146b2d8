// benchmarks/convert: converting the four BlazePose TFLite models to ONNX with @neuropose/tflite-to-onnx
// (time, size fp32 vs fp16), then per-frame model time of the converted ONNX in onnxruntime-node (CPU,
// 1 thread) as a ratio against the baseline: the real TFLite runtime (WASM, XNNPACK, 1 thread) on the same
// input in the same process. Also prints the max |ONNX - TFLite| per output on that input.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertTflite } from "@neuropose/tflite-to-onnx";
import { createTfliteRunner } from "../../config/tflite-runtime.mjs";

const here = dirname(fileURLToPath(import.meta.url));
// onnxruntime-node and @mediapipe/pose are devDependencies of the converter package: resolve them there.
const pkgRequire = createRequire(join(here, "..", "..", "packages", "tflite-to-onnx", "package.json"));
const ort = pkgRequire("onnxruntime-node");
const poseDir = dirname(pkgRequire.resolve("@mediapipe/pose/package.json"));

const MODELS = {
  detector: ["pose_solution_packed_assets.data", 224, -1, 1],
  lite: ["pose_landmark_lite.tflite", 256, 0, 1],
  full: ["pose_landmark_full.tflite", 256, 0, 1],
  heavy: ["pose_landmark_heavy.tflite", 256, 0, 1],
};
const ITER = Number(process.env.BENCH_ITER ?? 10);
// The SIMD build of the TFLite WASM runtime is the fair baseline (NEUROPOSE_BENCH_TFLITE_SIMD=0 for the plain one).
const SIMD = process.env.NEUROPOSE_BENCH_TFLITE_SIMD !== "0";

async function tfliteRunner(bytes) {
  const r = await createTfliteRunner(bytes, { from: import.meta.url, simd: SIMD });
  const vec = (v) => {
    const out = [];
    for (let i = 0; i < v.size(); i++) out.push(v.get(i));
    v.delete();
    return out;
  };
  return {
    run(x) {
      vec(r.GetInputs())[0].data().set(x);
      r.Infer();
      return vec(r.GetOutputs()).map((t) => ({ name: t.name, data: Float32Array.from(t.data()) }));
    },
  };
}

function noise(n, lo, hi) {
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = lo + (s / 2 ** 32) * (hi - lo);
  }
  return x;
}

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

for (const [name, [file, side, lo, hi]] of Object.entries(MODELS)) {
  let bytes = readFileSync(join(poseDir, file));
  if (name === "detector") bytes = bytes.subarray(0, 2962288);
  let t0 = performance.now();
  const fp32 = convertTflite(bytes);
  const convMs = performance.now() - t0;
  t0 = performance.now();
  const fp16 = convertTflite(bytes, { float16Weights: true });
  const conv16Ms = performance.now() - t0;
  console.log(
    `${name}: tflite ${(bytes.length / 1e6).toFixed(2)} MB -> onnx fp32 ${(fp32.onnx.length / 1e6).toFixed(2)} MB ` +
      `(${convMs.toFixed(0)} ms), fp16 weights ${(fp16.onnx.length / 1e6).toFixed(2)} MB (${conv16Ms.toFixed(0)} ms)`,
  );

  const x = noise(side * side * 3, lo, hi);
  const tfl = await tfliteRunner(bytes);
  const session = await ort.InferenceSession.create(fp32.onnx, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const feeds = { input_1: new ort.Tensor("float32", x, [1, side, side, 3]) };
  let ref = tfl.run(x);
  let got = await session.run(feeds);
  const tTfl = [];
  const tOrt = [];
  for (let i = 0; i < ITER; i++) {
    t0 = performance.now();
    ref = tfl.run(x);
    tTfl.push(performance.now() - t0);
    t0 = performance.now();
    got = await session.run(feeds);
    tOrt.push(performance.now() - t0);
  }
  const errs = ref.map(({ name: o, data }) => {
    const a = got[o].data;
    let e = 0;
    for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - data[i]));
    return `${o} ${e.toExponential(1)}`;
  });
  const b = median(tTfl);
  const o = median(tOrt);
  console.log(
    `  per frame (median of ${ITER}): tflite-wasm${SIMD ? "-simd" : ""} ${b.toFixed(1)} ms (baseline), onnxruntime-node ${o.toFixed(1)} ms ` +
      `-> ${(b / o).toFixed(2)}x; max |diff| ${errs.join(", ")}`,
  );
  if (name !== "detector") {
    // What the pose pipeline needs: landmarks, pose flag, world landmarks (segmentation and heatmap pruned).
    const pruned = convertTflite(bytes, { keepOutputs: ["Identity", "Identity_1", "Identity_4"] });
    const ps = await ort.InferenceSession.create(pruned.onnx, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    await ps.run(feeds);
    const tP = [];
    for (let i = 0; i < ITER; i++) {
      t0 = performance.now();
      await ps.run(feeds);
      tP.push(performance.now() - t0);
    }
    const p = median(tP);
    console.log(
      `  keepOutputs [Identity, Identity_1, Identity_4]: onnxruntime-node ${p.toFixed(1)} ms -> ${(b / p).toFixed(2)}x baseline, ` +
        `${(o / p).toFixed(2)}x all outputs (${pruned.report.prunedOperators} TFLite operators pruned)`,
    );
  }
}
