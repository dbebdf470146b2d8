import { ByteBuffer } from "flatbuffers";
import {
  ACTIVATIONS,
  builtinName,
  DIMENSION_TYPES,
  OPTIONS,
  PADDING,
  SPARSE_INDEX_VECTORS,
  TENSOR_TYPES,
} from "./_schema.js";
import { TfliteConversionError } from "./errors.js";

/** A TFLite tensor element type name (schema `TensorType`). */
export type TfliteTensorType = (typeof TENSOR_TYPES)[number] | `TYPE_${number}`;

/** Quantisation parameters of a tensor (affine: f = scale * (q - zeroPoint)). */
export interface TfliteQuantization {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  /** Non-zero when the tensor uses a QuantizationDetails union member (not supported by the converter). */
  detailsType: number;
}

/** One dimension of a sparse tensor's storage (TACO-style, schema `DimensionMetadata`). */
export interface TfliteDimensionMetadata {
  format: "DENSE" | "SPARSE_CSR";
  denseSize: number;
  arraySegments: Int32Array | Uint16Array | Uint8Array | null;
  arrayIndices: Int32Array | Uint16Array | Uint8Array | null;
}

/** Sparsity parameters of a tensor (schema `SparsityParameters`). */
export interface TfliteSparsity {
  traversalOrder: number[];
  blockMap: number[];
  dimMetadata: TfliteDimensionMetadata[];
}

/** A tensor of a subgraph. `data` is the constant payload (a view into the model bytes), or null. */
export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  /** `shape_signature` (-1 for unknown dimensions), or null when absent. */
  shapeSignature: number[] | null;
  type: TfliteTensorType;
  buffer: number;
  data: Uint8Array | null;
  quantization: TfliteQuantization | null;
  sparsity: TfliteSparsity | null;
  isVariable: boolean;
}

/** Decoded builtin options: named fields for the option tables the converter uses, else only the type. */
export type TfliteOptions = { type: number; name: string } & Record<string, unknown>;

/** An operator of a subgraph, in execution order. */
export interface TfliteOperator {
  index: number;
  opcodeIndex: number;
  /** Builtin operator code (schema `BuiltinOperator`). */
  builtinCode: number;
  /** "CONV_2D", ..., or "CUSTOM:<custom_code>". */
  opName: string;
  version: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  options: TfliteOptions | null;
  /** True when the operator carries custom options bytes or a BuiltinOptions2 member. */
  hasCustomOptions: boolean;
}

/** A subgraph (index 0 is the main graph). */
export interface TfliteSubgraph {
  index: number;
  name: string;
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
}

/** A parsed TFLite model. */
export interface TfliteModel {
  version: number;
  description: string;
  subgraphs: TfliteSubgraph[];
  operatorCodes: { builtinCode: number; customCode: string | null; version: number; name: string }[];
  /** Signature defs: alias -> tensor index, for each signature. */
  signatures: {
    key: string;
    subgraph: number;
    inputs: Record<string, number>;
    outputs: Record<string, number>;
  }[];
}

// ---- low-level flatbuffer access (bounds-checked) -------------------------------------------------------

class Reader {
  readonly bb: ByteBuffer;
  constructor(readonly bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
  }

  check(pos: number, size: number, what: string): void {
    if (pos < 0 || size < 0 || pos + size > this.bytes.length) {
      throw new TfliteConversionError(
        "E_TFLITE_PARSE",
        `corrupt TFLite flatbuffer: ${what} lies outside the file`,
      );
    }
  }

  /** Absolute position of field `slot` of the table at `table`, or 0 when absent. */
  field(table: number, slot: number): number {
    const o = this.bb.__offset(table, 4 + 2 * slot);
    return o ? table + o : 0;
  }

  table(table: number, slot: number): number {
    const p = this.field(table, slot);
    if (!p) return 0;
    this.check(p, 4, "a table offset");
    const t = this.bb.__indirect(p);
    this.check(t, 4, "a table");
    return t;
  }

  /** The scalar field `slot` of the table at `table` (`size` bytes, bounds-checked), or `def` when absent. */
  private scalar<T>(
    table: number,
    slot: number,
    def: T,
    size: number,
    what: string,
    read: (p: number) => T,
  ): T {
    const p = this.field(table, slot);
    if (!p) return def;
    this.check(p, size, what);
    return read(p);
  }

