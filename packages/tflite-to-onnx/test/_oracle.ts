// Test helpers: the BlazePose models of @mediapipe/pose, the real TFLite runtime (config/tflite-oracle.ts:
// XNNPACK, WASM build shipped in @tensorflow/tfjs-tflite) on NHWC float32 inputs, image decoding and noise.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { openTflite } from "../../../config/tflite-oracle.js";

const require = createRequire(import.meta.url);

/** Directory of the installed @mediapipe/pose package (the four BlazePose models). */
export const poseDir = dirname(require.resolve("@mediapipe/pose/package.json"));

/** The four models: detector (pose_solution_packed_assets.data = pose_detection.tflite) and landmarks. */
export const MODELS = {
  detector: "pose_solution_packed_assets.data",
  lite: "pose_landmark_lite.tflite",
  full: "pose_landmark_full.tflite",
  heavy: "pose_landmark_heavy.tflite",
} as const;

export function loadModel(name: keyof typeof MODELS): Uint8Array {
  const bytes = readFileSync(join(poseDir, MODELS[name]));
  // The packed-assets loader maps bytes 0..2962288 to pose_detection.tflite.
  return name === "detector" ? new Uint8Array(bytes.subarray(0, 2962288)) : new Uint8Array(bytes);
}

/** A TFLite interpreter (1 thread) over the model bytes: run(input) -> outputs in model order. */
export async function tfliteRunner(model: Uint8Array) {
  const m = await openTflite(model, { from: import.meta.url });
  return {
    run(input: Float32Array): Float32Array[] {
      return m.run([input]);
    },
    outputNames(): string[] {
      return [...m.outputNames];
    },
  };
}

/**
 * Decode an image with the ffmpeg binary of @ffmpeg-installer/ffmpeg, letterboxed (aspect kept, black
 * border, bilinear scaling) to `w` x `h`, as float32 NHWC RGB mapped from [0,255] to [lo,hi].
 */
export function decodeImage(path: string, w: number, h: number, lo: number, hi: number): Float32Array {
  const ffmpeg = (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
  const vf = `scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=bilinear,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`;
  const raw = execFileSync(
    ffmpeg,
    ["-v", "error", "-i", path, "-vf", vf, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
    {
      maxBuffer: 64 << 20,
    },
  );
  if (raw.length !== w * h * 3) throw new Error(`ffmpeg gave ${raw.length} bytes for ${w}x${h} RGB`);
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = lo + (raw[i] / 255) * (hi - lo);
  return out;
}

/** Deterministic uniform noise in [lo, hi) (a 32-bit LCG). */
export function noise(n: number, lo: number, hi: number, seed = 12345): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = lo + (s / 2 ** 32) * (hi - lo);
  }
  return x;
}
