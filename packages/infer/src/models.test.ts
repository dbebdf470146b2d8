import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recorder } from "./_testing/recorder.js";
import { tinyOnnx } from "./_testing/tiny-onnx.js";
import { ensureModel, MODEL_REGISTRY, readModelSource, type TfliteConverter } from "./models.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "np-infer-cache-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in converter; `scale` makes its output bytes differ (as a new converter version's might). */
function fakeConverter(scale = 2) {
  const calls: Array<{ bytes: number; keepOutputs?: string[] | undefined; float16Weights?: boolean }> = [];
  const convert: TfliteConverter = (tflite, options) => {
    calls.push({
      bytes: tflite.length,
      keepOutputs: options.keepOutputs,
      ...(options.float16Weights !== undefined ? { float16Weights: options.float16Weights } : {}),
    });
    return { onnx: tinyOnnx(3, scale) };
  };
  return { calls, convert };
}

const readEntry = (onnxPath: string) =>
  JSON.parse(readFileSync(join(dirname(onnxPath), "entry.json"), "utf8"));

/** The detector model through the cache in `dir`, converted by `converter` stated as `converterVersion`. */
const detector = (
  converter: Parameters<typeof ensureModel>[1]["converter"],
  converterVersion: string,
  more: Omit<
    NonNullable<Parameters<typeof ensureModel>[1]>,
    "cacheDir" | "converter" | "converterVersion"
  > = {},
) => ensureModel("pose_detection", { cacheDir: dir, converter, converterVersion, ...more });

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
    expect(dirname(m.onnxPath)).toBe(join(dir, `pose_landmark_lite-${m.cacheKey.slice(0, 16)}`));
    expect(m.converterVersion).toBe("custom"); // a converter override without a stated version
    expect(m.source).toBe("@mediapipe/pose@0.5.1675469404/pose_landmark_lite.tflite");
    const entry = readEntry(m.onnxPath);
    expect(entry).toMatchObject({
      format: 2,
      cache_key: m.cacheKey,
      source_sha256: m.sourceSha256,
      onnx_sha256: m.onnxSha256,
      converter_version: "custom",
      float16_weights: false,
      keep_outputs: ["Identity", "Identity_1", "Identity_3", "Identity_4"],
    });

    const again = await ensureModel("pose_landmark_lite", { cacheDir: dir, converter: convert });
    expect(again.converted).toBe(false);
    expect(again.onnxPath).toBe(m.onnxPath);
    expect(calls).toHaveLength(1);
  });

  it("keys entries by converter version: another version is rebuilt in its own entry, the same one reused", async () => {
    const v1 = fakeConverter(2);
    const a = await detector(v1.convert, "0.1.0");
    expect(a.converted).toBe(true);
    expect(readEntry(a.onnxPath).converter_version).toBe("0.1.0");

    // a newer converter (different output bytes) must not reuse the 0.1.0 entry
    const v2 = fakeConverter(3);
    const b = await detector(v2.convert, "0.2.0");
    expect(b.converted).toBe(true);
    expect(v2.calls).toHaveLength(1);
    expect(b.sourceSha256).toBe(a.sourceSha256);
    expect(b.cacheKey).not.toBe(a.cacheKey);
    expect(b.onnxPath).not.toBe(a.onnxPath);
    expect(b.onnxSha256).toBe(sha(tinyOnnx(3, 3)));
    expect(b.onnxSha256).not.toBe(a.onnxSha256);
    expect(readEntry(b.onnxPath)).toMatchObject({ converter_version: "0.2.0", onnx_sha256: b.onnxSha256 });

    // the matching version is reused, untouched, for each of the two
    for (const [v, m] of [
      ["0.1.0", a],
      ["0.2.0", b],
    ] as const) {
      const again = await detector(v1.convert, v);
      expect(again).toMatchObject({
        converted: false,
        onnxPath: m.onnxPath,
        onnxSha256: m.onnxSha256,
        converterVersion: v,
      });
    }
    expect(v1.calls).toHaveLength(1);
    expect(v2.calls).toHaveLength(1);
  });

  it("rebuilds an entry whose recorded converter version does not match its key (e.g. written by an older build)", async () => {
    const { calls, convert } = fakeConverter();
    const m = await detector(convert, "0.2.0");
    const entryPath = join(dirname(m.onnxPath), "entry.json");
    writeFileSync(entryPath, JSON.stringify({ ...readEntry(m.onnxPath), converter_version: "0.1.0" }));
    const { lines, logger } = recorder();
    const again = await detector(convert, "0.2.0", { logger });
    expect(again.converted).toBe(true);
    expect(calls).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith("warn:"))).toEqual([
      expect.stringMatching(/converter_version differs/),
    ]);
    expect(readEntry(m.onnxPath).converter_version).toBe("0.2.0");
  });

  it("keys entries by float16Weights too, and passes it to the converter", async () => {
    const { calls, convert } = fakeConverter();
    const f32 = await ensureModel("pose_detection", { cacheDir: dir, converter: convert });
    const f16 = await ensureModel("pose_detection", {
      cacheDir: dir,
      converter: convert,
      float16Weights: true,
    });
    expect(f16.converted).toBe(true);
    expect(f16.cacheKey).not.toBe(f32.cacheKey);
    expect(calls.map((c) => c.float16Weights)).toEqual([false, true]);
    expect(readEntry(f16.onnxPath).float16_weights).toBe(true);
    expect(
      (await ensureModel("pose_detection", { cacheDir: dir, converter: convert, float16Weights: true }))
        .converted,
    ).toBe(false);
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
