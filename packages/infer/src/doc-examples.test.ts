// Every @example in this package's TSDoc runs with node against the built package (config/doc-examples.ts), in a
// scratch folder holding what they read: clip.mp4 (a 10-frame test pattern), a.mp4/b.mp4, poses.json (no people),
// model.onnx (a tiny model), out/. Examples that load BlazePose use the converted models the other infer tests
// cache (config/cli-process.ts TEST_MODEL_CACHE); where that cache is absent they are skipped, saying so.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_MODEL_CACHE } from "../../../config/cli-process.js";
import { builtExamplesSuite } from "../../../config/doc-examples.js";
import { writeTestPattern } from "../../../config/test-videos.js";
import { tinyOnnx } from "./_testing/tiny-onnx.js";
import { resolveFfmpeg } from "./ffmpeg.js";

const DOCUMENTED_CACHE = "/tmp/neuropose-models";
const cached = (prefix: string) =>
  existsSync(TEST_MODEL_CACHE) && readdirSync(TEST_MODEL_CACHE).some((d) => d.startsWith(prefix));
const template = mkdtempSync(join(tmpdir(), "np-infer-doc-template-"));

builtExamplesSuite(import.meta.url, "@neuropose/infer", {
  atLeast: 18,
  siblings: ["@neuropose/io"],
  timeoutMs: 120_000,
  setup() {
    const clip = join(template, "clip.mp4");
    writeTestPattern(resolveFfmpeg({}).ffmpeg, clip, { size: "160x120", rate: 10, frames: 10 });
    for (const copy of ["a.mp4", "b.mp4"]) copyFileSync(clip, join(template, copy));
    writeFileSync(join(template, "model.onnx"), tinyOnnx());
    const frames = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [
        `frame_${String(i).padStart(6, "0")}`,
        { boxes: [], poses3d: [], poses2d: [] },
      ]),
    );
    const metadata = { frame_count: 10, fps: 10, width: 160, height: 120 };
    writeFileSync(join(template, "poses.json"), JSON.stringify({ metadata, frames }));
  },
  scratch() {
    const dir = mkdtempSync(join(tmpdir(), "np-infer-doc-"));
    for (const f of readdirSync(template)) copyFileSync(join(template, f), join(dir, f));
    mkdirSync(join(dir, "out"));
    return dir;
  },
  rewrite: (code) => code.replaceAll(DOCUMENTED_CACHE, TEST_MODEL_CACHE),
  skip: (code) =>
    code.includes("processCameras(")
      ? "needs a calibrated four-camera trial (Calib.qca.txt + cam01-04.mp4); apps/neuropose-infer/src/cameras.test.ts runs processCameras on the pose2sim fixture"
      : code.includes(DOCUMENTED_CACHE) && !(cached("pose_landmark_lite-") && cached("pose_detection-"))
        ? `needs the lite BlazePose models converted in ${TEST_MODEL_CACHE} (run infer's model tests once)`
        : undefined,
});
