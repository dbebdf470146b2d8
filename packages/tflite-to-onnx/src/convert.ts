// convertTflite: options, liveness from the kept outputs, graph inputs/outputs, optional float16 weights and the
// report. The operator lowerings live in _lower/ (context.ts, one module per operator family, handlers.ts).
import { exactHalfBytes } from "./_fp16.js";
import { LoweringContext } from "./_lower/context.js";
import { HANDLERS } from "./_lower/handlers.js";
import { TO_NHWC } from "./_lower/tensor-data.js";
import { DT, encodeModel, type OnnxGraph, type OnnxValueInfo } from "./_onnx.js";
import { TfliteConversionError } from "./errors.js";
import { readTflite, type TfliteOperator } from "./read.js";

/**
 * Version of the converter's output, written into the ONNX `producer_version`. It changes whenever the ONNX
 * produced for a given input may change, so model caches should include it in their key.
 *
 * @example
 * ```ts
 * import { CONVERTER_VERSION } from "@neuropose/tflite-to-onnx";
 * const sourceSha256 = "9f86d081884c7d65"; // the .tflite file's hash
 * const cacheKey = `${sourceSha256}-${CONVERTER_VERSION}`;
 * ```
 */
export const CONVERTER_VERSION = "0.1.0";

/** Options of {@link convertTflite}. */
export interface ConvertOptions {
  /** Store weights as float16 (with a Cast to float32 in the graph) when that is lossless. Default false. */
  float16Weights?: boolean;
  /** Keep only these outputs (TFLite output tensor names) and the operators they need. Default: all. */
  keepOutputs?: string[];
  /** Batch dimension of the inputs and outputs: "symbolic" (dim_param "batch", the default) or a fixed size. */
  batch?: "symbolic" | number;
  /** ONNX opset, 13 (default) to 21. */
  opset?: number;
}

/** One graph input or output of the converted model. */
export interface TensorInfo {
  name: string;
  /** Shape with the batch dimension as "batch" (symbolic) or a number. */
  shape: (number | string)[];
  type: "float32";
  /** "NHWC" for 4-D tensors (kept as in TFLite), "plain" otherwise. */
  layout: "NHWC" | "plain";
}

/** What the conversion did. Deterministic for the same input and options. */
export interface ConvertReport {
  /** TFLite operators of the main subgraph, by name. */
  sourceOperators: Record<string, number>;
  /** TFLite operators lowered to ONNX nodes. */
  loweredOperators: number;
  /** Constant operators folded into initialisers. */
  folded: { dequantize: number; densify: number };
  /** TFLite operators dropped because no kept output needs them. */
  prunedOperators: number;
  /** ONNX nodes by op type. */
  onnxOperators: Record<string, number>;
  onnxNodes: number;
  initializers: number;
  /** Bytes of initialiser data. */
  weightBytes: number;
  /** Initialisers stored as float16. */
  float16Initializers: number;
  opset: number;
  irVersion: number;
  batch: "symbolic" | number;
}

/** The result of {@link convertTflite}. */
export interface ConvertResult {
  /** The serialised ONNX ModelProto. */
  onnx: Uint8Array;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  report: ConvertReport;
}

