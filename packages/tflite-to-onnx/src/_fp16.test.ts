import { describe, expect, it } from "vitest";
import { exactHalfBytes, floatToHalf, halfBytesToFloat32, halfToFloat } from "./_fp16.js";

describe("binary16", () => {
  it("decodes known values", () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });

  it("round-trips every non-NaN bit pattern", () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = halfToFloat(h);
      if (Number.isNaN(v)) continue;
      expect(floatToHalf(v)).toBe(h);
    }
  });

  it("rounds to nearest, ties to even", () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie -> even (down)
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(floatToHalf(1e6)).toBe(0x7c00);
  });

  it("stores as float16 only when lossless", () => {
    expect(exactHalfBytes(Float32Array.of(1, -0.5, 0.25))).toEqual(
      new Uint8Array([0, 0x3c, 0, 0xb8, 0, 0x34]),
    );
    expect(exactHalfBytes(Float32Array.of(1, 0.1))).toBeNull();
    expect(halfBytesToFloat32(new Uint8Array([0, 0x3c, 0, 0xb8]), 2)).toEqual(Float32Array.of(1, -0.5));
  });
});
