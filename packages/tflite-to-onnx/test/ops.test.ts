// Every operator the BlazePose models use, one at a time: a hand-built TFLite model run in the real TFLite
// runtime (WASM) against its ONNX conversion run in onnxruntime-node.
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { convertTflite } from "../src/index.js";
import { buildTflite, f32Bytes, i32Bytes, type ModelSpec, type TensorSpec } from "./_build_tflite.js";
import { noise, tfliteRunner } from "./_oracle.js";

// BuiltinOperator codes and BuiltinOptions types (schema.fbs).
const OP = {
  ADD: 0,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEPTH_TO_SPACE: 5,
  DEQUANTIZE: 6,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  RESHAPE: 22,
  RESIZE_BILINEAR: 23,
  PAD: 34,
  DENSIFY: 124,
};
const OPT = { Conv: 1, Depthwise: 2, Pool: 5, Concat: 10, Add: 11, Resize: 15, Reshape: 17, D2S: 94 };
const SAME = 0;
const VALID = 1;
const RELU6 = 3;

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

function halfBytes(values: Float32Array): Uint8Array {
  // Values are chosen exactly representable (k/64 in [-2, 2]); encode directly.
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => {
    let h = 0;
    if (v !== 0) {
      const sign = v < 0 ? 0x8000 : 0;
      const a = Math.abs(v);
      const e = Math.floor(Math.log2(a));
      const mant = Math.round((a / 2 ** e - 1) * 1024);
      h = sign | ((e + 15) << 10) | mant;
    }
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >> 8;
  });
  return out;
}

function weights(n: number, seed: number): Float32Array {
  // Multiples of 1/64 in [-1, 1): exact in float16 too.
  return noise(n, -1, 1, seed).map((v) => Math.round(v * 64) / 64);
}

async function compare(spec: ModelSpec, seed = 1): Promise<number> {
  const tflite = buildTflite(spec);
  const input = spec.tensors[spec.inputs[0]];
  const x = noise(numel(input.shape), -1, 1, seed);
  const tfl = await tfliteRunner(tflite);
  const ref = tfl.run(x);
  const { onnx, outputs } = convertTflite(tflite);
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  const got = await session.run({ [input.name]: new ort.Tensor("float32", x, input.shape) });
  let worst = 0;
  outputs.forEach((o, k) => {
    const a = got[o.name].data as Float32Array;
    expect(a.length).toBe(ref[k].length);
    expect([...got[o.name].dims]).toEqual(spec.tensors[spec.outputs[k]].shape);
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - ref[k][i]));
  });
  return worst;
}

function convModel(opts: {
  hw: [number, number];
  cin: number;
  cout: number;
  k: number;
  stride: number;
  padding: number;
  depthwise?: boolean;
  act?: number;
  fp16?: boolean;
  dilation?: number;
}): ModelSpec {
  const { hw, cin, cout, k, stride, padding, depthwise, act = 0, fp16, dilation = 1 } = opts;
  const wShape = depthwise ? [1, k, k, cin] : [cout, k, k, cin];
  const w = weights(numel(wShape), 7);
  const oc = depthwise ? cin : cout;
  const eff = (k - 1) * dilation + 1;
  const out = (n: number) => (padding === SAME ? Math.ceil(n / stride) : Math.floor((n - eff) / stride) + 1);
  const tensors: TensorSpec[] = [
    { name: "input_1", shape: [1, hw[0], hw[1], cin] },
    fp16
      ? { name: "w16", shape: wShape, type: 1, data: halfBytes(w) }
      : { name: "w", shape: wShape, data: f32Bytes(w) },
    { name: "b", shape: [oc], data: f32Bytes(weights(oc, 9)) },
    { name: "Identity", shape: [1, out(hw[0]), out(hw[1]), oc] },
  ];
  const operators: ModelSpec["operators"] = [];
  let wIndex = 1;
  if (fp16) {
    tensors.push({ name: "w", shape: wShape });
    operators.push({ code: OP.DEQUANTIZE, inputs: [1], outputs: [4] });
    wIndex = 4;
  }
  const fields = depthwise
    ? [
        { slot: 0, byte: padding },
        { slot: 1, int: stride },
        { slot: 2, int: stride },
        { slot: 3, int: 1 },
        { slot: 4, byte: act },
        { slot: 5, int: dilation },
        { slot: 6, int: dilation },
      ]
    : [
        { slot: 0, byte: padding },
        { slot: 1, int: stride },
        { slot: 2, int: stride },
        { slot: 3, byte: act },
        { slot: 4, int: dilation },
        { slot: 5, int: dilation },
      ];
  operators.push({
    code: depthwise ? OP.DEPTHWISE_CONV_2D : OP.CONV_2D,
    inputs: [0, wIndex, 2],
    outputs: [3],
    options: { type: depthwise ? OPT.Depthwise : OPT.Conv, fields },
  });
  return { tensors, inputs: [0], outputs: [3], operators };
}

