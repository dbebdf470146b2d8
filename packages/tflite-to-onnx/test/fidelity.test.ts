// The four BlazePose models: converted ONNX (onnxruntime-node, CPU) against the real TFLite runtime (XNNPACK
// WASM from @tensorflow/tfjs-tflite) on real photographs and on uniform noise. Each model is converted once.
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { type ConvertResult, convertTflite } from "../src/index.js";
import { decodeImage, loadModel, MODELS, noise, tfliteRunner } from "./_oracle.js";

type ModelName = keyof typeof MODELS;

/** Max |onnx - tflite| allowed per output (the bar). */
const LANDMARK_TOL: Record<string, number> = {
  Identity: 1e-2, // 39x5 landmarks in crop pixels (of 256)
  Identity_1: 1e-3, // pose flag (probability)
  Identity_3: 1e-2, // heatmap logits
  Identity_4: 1e-4, // world landmarks, metres
};
const DETECTOR_TOL: Record<string, number> = {
  Identity: 1e-2, // boxes and keypoints, pixels of 224
  Identity_1: 1e-3, // score logits
};

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface Setup {
  conv: ConvertResult;
  session: ort.InferenceSession;
  tflite: Awaited<ReturnType<typeof tfliteRunner>>;
  shape: number[];
  range: [number, number];
}

/** Run both runtimes on `x` and check every output against its tolerance. */
async function check(s: Setup, x: Float32Array): Promise<Record<string, number>> {
  const inputName = s.conv.inputs[0].name;
  const got = await s.session.run({ [inputName]: new ort.Tensor("float32", x, s.shape) });
  const ref = s.tflite.run(x);
  const errors: Record<string, number> = {};
  const names = s.tflite.outputNames();
  for (const o of s.conv.outputs) {
    const a = got[o.name].data as Float32Array;
    const b = ref[names.indexOf(o.name)];
    expect(b, `TFLite output ${o.name}`).toBeDefined();
    expect(a.length).toBe(b.length);
    let err = 0;
    let mag = 0;
    let probErr = 0;
    for (let i = 0; i < a.length; i++) {
      err = Math.max(err, Math.abs(a[i] - b[i]));
      mag = Math.max(mag, Math.abs(b[i]));
      if (o.name === "Identity_2") probErr = Math.max(probErr, Math.abs(sigmoid(a[i]) - sigmoid(b[i])));
      // Landmark visibility and presence (columns 3, 4 of 39x5) are logits of scores.
      if (o.name === "Identity" && a.length === 195 && i % 5 >= 3)
        probErr = Math.max(probErr, Math.abs(sigmoid(a[i]) - sigmoid(b[i])));
    }
    expect(Number.isFinite(err)).toBe(true);
    errors[o.name] = err;
    const tol = (s.conv.outputs.length === 2 ? DETECTOR_TOL : LANDMARK_TOL)[o.name];
    if (tol !== undefined) {
      expect(err, `${o.name} max abs error`).toBeLessThanOrEqual(tol);
      if (o.name === "Identity" && a.length === 195) {
        expect(probErr, "landmark visibility/presence score error").toBeLessThanOrEqual(1e-3);
      }
    } else {
      // Segmentation logits reach +-1000 (the last conv has weights up to 55 over 72 taps), so float32
      // summation order alone moves them by ~1e-4 relative (onnxruntime with and without its graph
      // optimisations differs as much). The mask MediaPipe uses is sigmoid(logit): hold that to 1e-2, and
      // the logits to 1e-3 of their range.
      expect(o.name).toBe("Identity_2");
      expect(probErr, "segmentation probability max abs error").toBeLessThanOrEqual(1e-2);
      expect(err, "segmentation logit max abs error").toBeLessThanOrEqual(Math.max(1e-2, 1e-3 * mag));
    }
  }
  return errors;
}

function modelSuite(name: ModelName): void {
  describe(`${name} (${MODELS[name]})`, () => {
    const s = {} as Setup;
    beforeAll(async () => {
      const bytes = loadModel(name);
      s.conv = convertTflite(bytes);
      s.session = await ort.InferenceSession.create(s.conv.onnx, { intraOpNumThreads: 1 });
      s.tflite = await tfliteRunner(bytes);
      s.shape = s.conv.inputs[0].shape.map((d) => (typeof d === "number" ? d : 1));
      s.range = name === "detector" ? [-1, 1] : [0, 1];
    }, 120_000);

    it("keeps the TFLite input/output names, order and NHWC shapes", () => {
      expect(s.conv.inputs.map((t) => t.name)).toEqual(["input_1"]);
      expect(s.conv.outputs.map((t) => t.name)).toEqual(s.tflite.outputNames());
      const side = name === "detector" ? 224 : 256;
      expect(s.conv.inputs[0].shape).toEqual(["batch", side, side, 3]);
      if (name !== "detector") {
        expect(s.conv.outputs.map((t) => t.shape)).toEqual([
          ["batch", 195],
          ["batch", 1],
          ["batch", 256, 256, 1],
          ["batch", 64, 64, 39],
          ["batch", 117],
        ]);
      } else {
        expect(s.conv.outputs.map((t) => t.shape)).toEqual([
          ["batch", 2254, 12],
          ["batch", 2254, 1],
        ]);
      }
    });

    it("matches TFLite on uniform noise", async () => {
      await check(
        s,
        noise(
          s.shape.reduce((a, b) => a * b, 1),
          s.range[0],
          s.range[1],
          99,
        ),
      );
    });

    fixtureSuite(`${name} on photographs`, ["images"], () => {
      it.each(["mediapipe_pose_test_image.jpg", "mmpose_coco_000000000785.jpg"])(
        "matches TFLite on %s",
        async (file) => {
          const [, h, w] = s.shape;
          const x = decodeImage(fixturePath("images", file), w, h, s.range[0], s.range[1]);
          const errors = await check(s, x);
          if (name !== "detector") {
            // A real person is in these photographs: the pose flag must say so (sanity of the input path).
            const got = await s.session.run({ input_1: new ort.Tensor("float32", x, s.shape) });
            expect((got.Identity_1.data as Float32Array)[0]).toBeGreaterThan(0.5);
          }
          expect(Object.keys(errors).length).toBe(s.conv.outputs.length);
        },
      );
    });
  });
}

for (const name of Object.keys(MODELS) as ModelName[]) modelSuite(name);
