// Test helper: the real TFLite runtime (XNNPACK, 1 thread), the WASM build shipped in @tensorflow/tfjs-tflite,
// loaded by config/tflite-runtime.mjs as the benchmarks load it, as an oracle for the converted ONNX models
// (tflite-to-onnx's fidelity tests, infer's whole-pipeline test).
// @tensorflow/tfjs-tflite is a devDependency of the calling package, so it is resolved from the caller's file
// (`from: import.meta.url`), not from this folder. Import it relatively, e.g. `../../../config/tflite-oracle.js`.
import { createTfliteRunner, type TfliteTensor, type TfliteVector } from "./tflite-runtime.mjs";

/** An open TFLite model: inputs and outputs in model order. */
export interface TfliteModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Copies `inputs[i]` into input i (an undefined entry leaves that input as it was), invokes, copies the outputs out. */
  run(inputs: readonly (Float32Array | undefined)[]): Float32Array[];
}

export interface OpenTfliteOptions {
  /** `import.meta.url` of a file in the package that depends on @tensorflow/tfjs-tflite. */
  from: string;
  /** Use the SIMD build of the runtime (tflite_web_api_cc_simd.wasm); default false (tflite_web_api_cc.wasm). */
  simd?: boolean;
}

/** The tensors of a native vector, in order (the vector itself is freed). */
function tensors(v: TfliteVector): TfliteTensor[] {
  const out: TfliteTensor[] = [];
  for (let i = 0; i < v.size(); i++) out.push(v.get(i));
  v.delete();
  return out;
}

/** Opens .tflite model bytes in the TFLite WASM runtime (1 thread, XNNPACK). */
export async function openTflite(model: Uint8Array, options: OpenTfliteOptions): Promise<TfliteModel> {
  const runner = await createTfliteRunner(model, options);
  return {
    inputNames: tensors(runner.GetInputs()).map((t) => t.name),
    outputNames: tensors(runner.GetOutputs()).map((t) => t.name),
    run(inputs) {
      tensors(runner.GetInputs()).forEach((t, i) => {
        const x = inputs[i];
        if (x) t.data().set(x);
      });
      if (!runner.Infer()) throw new Error("TFLite Infer() failed");
      return tensors(runner.GetOutputs()).map((t) => Float32Array.from(t.data()));
    },
  };
}
