// The handler table: TFLite operator name -> its lowering. Adding an operator = one entry here and a function
// in the module of its family.
import { OPTIONS } from "../_schema.js";
import { densify, dequantize } from "./constants.js";
import type { Handler } from "./context.js";
import { conv, pool } from "./conv-pool.js";
import { elementwise, unary } from "./elementwise.js";
import { concat, depthToSpace, pad, reshape, resizeBilinear } from "./shape.js";

export const HANDLERS: Record<string, Handler> = {
  ADD: (c, op) => elementwise(c, op, "Add", c.options(OPTIONS.AddOptions).activation),
  SUB: (c, op) => elementwise(c, op, "Sub", c.options(OPTIONS.SubOptions).activation),
  MUL: (c, op) => elementwise(c, op, "Mul", c.options(OPTIONS.MulOptions).activation),
  AVERAGE_POOL_2D: (c, op) => pool(c, op, "AveragePool"),
  CONCATENATION: (c, op) => concat(c, op),
  CONV_2D: (c, op) => conv(c, op, false),
  DEPTHWISE_CONV_2D: (c, op) => conv(c, op, true),
  DEPTH_TO_SPACE: (c, op) => depthToSpace(c, op),
  DENSIFY: (c, op) => densify(c, op),
  DEQUANTIZE: (c, op) => dequantize(c, op),
  LOGISTIC: (c, op) => unary(c, op, "Sigmoid"),
  TANH: (c, op) => unary(c, op, "Tanh"),
  RELU: (c, op) => unary(c, op, "Relu"),
  RELU6: (c, op) => unary(c, op, "Clip", [c.scalar(0), c.scalar(6)]),
  MAX_POOL_2D: (c, op) => pool(c, op, "MaxPool"),
  PAD: (c, op) => pad(c, op),
  PADV2: (c, op) => pad(c, op),
  RESHAPE: (c, op) => reshape(c, op),
  RESIZE_BILINEAR: (c, op) => resizeBilinear(c, op),
};
