// Test/benchmark helper: the real TFLite runtime (XNNPACK, 1 thread), the WASM build shipped in
// @tensorflow/tfjs-tflite. Plain JavaScript so that the model benchmarks (benchmarks/convert, benchmarks/infer) and
// the vitest oracle (config/tflite-oracle.ts) load models the same way; types in tflite-runtime.d.mts.
// @tensorflow/tfjs-tflite is the caller's dependency: it is resolved from the caller's file (`from: import.meta.url`).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** One instantiated runtime per WASM build (its models share the module's heap). */
const modules = new Map();

function loadModule({ from, simd = false }) {
  const require = createRequire(from);
  const js = require.resolve(
    `@tensorflow/tfjs-tflite/wasm/${simd ? "tflite_web_api_cc_simd" : "tflite_web_api_cc"}.js`,
  );
  let mod = modules.get(js);
  if (!mod) {
    const wasmBinary = readFileSync(js.replace(/\.js$/, ".wasm"));
    mod = require(js)({ wasmBinary, print: () => {}, printErr: () => {} });
    modules.set(js, mod);
  }
  return mod;
}

/** Loads .tflite model bytes into the runtime (1 thread); returns its native TFLiteWebModelRunner. */
export async function createTfliteRunner(model, options) {
  const m = await loadModule(options);
  const ptr = m._malloc(model.length);
  m.HEAPU8.set(model, ptr);
  const status = m.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, model.length, {
    numThreads: 1,
    enableProfiling: false,
    maxProfilingBufferEntries: 1024,
  });
  if (!status.ok()) throw new Error(`TFLite runtime refused the model: ${status.errorMessage()}`);
  return status.value();
}
