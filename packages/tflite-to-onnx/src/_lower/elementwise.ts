// ADD, SUB, MUL (with fused activation) and the unary activations LOGISTIC, TANH, RELU, RELU6.
import type { TfliteOperator } from "../read.js";
import type { LoweringContext } from "./context.js";
import type { Layout } from "./tensor-data.js";

/** Elementwise n-ary op: rank-4 results computed in NCHW, constants broadcast accordingly. */
export function elementwise(ctx: LoweringContext, op: TfliteOperator, opType: string, act: unknown): void {
  const out = op.outputs[0];
  const rank = ctx.shapeOf(out).length;
  const layout: Layout = rank === 4 ? "NCHW" : "NHWC";
  const inputs = op.inputs.map((i) => {
    if (ctx.isConst(i) && !ctx.vals.has(i)) return ctx.initConst(i, layout);
    if (layout === "NCHW" && ctx.shapeOf(i).length !== 4)
      ctx.unsupportedOption("broadcasting a lower-rank activation against a 4-D one", i);
    return ctx.as(i, layout);
  });
  const name = ctx.outName(out, layout);
  ctx.withActivation(opType, inputs, name, act);
  ctx.setValue(out, name, layout);
}

export function unary(ctx: LoweringContext, op: TfliteOperator, opType: string, extra: string[] = []): void {
  const xi = op.inputs[0];
  const out = op.outputs[0];
  const layout: Layout = ctx.shapeOf(xi).length === 4 ? "NCHW" : "NHWC";
  const name = ctx.outName(out, layout);
  ctx.g.node(opType, ctx.nodeName(), [ctx.as(xi, layout), ...extra], [name]);
  ctx.setValue(out, name, layout);
}
