// The baseline runtime of the model benchmarks: the real TFLite runtime (XNNPACK) from the WASM build in
// @tensorflow/tfjs-tflite, one thread. Shared by benchmarks/convert and benchmarks/infer.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Loads `bytes` (a .tflite model) into the TFLite WASM runtime; returns its TFLiteWebModelRunner. */
export async function createTfliteRunner(bytes, { simd = true } = {}) {
  const js = require.resolve(`@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc${simd ? "_simd" : ""}.js`);
  const m = await require(js)({
    wasmBinary: readFileSync(js.replace(/\.js$/, ".wasm")),
    print() {},
    printErr() {},
  });
  const ptr = m._malloc(bytes.length);
  m.HEAPU8.set(bytes, ptr);
  const st = m.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, bytes.length, {
    numThreads: 1,
    enableProfiling: false,
    maxProfilingBufferEntries: 1024,
  });
  if (!st.ok()) throw new Error(st.errorMessage());
  return st.value();
}
