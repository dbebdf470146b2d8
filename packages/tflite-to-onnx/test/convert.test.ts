// Converter options and guarantees on a real model (pose_landmark_lite): determinism, float16 weight
// storage, output pruning, batch handling and opset choice. The model is converted once per setting.
import { createHash } from "node:crypto";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { type ConvertResult, convertTflite } from "../src/index.js";
import { loadModel, noise } from "./_oracle.js";

const { onnx } = onnxProto;
const bytes = loadModel("lite");
const SHAPE = [1, 256, 256, 3];
const N = 256 * 256 * 3;

async function run(model: Uint8Array, x: Float32Array, batch = 1) {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const out = await session.run({ input_1: new ort.Tensor("float32", x, [batch, 256, 256, 3]) });
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, { data: v.data as Float32Array, dims: [...v.dims] }]),
  );
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("convertTflite on pose_landmark_lite", () => {
  let base: ConvertResult;
  let fp16: ConvertResult;
  let baseOut: Awaited<ReturnType<typeof run>>;
  const x = noise(N, 0, 1, 5);

  beforeAll(async () => {
    base = convertTflite(bytes);
    fp16 = convertTflite(bytes, { float16Weights: true });
    baseOut = await run(base.onnx, x);
  }, 60_000);

  it("is deterministic: the same input gives byte-identical ONNX", () => {
    const again = convertTflite(new Uint8Array(bytes));
    expect(again.onnx.length).toBe(base.onnx.length);
    expect(sha(again.onnx)).toBe(sha(base.onnx));
    expect(again.report).toEqual(base.report);
    expect(sha(convertTflite(bytes, { float16Weights: true }).onnx)).toBe(sha(fp16.onnx));
  });

  it("writes a valid ModelProto: opset 13, NHWC boundary, one transpose per 4-D input/output", () => {
    const m = onnx.ModelProto.decode(base.onnx);
    const g = m.graph as onnxProto.onnx.GraphProto;
    expect(Number(m.opsetImport[0].version)).toBe(13);
    expect(g.input.map((v) => v.name)).toEqual(["input_1"]);
    expect(g.output.map((v) => v.name)).toEqual([
      "Identity",
      "Identity_1",
      "Identity_2",
      "Identity_3",
      "Identity_4",
    ]);
    const dims = g.input[0].type?.tensorType?.shape?.dim ?? [];
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(["batch", 256, 256, 3]);
    // 1 input transpose + 2 output transposes (segmentation, heatmap); nothing else moves layouts.
    expect(base.report.onnxOperators.Transpose).toBe(3);
    expect(base.report.folded).toEqual({ dequantize: 176, densify: 0 });
    expect(base.report.sourceOperators).toMatchObject({
      CONV_2D: 54,
      DEPTHWISE_CONV_2D: 34,
      ADD: 25,
      PAD: 5,
    });
    // Every float16 constant is folded: no DequantizeLinear/Cast left in the fp32 graph.
    expect(g.node.some((n) => n.opType === "Cast")).toBe(false);
    expect(g.initializer.every((t) => t.dataType === 1 || t.dataType === 7)).toBe(true);
  });

  it("float16Weights halves the file and gives identical outputs", async () => {
    expect(fp16.onnx.length).toBeLessThan(base.onnx.length * 0.55);
    expect(fp16.report.float16Initializers).toBeGreaterThan(100);
    const out = await run(fp16.onnx, x);
    for (const k of Object.keys(baseOut)) expect(out[k].data).toEqual(baseOut[k].data);
  });

  it("keepOutputs prunes the other outputs and the operators only they need", async () => {
    const kept = convertTflite(bytes, { keepOutputs: ["Identity_4", "Identity", "Identity_1"] });
    expect(kept.outputs.map((o) => o.name)).toEqual(["Identity", "Identity_1", "Identity_4"]);
    expect(kept.report.prunedOperators).toBeGreaterThan(20);
    expect(kept.report.onnxNodes).toBeLessThan(base.report.onnxNodes);
    expect(kept.onnx.length).toBeLessThan(base.onnx.length);
    const out = await run(kept.onnx, x);
    expect(Object.keys(out).sort()).toEqual(["Identity", "Identity_1", "Identity_4"]);
    for (const k of Object.keys(out)) expect(out[k].data).toEqual(baseOut[k].data);
  });

  it("keepOutputs with an unknown name fails and lists the outputs", () => {
    expect(() => convertTflite(bytes, { keepOutputs: ["Identity_9"] })).toThrow(
      expect.objectContaining({ code: "E_TFLITE_OUTPUT", hint: expect.stringContaining("Identity_4") }),
    );
  });

  it("a batch of 3 equals 3 runs of batch 1 exactly", async () => {
    const xs = [x, noise(N, 0, 1, 6), noise(N, 0, 1, 7)];
    const batched = new Float32Array(3 * N);
    for (const [i, xi] of xs.entries()) batched.set(xi, i * N);
    const out = await run(base.onnx, batched, 3);
    const singles = [baseOut, await run(base.onnx, xs[1]), await run(base.onnx, xs[2])];
    for (const k of Object.keys(baseOut)) {
      expect(out[k].dims).toEqual([3, ...baseOut[k].dims.slice(1)]);
      const per = baseOut[k].data.length;
      singles.forEach((s, i) => {
        const slice = out[k].data.subarray(i * per, (i + 1) * per);
        let err = 0;
        for (let j = 0; j < per; j++) err = Math.max(err, Math.abs(slice[j] - s[k].data[j]));
        expect(err, `${k} item ${i}`).toBe(0); // onnxruntime runs each item through the same kernels
      });
    }
  });

  it("a fixed batch size is written into the graph", async () => {
    const fixed = convertTflite(bytes, { batch: 2, keepOutputs: ["Identity_1"] });
    expect(fixed.inputs[0].shape).toEqual([2, 256, 256, 3]);
    expect(fixed.outputs[0].shape).toEqual([2, 1]);
    const session = await ort.InferenceSession.create(fixed.onnx);
    await expect(session.run({ input_1: new ort.Tensor("float32", x, SHAPE) })).rejects.toThrow();
  });

  it("opset 17 gives the same outputs as opset 13", async () => {
    const o17 = convertTflite(bytes, { opset: 17, keepOutputs: ["Identity", "Identity_4"] });
    expect(Number(onnx.ModelProto.decode(o17.onnx).opsetImport[0].version)).toBe(17);
    const out = await run(o17.onnx, x);
    for (const k of ["Identity", "Identity_4"]) expect(out[k].data).toEqual(baseOut[k].data);
  });

  it("rejects bad options", () => {
    expect(() => convertTflite(bytes, { opset: 11 })).toThrow(
      expect.objectContaining({ code: "E_TFLITE_OPTIONS" }),
    );
    expect(() => convertTflite(bytes, { batch: 0 })).toThrow(
      expect.objectContaining({ code: "E_TFLITE_OPTIONS" }),
    );
    expect(() => convertTflite(bytes, { keepOutputs: [] })).toThrow(
      expect.objectContaining({ code: "E_TFLITE_OPTIONS" }),
    );
  });
});
