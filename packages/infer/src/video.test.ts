import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import {
  firstFrameRgb,
  runFfmpeg,
  writeTestPattern,
  writeTruncated,
  writeZeroFrameVideo,
} from "../../../config/test-videos.js";
import { resolveFfmpeg } from "./ffmpeg.js";
import { decodeVideo, probeVideo, type VideoFrame } from "./video.js";

const tools = resolveFfmpeg({});
let dir: string;
const ff = (...args: string[]) => runFfmpeg(tools.ffmpeg, ...args);

async function collect(it: AsyncIterable<VideoFrame>): Promise<VideoFrame[]> {
  const out: VideoFrame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "np-infer-video-"));
  // 64x32 test pattern, 10 fps, 12 frames; every frame a different colour in the top-left pixel region
  writeTestPattern(tools.ffmpeg, join(dir, "plain.mp4"), {
    size: "64x32",
    rate: 10,
    frames: 12,
    args: ["-pix_fmt", "yuv444p", "-qp", "0"],
  });
  ff("-i", join(dir, "plain.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90", join(dir, "rot.mp4"));
  ff("-i", join(dir, "plain.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=180", join(dir, "rot180.mp4"));
  ff("-i", join(dir, "plain.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=270", join(dir, "rot270.mp4"));
  // variable frame rate: frames 0-5 at 10 fps, then a 0.5 s gap
  writeTestPattern(tools.ffmpeg, join(dir, "vfr.mp4"), {
    size: "64x32",
    rate: 10,
    frames: 10,
    args: ["-vf", "setpts='(N/10+gte(N,6)*0.5)/TB'", "-vsync", "0"],
  });
  // 60 frames, index first (faststart), then cut in half: a truncated recording
  writeTestPattern(tools.ffmpeg, join(dir, "full.mp4"), {
    size: "320x240",
    rate: 30,
    frames: 60,
    args: ["-g", "10", "-movflags", "+faststart"],
  });
  writeTruncated(join(dir, "full.mp4"), join(dir, "trunc.mp4"));
  writeZeroFrameVideo(tools.ffmpeg, join(dir, "zero.avi"));
  writeFileSync(join(dir, "notes.mp4"), "this is not a video\n");
  writeFileSync(join(dir, "empty.mp4"), "");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("resolveFfmpeg", () => {
  it("finds the ffmpeg and ffprobe shipped through npm", () => {
    expect(tools.sources.ffmpeg).toMatch(/ffmpeg-static|@ffmpeg-installer|setting|PATH/);
    expect(execFileSync(tools.ffprobe, ["-version"]).toString()).toMatch(/ffprobe version/);
  });

  it("an explicit working path wins; a broken one is named in the chain and skipped", () => {
    expect(resolveFfmpeg({ ffmpegPath: tools.ffmpeg }).sources.ffmpeg).toBe("setting");
    expect(resolveFfmpeg({ ffmpegPath: join(dir, "nope") }).sources.ffmpeg).not.toBe("setting");
  });
});

describe("probeVideo", () => {
  it("reads size, fps, frame count and per-frame timestamps", async () => {
    const info = await probeVideo(join(dir, "plain.mp4"), tools);
    expect([info.width, info.height, info.rotation]).toEqual([64, 32, 0]);
    expect(info.fps).toBeCloseTo(10, 6);
    expect(info.frameCount).toBe(12);
    expect(info.timestamps).toHaveLength(12);
    expect(info.timestamps[0]).toBe(0);
    expect(info.timestamps[11]).toBeCloseTo(1.1, 6);
    expect(info.variableFrameRate).toBe(false);
  });

  it("counts frames without collecting timestamps when asked ({ timestamps: false })", async () => {
    for (const name of ["plain.mp4", "vfr.mp4", "rot.mp4"]) {
      const full = await probeVideo(join(dir, name), tools);
      const counted = await probeVideo(join(dir, name), tools, undefined, { timestamps: false });
      expect(counted.frameCount).toBe(full.frameCount);
      expect(counted.timestamps).toEqual([]);
      expect([counted.width, counted.height, counted.rotation, counted.codec]).toEqual([
        full.width,
        full.height,
        full.rotation,
        full.codec,
      ]);
    }
  });

  it("applies rotation metadata: a rotated video reports upright (swapped) dimensions", async () => {
    const info = await probeVideo(join(dir, "rot.mp4"), tools);
    expect([info.storedWidth, info.storedHeight]).toEqual([64, 32]);
    expect([90, 270]).toContain(info.rotation);
    expect([info.width, info.height]).toEqual([32, 64]);
  });

  it("gives real timestamps for variable-frame-rate video", async () => {
    const info = await probeVideo(join(dir, "vfr.mp4"), tools);
    expect(info.frameCount).toBe(10);
    expect(info.variableFrameRate).toBe(true);
    expect(info.timestamps[5]).toBeCloseTo(0.5, 3);
    expect(info.timestamps[6]).toBeCloseTo(1.1, 3);
    const frames = await collect(decodeVideo(info, tools));
    expect(frames.map((f) => f.time)).toEqual(info.timestamps);
  });

  it("fails with one-line user errors for a missing file, a non-video and an empty file", async () => {
    await expect(probeVideo(join(dir, "missing.mp4"), tools)).rejects.toMatchObject({
      code: "E_VIDEO_MISSING",
      kind: "user",
    });
    await expect(probeVideo(join(dir, "notes.mp4"), tools)).rejects.toMatchObject({ code: "E_NOT_A_VIDEO" });
    await expect(probeVideo(join(dir, "empty.mp4"), tools)).rejects.toMatchObject({ code: "E_NOT_A_VIDEO" });
    await expect(probeVideo(dir, tools)).rejects.toMatchObject({ code: "E_NOT_A_VIDEO" });
  });

  it("reports zero frames for a video stream without frames", async () => {
    const info = await probeVideo(join(dir, "zero.avi"), tools);
    expect(info.frameCount).toBe(0);
  });
});

describe("decodeVideo", () => {
  it("streams every frame as upright RGB with its timestamp", async () => {
    const info = await probeVideo(join(dir, "plain.mp4"), tools);
    const frames = await collect(decodeVideo(info, tools));
    expect(frames).toHaveLength(12);
    expect(frames.map((f) => f.index)).toEqual([...Array(12).keys()]);
    expect(frames[3]!.data).toHaveLength(64 * 32 * 3);
    expect(frames[3]!.time).toBeCloseTo(0.3, 6);
    expect(frames[3]!.data).not.toBe(frames[4]!.data);
  });

  it("rotated frames come out upright: the stored frame turned by 90 degrees", async () => {
    const plain = await collect(
      decodeVideo(await probeVideo(join(dir, "plain.mp4"), tools), tools, { maxFrames: 1 }),
    );
    const rot = await collect(
      decodeVideo(await probeVideo(join(dir, "rot.mp4"), tools), tools, { maxFrames: 1 }),
    );
    const p = plain[0]!;
    const r = rot[0]!;
    expect([r.width, r.height]).toEqual([32, 64]);
    // compare against both 90-degree turns; the file's display matrix decides which one is upright
    let errCw = 0;
    let errCcw = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 32; x++) {
        const rv = r.data[(y * 32 + x) * 3]!;
        const cw = p.data[((31 - x) * 64 + y) * 3]!; // clockwise: r(x, y) = p(y, H-1-x)
        const ccw = p.data[(x * 64 + (63 - y)) * 3]!;
        errCw += Math.abs(rv - cw);
        errCcw += Math.abs(rv - ccw);
      }
    }
    expect(Math.min(errCw, errCcw) / (32 * 64)).toBeLessThan(2);
    expect(Math.max(errCw, errCcw) / (32 * 64)).toBeGreaterThan(10);
    // and exactly what ffmpeg's own autorotation shows
    const auto = firstFrameRgb(tools.ffmpeg, join(dir, "rot.mp4"));
    expect(Buffer.from(r.data).equals(auto)).toBe(true);
  });

  it.each(["rot180.mp4", "rot270.mp4"])("%s matches ffmpeg's own autorotation", async (name) => {
    const info = await probeVideo(join(dir, name), tools);
    const [frame] = await collect(decodeVideo(info, tools, { maxFrames: 1 }));
    const auto = firstFrameRgb(tools.ffmpeg, join(dir, name));
    expect(Buffer.from(frame!.data).equals(auto)).toBe(true);
    expect([frame!.width, frame!.height]).toEqual(name === "rot180.mp4" ? [64, 32] : [32, 64]);
  });

  it("honours maxFrames and startFrame", async () => {
    const info = await probeVideo(join(dir, "plain.mp4"), tools);
    const frames = await collect(decodeVideo(info, tools, { startFrame: 4, maxFrames: 3 }));
    expect(frames.map((f) => f.index)).toEqual([4, 5, 6]);
    expect(frames[0]!.time).toBeCloseTo(0.4, 6);
  });

  it("a truncated file fails with E_VIDEO_CORRUPT naming how much was decoded", async () => {
    const info = await probeVideo(join(dir, "trunc.mp4"), tools);
    expect(info.frameCount).toBe(60);
    let n = 0;
    const err = await (async () => {
      try {
        for await (const _ of decodeVideo(info, tools)) n++;
      } catch (e) {
        return e as { code: string; message: string };
      }
      return undefined;
    })();
    expect(err?.code).toBe("E_VIDEO_CORRUPT");
    expect(err?.message).toContain(`${n} of 60 frames`);
    expect(n).toBeLessThan(60);
  });

  it("stops on abort with E_ABORTED", async () => {
    const info = await probeVideo(join(dir, "full.mp4"), tools);
    const ac = new AbortController();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of decodeVideo(info, tools, { signal: ac.signal })) {
          if (++n === 2) ac.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: "E_ABORTED" });
    expect(n).toBeLessThan(60);
  });
});

fixtureSuite("probe real clips", ["videos", "gaitlab_input.mp4"], () => {
  it("gaitlab_input.mp4: 320x480, 29.97 fps, 344 frames", async () => {
    const info = await probeVideo(fixturePath("videos", "gaitlab_input.mp4"), tools);
    expect([info.width, info.height, info.frameCount]).toEqual([320, 480, 344]);
    expect(info.fps).toBeCloseTo(29.97, 2);
    expect(info.timestamps[1]).toBeCloseTo(1 / 29.97, 4);
  });

  it("pose2sim_cam01.mp4 is portrait 1080x1920 at 60 fps", async () => {
    const info = await probeVideo(fixturePath("videos", "pose2sim_cam01.mp4"), tools);
    expect([info.width, info.height, info.frameCount]).toEqual([1080, 1920, 100]);
    expect(info.fps).toBeCloseTo(60, 6);
  });
});
