// Test helper: a tiny ONNX model (y = x * 2 over float[1, n]) built with onnx-proto, to exercise sessions,
// providers and the model cache without converting a real model.
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export function tinyOnnx(n = 3, scale = 2): Uint8Array {
  const shape = { dim: [{ dimValue: 1 }, { dimValue: n }] };
  const model = {
    irVersion: 7,
    producerName: "neuropose-test",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "tiny",
      node: [{ opType: "Mul", name: "mul", input: ["x", "k"], output: ["y"] }],
      initializer: [{ name: "k", dims: [1], dataType: 1, floatData: [scale] }],
      input: [{ name: "x", type: { tensorType: { elemType: 1, shape } } }],
      output: [{ name: "y", type: { tensorType: { elemType: 1, shape } } }],
    },
  };
  return onnx.ModelProto.encode(model as never).finish();
}
