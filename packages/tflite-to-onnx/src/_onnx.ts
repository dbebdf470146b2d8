// A minimal ONNX graph under construction, serialised with onnx-proto (protobufjs static code).
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** ONNX TensorProto.DataType values used here. */
export const DT = { FLOAT: 1, INT32: 6, INT64: 7, FLOAT16: 10 } as const;

export type AttrValue = number | string | number[] | { floats: number[] };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: [string, AttrValue, ("int" | "float" | "ints" | "string")?][];
}

export interface OnnxInit {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array;
}

export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[];
}

function bytesOf(a: Float32Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array): Uint8Array {
  // Little-endian platforms only (every platform onnxruntime-node ships for).
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A graph builder: nodes in insertion (= topological) order, initialisers by name. */
export class OnnxGraph {
  readonly nodes: OnnxNode[] = [];
  readonly inits = new Map<string, OnnxInit>();
  private readonly used = new Set<string>();

  /** A node name not used before (`base`, then `base_1`, ...). */
  uniqueName(base: string): string {
    let n = base;
    for (let i = 1; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }

  node(
    opType: string,
    name: string,
    inputs: string[],
    outputs: string[],
    attrs: OnnxNode["attrs"] = [],
  ): void {
    this.nodes.push({ opType, name: this.uniqueName(name), inputs, outputs, attrs });
  }

  hasInit(name: string): boolean {
    return this.inits.has(name);
  }

  initF32(name: string, dims: number[], data: Float32Array): string {
    if (!this.inits.has(name)) this.inits.set(name, { name, dims, dataType: DT.FLOAT, raw: bytesOf(data) });
    return name;
  }

  initI64(name: string, dims: number[], values: number[]): string {
    if (!this.inits.has(name)) {
      const data = BigInt64Array.from(values.map((v) => BigInt(v)));
      this.inits.set(name, { name, dims, dataType: DT.INT64, raw: bytesOf(data) });
    }
    return name;
  }

  /** Replace an initialiser's payload (used for float16 storage). */
  setInit(init: OnnxInit): void {
    this.inits.set(init.name, init);
  }
}

function attrProto(name: string, value: AttrValue, kind?: string) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if (typeof value === "object") return { name, type: A.FLOATS, floats: value.floats };
  if (kind === "float") return { name, type: A.FLOAT, f: value };
  return { name, type: A.INT, i: value };
}

function valueInfo(v: OnnxValueInfo, elemType: number) {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: v.dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

/** Serialise a graph as an ONNX ModelProto. Same graph -> same bytes. */
export function encodeModel(
  g: OnnxGraph,
  meta: {
    graphName: string;
    opset: number;
    irVersion: number;
    producerVersion: string;
    docString: string;
    inputs: OnnxValueInfo[];
    outputs: OnnxValueInfo[];
    metadata: [string, string][];
  },
): Uint8Array {
  const model = {
    irVersion: meta.irVersion,
    producerName: "@neuropose/tflite-to-onnx",
    producerVersion: meta.producerVersion,
    docString: meta.docString,
    opsetImport: [{ domain: "", version: meta.opset }],
    metadataProps: meta.metadata.map(([key, value]) => ({ key, value })),
    graph: {
      name: meta.graphName,
      node: g.nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        domain: "",
        input: n.inputs,
        output: n.outputs,
        attribute: n.attrs.map(([k, v, kind]) => attrProto(k, v, kind)),
      })),
      initializer: [...g.inits.values()].map((t) => ({
        name: t.name,
        dims: t.dims,
        dataType: t.dataType,
        rawData: t.raw,
      })),
      input: meta.inputs.map((v) => valueInfo(v, DT.FLOAT)),
      output: meta.outputs.map((v) => valueInfo(v, DT.FLOAT)),
    },
  };
  return onnx.ModelProto.encode(model as never).finish();
}
