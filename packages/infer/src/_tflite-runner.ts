// A TensorRunner backed by the real TFLite runtime compiled to WASM (@tensorflow/tfjs-tflite, a
// devDependency). Used by tests (and mirrored in benchmarks/infer) to run the pipeline on the original
// .tflite models, as an oracle for the converted ONNX. Not part of the public API.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FloatInput, TensorRunner } from "./runtime.js";

const require = createRequire(import.meta.url);

interface TfliteTensor {
  name: string;
  data(): Float32Array;
}
interface TfliteVector {
  size(): number;
  get(i: number): TfliteTensor;
}
interface TfliteModule {
  _malloc(n: number): number;
  HEAPU8: Uint8Array;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(
      ptr: number,
      len: number,
      o: object,
    ): { ok(): boolean; value(): TfliteRunnerNative; errorMessage(): string };
  };
}
interface TfliteRunnerNative {
  GetInputs(): TfliteVector;
  GetOutputs(): TfliteVector;
  Infer(): boolean;
}

let modulePromise: Promise<TfliteModule> | undefined;

function loadModule(): Promise<TfliteModule> {
  if (!modulePromise) {
    const dir = join(dirname(require.resolve("@tensorflow/tfjs-tflite/package.json")), "wasm");
    const wasmBinary = readFileSync(join(dir, "tflite_web_api_cc_simd.wasm"));
    const factory = require(join(dir, "tflite_web_api_cc_simd.js")) as (o: object) => Promise<TfliteModule>;
    modulePromise = factory({ wasmBinary, print: () => {}, printErr: () => {} });
  }
  return modulePromise;
}

/** Opens a .tflite model in the TFLite WASM runtime (1 thread, XNNPACK). */
export async function createTfliteRunner(tflite: Uint8Array): Promise<TensorRunner> {
  const mod = await loadModule();
  const ptr = mod._malloc(tflite.length);
  mod.HEAPU8.set(tflite, ptr);
  const res = mod.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, tflite.length, {
    numThreads: 1,
    enableProfiling: false,
    maxProfilingBufferEntries: 1024,
  });
  if (!res.ok()) throw new Error(`TFLite: ${res.errorMessage()}`);
  const runner = res.value();
  const ins = runner.GetInputs();
  const outs = runner.GetOutputs();
  const inputNames = Array.from({ length: ins.size() }, (_, i) => ins.get(i).name);
  const outputNames = Array.from({ length: outs.size() }, (_, i) => outs.get(i).name);
  return {
    provider: "tflite-wasm",
    inputNames,
    outputNames,
    async run(feeds: Record<string, FloatInput>, outputs?: readonly string[]) {
      for (let i = 0; i < inputNames.length; i++) {
        const f = feeds[inputNames[i]!] ?? Object.values(feeds)[i];
        if (f) runner.GetInputs().get(i).data().set(f.data);
      }
      runner.Infer();
      const o = runner.GetOutputs();
      const out: Record<string, Float32Array> = {};
      for (let i = 0; i < outputNames.length; i++) {
        const name = outputNames[i]!;
        if (!outputs || outputs.includes(name)) out[name] = o.get(i).data().slice();
      }
      return out;
    },
    async dispose() {},
  };
}