  int(table: number, slot: number, def = 0): number {
    return this.scalar(table, slot, def, 4, "an int field", (p) => this.bb.readInt32(p));
  }

  uint(table: number, slot: number, def = 0): number {
    return this.scalar(table, slot, def, 4, "a uint field", (p) => this.bb.readUint32(p));
  }

  byte(table: number, slot: number, def = 0): number {
    return this.scalar(table, slot, def, 1, "a byte field", (p) => this.bb.readInt8(p));
  }

  ubyte(table: number, slot: number, def = 0): number {
    return this.scalar(table, slot, def, 1, "a ubyte field", (p) => this.bb.readUint8(p));
  }

  bool(table: number, slot: number, def = false): boolean {
    return this.scalar(table, slot, def, 1, "a bool field", (p) => this.bb.readUint8(p) !== 0);
  }

  ulong(table: number, slot: number): bigint {
    return this.scalar(table, slot, 0n, 8, "a ulong field", (p) => this.bb.readUint64(p));
  }

  string(table: number, slot: number): string | null {
    const p = this.field(table, slot);
    if (!p) return null;
    this.check(p, 4, "a string offset");
    const s = p + this.bb.readInt32(p);
    this.check(s, 4, "a string");
    this.check(s + 4, this.bb.readInt32(s), "a string");
    return this.bb.__string(p) as string;
  }

  /** [start, length] of the vector in field `slot`, bounds-checked for `elem` bytes per element. */
  vector(table: number, slot: number, elem: number): [number, number] {
    const p = this.field(table, slot);
    if (!p) return [0, 0];
    this.check(p, 4, "a vector offset");
    const v = p + this.bb.readInt32(p);
    this.check(v, 4, "a vector");
    const len = this.bb.readInt32(v);
    this.check(v + 4, len * elem, "a vector");
    return [v + 4, len];
  }

  ints(table: number, slot: number): number[] {
    const [s, n] = this.vector(table, slot, 4);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.bb.readInt32(s + 4 * i);
    return out;
  }

  floats(table: number, slot: number): number[] {
    const [s, n] = this.vector(table, slot, 4);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.bb.readFloat32(s + 4 * i);
    return out;
  }

  longs(table: number, slot: number): number[] {
    const [s, n] = this.vector(table, slot, 8);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = Number(this.bb.readInt64(s + 8 * i));
    return out;
  }

  bytesOf(table: number, slot: number): Uint8Array | null {
    const p = this.field(table, slot);
    if (!p) return null;
    const [s, n] = this.vector(table, slot, 1);
    return this.bytes.subarray(s, s + n);
  }

  /** Table positions of a vector of tables. */
  tables(table: number, slot: number): number[] {
    const [s, n] = this.vector(table, slot, 4);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const t = this.bb.__indirect(s + 4 * i);
      this.check(t, 4, "a table");
      out[i] = t;
    }
    return out;
  }
}

// ---- schema tables --------------------------------------------------------------------------------------

function readIndexVector(r: Reader, type: number, t: number): Int32Array | Uint16Array | Uint8Array | null {
  if (!t) return null;
  if (type === SPARSE_INDEX_VECTORS.Int32Vector) return Int32Array.from(r.ints(t, 0));
  if (type === SPARSE_INDEX_VECTORS.Uint16Vector) {
    const [s, n] = r.vector(t, 0, 2);
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = r.bb.readUint16(s + 2 * i);
    return out;
  }
  if (type === SPARSE_INDEX_VECTORS.Uint8Vector) {
    const [s, n] = r.vector(t, 0, 1);
    return new Uint8Array(r.bytes.subarray(s, s + n));
  }
  throw new TfliteConversionError("E_TFLITE_PARSE", `unknown SparseIndexVector type ${type}`);
}

function readSparsity(r: Reader, t: number): TfliteSparsity | null {
  if (!t) return null;
  return {
    traversalOrder: r.ints(t, 0),
    blockMap: r.ints(t, 1),
    dimMetadata: r.tables(t, 2).map((d) => ({
      format: DIMENSION_TYPES[r.byte(d, 0)] ?? ("SPARSE_CSR" as const),
      denseSize: r.int(d, 1),
      arraySegments: readIndexVector(r, r.ubyte(d, 2), r.table(d, 3)),
      arrayIndices: readIndexVector(r, r.ubyte(d, 4), r.table(d, 5)),
    })),
  };
}

