import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFfmpeg } from "@neuropose/infer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runFfmpeg } from "../../../config/test-videos.js";
import { motionEnergy, type Roi } from "./motion-energy.js";
import { facialMetricsCsv } from "./table.js";

const { ffmpeg } = resolveFfmpeg();

/** Encode gray frames losslessly (FFV1), so decoding gives back exactly these bytes. */
function grayVideo(frames: Uint8Array[], width: number, height: number): string {
  const dir = mkdtempSync(join(tmpdir(), "np-facemap-"));
  const raw = join(dir, "in.gray");
  writeFileSync(raw, Buffer.concat(frames.map((f) => Buffer.from(f))));
  const out = join(dir, "clip.mkv");
  runFfmpeg(ffmpeg, "-f", "rawvideo", "-pix_fmt", "gray", "-s", `${width}x${height}`, "-r", "30", "-i", raw, "-c:v", "ffv1", out); // biome-ignore format: ffmpeg's words
  return out;
}

/** Motion energy of one ROI of a 16x16 video. */
function energy16(video: string, roi: Roi, signal?: AbortSignal) {
  return motionEnergy({ video, width: 16, height: 16, ffmpeg, rois: [roi], ...(signal ? { signal } : {}) });
}

function expected(frames: Uint8Array[], width: number, r: Roi): number[] {
  return frames.map((f, t) => {
    if (t === 0) return 0;
    const p = frames[t - 1] as Uint8Array;
    let s = 0;
    for (let y = r.y; y < r.y + r.height; y++)
      for (let x = r.x; x < r.x + r.width; x++)
        s += Math.abs((f[y * width + x] as number) - (p[y * width + x] as number));
    return s / (r.width * r.height);
  });
}

describe("motionEnergy", () => {
  it("equals the mean absolute frame difference per ROI, exactly, on random lossless frames", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const width = 32;
        const height = 24;
        let s = seed;
        const rnd = () => {
          s = (s * 1103515245 + 12345) & 0x7fffffff;
          return s % 256;
        };
        const frames = Array.from({ length: 7 }, () => Uint8Array.from({ length: width * height }, rnd));
        const rois: Roi[] = [
          { name: "face", x: 0, y: 0, width: 32, height: 24 },
          { name: "eye", x: 5, y: 3, width: 7, height: 4 },
        ];
        const r = await motionEnergy({
          video: grayVideo(frames, width, height),
          width,
          height,
          rois,
          ffmpeg,
        });
        expect(r.frames).toBe(7);
        for (const roi of rois)
          expect(Array.from(r.metrics.get(`motion_energy_${roi.name}`) ?? [])).toEqual(
            expected(frames, width, roi),
          );
      }),
      { numRuns: 3, seed: 42 },
    );
  });

  it("a still video has zero motion energy; an ROI outside the frame is a clear error", async () => {
    const frames = Array.from({ length: 4 }, () => new Uint8Array(16 * 16).fill(77));
    const video = grayVideo(frames, 16, 16);
    const r = await energy16(video, { name: "all", x: 0, y: 0, width: 16, height: 16 });
    expect(Array.from(r.metrics.get("motion_energy_all") ?? [])).toEqual([0, 0, 0, 0]);
    await expect(energy16(video, { name: "eye", x: 10, y: 0, width: 8, height: 4 })).rejects.toMatchObject({
      code: "E_FACEMAP_ROI",
      message: expect.stringContaining('ROI "eye"'),
    });
  });

  it("a file that is not a video is one error naming the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "np-facemap-"));
    const bad = join(dir, "bad.avi");
    writeFileSync(bad, "not a video");
    await expect(energy16(bad, { name: "a", x: 0, y: 0, width: 4, height: 4 })).rejects.toMatchObject({
      code: "E_FACEMAP_DECODE",
      path: bad,
    });
  });

  it("stops on abort", async () => {
    const frames = Array.from({ length: 4 }, () => new Uint8Array(16 * 16));
    const video = grayVideo(frames, 16, 16);
    const ac = new AbortController();
    ac.abort();
    await expect(
      energy16(video, { name: "a", x: 0, y: 0, width: 4, height: 4 }, ac.signal),
    ).rejects.toThrow();
  });
});

describe("facialMetricsCsv", () => {
  it("keeps NaN and refuses mismatched lengths", () => {
    const m = new Map([["motion_energy_eye", new Float64Array([0, Number.NaN, 2.5])]]);
    expect(facialMetricsCsv(new Float64Array([0, 1 / 150, 2 / 150]), m)).toBe(
      `time,motion_energy_eye\n0,0\n${1 / 150},NaN\n${2 / 150},2.5\n`,
    );
    expect(() => facialMetricsCsv(new Float64Array([0]), m)).toThrow(/3 values but there are 1 timestamps/);
  });
});
