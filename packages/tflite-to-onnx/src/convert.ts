import { densifyIndices } from "./_densify.js";
import { exactHalfBytes, halfBytesToFloat32 } from "./_fp16.js";
import { DT, encodeModel, type OnnxGraph as Graph, OnnxGraph, type OnnxValueInfo } from "./_onnx.js";
import { OPTIONS } from "./_schema.js";
import { TfliteConversionError, type TfliteLocation } from "./errors.js";
import { readTflite, type TfliteOperator, type TfliteSubgraph, type TfliteTensor } from "./read.js";

/**
 * Version of the converter's output, written into the ONNX `producer_version`. It changes whenever the ONNX
 * produced for a given input may change, so model caches should include it in their key.
 *
 * @example
 * ```ts
 * import { CONVERTER_VERSION } from "@neuropose/tflite-to-onnx";
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

type Layout = "NCHW" | "NHWC";
type ConstData =
  | Float32Array
  | Int32Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | BigInt64Array;
interface Const {
  /** TFLite type name of the data ("FLOAT16" data is raw binary16 in a Uint16Array). */
  type: string;
  shape: number[];
  data: ConstData;
}
interface Value {
  name: string;
  layout: Layout;
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const NHWC_AXIS_IN_NCHW = [0, 2, 3, 1];

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Transpose a row-major array of `shape` by `perm` (out dim i = in dim perm[i]). */
function transposeData<T extends ConstData>(data: T, shape: number[], perm: number[]): T {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  const permStrides = perm.map((p) => inStrides[p]);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < data.length; o++) {
    (out as unknown as number[])[o] = (data as unknown as number[])[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += permStrides[d];
      if (idx[d] < outShape[d]) break;
      src -= permStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** True when `perm` only moves size-1 dimensions (so the transpose is a reshape). */
function trivialPerm(shape: number[], perm: number[]): boolean {
  const moved = perm.map((p) => p).filter((p) => shape[p] !== 1);
  for (let i = 1; i < moved.length; i++) if (moved[i] < moved[i - 1]) return false;
  return true;
}

function readConstData(t: TfliteTensor): Const | null {
  if (!t.data) return null;
  const n = numel(t.shape);
  const b = t.data;
  const copy = (bytesPer: number) => {
    if (b.length !== n * bytesPer) {
      throw new TfliteConversionError(
        "E_TFLITE_PARSE",
        `constant tensor has ${b.length} bytes, expected ${n * bytesPer} for shape [${t.shape}]`,
        { tensor: `"${t.name}" (#${t.index})` },
      );
    }
    return new Uint8Array(b).buffer; // aligned copy
  };
  switch (t.type) {
    case "FLOAT32":
      return { type: t.type, shape: t.shape, data: new Float32Array(copy(4)) };
    case "FLOAT16":
      return { type: t.type, shape: t.shape, data: new Uint16Array(copy(2)) };
    case "INT32":
      return { type: t.type, shape: t.shape, data: new Int32Array(copy(4)) };
    case "INT64":
      return { type: t.type, shape: t.shape, data: new BigInt64Array(copy(8)) };
    case "INT8":
      return { type: t.type, shape: t.shape, data: new Int8Array(copy(1)) };
    case "UINT8":
      return { type: t.type, shape: t.shape, data: new Uint8Array(copy(1)) };
    case "INT16":
      return { type: t.type, shape: t.shape, data: new Int16Array(copy(2)) };
    default:
      return null;
  }
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

class Converter {
  readonly g: Graph = new OnnxGraph();
  readonly vals = new Map<number, Value>();
  readonly layoutCache = new Map<string, string>();
  readonly consts = new Map<number, Const>();
  readonly outputSet: Set<number>;
  folded = { dequantize: 0, densify: 0 };
  lowered = 0;
  op: TfliteOperator | null = null;

  constructor(
    readonly sg: TfliteSubgraph,
    outputs: number[],
  ) {
    this.outputSet = new Set(outputs);
  }

  // ---- errors -------------------------------------------------------------------------------------------

  loc(tensor?: number): TfliteLocation {
    const t = tensor !== undefined && tensor >= 0 ? this.sg.tensors[tensor] : undefined;
    return {
      subgraph: this.sg.index,
      operator: this.op?.index,
      op: this.op?.opName,
      tensor: t ? `"${t.name}" (#${t.index})` : undefined,
    };
  }

  unsupportedOption(message: string, tensor?: number): never {
    throw new TfliteConversionError(
      "E_TFLITE_UNSUPPORTED_OPTION",
      `${this.op?.opName ?? "model"}: ${message}`,
      this.loc(tensor ?? this.op?.outputs[0]),
      { hint: "this converter lowers the operators and options of the MediaPipe BlazePose models" },
    );
  }

  // ---- tensors ------------------------------------------------------------------------------------------

  tensor(i: number): TfliteTensor {
    const t = this.sg.tensors[i];
    if (!t) this.unsupportedOption(`tensor index ${i} is out of range`);
    return t;
  }

  /** The constant value of tensor i (folded or stored), or null for activations. */
  constOf(i: number): Const | null {
    const c = this.consts.get(i);
    if (c) return c;
    const t = this.tensor(i);
    if (t.sparsity) return null; // needs DENSIFY
    const d = readConstData(t);
    if (d) this.consts.set(i, d);
    return d;
  }

  isConst(i: number): boolean {
    return this.consts.has(i) || this.tensor(i).data !== null;
  }

  constF32(i: number, what: string): Const & { data: Float32Array } {
    const c = this.constOf(i);
    if (!c) {
      if (this.tensor(i).sparsity)
        this.unsupportedOption(`${what} is a sparse tensor not densified by DENSIFY`, i);
      this.unsupportedOption(`${what} must be a constant (it is computed at run time)`, i);
    }
    if (c.type !== "FLOAT32")
      this.unsupportedOption(`${what} must be float32 (or float16 folded by DEQUANTIZE), got ${c.type}`, i);
    return c as Const & { data: Float32Array };
  }

  constInts(i: number, what: string): number[] {
    const c = this.constOf(i);
    if (!c) this.unsupportedOption(`${what} must be a constant`, i);
    if (c.type !== "INT32" && c.type !== "INT64") this.unsupportedOption(`${what} must be int32/int64`, i);
    return Array.from(c.data as ArrayLike<number | bigint>, (v) => Number(v));
  }

  shapeOf(i: number): number[] {
    return this.tensor(i).shape;
  }

  value(i: number): Value {
    const v = this.vals.get(i);
    if (v) return v;
    if (this.isConst(i)) {
      // A constant used as an activation: materialise it in TFLite layout.
      return { name: this.initConst(i, "NHWC"), layout: "NHWC" };
    }
    this.unsupportedOption(`input tensor is neither a graph input nor produced by an earlier operator`, i);
  }

  /** Materialise constant i as an initializer; "NCHW" pads it to rank 4 (leading 1s) and transposes it. */
  initConst(i: number, layout: Layout): string {
    const c = this.constF32(i, "constant operand");
    if (layout === "NHWC") return this.g.initF32(`c${i}`, c.shape, c.data);
    const name = `c${i}_nchw`;
    if (this.g.hasInit(name)) return name;
    if (c.shape.length > 4) this.unsupportedOption(`constant operand of rank ${c.shape.length} > 4`, i);
    const shape4 = [...new Array(4 - c.shape.length).fill(1), ...c.shape];
    return this.g.initF32(
      name,
      TO_NCHW.map((p) => shape4[p]),
      transposeData(c.data, shape4, TO_NCHW),
    );
  }

  /** The ONNX name of activation tensor i in layout `want` (inserting a Transpose when needed). */
  as(i: number, want: Layout): string {
    const v = this.value(i);
    if (v.layout === want) return v.name;
    const shape = this.shapeOf(i);
    if (shape.length !== 4) this.unsupportedOption(`expected a 4-D tensor, got rank ${shape.length}`, i);
    const key = `${i}:${want}`;
    const cached = this.layoutCache.get(key);
    if (cached) return cached;
    const perm = want === "NCHW" ? TO_NCHW : TO_NHWC;
    const name = `t${i}_${want.toLowerCase()}`;
    this.g.node("Transpose", `transpose_t${i}_${want.toLowerCase()}`, [v.name], [name], [["perm", perm]]);
    this.layoutCache.set(key, name);
    return name;
  }

  /** Name for the ONNX value of output tensor i in `layout` (graph outputs in TFLite layout keep their name). */
  outName(i: number, layout: Layout): string {
    if (this.outputSet.has(i) && (layout === "NHWC" || this.shapeOf(i).length !== 4))
      return this.tensor(i).name;
    return layout === "NCHW" && this.shapeOf(i).length === 4 ? `t${i}_nchw` : `t${i}`;
  }

  setValue(i: number, name: string, layout: Layout): void {
    const t = this.tensor(i);
    if (t.type !== "FLOAT32")
      this.unsupportedOption(`output tensor type ${t.type} (only float32 activations)`, i);
    this.vals.set(i, { name, layout });
  }

  nodeName(suffix = ""): string {
    const op = this.op!;
    return `${op.opName.toLowerCase()}_${op.index}${suffix}`;
  }

  /** Emit the fused activation `act` on `x`, writing output tensor `out`. */
  activation(x: string, act: unknown, out: string): void {
    switch (act) {
      case "NONE":
      case undefined:
        if (x !== out) this.g.node("Identity", this.nodeName("_id"), [x], [out]);
        return;
      case "RELU":
        this.g.node("Relu", this.nodeName("_relu"), [x], [out]);
        return;
      case "RELU6":
        this.g.node("Clip", this.nodeName("_relu6"), [x, this.scalar(0), this.scalar(6)], [out]);
        return;
      case "RELU_N1_TO_1":
        this.g.node("Clip", this.nodeName("_relu1"), [x, this.scalar(-1), this.scalar(1)], [out]);
        return;
      case "TANH":
        this.g.node("Tanh", this.nodeName("_tanh"), [x], [out]);
        return;
      default:
        this.unsupportedOption(`fused activation ${String(act)}`);
    }
  }

  /** Emit node `opType` writing `out` through a fused activation. */
  withActivation(
    opType: string,
    inputs: string[],
    out: string,
    act: unknown,
    attrs: Parameters<Graph["node"]>[4] = [],
  ) {
    const fused = act !== undefined && act !== "NONE";
    const pre = fused ? `${out}_pre` : out;
    this.g.node(opType, this.nodeName(), inputs, [pre], attrs);
    if (fused) this.activation(pre, act, out);
  }

  scalar(v: number): string {
    const name = `scalar_${String(v).replace("-", "m").replace(".", "p")}`;
    return this.g.initF32(name, [], Float32Array.of(v));
  }

  // ---- operators ----------------------------------------------------------------------------------------

  options(expected: number): Record<string, unknown> {
    const o = this.op!.options;
    if (!o || o.type !== expected) {
      this.unsupportedOption(`builtin options of type ${o ? o.name : "none"} (expected type ${expected})`);
    }
    return o;
  }

  /** Explicit [top, left, bottom, right] pads for SAME/VALID (TensorFlow's rule: extra padding at the end). */
  pads(inputIndex: number, padding: unknown, k: number[], s: number[], d: number[]): number[] {
    if (padding === "VALID") return [0, 0, 0, 0];
    if (padding !== "SAME") this.unsupportedOption(`padding ${String(padding)}`);
    const shape = this.shapeOf(inputIndex);
    const before: number[] = [];
    const after: number[] = [];
    for (let a = 0; a < 2; a++) {
      const size = shape[1 + a];
      if (!(size > 0)) this.unsupportedOption("SAME padding on a dynamic spatial size", inputIndex);
      const eff = (k[a] - 1) * d[a] + 1;
      const out = Math.ceil(size / s[a]);
      const total = Math.max((out - 1) * s[a] + eff - size, 0);
      before.push(Math.floor(total / 2));
      after.push(total - Math.floor(total / 2));
    }
    return [...before, ...after];
  }

  lower(op: TfliteOperator): void {
    this.op = op;
    if (op.hasCustomOptions && op.builtinCode !== 32)
      this.unsupportedOption("custom options on a builtin operator");
    const handler = HANDLERS[op.opName];
    if (!handler) {
      throw new TfliteConversionError(
        "E_TFLITE_UNSUPPORTED_OP",
        `unsupported TFLite operator ${op.opName}`,
        this.loc(op.outputs[0]),
        { hint: `supported: ${Object.keys(HANDLERS).join(", ")}` },
      );
    }
    handler(this, op);
    this.lowered++;
  }

  conv(op: TfliteOperator, depthwise: boolean): void {
    const o = this.options(depthwise ? OPTIONS.DepthwiseConv2DOptions : OPTIONS.Conv2DOptions);
    const [xi, wi, bi] = op.inputs;
    const x = this.as(xi, "NCHW");
    const w = this.constF32(wi, "filter");
    if (w.shape.length !== 4) this.unsupportedOption(`filter of rank ${w.shape.length}`, wi);
    const inC = this.shapeOf(xi)[3];
    let wName: string;
    let group: number;
    let kh: number;
    let kw: number;
    if (depthwise) {
      // [1, KH, KW, C*M] -> [C*M, 1, KH, KW], group = C
      [, kh, kw] = w.shape;
      const cm = w.shape[3];
      if (w.shape[0] !== 1 || cm % inC !== 0)
        this.unsupportedOption(`depthwise filter shape [${w.shape}]`, wi);
      const dm = o.depthMultiplier as number;
      if (dm !== 0 && dm !== cm / inC)
        this.unsupportedOption(`depth_multiplier ${dm} vs filter [${w.shape}]`, wi);
      wName = `c${wi}_dw`;
      if (!this.g.hasInit(wName))
        this.g.initF32(wName, [cm, 1, kh, kw], transposeData(w.data, w.shape, [3, 0, 1, 2]));
      group = inC;
    } else {
      // [O, KH, KW, I] -> [O, I, KH, KW]; grouped when I < C
      [, kh, kw] = w.shape;
      const [oc, , , ic] = w.shape;
      if (inC % ic !== 0) this.unsupportedOption(`filter input channels ${ic} do not divide ${inC}`, wi);
      group = inC / ic;
      wName = `c${wi}_oihw`;
      if (!this.g.hasInit(wName))
        this.g.initF32(wName, [oc, ic, kh, kw], transposeData(w.data, w.shape, TO_NCHW));
    }
    const strides = [o.strideH as number, o.strideW as number];
    const dil = [o.dilationH as number, o.dilationW as number];
    if (strides.some((v) => !(v >= 1)) || dil.some((v) => !(v >= 1)))
      this.unsupportedOption("strides/dilations < 1");
    const inputs = [x, wName];
    if (bi !== undefined && bi >= 0) inputs.push(this.initConst(bi, "NHWC"));
    const out = op.outputs[0];
    const name = this.outName(out, "NCHW");
    this.withActivation("Conv", inputs, name, o.activation, [
      ["dilations", dil],
      ["group", group],
      ["kernel_shape", [kh, kw]],
      ["pads", this.pads(xi, o.padding, [kh, kw], strides, dil)],
      ["strides", strides],
    ]);
    this.setValue(out, name, "NCHW");
  }

  pool(op: TfliteOperator, type: "MaxPool" | "AveragePool"): void {
    const o = this.options(OPTIONS.Pool2DOptions);
    const xi = op.inputs[0];
    const k = [o.filterH as number, o.filterW as number];
    const s = [o.strideH as number, o.strideW as number];
    const attrs: Parameters<Graph["node"]>[4] = [
      ["kernel_shape", k],
      ["pads", this.pads(xi, o.padding, k, s, [1, 1])],
      ["strides", s],
    ];
    if (type === "AveragePool") attrs.unshift(["count_include_pad", 0]);
    const out = op.outputs[0];
    const name = this.outName(out, "NCHW");
    this.withActivation(type, [this.as(xi, "NCHW")], name, o.activation, attrs);
    this.setValue(out, name, "NCHW");
  }

  /** Elementwise n-ary op: rank-4 results computed in NCHW, constants broadcast accordingly. */
  elementwise(op: TfliteOperator, opType: string, act: unknown): void {
    const out = op.outputs[0];
    const rank = this.shapeOf(out).length;
    const layout: Layout = rank === 4 ? "NCHW" : "NHWC";
    const inputs = op.inputs.map((i) => {
      if (this.isConst(i) && !this.vals.has(i)) return this.initConst(i, layout);
      if (layout === "NCHW" && this.shapeOf(i).length !== 4)
        this.unsupportedOption("broadcasting a lower-rank activation against a 4-D one", i);
      return this.as(i, layout);
    });
    const name = this.outName(out, layout);
    this.withActivation(opType, inputs, name, act);
    this.setValue(out, name, layout);
  }

  pad(op: TfliteOperator): void {
    const [xi, pi, vi] = op.inputs;
    const p = this.constInts(pi, "paddings");
    const rank = this.shapeOf(xi).length;
    if (p.length !== rank * 2) this.unsupportedOption(`paddings of length ${p.length} for rank ${rank}`, pi);
    if (p.some((v) => v < 0)) this.unsupportedOption("negative paddings", pi);
    const layout: Layout = rank === 4 ? "NCHW" : "NHWC";
    const perm = layout === "NCHW" ? TO_NCHW : [...Array(rank).keys()];
    const pads = [...perm.map((d) => p[2 * d]), ...perm.map((d) => p[2 * d + 1])];
    const inputs = [
      this.as(xi, layout),
      this.g.initI64(`c${pi}_pads_${layout.toLowerCase()}`, [pads.length], pads),
    ];
    if (vi !== undefined && vi >= 0) {
      const v = this.constF32(vi, "constant value");
      inputs.push(this.g.initF32(`c${vi}`, [], Float32Array.of(v.data[0])));
    }
    const out = op.outputs[0];
    const name = this.outName(out, layout);
    this.g.node("Pad", this.nodeName(), inputs, [name], [["mode", "constant"]]);
    this.setValue(out, name, layout);
  }

  resizeBilinear(op: TfliteOperator): void {
    const o = this.options(OPTIONS.ResizeBilinearOptions);
    const [xi, si] = op.inputs;
    const size = this.constInts(si, "size");
    const [, ih, iw] = this.shapeOf(xi);
    if (size.length !== 2) this.unsupportedOption(`size of length ${size.length}`, si);
    let mode: string;
    if (o.alignCorners && o.halfPixelCenters)
      this.unsupportedOption("align_corners together with half_pixel_centers");
    else if (o.alignCorners) mode = "align_corners";
    else if (o.halfPixelCenters) mode = "half_pixel";
    else mode = "asymmetric";
    const scales = [1, 1, size[0] / ih, size[1] / iw];
    for (let a = 0; a < 2; a++) {
      const got = Math.floor(Math.fround([ih, iw][a] * Math.fround(scales[2 + a])));
      if (got !== size[a])
        this.unsupportedOption(`resize ${[ih, iw][a]} -> ${size[a]} is not an exact scale`, si);
    }
    const sName = this.g.initF32(`c${si}_scales`, [4], Float32Array.from(scales));
    const out = op.outputs[0];
    const name = this.outName(out, "NCHW");
    this.g.node(
      "Resize",
      this.nodeName(),
      [this.as(xi, "NCHW"), "", sName],
      [name],
      [
        ["coordinate_transformation_mode", mode],
        ["mode", "linear"],
      ],
    );
    this.setValue(out, name, "NCHW");
  }

  reshape(op: TfliteOperator): void {
    const [xi, si] = op.inputs;
    const out = op.outputs[0];
    const inShape = this.shapeOf(xi);
    let outShape = this.shapeOf(out);
    if (outShape.some((d) => !(d > 0))) {
      const o = op.options as { newShape?: number[] | null } | null;
      outShape = si !== undefined && si >= 0 ? this.constInts(si, "shape") : (o?.newShape ?? outShape);
    }
    if (outShape.filter((d) => d === -1).length > 1 || outShape.some((d) => d === 0 || d < -1))
      this.unsupportedOption(`target shape [${outShape}]`, out);
    // Keep the batch dimension symbolic: copy it from the input (ONNX 0 = copy) when it is the leading dim.
    const target = outShape.map((d, k) => (k === 0 && inShape.length > 0 && d === inShape[0] ? 0 : d));
    const v = this.value(xi);
    let x: string;
    if (v.layout === "NCHW" && trivialPerm(inShape, TO_NCHW)) x = v.name;
    else x = this.as(xi, "NHWC");
    const name = this.outName(out, "NHWC");
    const shapeName = this.g.initI64(`shape_${out}`, [target.length], target);
    this.g.node("Reshape", this.nodeName(), [x, shapeName], [name]);
    this.setValue(out, name, "NHWC");
  }

  unary(op: TfliteOperator, opType: string, extra: string[] = []): void {
    const xi = op.inputs[0];
    const out = op.outputs[0];
    const layout: Layout = this.shapeOf(xi).length === 4 ? "NCHW" : "NHWC";
    const name = this.outName(out, layout);
    this.g.node(opType, this.nodeName(), [this.as(xi, layout), ...extra], [name]);
    this.setValue(out, name, layout);
  }

  concat(op: TfliteOperator): void {
    const o = this.options(OPTIONS.ConcatenationOptions);
    const out = op.outputs[0];
    const rank = this.shapeOf(out).length;
    let axis = o.axis as number;
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) this.unsupportedOption(`axis ${o.axis as number} for rank ${rank}`);
    const layout: Layout = rank === 4 ? "NCHW" : "NHWC";
    const inputs = op.inputs.map((i) =>
      this.isConst(i) && !this.vals.has(i) ? this.initConst(i, layout) : this.as(i, layout),
    );
    const name = this.outName(out, layout);
    this.withActivation("Concat", inputs, name, o.activation, [
      ["axis", layout === "NCHW" ? NHWC_AXIS_IN_NCHW[axis] : axis],
    ]);
    this.setValue(out, name, layout);
  }

  depthToSpace(op: TfliteOperator): void {
    const o = this.options(OPTIONS.DepthToSpaceOptions);
    const b = o.blockSize as number;
    if (!(b >= 1)) this.unsupportedOption(`block_size ${b}`);
    const out = op.outputs[0];
    const name = this.outName(out, "NCHW");
    // TensorFlow's depth_to_space is ONNX's DCR (depth-column-row) order.
    this.g.node(
      "DepthToSpace",
      this.nodeName(),
      [this.as(op.inputs[0], "NCHW")],
      [name],
      [
        ["blocksize", b],
        ["mode", "DCR"],
      ],
    );
    this.setValue(out, name, "NCHW");
  }

  dequantize(op: TfliteOperator): void {
    const [xi] = op.inputs;
    const out = op.outputs[0];
    const c = this.constOf(xi);
    if (!c) {
      if (this.tensor(xi).sparsity)
        this.unsupportedOption("DEQUANTIZE of a sparse tensor without DENSIFY", xi);
      this.unsupportedOption("DEQUANTIZE of a non-constant tensor (only constant weights are folded)", xi);
    }
    if (this.tensor(out).type !== "FLOAT32")
      this.unsupportedOption(`output type ${this.tensor(out).type}`, out);
    let data: Float32Array;
    if (c.type === "FLOAT16") {
      const u = c.data as Uint16Array;
      data = halfBytesToFloat32(new Uint8Array(u.buffer, u.byteOffset, u.byteLength), u.length);
    } else if (c.type === "INT8" || c.type === "UINT8" || c.type === "INT16") {
      const q = this.tensor(xi).quantization;
      if (!q?.scale.length || q.detailsType !== 0) this.unsupportedOption("quantisation parameters", xi);
      const n = c.data.length;
      data = new Float32Array(n);
      if (q.scale.length === 1) {
        const zp = q.zeroPoint[0] ?? 0;
        for (let k = 0; k < n; k++) data[k] = q.scale[0] * ((c.data[k] as number) - zp);
      } else {
        const ax = q.quantizedDimension;
        const inner = numel(c.shape.slice(ax + 1));
        const dim = c.shape[ax];
        if (dim !== q.scale.length)
          this.unsupportedOption("per-axis scales do not match the quantized dimension", xi);
        for (let k = 0; k < n; k++) {
          const ch = Math.floor(k / inner) % dim;
          data[k] = q.scale[ch] * ((c.data[k] as number) - (q.zeroPoint[ch] ?? 0));
        }
      }
    } else {
      this.unsupportedOption(`DEQUANTIZE from ${c.type}`, xi);
    }
    this.consts.set(out, { type: "FLOAT32", shape: this.shapeOf(out), data });
    this.folded.dequantize++;
  }

  densify(op: TfliteOperator): void {
    const [xi] = op.inputs;
    const out = op.outputs[0];
    const t = this.tensor(xi);
    const sp = t.sparsity;
    if (!sp || !t.data) this.unsupportedOption("DENSIFY of a non-constant or non-sparse tensor", xi);
    if (sp.blockMap.length > 0) this.unsupportedOption("block-sparse tensors (block_map)", xi);
    if (sp.traversalOrder.length !== t.shape.length)
      this.unsupportedOption("traversal order rank mismatch", xi);
    const bytesPer = ({ FLOAT32: 4, FLOAT16: 2, INT8: 1, UINT8: 1 } as Record<string, number>)[t.type];
    if (!bytesPer) this.unsupportedOption(`sparse values of type ${t.type}`, xi);
    const stored = t.data.length / bytesPer;
    const src = new Uint8Array(t.data);
    const n = numel(t.shape);
    const dst = new Uint8Array(n * bytesPer);
    let used: number;
    try {
      used = densifyIndices(t.shape, sp, stored, (flat, k) => {
        dst.set(src.subarray(k * bytesPer, (k + 1) * bytesPer), flat * bytesPer);
      });
    } catch (e) {
      this.unsupportedOption(`corrupt sparse tensor: ${(e as Error).message}`, xi);
    }
    if (used !== stored)
      this.unsupportedOption(`sparse tensor stores ${stored} values but indexes ${used}`, xi);
    const data =
      t.type === "FLOAT32"
        ? new Float32Array(dst.buffer)
        : t.type === "FLOAT16"
          ? new Uint16Array(dst.buffer)
          : t.type === "INT8"
            ? new Int8Array(dst.buffer)
            : dst;
    this.consts.set(out, { type: t.type, shape: this.shapeOf(out), data });
    this.folded.densify++;
  }
}

type Handler = (c: Converter, op: TfliteOperator) => void;

const HANDLERS: Record<string, Handler> = {
  ADD: (c, op) => c.elementwise(op, "Add", c.options(OPTIONS.AddOptions).activation),
  SUB: (c, op) => c.elementwise(op, "Sub", c.options(OPTIONS.SubOptions).activation),
  MUL: (c, op) => c.elementwise(op, "Mul", c.options(OPTIONS.MulOptions).activation),
  AVERAGE_POOL_2D: (c, op) => c.pool(op, "AveragePool"),
  CONCATENATION: (c, op) => c.concat(op),
  CONV_2D: (c, op) => c.conv(op, false),
  DEPTHWISE_CONV_2D: (c, op) => c.conv(op, true),
  DEPTH_TO_SPACE: (c, op) => c.depthToSpace(op),
  DENSIFY: (c, op) => c.densify(op),
  DEQUANTIZE: (c, op) => c.dequantize(op),
  LOGISTIC: (c, op) => c.unary(op, "Sigmoid"),
  TANH: (c, op) => c.unary(op, "Tanh"),
  RELU: (c, op) => c.unary(op, "Relu"),
  RELU6: (c, op) => c.unary(op, "Clip", [c.scalar(0), c.scalar(6)]),
  MAX_POOL_2D: (c, op) => c.pool(op, "MaxPool"),
  PAD: (c, op) => c.pad(op),
  PADV2: (c, op) => c.pad(op),
  RESHAPE: (c, op) => c.reshape(op),
  RESIZE_BILINEAR: (c, op) => c.resizeBilinear(op),
};

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

  const c = new Converter(sg, outputs);
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
