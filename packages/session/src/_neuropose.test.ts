// BlazePose predictions read back window by window (flat memory): the same rows as the whole files, across files,
// with re-reads from an earlier row and the missing-point count complete after one pass.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openVideoPredictionsWriter } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { blazeposeMetadata } from "../../../config/predictions.js";
import { neuroposeChunks } from "./_neuropose.js";

async function writeFile(path: string, frames: number, offset: number): Promise<void> {
  const w = await openVideoPredictionsWriter(path);
  for (let f = 0; f < frames; f++) {
    const g = offset + f;
    // every 7th frame finds nobody; otherwise keypoint k of frame g is at (g, k)
    const pts = Array.from({ length: 33 }, (_, k) => [g, k]);
    await w.writeFrame(
      g % 7 === 0
        ? { boxes: [], poses3d: [], poses2d: [] }
        : {
            boxes: [[0, 0, 1, 1, 1]],
            poses3d: [pts.map(([x, y]) => [x as number, y as number, 0])],
            poses2d: [pts],
            visibility: [pts.map((_, k) => k / 33)],
          },
    );
  }
  await w.finish({ metadata: blazeposeMetadata(frames) });
}

describe("neuroposeChunks", () => {
  it("streams rows across files in windows; re-reading restarts; stats complete after one pass", async () => {
    const dir = mkdtempSync(join(tmpdir(), "np-blaze-chunks-"));
    const files = [join(dir, "a.json"), join(dir, "b.json")];
    await writeFile(files[0] as string, 3000, 0);
    await writeFile(files[1] as string, 1500, 3000);
    const r = await neuroposeChunks(files, "cam0");
    expect(r.streamed).toBe(true);
    expect(r.header.nFrames).toBe(4500);
    const check = (p: Awaited<ReturnType<typeof r.read>>, s: number) => {
      for (let i = 0; i < p.nFrames; i++) {
        const g = s + i;
        expect(p.frameIndex[i]).toBe(g);
        if (g % 7 === 0) expect(p.coords[i * 66]).toBeNaN();
        else {
          expect([p.coords[i * 66 + 2 * 5], p.coords[i * 66 + 2 * 5 + 1]]).toEqual([g, 5]);
          expect(p.confidence[i * 33 + 5]).toBeCloseTo(5 / 33, 12);
        }
      }
    };
    for (let s = 0; s < 4500; s += 1000) {
      const p = await r.read(s, s + 1000);
      expect(p.nFrames).toBe(Math.min(1000, 4500 - s));
      check(p, s);
    }
    expect(r.header.stats.missingPoints).toBe(Math.ceil(4500 / 7) * 33);
    const again = await r.read(2990, 3010);
    check(again, 2990);
    expect(r.header.stats.missingPoints).toBe(Math.ceil(4500 / 7) * 33);
    r.close();
  }, 60_000);
});
