// Constant tensor data and layout helpers shared by the lowering context and the operator lowerings:
// typed views of TFLite constant buffers, row-major transposes, and the NHWC <-> NCHW permutations.
import { TfliteConversionError } from "../errors.js";
import type { TfliteTensor } from "../read.js";

export type Layout = "NCHW" | "NHWC";
export type ConstData =
  | Float32Array
  | Int32Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | BigInt64Array;
export interface Const {
  /** TFLite type name of the data ("FLOAT16" data is raw binary16 in a Uint16Array). */
  type: string;
  shape: number[];
  data: ConstData;
}
export interface Value {
  name: string;
  layout: Layout;
}

export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];
export const NHWC_AXIS_IN_NCHW = [0, 2, 3, 1];

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Transpose a row-major array of `shape` by `perm` (out dim i = in dim perm[i]). */
export function transposeData<T extends ConstData>(data: T, shape: number[], perm: number[]): T {
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
export function trivialPerm(shape: number[], perm: number[]): boolean {
  const moved = perm.map((p) => p).filter((p) => shape[p] !== 1);
  for (let i = 1; i < moved.length; i++) if (moved[i] < moved[i - 1]) return false;
  return true;
}

/** Bytes per element and typed-array view of each constant type we read (FLOAT16 stays raw binary16). */
const CONST_VIEWS: Record<string, [number, new (buffer: ArrayBuffer) => ConstData]> = {
  FLOAT32: [4, Float32Array],
  FLOAT16: [2, Uint16Array],
  INT32: [4, Int32Array],
  INT64: [8, BigInt64Array],
  INT8: [1, Int8Array],
  UINT8: [1, Uint8Array],
  INT16: [2, Int16Array],
};

export function readConstData(t: TfliteTensor): Const | null {
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
  const view = CONST_VIEWS[t.type];
  if (!view) return null;
  return { type: t.type, shape: t.shape, data: new view[1](copy(view[0])) };
}
