import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FramePrediction, validateFrame } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../../config/fixtures.js";
import { mulberry32 } from "../../../../config/random.js";
import { synthPredictions, trackedPair } from "../../test/_synth.js";
import { tempDir } from "../../test/_util.js";
import { readFrames } from "./_predictions-file.js";
import { NEED, numberValue, scanNumber } from "./_typed-frame.js";

async function readAll(path: string, chunk: number) {
  const head: Record<string, unknown> = {};
  const frames: [string, FramePrediction | string][] = [];
  const onFrame = (key: string, f: { toFrame(): FramePrediction } | undefined, issue?: string) =>
    frames.push([key, f ? f.toFrame() : (issue as string)]);
  for await (const _ of readFrames(path, head, onFrame, chunk)) {
    // chunks
  }
  return { head, frames };
}

/** JSON.parse's value of `text`, or what scanNumber reads (the whole text must be one number). */
function scanned(text: string): number {
  const b = Buffer.from(`${text},`, "latin1");
  const end = scanNumber(b, 0, b.length);
  if (end !== text.length) throw new Error(`scanNumber(${text}) stopped at ${end}`);
  return numberValue;
}

describe("readFrames", () => {
  const preds = trackedPair(23, 3);
  (preds as { segmentations: unknown }).segmentations = { 'a \\"b\\" {': { segments: [] } };
  for (const [name, text] of [
    ["compact", JSON.stringify(preds)],
    ["indented", JSON.stringify(preds, null, 2)],
    [
      "frames last",
      JSON.stringify({
        provenance: preds.provenance,
        schema_version: 3,
        metadata: preds.metadata,
        segmentations: preds.segmentations,
        frames: preds.frames,
      }),
    ],
  ] as const) {
    it(`gives the frames and head of a ${name} document at any chunk size`, async () => {
      const p = join(tempDir(), "p.json");
      writeFileSync(p, text);
      const want = JSON.parse(text);
      for (const chunk of [1, 7, 64, 1000, 1 << 20]) {
        const { head, frames } = await readAll(p, chunk);
        expect(frames.map(([k]) => k)).toEqual(Object.keys(want.frames));
        expect(Object.fromEntries(frames)).toEqual(want.frames);
        const { frames: _f, ...rest } = want;
        expect(head).toEqual(rest);
      }
    });
  }
  it("names a truncated file", async () => {
    const p = join(tempDir(), "t.json");
    writeFileSync(p, JSON.stringify(preds).slice(0, 5000));
    await expect(readAll(p, 1024)).rejects.toThrow(/ends in the middle/);
  });
  it("judges each frame as io does: accepts what io accepts (NaN written as strings or bare), names the rest", async () => {
    const one = { boxes: [[1, 2, 3, 4, 0.9]], poses3d: [[[1, 2, 3]]], poses2d: [[[1, 2]]], person_ids: [0] };
    const frames: Record<string, unknown> = {
      a: { ...one, visibility: [["NaN"]] }, // io's schema accepts it (the old export's own check refused it)
      b: { ...one, pose_presence: [0.7], view_quality: [0.42] },
      c: { boxes: [], poses3d: [[[1, "x", 3]]], poses2d: [] },
      d: { boxes: [], poses3d: [], poses2d: [], extra: 1 },
      e: { ...one, visibility: [[2]] },
      f: { ...one, pose_presence: [0.7, 0.2] },
      g: { ...one, view_quality: [1.5] },
    };
    const text = JSON.stringify({ schema_version: 3, frames }).replace(
      '"b":',
      '"h": {"boxes": [], "poses3d": [[[NaN, 1, 2]]], "poses2d": [[[1, 2]]]}, "b":',
    );
    const p = join(tempDir(), "v.json");
    writeFileSync(p, text);
    const got = Object.fromEntries((await readAll(p, 1 << 20)).frames);
    expect(Number.isNaN((got.a as FramePrediction).visibility?.[0]?.[0])).toBe(true);
    expect(Number.isNaN((got.h as FramePrediction).poses3d[0]?.[0]?.[0])).toBe(true);
    expect(got.b).toEqual(validateFrame(frames.b, "b"));
    // the issue is io's first issue for the frame, at its JSON path
    for (const k of ["c", "d", "e", "f", "g"]) {
      let want = "";
      try {
        validateFrame(frames[k], k);
      } catch (e) {
        const first = (e as { issues: { jsonPath: string; message: string }[] }).issues[0];
        want = `${first?.jsonPath}: ${first?.message}`;
      }
      expect(want).toMatch(new RegExp(`^frames\\.${k}`));
      expect(got[k]).toBe(want);
    }
  });
  it("reads non-ASCII frame keys (UTF-8) as JSON.parse does", async () => {
    const doc = synthPredictions({ frames: 5, persons: 1, withIds: true, withVisibility: true });
    const text = JSON.stringify(doc)
      .replace('"frame_000003"', '"frame_\u00e9"')
      .replace('"frame_000004"', '"frame_\\u0041"');
    const p = join(tempDir(), "u.json");
    writeFileSync(p, text, "utf8");
    for (const chunk of [16, 1 << 20]) {
      const { frames } = await readAll(p, chunk);
      expect(frames.map(([k]) => k)).toEqual(Object.keys(JSON.parse(text).frames));
      expect(frames.map(([k]) => k)).toContain("frame_\u00e9");
    }
  });
});