function readQuantization(r: Reader, t: number): TfliteQuantization | null {
  if (!t) return null;
  const scale = r.floats(t, 2);
  const detailsType = r.ubyte(t, 4);
  if (scale.length === 0 && detailsType === 0) return null;
  return { scale, zeroPoint: r.longs(t, 3), quantizedDimension: r.int(t, 6), detailsType };
}

function act(r: Reader, t: number, slot: number): string {
  const v = r.byte(t, slot);
  return ACTIVATIONS[v] ?? `ACTIVATION_${v}`;
}

function pad(r: Reader, t: number, slot: number): string {
  const v = r.byte(t, slot);
  return PADDING[v] ?? `PADDING_${v}`;
}

function readOptions(r: Reader, type: number, t: number): TfliteOptions | null {
  if (!type) return null;
  const name = (Object.entries(OPTIONS).find(([, v]) => v === type)?.[0] ??
    `BuiltinOptions_${type}`) as string;
  const base = { type, name };
  if (!t) return base;
  switch (type) {
    case OPTIONS.Conv2DOptions:
      return {
        ...base,
        padding: pad(r, t, 0),
        strideW: r.int(t, 1),
        strideH: r.int(t, 2),
        activation: act(r, t, 3),
        dilationW: r.int(t, 4, 1),
        dilationH: r.int(t, 5, 1),
      };
    case OPTIONS.DepthwiseConv2DOptions:
      return {
        ...base,
        padding: pad(r, t, 0),
        strideW: r.int(t, 1),
        strideH: r.int(t, 2),
        depthMultiplier: r.int(t, 3),
        activation: act(r, t, 4),
        dilationW: r.int(t, 5, 1),
        dilationH: r.int(t, 6, 1),
      };
    case OPTIONS.Pool2DOptions:
      return {
        ...base,
        padding: pad(r, t, 0),
        strideW: r.int(t, 1),
        strideH: r.int(t, 2),
        filterW: r.int(t, 3),
        filterH: r.int(t, 4),
        activation: act(r, t, 5),
      };
    case OPTIONS.ConcatenationOptions:
      return { ...base, axis: r.int(t, 0), activation: act(r, t, 1) };
    case OPTIONS.AddOptions:
    case OPTIONS.SubOptions:
    case OPTIONS.MulOptions:
      return { ...base, activation: act(r, t, 0) };
    case OPTIONS.ResizeBilinearOptions:
      return { ...base, alignCorners: r.bool(t, 2), halfPixelCenters: r.bool(t, 3) };
    case OPTIONS.ReshapeOptions:
      return { ...base, newShape: r.field(t, 0) ? r.ints(t, 0) : null };
    case OPTIONS.DepthToSpaceOptions:
      return { ...base, blockSize: r.int(t, 0) };
    default:
      return base;
  }
}

/**
 * Parse a TensorFlow Lite flatbuffer (schema "TFL3") into plain objects: subgraphs, tensors (with their
 * constant data as views into `bytes`, quantisation and sparsity), operators (with decoded builtin options
 * for the operators the converter handles) and signature defs. Nothing is copied but small index arrays.
 *
 * @throws TfliteConversionError `E_TFLITE_PARSE` when the bytes are not a readable TFLite model.
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { createRequire } from "node:module";
 * import { readTflite } from "@neuropose/tflite-to-onnx";
 * const dir = createRequire(import.meta.url).resolve("@mediapipe/pose/package.json").replace(/package\.json$/, "");
 * const model = readTflite(readFileSync(`${dir}pose_landmark_lite.tflite`));
 * console.log(model.subgraphs[0].operators.length, model.subgraphs[0].inputs);
 * ```
 */