function unaryModel(
  code: number,
  inShape: number[],
  outShape: number[],
  extra: TensorSpec[] = [],
  options?: ModelSpec["operators"][0]["options"],
): ModelSpec {
  const tensors: TensorSpec[] = [
    { name: "input_1", shape: inShape },
    { name: "Identity", shape: outShape },
    ...extra,
  ];
  return {
    tensors,
    inputs: [0],
    outputs: [1],
    operators: [{ code, inputs: [0, ...extra.map((_, i) => 2 + i)], outputs: [1], options }],
  };
}

describe("each BlazePose operator matches the TFLite runtime", () => {
  it.each([
    [
      "CONV_2D 3x3 SAME stride 2 (even size) + RELU6",
      { hw: [16, 16], cin: 3, cout: 8, k: 3, stride: 2, padding: SAME, act: RELU6 },
    ],
    [
      "CONV_2D 3x3 SAME stride 2 (odd size)",
      { hw: [15, 13], cin: 4, cout: 6, k: 3, stride: 2, padding: SAME },
    ],
    ["CONV_2D 3x3 VALID stride 2", { hw: [17, 17], cin: 3, cout: 5, k: 3, stride: 2, padding: VALID }],
    [
      "CONV_2D 1x1 with float16 weights via DEQUANTIZE",
      { hw: [8, 8], cin: 16, cout: 8, k: 1, stride: 1, padding: SAME, fp16: true },
    ],
    ["CONV_2D 2x2 VALID stride 1", { hw: [9, 9], cin: 4, cout: 4, k: 2, stride: 1, padding: VALID }],
    [
      "DEPTHWISE_CONV_2D 3x3 SAME stride 1 + RELU6",
      { hw: [12, 12], cin: 8, cout: 8, k: 3, stride: 1, padding: SAME, depthwise: true, act: RELU6 },
    ],
    [
      "DEPTHWISE_CONV_2D 5x5 SAME stride 2",
      { hw: [14, 14], cin: 6, cout: 6, k: 5, stride: 2, padding: SAME, depthwise: true },
    ],
    [
      "DEPTHWISE_CONV_2D 5x5 SAME stride 1 (fp16)",
      { hw: [10, 10], cin: 4, cout: 4, k: 5, stride: 1, padding: SAME, depthwise: true, fp16: true },
    ],
  ] as const)("%s", async (_name, opts) => {
    expect(await compare(convModel(opts as Parameters<typeof convModel>[0]))).toBeLessThan(1e-5);
  });

  it("ADD with fused RELU6 (two activations)", async () => {
    const spec: ModelSpec = {
      tensors: [
        { name: "input_1", shape: [1, 6, 6, 4] },
        { name: "pool", shape: [1, 6, 6, 4] },
        { name: "Identity", shape: [1, 6, 6, 4] },
        { name: "k", shape: [4], data: f32Bytes([3, -2, 5, 0.5]) },
      ],
      inputs: [0],
      outputs: [2],
      operators: [
        { code: OP.ADD, inputs: [0, 3], outputs: [1], options: { type: OPT.Add, fields: [] } },
        {
          code: OP.ADD,
          inputs: [1, 0],
          outputs: [2],
          options: { type: OPT.Add, fields: [{ slot: 0, byte: RELU6 }] },
        },
      ],
    };
    expect(await compare(spec)).toBeLessThan(1e-6);
  });

  it("PAD (spatial and channel padding)", async () => {
    const pads = i32Bytes([0, 0, 1, 2, 0, 1, 0, 3]);
    const spec = unaryModel(
      OP.PAD,
      [1, 5, 4, 3],
      [1, 8, 5, 6],
      [{ name: "pads", shape: [4, 2], type: 2, data: pads }],
    );
    expect(await compare(spec)).toBe(0);
  });

  it("RESIZE_BILINEAR 2x, half_pixel_centers", async () => {
    const size = i32Bytes([16, 10]);
    const spec = unaryModel(
      OP.RESIZE_BILINEAR,
      [1, 8, 5, 3],
      [1, 16, 10, 3],
      [{ name: "size", shape: [2], type: 2, data: size }],
      {
        type: OPT.Resize,
        fields: [{ slot: 3, bool: true }],
      },
    );
    expect(await compare(spec)).toBeLessThan(1e-6);
  });

  it("MAX_POOL_2D 2x2 stride 2 VALID", async () => {
    const spec = unaryModel(OP.MAX_POOL_2D, [1, 8, 6, 5], [1, 4, 3, 5], [], {
      type: OPT.Pool,
      fields: [
        { slot: 0, byte: VALID },
        { slot: 1, int: 2 },
        { slot: 2, int: 2 },
        { slot: 3, int: 2 },
        { slot: 4, int: 2 },
      ],
    });
    expect(await compare(spec)).toBe(0);
  });

  it("RESHAPE of a 4-D tensor keeps TFLite's NHWC element order", async () => {
    const conv = convModel({ hw: [4, 4], cin: 3, cout: 6, k: 1, stride: 1, padding: SAME });
    // conv output (NCHW inside) -> reshape [1, 16, 6]
    conv.tensors[3] = { name: "conv", shape: [1, 4, 4, 6] };
    conv.tensors.push({ name: "shape", shape: [3], type: 2, data: i32Bytes([1, 16, 6]) });
    conv.tensors.push({ name: "Identity", shape: [1, 16, 6] });
    conv.operators.push({ code: OP.RESHAPE, inputs: [3, 4], outputs: [5] });
    conv.outputs = [5];
    expect(await compare(conv)).toBeLessThan(1e-5);
  });

  it("LOGISTIC", async () => {
    expect(await compare(unaryModel(OP.LOGISTIC, [1, 3, 3, 2], [1, 3, 3, 2]))).toBeLessThan(1e-6);
  });

  it("DEPTH_TO_SPACE block 2 (DCR order)", async () => {
    const spec = unaryModel(OP.DEPTH_TO_SPACE, [1, 3, 4, 8], [1, 6, 8, 2], [], {
      type: OPT.D2S,
      fields: [{ slot: 0, int: 2 }],
    });
    expect(await compare(spec)).toBe(0);
  });

  it("CONCATENATION on the channel axis of 4-D tensors and on axis 1 of 3-D tensors", async () => {
    const spec: ModelSpec = {
      tensors: [
        { name: "input_1", shape: [1, 2, 3, 4] },
        { name: "c", shape: [1, 2, 3, 8] },
        { name: "shape", shape: [3], type: 2, data: i32Bytes([1, 12, 4]) },
        { name: "r", shape: [1, 12, 4] },
        { name: "shape2", shape: [3], type: 2, data: i32Bytes([1, 6, 4]) },
        { name: "r2", shape: [1, 6, 4] },
        { name: "Identity", shape: [1, 18, 4] },
      ],
      inputs: [0],
      outputs: [6],
      operators: [
        {
          code: OP.CONCATENATION,
          inputs: [0, 0],
          outputs: [1],
          options: { type: OPT.Concat, fields: [{ slot: 0, int: 3 }] },
        },
        { code: OP.RESHAPE, inputs: [1, 2], outputs: [3] },
        { code: OP.RESHAPE, inputs: [0, 4], outputs: [5] },
        {
          code: OP.CONCATENATION,
          inputs: [3, 5],
          outputs: [6],
          options: { type: OPT.Concat, fields: [{ slot: 0, int: 1 }] },
        },
      ],
    };
    expect(await compare(spec)).toBe(0);
  });

  it("DENSIFY -> DEQUANTIZE -> CONV_2D 1x1 (sparse CSR float16 weights)", async () => {
    // Dense [O=3,1,1,I=4]; row-wise CSR over the last dimension.
    const dense = [
      [0.5, 0, -0.25, 0],
      [0, 0, 0, 1.5],
      [-1, 0.75, 0, 0],
    ];
    const segments = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const row of dense) {
      row.forEach((v, j) => {
        if (v !== 0) {
          indices.push(j);
          values.push(v);
        }
      });
      segments.push(indices.length);
    }
    const spec: ModelSpec = {
      tensors: [
        { name: "input_1", shape: [1, 5, 5, 4] },
        {
          name: "w_sparse",
          shape: [3, 1, 1, 4],
          type: 1,
          data: halfBytes(Float32Array.from(values)),
          sparsity: {
            order: [0, 1, 2, 3],
            dims: [{ dense: 3 }, { dense: 1 }, { dense: 1 }, { segments, indices }],
          },
        },
        { name: "w16", shape: [3, 1, 1, 4], type: 1 },
        { name: "w", shape: [3, 1, 1, 4] },
        { name: "b", shape: [3], data: f32Bytes([0.1, 0.2, 0.3]) },
        { name: "Identity", shape: [1, 5, 5, 3] },
      ],
      inputs: [0],
      outputs: [5],
      operators: [
        { code: OP.DENSIFY, inputs: [1], outputs: [2] },
        { code: OP.DEQUANTIZE, inputs: [2], outputs: [3] },
        {
          code: OP.CONV_2D,
          inputs: [0, 3, 4],
          outputs: [5],
          options: {
            type: OPT.Conv,
            fields: [
              { slot: 0, byte: SAME },
              { slot: 1, int: 1 },
              { slot: 2, int: 1 },
            ],
          },
        },
      ],
    };
    expect(await compare(spec)).toBeLessThan(1e-6);
    expect(convertTflite(buildTflite(spec)).report.folded).toEqual({ dequantize: 1, densify: 1 });
  });
});