describe("scanNumber gives JSON.parse's double", () => {
  it("on random doubles, exponents, -0, integers and long digit strings", () => {
    const r = mulberry32(11);
    const bits = new DataView(new ArrayBuffer(8));
    const texts: string[] = [
      "0",
      "-0",
      "0.0",
      "-0.0",
      "0e0",
      "-0E-0",
      "1E+2",
      "1e22",
      "1e23",
      "9007199254740993",
      "123456789012345678901234567890",
      "0.1",
      "2.5e-324",
      "1.7976931348623157e308",
      "1e309",
      "-1e-400",
      "0.000001",
      "4.9406564584124654e-324",
      "2.2250738585072011e-308",
    ];
    for (let k = 0; k < 20000; k++) {
      // any finite double, written as JSON.stringify, toExponential and toFixed write it
      bits.setUint32(0, Math.floor(r() * 2 ** 32));
      bits.setUint32(4, Math.floor(r() * 2 ** 32));
      const v = bits.getFloat64(0);
      if (Number.isFinite(v)) {
        texts.push(JSON.stringify(v), v.toExponential(Math.floor(r() * 20)));
        if (Math.abs(v) < 1e21) texts.push(v.toFixed(Math.floor(r() * 20)));
      }
      // values as pose files hold them: rounded decimals, integers
      const x = (r() - 0.5) * 10 ** Math.floor(r() * 8);
      texts.push(
        JSON.stringify(Math.round(x * 1000) / 1000),
        String(Math.round(x)),
        x.toPrecision(1 + Math.floor(r() * 21)),
      );
      // random digit strings: up to 25 digits, leading zeros, exponents in -340..320
      const digits = Array.from({ length: 1 + Math.floor(r() * 25) }, () => Math.floor(r() * 10)).join("");
      const int = digits.replace(/^0+(?=\d)/, "");
      const cut = Math.floor(r() * digits.length);
      const e = Math.floor(r() * 660) - 340;
      texts.push(
        `${r() < 0.5 ? "-" : ""}${int}`,
        `0.${digits}`,
        `${int}.${digits.slice(cut) || "0"}e${e}`,
        `-${int}E+${Math.abs(e)}`,
      );
    }
    const bad = texts.filter((t) => !Object.is(scanned(t), JSON.parse(t)));
    expect(texts.length).toBeGreaterThan(100000);
    expect(bad).toEqual([]);
  });
  it("refuses what is not a JSON number and asks for more at the end of the buffer", () => {
    for (const t of ["+1", ".5", "-", "1.", "1.e3", "1e", "1e+", "NaN", "-Infinity", "x"]) {
      const b = Buffer.from(`${t},`, "latin1");
      const end = scanNumber(b, 0, b.length);
      expect(end === -1 || end < t.length, t).toBe(true);
    }
    expect(scanNumber(Buffer.from("12"), 0, 2)).toBe(NEED);
    expect(scanNumber(Buffer.from("1.5e-"), 0, 5)).toBe(NEED);
  });
});

fixtureSuite("scanNumber on the parity fixture's numbers", ["neuropose-parity", "cases.json"], () => {
  it("equals JSON.parse on every number of cases.json", () => {
    const bytes = readFileSync(fixturePath("neuropose-parity", "cases.json"));
    const text = bytes.toString("latin1"); // one character per byte: string and buffer indices agree
    // JSON number tokens (a number-like run inside a string is compared too: it is still a number's text)
    const token = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[,\]}\s])/g;
    let count = 0;
    const bad: string[] = [];
    for (let m = token.exec(text); m; m = token.exec(text)) {
      count++;
      const end = scanNumber(bytes, m.index, bytes.length);
      if (end !== m.index + m[0].length || !Object.is(numberValue, JSON.parse(m[0]))) bad.push(m[0]);
    }
    expect(count).toBeGreaterThan(1000);
    expect(bad).toEqual([]);
  });
});
