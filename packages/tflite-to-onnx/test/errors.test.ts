// Anything the converter cannot lower exactly fails loudly, naming the operator and where it is.
import { NeuroPoseError } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { convertTflite, readTflite, TfliteConversionError } from "../src/index.js";
import { buildTflite, f32Bytes, i32Bytes, type ModelSpec } from "./_build_tflite.js";
import { loadModel } from "./_oracle.js";

function catchError(fn: () => unknown): TfliteConversionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TfliteConversionError);
    expect(e).toBeInstanceOf(NeuroPoseError);
    return e as TfliteConversionError;
  }
  throw new Error("expected the conversion to fail");
}

/** input -> LOGISTIC -> <op under test> -> output, so the failing operator is at index 1. */
function twoOps(op: ModelSpec["operators"][0], extra: ModelSpec["tensors"] = []): ModelSpec {
  return {
    tensors: [
      { name: "input_1", shape: [1, 4, 4, 2] },
      { name: "sig", shape: [1, 4, 4, 2] },
      { name: "Identity", shape: [1, 4, 4, 2] },
      ...extra,
    ],
    inputs: [0],
    outputs: [2],
    operators: [{ code: 14, inputs: [0], outputs: [1] }, op],
  };
}

describe("unsupported operators and options", () => {
  it("an unsupported builtin operator is named with its subgraph, index and output tensor", () => {
    const model = buildTflite(
      twoOps({ code: 25, inputs: [1], outputs: [2], options: { type: 9, fields: [] } }),
    );
    const e = catchError(() => convertTflite(model));
    expect(e.code).toBe("E_TFLITE_UNSUPPORTED_OP");
    expect(e.kind).toBe("user");
    expect(e.location).toEqual({ subgraph: 0, operator: 1, op: "SOFTMAX", tensor: '"Identity" (#2)' });
    expect(e.message).toContain("SOFTMAX");
    expect(e.message).toContain("subgraph 0, operator 1 (SOFTMAX)");
    expect(e.hint).toContain("CONV_2D");
  });

  it("a custom operator is named with its custom code", () => {
    const model = buildTflite(
      twoOps({ code: 32, customCode: "Landmarks2TransformMatrix", inputs: [1], outputs: [2] }),
    );
    const e = catchError(() => convertTflite(model));
    expect(e.code).toBe("E_TFLITE_UNSUPPORTED_OP");
    expect(e.location.op).toBe("CUSTOM:Landmarks2TransformMatrix");
  });

  it("an operator code beyond the deprecated byte range is read from builtin_code", () => {
    const model = buildTflite(twoOps({ code: 150, inputs: [1], outputs: [2] }));
    expect(catchError(() => convertTflite(model)).location.op).toBe("GELU");
  });

  it("an unsupported fused activation is an option error at that operator", () => {
    const model = buildTflite(
      twoOps(
        { code: 0, inputs: [1, 0], outputs: [2], options: { type: 11, fields: [{ slot: 0, byte: 5 }] } }, // SIGN_BIT
      ),
    );
    const e = catchError(() => convertTflite(model));
    expect(e.code).toBe("E_TFLITE_UNSUPPORTED_OPTION");
    expect(e.message).toContain("fused activation SIGN_BIT");
    expect(e.location).toMatchObject({ operator: 1, op: "ADD" });
  });

  it("RESIZE_BILINEAR with align_corners and half_pixel_centers together is refused", () => {
    const model = buildTflite({
      tensors: [
        { name: "input_1", shape: [1, 4, 4, 2] },
        { name: "Identity", shape: [1, 8, 8, 2] },
        { name: "size", shape: [2], type: 2, data: i32Bytes([8, 8]) },
      ],
      inputs: [0],
      outputs: [1],
      operators: [
        {
          code: 23,
          inputs: [0, 2],
          outputs: [1],
          options: {
            type: 15,
            fields: [
              { slot: 2, bool: true },
              { slot: 3, bool: true },
            ],
          },
        },
      ],
    });
    const e = catchError(() => convertTflite(model));
    expect(e.code).toBe("E_TFLITE_UNSUPPORTED_OPTION");
    expect(e.message).toContain("align_corners");
    expect(e.location).toMatchObject({ operator: 0, op: "RESIZE_BILINEAR" });
  });

  it("DEQUANTIZE of a computed (non-constant) tensor is refused", () => {
    const e = catchError(() => convertTflite(buildTflite(twoOps({ code: 6, inputs: [1], outputs: [2] }))));
    expect(e.code).toBe("E_TFLITE_UNSUPPORTED_OPTION");
    expect(e.message).toContain("non-constant");
    expect(e.location.tensor).toBe('"sig" (#1)');
  });

  it("a convolution whose filter is computed at run time is refused", () => {
    const model = buildTflite(
      twoOps(
        {
          code: 3,
          inputs: [1, 1, 3],
          outputs: [2],
          options: {
            type: 1,
            fields: [
              { slot: 1, int: 1 },
              { slot: 2, int: 1 },
            ],
          },
        },
        [{ name: "b", shape: [2], data: f32Bytes([0, 0]) }],
      ),
    );
    const e = catchError(() => convertTflite(model));
    expect(e.message).toContain("filter must be a constant");
    expect(e.location).toMatchObject({ operator: 1, op: "CONV_2D", tensor: '"sig" (#1)' });
  });

  it("a quantised (non-float) graph input is refused", () => {
    const spec = twoOps({ code: 14, inputs: [1], outputs: [2] });
    spec.tensors[0] = { name: "input_1", shape: [1, 4, 4, 2], type: 9 };
    const e = catchError(() => convertTflite(buildTflite(spec)));
    expect(e.code).toBe("E_TFLITE_UNSUPPORTED_OPTION");
    expect(e.message).toContain("INT8");
  });

  it("an unsupported operator in a real model, found by mutating its operator code table", () => {
    // Turn LOGISTIC (14, the pose flag's sigmoid) into SOFTMAX (25) in pose_landmark_lite.
    const bytes = loadModel("lite");
    const model = readTflite(bytes);
    const logisticCode = model.operatorCodes.findIndex((c) => c.name === "LOGISTIC");
    const mutated = mutateOperatorCode(bytes, logisticCode, 25);
    const e = catchError(() => convertTflite(mutated));
    const opIndex = model.subgraphs[0].operators.findIndex((o) => o.opName === "LOGISTIC");
    expect(e.code).toBe("E_TFLITE_UNSUPPORTED_OP");
    expect(e.location).toMatchObject({ subgraph: 0, operator: opIndex, op: "SOFTMAX" });
    // ... while pruning that branch away converts fine.
    expect(convertTflite(mutated, { keepOutputs: ["Identity", "Identity_4"] }).outputs).toHaveLength(2);
  });
});

