// DEQUANTIZE and DENSIFY of constant weights, folded into float initialisers (no ONNX node).
import { densifyIndices } from "../_densify.js";
import { halfBytesToFloat32 } from "../_fp16.js";
import type { TfliteOperator } from "../read.js";
import type { LoweringContext } from "./context.js";
import { numel } from "./tensor-data.js";

export function dequantize(ctx: LoweringContext, op: TfliteOperator): void {
  const [xi] = op.inputs;
  const out = op.outputs[0];
  const c = ctx.constOf(xi);
  if (!c) {
    if (ctx.tensor(xi).sparsity) ctx.unsupportedOption("DEQUANTIZE of a sparse tensor without DENSIFY", xi);
    ctx.unsupportedOption("DEQUANTIZE of a non-constant tensor (only constant weights are folded)", xi);
  }
  if (ctx.tensor(out).type !== "FLOAT32") ctx.unsupportedOption(`output type ${ctx.tensor(out).type}`, out);
  let data: Float32Array;
  if (c.type === "FLOAT16") {
    const u = c.data as Uint16Array;
    data = halfBytesToFloat32(new Uint8Array(u.buffer, u.byteOffset, u.byteLength), u.length);
  } else if (c.type === "INT8" || c.type === "UINT8" || c.type === "INT16") {
    const q = ctx.tensor(xi).quantization;
    if (!q?.scale.length || q.detailsType !== 0) ctx.unsupportedOption("quantisation parameters", xi);
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
        ctx.unsupportedOption("per-axis scales do not match the quantized dimension", xi);
      for (let k = 0; k < n; k++) {
        const ch = Math.floor(k / inner) % dim;
        data[k] = q.scale[ch] * ((c.data[k] as number) - (q.zeroPoint[ch] ?? 0));
      }
    }
  } else {
    ctx.unsupportedOption(`DEQUANTIZE from ${c.type}`, xi);
  }
  ctx.consts.set(out, { type: "FLOAT32", shape: ctx.shapeOf(out), data });
  ctx.folded.dequantize++;
}

export function densify(ctx: LoweringContext, op: TfliteOperator): void {
  const [xi] = op.inputs;
  const out = op.outputs[0];
  const t = ctx.tensor(xi);
  const sp = t.sparsity;
  if (!sp || !t.data) ctx.unsupportedOption("DENSIFY of a non-constant or non-sparse tensor", xi);
  if (sp.blockMap.length > 0) ctx.unsupportedOption("block-sparse tensors (block_map)", xi);
  if (sp.traversalOrder.length !== t.shape.length) ctx.unsupportedOption("traversal order rank mismatch", xi);
  const bytesPer = ({ FLOAT32: 4, FLOAT16: 2, INT8: 1, UINT8: 1 } as Record<string, number>)[t.type];
  if (!bytesPer) ctx.unsupportedOption(`sparse values of type ${t.type}`, xi);
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
    ctx.unsupportedOption(`corrupt sparse tensor: ${(e as Error).message}`, xi);
  }
  if (used !== stored) ctx.unsupportedOption(`sparse tensor stores ${stored} values but indexes ${used}`, xi);
  const data =
    t.type === "FLOAT32"
      ? new Float32Array(dst.buffer)
      : t.type === "FLOAT16"
        ? new Uint16Array(dst.buffer)
        : t.type === "INT8"
          ? new Int8Array(dst.buffer)
          : dst;
  ctx.consts.set(out, { type: t.type, shape: ctx.shapeOf(out), data });
  ctx.folded.densify++;
}
