import { describe, expect, it } from "vitest";
import { ValidationError } from "./errors.js";
import { SEGMENTATION_METHODS, SegmentationConfigSchema, SegmentationSchema } from "./segmentation.js";
import { validateWith } from "./validate.js";

describe("SegmentationConfig.method", () => {
  const extractor = { kind: "joint_axis", joint: 30, axis: 0 } as const;

  it("defaults to the original's valley_to_valley_v1", () => {
    expect(SegmentationConfigSchema.parse({ extractor }).method).toBe("valley_to_valley_v1");
  });

  it("accepts stride_zeni_v1 and keeps it", () => {
    const seg = SegmentationSchema.parse({
      config: { extractor, method: "stride_zeni_v1", min_distance_seconds: 0.4 },
      segments: [{ start: 8, end: 39, peak: 8 }],
    });
    expect(seg.config.method).toBe("stride_zeni_v1");
    expect(SEGMENTATION_METHODS).toEqual(["valley_to_valley_v1", "stride_zeni_v1"]);
  });

  it("rejects unknown methods with the list of known ones", () => {
    expect(() => validateWith(SegmentationConfigSchema, { extractor, method: "v2" })).toThrow(
      ValidationError,
    );
    expect(() => validateWith(SegmentationConfigSchema, { extractor, method: "v2" })).toThrow(
      /method: expected one of "valley_to_valley_v1", "stride_zeni_v1"/,
    );
  });
});
