// The lowering context: the state one conversion shares between operator lowerings (the ONNX graph being
// built, where each TFLite tensor lives and in which layout, folded constants) and the helpers every lowering
// uses (layout transposes, fused activations, explicit padding, errors that name the operator and tensor).
// One module per operator family (conv-pool.ts, elementwise.ts, shape.ts, constants.ts) lowers operators
// through it; handlers.ts is the table from TFLite operator name to lowering.
import { type OnnxGraph as Graph, OnnxGraph } from "../_onnx.js";
import { TfliteConversionError, type TfliteLocation } from "../errors.js";
import type { TfliteOperator, TfliteSubgraph, TfliteTensor } from "../read.js";
import {
  type Const,
  type Layout,
  readConstData,
  TO_NCHW,
  TO_NHWC,
  transposeData,
  type Value,
} from "./tensor-data.js";

/** Lowers one TFLite operator into the context's ONNX graph. */
export type Handler = (c: LoweringContext, op: TfliteOperator) => void;

export class LoweringContext {
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
    /** The operator lowerings by TFLite operator name (see handlers.ts). */
    readonly handlers: Readonly<Record<string, Handler>>,
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
    const handler = this.handlers[op.opName];
    if (!handler) {
      throw new TfliteConversionError(
        "E_TFLITE_UNSUPPORTED_OP",
        `unsupported TFLite operator ${op.opName}`,
        this.loc(op.outputs[0]),
        { hint: `supported: ${Object.keys(this.handlers).join(", ")}` },
      );
    }
    handler(this, op);
    this.lowered++;
  }
}
