import { describe, expect, it } from "vitest";
import { parseCameraSsv } from "./camera-ssv.js";
import { analogEdges } from "./edges.js";

describe("parseCameraSsv", () => {
  it("unwraps the camera's 128 s cycle and keeps Bonsai times exact to 100 ns", () => {
    // seconds field 127 then 0: one wrap
    const raw = [127 * 2 ** 25 + 7999 * 2 ** 12, 0 * 2 ** 25 + 264 * 2 ** 12];
    const t = parseCameraSsv(
      `2020-08-19T12:42:59.9999999-04:00 ${raw[0]}\r\n2020-08-19T12:43:00.0330000-04:00 ${raw[1]}\r\n`,
    );
    expect(Array.from(t.cameraSeconds)).toEqual([127 + 7999 / 8000, 128 + 264 / 8000]);
    expect(t.bonsaiSeconds[1]).toBe(330001 / 1e7);
  });

  it("a malformed line is one error naming the line; an empty file is E_SYNC_EMPTY", () => {
    expect(() => parseCameraSsv("2020-08-19T12:42:57.79-04:00 12\nnot a time 13\n", "cam.ssv")).toThrow(
      expect.objectContaining({ code: "E_TTL_NUMBER", place: "line 2", path: "cam.ssv" }),
    );
    expect(() => parseCameraSsv("\n\n")).toThrow(expect.objectContaining({ code: "E_SYNC_EMPTY" }));
  });
});

describe("analogEdges", () => {
  it("counts a sample exactly at the threshold as neuroconv's sign rule does (two steps up)", () => {
    const e = analogEdges([0, 1, 2, 1, 0], { threshold: 1 });
    expect([Array.from(e.rising), Array.from(e.falling)]).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