describe("convolution padding and strides, randomised against the TFLite runtime", () => {
  // A fixed seed: the same 24 configurations every run (kernels 1-5, strides 1-3, dilation 1-2,
  // SAME/VALID, odd and even sizes, plain and depthwise).
  const rand = noise(24 * 8, 0, 1, 2024);
  const pick = (i: number, lo: number, hi: number) => lo + Math.floor(rand[i] * (hi - lo + 1));
  const configs = Array.from({ length: 24 }, (_, c) => {
    const b = c * 8;
    const k = pick(b, 1, 5);
    const dilation = k > 1 && rand[b + 1] < 0.25 ? 2 : 1;
    const stride = dilation > 1 ? 1 : pick(b + 2, 1, 3);
    const eff = (k - 1) * dilation + 1;
    return {
      k,
      dilation,
      stride,
      padding: rand[b + 3] < 0.5 ? SAME : VALID,
      hw: [pick(b + 4, eff, eff + 12), pick(b + 5, eff, eff + 12)] as [number, number],
      cin: pick(b + 6, 1, 6),
      cout: pick(b + 7, 1, 6),
      depthwise: c % 3 === 2,
      act: c % 2 ? RELU6 : 0,
    };
  });
  it.each(configs)("k=$k s=$stride d=$dilation pad=$padding hw=$hw cin=$cin dw=$depthwise", async (cfg) => {
    expect(await compare(convModel(cfg), 3)).toBeLessThan(1e-5);
  });
});
