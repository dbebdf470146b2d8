// CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D and MAX_POOL_2D: NCHW Conv/pooling with TensorFlow's SAME/VALID padding made explicit.
import type { OnnxGraph as Graph } from "../_onnx.js";
import { OPTIONS } from "../_schema.js";
import type { TfliteOperator } from "../read.js";
import type { LoweringContext } from "./context.js";
import { TO_NCHW, transposeData } from "./tensor-data.js";

export function conv(ctx: LoweringContext, op: TfliteOperator, depthwise: boolean): void {
  const o = ctx.options(depthwise ? OPTIONS.DepthwiseConv2DOptions : OPTIONS.Conv2DOptions);
  const [xi, wi, bi] = op.inputs;
  const x = ctx.as(xi, "NCHW");
  const w = ctx.constF32(wi, "filter");
  if (w.shape.length !== 4) ctx.unsupportedOption(`filter of rank ${w.shape.length}`, wi);
  const inC = ctx.shapeOf(xi)[3];
  let wName: string;
  let group: number;
  let kh: number;
  let kw: number;
  if (depthwise) {
    // [1, KH, KW, C*M] -> [C*M, 1, KH, KW], group = C
    [, kh, kw] = w.shape;
    const cm = w.shape[3];
    if (w.shape[0] !== 1 || cm % inC !== 0) ctx.unsupportedOption(`depthwise filter shape [${w.shape}]`, wi);
    const dm = o.depthMultiplier as number;
    if (dm !== 0 && dm !== cm / inC)
      ctx.unsupportedOption(`depth_multiplier ${dm} vs filter [${w.shape}]`, wi);
    wName = `c${wi}_dw`;
    if (!ctx.g.hasInit(wName))
      ctx.g.initF32(wName, [cm, 1, kh, kw], transposeData(w.data, w.shape, [3, 0, 1, 2]));
    group = inC;
  } else {
    // [O, KH, KW, I] -> [O, I, KH, KW]; grouped when I < C
    [, kh, kw] = w.shape;
    const [oc, , , ic] = w.shape;
    if (inC % ic !== 0) ctx.unsupportedOption(`filter input channels ${ic} do not divide ${inC}`, wi);
    group = inC / ic;
    wName = `c${wi}_oihw`;
    if (!ctx.g.hasInit(wName))
      ctx.g.initF32(wName, [oc, ic, kh, kw], transposeData(w.data, w.shape, TO_NCHW));
  }
  const strides = [o.strideH as number, o.strideW as number];
  const dil = [o.dilationH as number, o.dilationW as number];
  if (strides.some((v) => !(v >= 1)) || dil.some((v) => !(v >= 1)))
    ctx.unsupportedOption("strides/dilations < 1");
  const inputs = [x, wName];
  if (bi !== undefined && bi >= 0) inputs.push(ctx.initConst(bi, "NHWC"));
  const out = op.outputs[0];
  const name = ctx.outName(out, "NCHW");
  ctx.withActivation("Conv", inputs, name, o.activation, [
    ["dilations", dil],
    ["group", group],
    ["kernel_shape", [kh, kw]],
    ["pads", ctx.pads(xi, o.padding, [kh, kw], strides, dil)],
    ["strides", strides],
  ]);
  ctx.setValue(out, name, "NCHW");
}

export function pool(ctx: LoweringContext, op: TfliteOperator, type: "MaxPool" | "AveragePool"): void {
  const o = ctx.options(OPTIONS.Pool2DOptions);
  const xi = op.inputs[0];
  const k = [o.filterH as number, o.filterW as number];
  const s = [o.strideH as number, o.strideW as number];
  const attrs: Parameters<Graph["node"]>[4] = [
    ["kernel_shape", k],
    ["pads", ctx.pads(xi, o.padding, k, s, [1, 1])],
    ["strides", s],
  ];
  if (type === "AveragePool") attrs.unshift(["count_include_pad", 0]);
  const out = op.outputs[0];
  const name = ctx.outName(out, "NCHW");
  ctx.withActivation(type, [ctx.as(xi, "NCHW")], name, o.activation, attrs);
  ctx.setValue(out, name, "NCHW");
}
