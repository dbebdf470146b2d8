import { describe, expect, it } from "vitest";
import { recorder } from "./_testing/recorder.js";
import { tinyOnnx } from "./_testing/tiny-onnx.js";
import { createRunner, cudaProviderInstalled, providerOrder, runtimeVersions } from "./runtime.js";

describe("providers", () => {
  it("orders providers: cpu alone, an explicit GPU provider then cpu", () => {
    expect(providerOrder("cpu")).toEqual(["cpu"]);
    expect(providerOrder("cuda")).toEqual(["cuda", "cpu"]);
    expect(providerOrder("auto")).toEqual(cudaProviderInstalled() ? ["cuda", "cpu"] : ["cpu"]);
  });

  it.skipIf(process.platform === "darwin")(
    "rejects a provider this platform's onnxruntime lacks (exit-2 user error)",
    () => {
      expect(() => providerOrder("coreml")).toThrow(
        expect.objectContaining({ code: "E_PROVIDER_UNSUPPORTED", kind: "user" }),
      );
      expect(() => providerOrder("tpu" as never)).toThrow(/unknown device "tpu"/);
    },
  );

  it("runs a model on cpu and reports the provider and runtime", async () => {
    const r = await createRunner(tinyOnnx(), { device: "cpu" });
    expect(r.provider).toBe("cpu");
    expect(r.inputNames).toEqual(["x"]);
    const out = await r.run({ x: { data: Float32Array.of(1, 2, 3), dims: [1, 3] } });
    expect(Array.from(out.y!)).toEqual([2, 4, 6]);
    await r.dispose();
    expect(runtimeVersions()).toEqual({ name: "onnxruntime-node", version: "1.30.0" });
  });

  it.skipIf(cudaProviderInstalled())(
    "falls back from an unavailable CUDA provider to cpu with exactly one warning naming it",
    async () => {
      const { lines, logger } = recorder();
      const r = await createRunner(tinyOnnx(), { device: "cuda", logger, label: "tiny" });
      expect(r.provider).toBe("cpu");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^warn: tiny: execution provider cuda failed \(.+\); running on cpu$/);
      await r.dispose();
    },
  );

  it("an unreadable model fails with E_PROVIDER_FAILED naming each provider tried", async () => {
    await expect(createRunner(new Uint8Array([1, 2, 3]), { device: "cpu" })).rejects.toMatchObject({
      code: "E_PROVIDER_FAILED",
      message: expect.stringMatching(/cpu failed/),
    });
  });
});
