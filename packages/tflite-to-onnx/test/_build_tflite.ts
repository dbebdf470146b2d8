// Test helper: write small TFLite flatbuffers (schema "TFL3") with the flatbuffers Builder, so tests can
// feed the converter (and the real TFLite runtime) single operators and deliberately broken models.
import { Builder } from "flatbuffers";

export type Field =
  | { slot: number; int: number }
  | { slot: number; byte: number }
  | { slot: number; bool: boolean }
  | { slot: number; ints: number[] };

export interface TensorSpec {
  name: string;
  shape: number[];
  /** TensorType code: 0 FLOAT32, 1 FLOAT16, 2 INT32. */
  type?: number;
  /** Constant payload (little-endian bytes). */
  data?: Uint8Array;
  /** Sparsity: traversal order and per-dimension metadata (Uint8Vector segments/indices for sparse dims). */
  sparsity?: { order: number[]; dims: ({ dense: number } | { segments: number[]; indices: number[] })[] };
}

export interface OperatorSpec {
  /** BuiltinOperator code (32 = CUSTOM). */
  code: number;
  customCode?: string;
  inputs: number[];
  outputs: number[];
  /** BuiltinOptions union type and its table's fields. */
  options?: { type: number; fields: Field[] };
}

export interface ModelSpec {
  tensors: TensorSpec[];
  inputs: number[];
  outputs: number[];
  operators: OperatorSpec[];
}

function intVector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]);
  return b.endVector();
}

function tableOf(b: Builder, fields: Field[]): number {
  const vectors = new Map<number, number>();
  for (const f of fields) if ("ints" in f) vectors.set(f.slot, intVector(b, f.ints));
  b.startObject(Math.max(0, ...fields.map((f) => f.slot + 1)));
  for (const f of fields) {
    if ("int" in f) b.addFieldInt32(f.slot, f.int, 0);
    else if ("byte" in f) b.addFieldInt8(f.slot, f.byte, 0);
    else if ("bool" in f) b.addFieldInt8(f.slot, f.bool ? 1 : 0, 0);
    else b.addFieldOffset(f.slot, vectors.get(f.slot)!, 0);
  }
  return b.endObject();
}

function uint8VectorTable(b: Builder, values: number[]): number {
  b.startVector(1, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt8(values[i]);
  const v = b.endVector();
  b.startObject(1);
  b.addFieldOffset(0, v, 0);
  return b.endObject();
}

/** Serialise `spec` as a TFLite model. Buffer 0 is the empty sentinel; each constant gets its own buffer. */
export function buildTflite(spec: ModelSpec): Uint8Array {
  const b = new Builder(1024);
  b.forceDefaults(false);

  // Buffers
  const bufferOffsets: number[] = [];
  b.startObject(1);
  bufferOffsets.push(b.endObject());
  const tensorBuffer: number[] = [];
  for (const t of spec.tensors) {
    if (t.data) {
      b.startVector(1, t.data.length, 16);
      for (let i = t.data.length - 1; i >= 0; i--) b.addInt8(t.data[i]);
      const v = b.endVector();
      b.startObject(1);
      b.addFieldOffset(0, v, 0);
      tensorBuffer.push(bufferOffsets.length);
      bufferOffsets.push(b.endObject());
    } else tensorBuffer.push(0);
  }

  // Tensors
  const tensorOffsets = spec.tensors.map((t, i) => {
    const name = b.createString(t.name);
    const shape = intVector(b, t.shape);
    let sparsity = 0;
    if (t.sparsity) {
      const dims = t.sparsity.dims.map((d) => {
        if ("dense" in d) {
          b.startObject(6);
          b.addFieldInt8(0, 0, -1);
          b.addFieldInt32(1, d.dense, 0);
          return b.endObject();
        }
        const seg = uint8VectorTable(b, d.segments);
        const ind = uint8VectorTable(b, d.indices);
        b.startObject(6);
        b.addFieldInt8(0, 1, 0);
        b.addFieldInt8(2, 3, 0);
        b.addFieldOffset(3, seg, 0);
        b.addFieldInt8(4, 3, 0);
        b.addFieldOffset(5, ind, 0);
        return b.endObject();
      });
      const order = intVector(b, t.sparsity.order);
      b.startVector(4, dims.length, 4);
      for (let k = dims.length - 1; k >= 0; k--) b.addOffset(dims[k]);
      const dimVec = b.endVector();
      b.startObject(3);
      b.addFieldOffset(0, order, 0);
      b.addFieldOffset(2, dimVec, 0);
      sparsity = b.endObject();
    }
    b.startObject(8);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, t.type ?? 0, -1);
    b.addFieldInt32(2, tensorBuffer[i], -1);
    b.addFieldOffset(3, name, 0);
    if (sparsity) b.addFieldOffset(6, sparsity, 0);
    return b.endObject();
  });

  // Operator codes (one per distinct code/custom pair)
  const codeKeys: string[] = [];
  for (const op of spec.operators) {
    const key = `${op.code}:${op.customCode ?? ""}`;
    if (!codeKeys.includes(key)) codeKeys.push(key);
  }
  const codeOffsets = codeKeys.map((key) => {
    const [code, custom] = [Number(key.split(":")[0]), key.slice(key.indexOf(":") + 1)];
    const cc = custom ? b.createString(custom) : 0;
    b.startObject(4);
    b.addFieldInt8(0, Math.min(code, 127), -1);
    if (cc) b.addFieldOffset(1, cc, 0);
    b.addFieldInt32(2, 1, 0);
    b.addFieldInt32(3, code, -1);
    return b.endObject();
  });

  const opOffsets = spec.operators.map((op) => {
    const ins = intVector(b, op.inputs);
    const outs = intVector(b, op.outputs);
    const opts = op.options ? tableOf(b, op.options.fields) : 0;
    b.startObject(5);
    b.addFieldInt32(0, codeKeys.indexOf(`${op.code}:${op.customCode ?? ""}`), -1);
    b.addFieldOffset(1, ins, 0);
    b.addFieldOffset(2, outs, 0);
    if (op.options) {
      b.addFieldInt8(3, op.options.type, 0);
      b.addFieldOffset(4, opts, 0);
    }
    return b.endObject();
  });

  const vecOf = (offs: number[]) => {
    b.startVector(4, offs.length, 4);
    for (let k = offs.length - 1; k >= 0; k--) b.addOffset(offs[k]);
    return b.endVector();
  };
  const tensors = vecOf(tensorOffsets);
  const inputs = intVector(b, spec.inputs);
  const outputs = intVector(b, spec.outputs);
  const operators = vecOf(opOffsets);
  const sgName = b.createString("main");
  b.startObject(5);
  b.addFieldOffset(0, tensors, 0);
  b.addFieldOffset(1, inputs, 0);
  b.addFieldOffset(2, outputs, 0);
  b.addFieldOffset(3, operators, 0);
  b.addFieldOffset(4, sgName, 0);
  const sg = b.endObject();

  const subgraphs = vecOf([sg]);
  const codes = vecOf(codeOffsets);
  const buffers = vecOf(bufferOffsets);
  const desc = b.createString("built by a test");
  b.startObject(5);
  b.addFieldInt32(0, 3, 0);
  b.addFieldOffset(1, codes, 0);
  b.addFieldOffset(2, subgraphs, 0);
  b.addFieldOffset(3, desc, 0);
  b.addFieldOffset(4, buffers, 0);
  b.finish(b.endObject(), "TFL3");
  return b.asUint8Array().slice();
}

/** Little-endian bytes of float32 values. */
export function f32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Little-endian bytes of int32 values. */
export function i32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}
