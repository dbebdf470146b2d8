import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { synthPredictions } from "../../test/_synth.js";
import { tempDir } from "../../test/_util.js";
import { checkFrame, readFrameBatches } from "./_predictions-file.js";

async function readAll(path: string, chunk: number) {
  const head: Record<string, unknown> = {};
  const frames: [string, unknown][] = [];
  for await (const b of readFrameBatches(path, head, chunk)) for (const f of b) frames.push([f.key, f.frame]);
  return { head, frames };
}

describe("readFrameBatches", () => {
  const preds = synthPredictions({
    frames: 23,
    persons: 2,
    withIds: true,
    withVisibility: true,
    dropSecond: (i) => i % 3 === 0,
  });
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
  it("checkFrame names the field", () => {
    expect(checkFrame("f0", { boxes: [], poses3d: [[[1, "x", 3]]], poses2d: [] })).toMatch(
      /frames\.f0\.poses3d\[0\]/,
    );
    expect(checkFrame("f0", { boxes: [], poses3d: [], poses2d: [], extra: 1 })).toMatch(
      /extra: unknown field/,
    );
    expect(
      checkFrame("f0", { boxes: [], poses3d: [[[1, 2, 3]]], poses2d: [[[1, 2]]], visibility: [[2]] }),
    ).toMatch(/not in 0\.\.1/);
    // neuropose-infer writes pose_presence (one probability per person): accepted, and checked
    const one = { boxes: [[1, 2, 3, 4, 0.9]], poses3d: [[[1, 2, 3]]], poses2d: [[[1, 2]]], person_ids: [0] };
    expect(checkFrame("f0", { ...one, pose_presence: [0.7] })).toBeUndefined();
    expect(checkFrame("f0", { ...one, pose_presence: [0.7, 0.2] })).toMatch(
      /pose_presence: expected 1 values/,
    );
    expect(checkFrame("f0", { ...one, pose_presence: [1.5] })).toMatch(
      /pose_presence\[0\]: 1\.5 is not in 0\.\.1/,
    );
    // ... and view quality (0..1), per person.
    expect(checkFrame("f0", { ...one, pose_presence: [0.9], view_quality: [0.42] })).toBeUndefined();
    expect(checkFrame("f0", { ...one, view_quality: [1.5] })).toMatch(/view_quality: 1\.5 is not in 0\.\.1/);
  });
  it("reads frames as latin1 only while no string holds a byte >= 0x80 (same frames either way)", async () => {
    const doc = synthPredictions({ frames: 5, persons: 1, withIds: true, withVisibility: true });
    // a frame key with a non-ASCII character (UTF-8 bytes C3 A9 in the file)
    const text = JSON.stringify(doc).replace('"frame_000003"', '"frame_\u00e9"');
    const p = join(tempDir(), "u.json");
    writeFileSync(p, text, "utf8");
    for (const chunk of [16, 1 << 20]) {
      const { frames } = await readAll(p, chunk);
      expect(frames.map(([k]) => k)).toEqual(Object.keys(JSON.parse(text).frames));
      expect(frames.map(([k]) => k)).toContain("frame_\u00e9");
    }
  });
});