describe("unreadable input", () => {
  it("bytes that are not a TFLite flatbuffer", () => {
    expect(catchError(() => convertTflite(new Uint8Array(100).fill(7))).code).toBe("E_TFLITE_PARSE");
    expect(catchError(() => readTflite(new Uint8Array(3))).code).toBe("E_TFLITE_PARSE");
  });

  it("a truncated model fails with a parse error, not a crash or a silent partial read", () => {
    const bytes = loadModel("lite");
    for (const cut of [16, 4096, bytes.length >> 1, bytes.length - 64]) {
      const e = catchError(() => convertTflite(bytes.slice(0, cut)));
      expect(e.code).toBe("E_TFLITE_PARSE");
    }
  });
});

/** Rewrite both builtin code fields of OperatorCode `index` (located by walking the flatbuffer). */
function mutateOperatorCode(bytes: Uint8Array, index: number, code: number): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  const table = (pos: number) => pos + dv.getInt32(pos, true);
  const field = (t: number, slot: number) => {
    const vt = t - dv.getInt32(t, true);
    const o = 4 + 2 * slot < dv.getUint16(vt, true) ? dv.getUint16(vt + 4 + 2 * slot, true) : 0;
    return o ? t + o : 0;
  };
  const root = table(0);
  const codes = table(field(root, 1));
  const oc = table(codes + 4 + 4 * index);
  const deprecated = field(oc, 0);
  const builtin = field(oc, 3);
  expect(deprecated || builtin).toBeTruthy();
  if (deprecated) dv.setInt8(deprecated, code);
  if (builtin) dv.setInt32(builtin, code, true);
  return out;
}