function irVersionFor(opset: number): number {
  if (opset <= 13) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

function optionsError(message: string): never {
  throw new TfliteConversionError("E_TFLITE_OPTIONS", message, {}, { hint: "see the ConvertOptions docs" });
}

/**
 * TFLite operators that {@link convertTflite} lowers (DEQUANTIZE and DENSIFY only on constants).
 *
 * @example
 * ```ts
 * import { SUPPORTED_OPERATORS } from "@neuropose/tflite-to-onnx";
 * console.log(SUPPORTED_OPERATORS.includes("DEPTH_TO_SPACE")); // true
 * ```
 */
export const SUPPORTED_OPERATORS: readonly string[] = Object.keys(HANDLERS).sort();

function batchDims(shape: number[], batch: "symbolic" | number): (number | string)[] {
  if (shape.length === 0) return [];
  return [batch === "symbolic" ? "batch" : batch, ...shape.slice(1)];
}

/**
 * Convert a TensorFlow Lite model (float32 activations; float16/int8 constant weights are folded) to ONNX.
 * Inputs and outputs keep their TFLite names and NHWC layout; inside, the graph runs NCHW with one
 * Transpose after each 4-D input and before each 4-D output. The result is deterministic: the same bytes
 * and options give byte-identical ONNX. Any operator or option it cannot lower exactly throws a
 * {@link TfliteConversionError} naming the operator, its index and tensor.
 *
 * @throws TfliteConversionError `E_TFLITE_PARSE`, `E_TFLITE_UNSUPPORTED_OP`, `E_TFLITE_UNSUPPORTED_OPTION`,
 *   `E_TFLITE_OUTPUT` or `E_TFLITE_OPTIONS`.
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { createRequire } from "node:module";
 * import { convertTflite } from "@neuropose/tflite-to-onnx";
 * const dir = createRequire(import.meta.url).resolve("@mediapipe/pose/package.json").replace(/package\.json$/, "");
 * const { onnx, inputs, outputs, report } = convertTflite(readFileSync(`${dir}pose_landmark_lite.tflite`), {
 *   keepOutputs: ["Identity", "Identity_1", "Identity_4"],
 * });
 * console.log(onnx.length, inputs[0].shape, outputs.map((o) => o.name), report.onnxNodes);
 * ```
 */
export function convertTflite(tflite: Uint8Array, options: ConvertOptions = {}): ConvertResult {
  const opset = options.opset ?? 13;
  if (!Number.isInteger(opset) || opset < 13 || opset > 21)
    optionsError(`opset must be 13..21, got ${opset}`);
  const batch = options.batch ?? "symbolic";
  if (batch !== "symbolic" && !(Number.isInteger(batch) && batch >= 1))
    optionsError(`batch must be "symbolic" or a positive integer, got ${String(batch)}`);

  const model = readTflite(tflite);
  const sg = model.subgraphs[0];
  if (!sg) throw new TfliteConversionError("E_TFLITE_PARSE", "the model has no subgraph");

  // Outputs to keep.
  let outputs = sg.outputs;
  if (options.keepOutputs) {
    const byName = new Map(sg.outputs.map((i) => [sg.tensors[i]?.name, i]));
    if (options.keepOutputs.length === 0) optionsError("keepOutputs must name at least one output");
    outputs = options.keepOutputs.map((n) => {
      const i = byName.get(n);
      if (i === undefined) {
        throw new TfliteConversionError(
          "E_TFLITE_OUTPUT",
          `unknown output "${n}"`,
          { subgraph: 0 },
          {
            hint: `outputs: ${[...byName.keys()].join(", ")}`,
          },
        );
      }
      return i;
    });
    outputs = sg.outputs.filter((i) => outputs.includes(i)); // model order
  }

  // Liveness: the operators the kept outputs need.
  const needed = new Set<number>(outputs);
  const live: TfliteOperator[] = [];
  for (let k = sg.operators.length - 1; k >= 0; k--) {
    const op = sg.operators[k];
    if (op.outputs.some((o) => needed.has(o))) {
      live.push(op);
      for (const i of op.inputs) if (i >= 0) needed.add(i);
    }
  }
  live.reverse();

  const c = new LoweringContext(sg, outputs, HANDLERS);
  const inputs: TensorInfo[] = [];
  for (const i of sg.inputs) {
    const t = sg.tensors[i];
    if (!t)
      throw new TfliteConversionError("E_TFLITE_PARSE", `input tensor #${i} out of range`, { subgraph: 0 });
    if (t.type !== "FLOAT32") {
      throw new TfliteConversionError(
        "E_TFLITE_UNSUPPORTED_OPTION",
        `graph input of type ${t.type} (only float32)`,
        { subgraph: 0, tensor: `"${t.name}" (#${i})` },
      );
    }
    if (!needed.has(i)) continue;
    if (t.shape.slice(1).some((d) => !(d > 0))) {
      throw new TfliteConversionError(
        "E_TFLITE_UNSUPPORTED_OPTION",
        "graph input with dynamic non-batch dims",
        {
          subgraph: 0,
          tensor: `"${t.name}" (#${i})`,
        },
      );
    }
    c.vals.set(i, { name: t.name, layout: "NHWC" });
    inputs.push({
      name: t.name,
      shape: batchDims(t.shape, batch),
      type: "float32",
      layout: t.shape.length === 4 ? "NHWC" : "plain",
    });
  }

  for (const op of live) c.lower(op);

  // Outputs back in TFLite layout and names.
  const outInfos: TensorInfo[] = [];
  const seen = new Set<string>(inputs.map((x) => x.name));
  for (const i of outputs) {
    const t = sg.tensors[i];
    if (seen.has(t.name)) {
      throw new TfliteConversionError("E_TFLITE_UNSUPPORTED_OPTION", "duplicate graph input/output name", {
        subgraph: 0,
        tensor: `"${t.name}" (#${i})`,
      });
    }
    seen.add(t.name);
    const v = c.vals.get(i);
    if (!v) {
      throw new TfliteConversionError(
        "E_TFLITE_UNSUPPORTED_OPTION",
        "graph output is not computed by any operator",
        {
          subgraph: 0,
          tensor: `"${t.name}" (#${i})`,
        },
      );
    }
    if (v.layout === "NCHW" && t.shape.length === 4) {
      c.g.node("Transpose", `transpose_output_${i}`, [v.name], [t.name], [["perm", TO_NHWC]]);
    } else if (v.name !== t.name) {
      c.g.node("Identity", `output_${i}`, [v.name], [t.name]);
    }
    outInfos.push({
      name: t.name,
      shape: batchDims(t.shape, batch),
      type: "float32",
      layout: t.shape.length === 4 ? "NHWC" : "plain",
    });
  }

  // Optional float16 storage of weights (only where lossless), cast back to float32 up front.
  let f16 = 0;
  if (options.float16Weights) {
    const casts: OnnxGraph["nodes"] = [];
    for (const init of [...c.g.inits.values()]) {
      if (init.dataType !== DT.FLOAT || init.dims.length === 0) continue;
      const f = new Float32Array(init.raw.buffer, init.raw.byteOffset, init.raw.byteLength / 4);
      const half = exactHalfBytes(f);
      if (!half) continue;
      const name = `${init.name}_fp16`;
      c.g.inits.delete(init.name);
      c.g.setInit({ name, dims: init.dims, dataType: DT.FLOAT16, raw: half });
      casts.push({
        opType: "Cast",
        name: c.g.uniqueName(`cast_${init.name}`),
        inputs: [name],
        outputs: [init.name],
        attrs: [["to", DT.FLOAT]],
      });
      f16++;
    }
    c.g.nodes.unshift(...casts);
  }

  const sourceOperators: Record<string, number> = {};
  for (const op of sg.operators) sourceOperators[op.opName] = (sourceOperators[op.opName] ?? 0) + 1;
  const onnxOperators: Record<string, number> = {};
  for (const n of c.g.nodes) onnxOperators[n.opType] = (onnxOperators[n.opType] ?? 0) + 1;
  let weightBytes = 0;
  for (const init of c.g.inits.values()) weightBytes += init.raw.byteLength;

  const vi = (t: TensorInfo): OnnxValueInfo => ({ name: t.name, dims: t.shape });
  const irVersion = irVersionFor(opset);
  const onnx = encodeModel(c.g, {
    graphName: sg.name || "tflite_main",
    opset,
    irVersion,
    producerVersion: CONVERTER_VERSION,
    docString: "converted from TensorFlow Lite by @neuropose/tflite-to-onnx",
    inputs: inputs.map(vi),
    outputs: outInfos.map(vi),
    metadata: [
      ["source_format", "tflite"],
      ["source_description", model.description],
      ["layout", "NHWC at inputs/outputs, NCHW inside"],
    ],
  });

  return {
    onnx,
    inputs,
    outputs: outInfos,
    report: {
      sourceOperators,
      loweredOperators: c.lowered - c.folded.dequantize - c.folded.densify,
      folded: { ...c.folded },
      prunedOperators: sg.operators.length - live.length,
      onnxOperators,
      onnxNodes: c.g.nodes.length,
      initializers: c.g.inits.size,
      weightBytes,
      float16Initializers: f16,
      opset,
      irVersion,
      batch,
    },
  };
}
