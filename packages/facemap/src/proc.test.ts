// facemap's own output (*_proc.mat, written by scripts/make_proc.py exactly as facemap's save() writes it) →
// per-frame series equal to what numpy holds, NaN kept.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readMatFile } from "@neuropose/trials";
import { describe, expect, it } from "vitest";
import { asExpected, canMakeProc, makeProc } from "./_make-proc.js";
import { facemapProcSeries, type ProcMatValue } from "./proc.js";

if (!canMakeProc)
  console.warn("skipped the facemap .mat import test: /usr/bin/python3 with numpy and scipy is needed");

describe.runIf(canMakeProc)("facemap *_proc.mat import", () => {
  it("gives every per-frame field (motion, motSVD, pupil, blink, running) with facemap's values and NaN kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "facemap-proc-"));
    const expected = makeProc(dir, 50);
    const mat = await readMatFile(join(dir, "face_proc.mat"));
    const proc = facemapProcSeries(
      mat.variables as unknown as Record<string, ProcMatValue>,
      join(dir, "face_proc.mat"),
    );
    expect(proc.nFrames).toBe(expected.nFrames);
    expect(proc.series.map((s) => s.name).sort()).toEqual(Object.keys(expected.series).sort());
    for (const s of proc.series) expect(asExpected(s), s.name).toEqual(expected.series[s.name]);
    const area = proc.series.find((s) => s.name === "pupil_0_area");
    expect(area?.data[7]).toBeNaN();
    expect(area?.unit).toBe("pixels^2");
  });
});

describe("facemapProcSeries errors", () => {
  const v = (data: number[]): ProcMatValue => ({ kind: "numeric", dims: [1, data.length], data });
  it("series of different lengths and a file with no facemap field are one E_FACEMAP_PROC error", () => {
    expect(() => facemapProcSeries({ motion_0: v([1, 2, 3]), blink_0: v([1, 2]) }, "x_proc.mat")).toThrow(
      expect.objectContaining({
        code: "E_FACEMAP_PROC",
        message: expect.stringMatching(/blink_0: has 2 frames/),
      }),
    );
    expect(() => facemapProcSeries({ Ly: v([480]) }, "x_proc.mat")).toThrow(
      expect.objectContaining({ code: "E_FACEMAP_PROC", path: "x_proc.mat" }),
    );
  });
});
