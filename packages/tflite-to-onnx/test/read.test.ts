// readTflite on the four real models: the operator inventory of the spec, I/O, sparsity and constants.
import { describe, expect, it } from "vitest";
import { BUILTIN_OPERATORS } from "../src/_schema.js";
import { readTflite } from "../src/index.js";
import { loadModel, MODELS } from "./_oracle.js";

// The operator table of the BlazePose spec (counts per model).
const OPERATORS: Record<keyof typeof MODELS, Record<string, number>> = {
  lite: {
    CONV_2D: 54,
    DEPTHWISE_CONV_2D: 34,
    ADD: 25,
    DEQUANTIZE: 176,
    PAD: 5,
    RESIZE_BILINEAR: 5,
    MAX_POOL_2D: 2,
    RESHAPE: 3,
    LOGISTIC: 1,
  },
  full: {
    CONV_2D: 58,
    DEPTHWISE_CONV_2D: 38,
    ADD: 28,
    DEQUANTIZE: 192,
    PAD: 5,
    RESIZE_BILINEAR: 5,
    MAX_POOL_2D: 2,
    RESHAPE: 3,
    LOGISTIC: 1,
  },
  heavy: {
    CONV_2D: 116,
    DEPTHWISE_CONV_2D: 82,
    ADD: 73,
    DEQUANTIZE: 396,
    PAD: 8,
    RESIZE_BILINEAR: 5,
    MAX_POOL_2D: 5,
    RESHAPE: 3,
    LOGISTIC: 1,
  },
  detector: {
    CONV_2D: 45,
    DEPTHWISE_CONV_2D: 28,
    ADD: 15,
    DEQUANTIZE: 144,
    PAD: 8,
    RESIZE_BILINEAR: 2,
    RESHAPE: 6,
    DENSIFY: 38,
    DEPTH_TO_SPACE: 3,
    CONCATENATION: 2,
  },
};

describe("readTflite", () => {
  it("knows the schema's operator codes", () => {
    expect(BUILTIN_OPERATORS[3]).toBe("CONV_2D");
    expect(BUILTIN_OPERATORS[34]).toBe("PAD");
    expect(BUILTIN_OPERATORS[124]).toBe("DENSIFY");
    expect(BUILTIN_OPERATORS[127]).toBe("PLACEHOLDER_FOR_GREATER_OP_CODES");
    expect(BUILTIN_OPERATORS[161]).toBe("RIGHT_SHIFT");
  });

  it.each(Object.keys(MODELS) as (keyof typeof MODELS)[])(
    "reads %s: operators, inputs and outputs",
    (name) => {
      const m = readTflite(loadModel(name));
      expect(m.version).toBe(3);
      expect(m.subgraphs).toHaveLength(1);
      const sg = m.subgraphs[0];
      const counts: Record<string, number> = {};
      for (const op of sg.operators) counts[op.opName] = (counts[op.opName] ?? 0) + 1;
      expect(counts).toEqual(OPERATORS[name]);
      expect(sg.inputs.map((i) => [sg.tensors[i].name, sg.tensors[i].shape, sg.tensors[i].type])).toEqual([
        ["input_1", name === "detector" ? [1, 224, 224, 3] : [1, 256, 256, 3], "FLOAT32"],
      ]);
      const outs = sg.outputs.map((i) => sg.tensors[i].name);
      expect(outs).toEqual(
        name === "detector"
          ? ["Identity", "Identity_1"]
          : ["Identity", "Identity_1", "Identity_2", "Identity_3", "Identity_4"],
      );
      // Every DEQUANTIZE reads a float16 constant (or a DENSIFY output) and every activation is float32.
      for (const op of sg.operators) {
        if (op.opName === "DEQUANTIZE") expect(sg.tensors[op.inputs[0]].type).toBe("FLOAT16");
        for (const o of op.outputs) expect(["FLOAT32", "FLOAT16"]).toContain(sg.tensors[o].type);
      }
      // Options decoded: activations only NONE/RELU6, conv strides 1 or 2.
      for (const op of sg.operators) {
        const act = op.options?.activation;
        if (act !== undefined) expect(["NONE", "RELU6"]).toContain(act);
        if (op.opName === "CONV_2D") expect([1, 2]).toContain(op.options?.strideH);
      }
    },
  );

  it("reads the detector's sparse weights: CSR on the last dimension, about 25% dense", () => {
    const sg = readTflite(loadModel("detector")).subgraphs[0];
    const sparse = sg.tensors.filter((t) => t.sparsity);
    expect(sparse).toHaveLength(38);
    for (const t of sparse) {
      const sp = t.sparsity!;
      expect(t.type).toBe("FLOAT16");
      expect(sp.traversalOrder).toEqual([0, 1, 2, 3]);
      expect(sp.blockMap).toEqual([]);
      expect(sp.dimMetadata.map((d) => d.format)).toEqual(["DENSE", "DENSE", "DENSE", "SPARSE_CSR"]);
      const [o, , , i] = t.shape;
      expect(sp.dimMetadata[0].denseSize).toBe(o);
      const seg = sp.dimMetadata[3].arraySegments!;
      const ind = sp.dimMetadata[3].arrayIndices!;
      expect(seg.length).toBe(o + 1);
      expect(seg[o]).toBe(ind.length);
      expect(t.data!.length).toBe(2 * ind.length);
      expect(Math.abs(ind.length / (o * i) - 0.25)).toBeLessThan(1e-3); // ~25% dense
    }
  });
});