export function readTflite(bytes: Uint8Array): TfliteModel {
  if (!(bytes instanceof Uint8Array)) {
    throw new TfliteConversionError("E_TFLITE_PARSE", "readTflite expects the model bytes as a Uint8Array");
  }
  if (bytes.length < 8) {
    throw new TfliteConversionError("E_TFLITE_PARSE", `not a TFLite model: only ${bytes.length} bytes`);
  }
  const r = new Reader(bytes);
  if (!r.bb.__has_identifier("TFL3")) {
    throw new TfliteConversionError(
      "E_TFLITE_PARSE",
      'not a TFLite model: file identifier "TFL3" missing',
      {},
      {
        hint: "pass the bytes of a .tflite file",
      },
    );
  }
  try {
    return parseModel(r);
  } catch (e) {
    if (e instanceof TfliteConversionError) throw e;
    throw new TfliteConversionError(
      "E_TFLITE_PARSE",
      `corrupt TFLite flatbuffer: ${(e as Error).message}`,
      {},
      {
        cause: e,
      },
    );
  }
}

function parseModel(r: Reader): TfliteModel {
  const bb = r.bb;
  r.check(0, 4, "the root offset");
  const root = bb.readInt32(0);
  r.check(root, 4, "the root table");
  // vtable sanity
  const vt = root - bb.readInt32(root);
  r.check(vt, 4, "the root vtable");

  const operatorCodes = r.tables(root, 1).map((t) => {
    const deprecated = r.byte(t, 0);
    const extended = r.int(t, 3);
    // Schema: use the larger of the two (deprecated_builtin_code saturates at 127).
    const builtinCode = Math.max(deprecated, extended);
    const customCode = r.string(t, 1);
    const name = builtinCode === 32 ? `CUSTOM:${customCode ?? "?"}` : builtinName(builtinCode);
    return { builtinCode, customCode, version: r.int(t, 2, 1), name };
  });

  const bufferTables = r.tables(root, 4);
  const bufferData = (index: number): Uint8Array | null => {
    if (index <= 0 || index >= bufferTables.length) return null;
    const t = bufferTables[index];
    const off = r.ulong(t, 1);
    if (off > 1n) {
      const size = Number(r.ulong(t, 2));
      const start = Number(off);
      r.check(start, size, `buffer ${index}`);
      return r.bytes.subarray(start, start + size);
    }
    const d = r.bytesOf(t, 0);
    return d && d.length > 0 ? d : null;
  };

  const subgraphs = r.tables(root, 2).map((sg, sgIndex): TfliteSubgraph => {
    const tensors = r.tables(sg, 0).map((t, index): TfliteTensor => {
      const typeCode = r.byte(t, 1);
      const buffer = r.uint(t, 2);
      return {
        index,
        name: r.string(t, 3) ?? `tensor_${index}`,
        shape: r.ints(t, 0),
        shapeSignature: r.field(t, 7) ? r.ints(t, 7) : null,
        type: TENSOR_TYPES[typeCode] ?? `TYPE_${typeCode}`,
        buffer,
        data: bufferData(buffer),
        quantization: readQuantization(r, r.table(t, 4)),
        sparsity: readSparsity(r, r.table(t, 6)),
        isVariable: r.bool(t, 5),
      };
    });
    const operators = r.tables(sg, 3).map((o, index): TfliteOperator => {
      const opcodeIndex = r.uint(o, 0);
      const code = operatorCodes[opcodeIndex];
      if (!code) {
        throw new TfliteConversionError("E_TFLITE_PARSE", `opcode_index ${opcodeIndex} is out of range`, {
          subgraph: sgIndex,
          operator: index,
        });
      }
      const optType = r.ubyte(o, 3);
      return {
        index,
        opcodeIndex,
        builtinCode: code.builtinCode,
        opName: code.name,
        version: code.version,
        inputs: r.ints(o, 1),
        outputs: r.ints(o, 2),
        options: readOptions(r, optType, r.table(o, 4)),
        hasCustomOptions: r.field(o, 5) !== 0 || r.ubyte(o, 11) !== 0,
      };
    });
    return {
      index: sgIndex,
      name: r.string(sg, 4) ?? "",
      tensors,
      inputs: r.ints(sg, 1),
      outputs: r.ints(sg, 2),
      operators,
    };
  });

  const signatures = r.tables(root, 7).map((s) => {
    const map = (slot: number): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const tm of r.tables(s, slot)) out[r.string(tm, 0) ?? ""] = r.uint(tm, 1);
      return out;
    };
    return { key: r.string(s, 2) ?? "", subgraph: r.uint(s, 4), inputs: map(0), outputs: map(1) };
  });

  return {
    version: r.uint(root, 0),
    description: r.string(root, 3) ?? "",
    subgraphs,
    operatorCodes,
    signatures,
  };
}
