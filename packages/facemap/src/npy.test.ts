// facemap's *_proc.npy (np.save of the proc dict, written by scripts/make_proc.py as facemap's save() does) →
// the same series as the *_proc.mat beside it and as numpy holds them, NaN kept; damaged files → one error.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isNeuroPoseError } from "@neuropose/io";
import { readMatFile } from "@neuropose/trials";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { asExpected, canMakeProc, type ExpectedProc, makeProc, python } from "./_make-proc.js";
import { facemapNpySeries } from "./npy.js";
import { facemapProcSeries, type ProcMatValue } from "./proc.js";

if (!canMakeProc)
  console.warn("skipped the facemap .npy import test: /usr/bin/python3 with numpy and scipy is needed");

describe.runIf(canMakeProc)("facemap *_proc.npy import", () => {
  let dir = "";
  let npy: Uint8Array;
  let expected: ExpectedProc;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "facemap-npy-"));
    expected = makeProc(dir, 50);
    npy = new Uint8Array(readFileSync(join(dir, "face_proc.npy")));
  });

  it("gives numpy's values for every per-frame field (NaN kept), the same series as the .mat", async () => {
    const proc = facemapNpySeries(npy, join(dir, "face_proc.npy"));
    expect(proc.nFrames).toBe(expected.nFrames);
    expect(proc.series.map((s) => s.name).sort()).toEqual(Object.keys(expected.series).sort());
    for (const s of proc.series) expect(asExpected(s), s.name).toEqual(expected.series[s.name]);
    expect(proc.series.find((s) => s.name === "pupil_0_area")?.data[7]).toBeNaN();
    const mat = await readMatFile(join(dir, "face_proc.mat"));
    const fromMat = facemapProcSeries(mat.variables as unknown as Record<string, ProcMatValue>, "m");
    expect(proc.series).toEqual(fromMat.series);
  });

  it("a plain array .npy, a truncated file and a foreign file are one E_FACEMAP_PROC error naming the file", () => {
    const plain = join(dir, "plain.npy");
    execFileSync(python, ["-c", `import numpy as np; np.save(${JSON.stringify(plain)}, np.zeros(3))`]);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(readFileSync(plain)), /plain <f8 array/],
      [npy.subarray(0, npy.length - 40), /cannot decode the pickled proc dict/],
      [new TextEncoder().encode("hello"), /not an \.npy file/],
    ];
    for (const [b, re] of cases)
      expect(() => facemapNpySeries(b, "x_proc.npy")).toThrow(
        expect.objectContaining({
          code: "E_FACEMAP_PROC",
          path: "x_proc.npy",
          message: expect.stringMatching(re),
        }),
      );
  });

  it("fuzz: mutated and truncated .npy bytes never fail with anything but a NeuroPoseError", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat()),
        (flips, cut) => {
          const b = Uint8Array.from(npy.subarray(0, cut === null ? npy.length : cut % (npy.length + 1)));
          for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
          try {
            facemapNpySeries(b, "fuzz.npy");
          } catch (e) {
            expect(isNeuroPoseError(e), String(e)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
