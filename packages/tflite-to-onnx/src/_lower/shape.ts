// Operators that move data between positions: CONCATENATION, PAD/PADV2, RESHAPE, DEPTH_TO_SPACE, RESIZE_BILINEAR.
import { OPTIONS } from "../_schema.js";
import type { TfliteOperator } from "../read.js";
import type { LoweringContext } from "./context.js";
import { type Layout, NHWC_AXIS_IN_NCHW, TO_NCHW, trivialPerm } from "./tensor-data.js";

export function concat(ctx: LoweringContext, op: TfliteOperator): void {
  const o = ctx.options(OPTIONS.ConcatenationOptions);
  const out = op.outputs[0];
  const rank = ctx.shapeOf(out).length;
  let axis = o.axis as number;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) ctx.unsupportedOption(`axis ${o.axis as number} for rank ${rank}`);
  const layout: Layout = rank === 4 ? "NCHW" : "NHWC";
  const inputs = op.inputs.map((i) =>
    ctx.isConst(i) && !ctx.vals.has(i) ? ctx.initConst(i, layout) : ctx.as(i, layout),
  );
  const name = ctx.outName(out, layout);
  ctx.withActivation("Concat", inputs, name, o.activation, [
    ["axis", layout === "NCHW" ? NHWC_AXIS_IN_NCHW[axis] : axis],
  ]);
  ctx.setValue(out, name, layout);
}

export function pad(ctx: LoweringContext, op: TfliteOperator): void {
  const [xi, pi, vi] = op.inputs;
  const p = ctx.constInts(pi, "paddings");
  const rank = ctx.shapeOf(xi).length;
  if (p.length !== rank * 2) ctx.unsupportedOption(`paddings of length ${p.length} for rank ${rank}`, pi);
  if (p.some((v) => v < 0)) ctx.unsupportedOption("negative paddings", pi);
  const layout: Layout = rank === 4 ? "NCHW" : "NHWC";
  const perm = layout === "NCHW" ? TO_NCHW : [...Array(rank).keys()];
  const pads = [...perm.map((d) => p[2 * d]), ...perm.map((d) => p[2 * d + 1])];
  const inputs = [
    ctx.as(xi, layout),
    ctx.g.initI64(`c${pi}_pads_${layout.toLowerCase()}`, [pads.length], pads),
  ];
  if (vi !== undefined && vi >= 0) {
    const v = ctx.constF32(vi, "constant value");
    inputs.push(ctx.g.initF32(`c${vi}`, [], Float32Array.of(v.data[0])));
  }
  const out = op.outputs[0];
  const name = ctx.outName(out, layout);
  ctx.g.node("Pad", ctx.nodeName(), inputs, [name], [["mode", "constant"]]);
  ctx.setValue(out, name, layout);
}

export function reshape(ctx: LoweringContext, op: TfliteOperator): void {
  const [xi, si] = op.inputs;
  const out = op.outputs[0];
  const inShape = ctx.shapeOf(xi);
  let outShape = ctx.shapeOf(out);
  if (outShape.some((d) => !(d > 0))) {
    const o = op.options as { newShape?: number[] | null } | null;
    outShape = si !== undefined && si >= 0 ? ctx.constInts(si, "shape") : (o?.newShape ?? outShape);
  }
  if (outShape.filter((d) => d === -1).length > 1 || outShape.some((d) => d === 0 || d < -1))
    ctx.unsupportedOption(`target shape [${outShape}]`, out);
  // Keep the batch dimension symbolic: copy it from the input (ONNX 0 = copy) when it is the leading dim.
  const target = outShape.map((d, k) => (k === 0 && inShape.length > 0 && d === inShape[0] ? 0 : d));
  const v = ctx.value(xi);
  let x: string;
  if (v.layout === "NCHW" && trivialPerm(inShape, TO_NCHW)) x = v.name;
  else x = ctx.as(xi, "NHWC");
  const name = ctx.outName(out, "NHWC");
  const shapeName = ctx.g.initI64(`shape_${out}`, [target.length], target);
  ctx.g.node("Reshape", ctx.nodeName(), [x, shapeName], [name]);
  ctx.setValue(out, name, "NHWC");
}

export function depthToSpace(ctx: LoweringContext, op: TfliteOperator): void {
  const o = ctx.options(OPTIONS.DepthToSpaceOptions);
  const b = o.blockSize as number;
  if (!(b >= 1)) ctx.unsupportedOption(`block_size ${b}`);
  const out = op.outputs[0];
  const name = ctx.outName(out, "NCHW");
  // TensorFlow's depth_to_space is ONNX's DCR (depth-column-row) order.
  ctx.g.node(
    "DepthToSpace",
    ctx.nodeName(),
    [ctx.as(op.inputs[0], "NCHW")],
    [name],
    [
      ["blocksize", b],
      ["mode", "DCR"],
    ],
  );
  ctx.setValue(out, name, "NCHW");
}

export function resizeBilinear(ctx: LoweringContext, op: TfliteOperator): void {
  const o = ctx.options(OPTIONS.ResizeBilinearOptions);
  const [xi, si] = op.inputs;
  const size = ctx.constInts(si, "size");
  const [, ih, iw] = ctx.shapeOf(xi);
  if (size.length !== 2) ctx.unsupportedOption(`size of length ${size.length}`, si);
  let mode: string;
  if (o.alignCorners && o.halfPixelCenters)
    ctx.unsupportedOption("align_corners together with half_pixel_centers");
  else if (o.alignCorners) mode = "align_corners";
  else if (o.halfPixelCenters) mode = "half_pixel";
  else mode = "asymmetric";
  const scales = [1, 1, size[0] / ih, size[1] / iw];
  for (let a = 0; a < 2; a++) {
    const got = Math.floor(Math.fround([ih, iw][a] * Math.fround(scales[2 + a])));
    if (got !== size[a])
      ctx.unsupportedOption(`resize ${[ih, iw][a]} -> ${size[a]} is not an exact scale`, si);
  }
  const sName = ctx.g.initF32(`c${si}_scales`, [4], Float32Array.from(scales));
  const out = op.outputs[0];
  const name = ctx.outName(out, "NCHW");
  ctx.g.node(
    "Resize",
    ctx.nodeName(),
    [ctx.as(xi, "NCHW"), "", sName],
    [name],
    [
      ["coordinate_transformation_mode", mode],
      ["mode", "linear"],
    ],
  );
  ctx.setValue(out, name, "NCHW");
}
