import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tinyOnnx } from "./_testing/tiny-onnx.js";
import { ensureModel, MODEL_REGISTRY, readModelSource, type TfliteConverter } from "./models.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "np-infer-cache-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeConverter() {
  const calls: Array<{ bytes: number; keepOutputs?: string[] | undefined }> = [];
  const convert: TfliteConverter = (tflite, options) => {
    calls.push({ bytes: tflite.length, keepOutputs: options.keepOutputs });
    return { onnx: tinyOnnx() };
  };
  return { calls, convert };
}

function recorder() {
  const lines: string[] = [];
  const log = (lvl: string) => (m: string) => lines.push(`${lvl}: ${m}`);
  return {
    lines,
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
  };
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("model registry", () => {
  it("reads the detector out of @mediapipe/pose's packed assets (a TFLite flatbuffer)", () => {
    const src = readModelSource(MODEL_REGISTRY.pose_detection);
    expect(src.bytes.length).toBe(2962288);
    expect(new TextDecoder().decode(src.bytes.subarray(4, 8))).toBe("TFL3");
    expect(src.version).toBe("0.5.1675469404");
  });
});

describe("ensureModel (model cache)", () => {
  it("converts on first use, records both hashes, and loads from the cache afterwards", async () => {
    const { calls, convert } = fakeConverter();
    const m = await ensureModel("pose_landmark_lite", { cacheDir: dir, converter: convert });
    expect(m.converted).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.keepOutputs).toEqual(["Identity", "Identity_1", "Identity_3", "Identity_4"]);
    const src = readModelSource(MODEL_REGISTRY.pose_landmark_lite).bytes;
    expect(m.sourceSha256).toBe(sha(src));
    expect(m.onnxSha256).toBe(sha(tinyOnnx()));
    expect(dirname(m.onnxPath)).toBe(join(dir, `pose_landmark_lite-${m.sourceSha256.slice(0, 16)}`));
    const entry = JSON.parse(readFileSync(join(dirname(m.onnxPath), "entry.json"), "utf8"));
    expect(entry).toMatchObject({ source_sha256: m.sourceSha256, onnx_sha256: m.onnxSha256 });

    const again = await ensureModel("pose_landmark_lite", { cacheDir: dir, converter: convert });
    expect(again.converted).toBe(false);
    expect(again.onnxPath).toBe(m.onnxPath);
    expect(calls).toHaveLength(1);
  });

  it("detects a corrupt model file, warns once and rebuilds it", async () => {
    const { calls, convert } = fakeConverter();
    const m = await ensureModel("pose_detection", { cacheDir: dir, converter: convert });
    writeFileSync(m.onnxPath, "garbage");
    const { lines, logger } = recorder();
    const again = await ensureModel("pose_detection", { cacheDir: dir, converter: convert, logger });
    expect(again.converted).toBe(true);
    expect(calls).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith("warn:"))).toHaveLength(1);
    expect(lines[0]).toMatch(/corrupt \(model\.onnx sha256 .* != recorded/);
    expect(sha(readFileSync(again.onnxPath))).toBe(again.onnxSha256);
  });

  it("rebuilds a missing model file or an unparsable entry", async () => {
    const { calls, convert } = fakeConverter();
    const m = await ensureModel("pose_detection", { cacheDir: dir, converter: convert });
    rmSync(m.onnxPath);
    expect((await ensureModel("pose_detection", { cacheDir: dir, converter: convert })).converted).toBe(true);
    writeFileSync(join(dirname(m.onnxPath), "entry.json"), "{not json");
    expect((await ensureModel("pose_detection", { cacheDir: dir, converter: convert })).converted).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it("a cache path that is not a folder is an E_MODEL_CACHE user error", async () => {
    const file = join(dir, "file");
    writeFileSync(file, "x");
    await expect(
      ensureModel("pose_detection", { cacheDir: file, converter: fakeConverter().convert }),
    ).rejects.toMatchObject({
      code: "E_MODEL_CACHE",
      kind: "user",
    });
  });

  it("rejects an unknown model name", async () => {
    await expect(ensureModel("pose_landmark_huge" as never, { cacheDir: dir })).rejects.toMatchObject({
      code: "E_MODEL_UNKNOWN",
    });
  });
});
