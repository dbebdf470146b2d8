// The shared ffmpeg frame reader: its arguments, and real decodes (frames, early stop, abort, a wrong frame size)
// with the ffmpeg on PATH; infer's video tests and facemap's motion-energy tests run it through their callers.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ffmpegOnPath, writeTestPattern } from "../../../config/test-videos.js";
import { openRawVideo, rawVideoArgs } from "./raw-video.js";

describe("rawVideoArgs", () => {
  it.each([
    [{}, []],
    [{ rotation: 90 }, ["-vf", "transpose=clock"]],
    [{ rotation: 180, startFrame: 3 }, ["-vf", "hflip,vflip,select=gte(n\\,3)"]],
    [{ rotation: 270 }, ["-vf", "transpose=cclock"]],
  ])("%j: filters %j", (extra, vf) => {
    expect(rawVideoArgs({ input: "v.mp4", pixFmt: "gray", ...extra })).toEqual([
      ...["-hide_banner", "-nostdin", "-loglevel", "error", "-noautorotate", "-i", "v.mp4", "-map", "0:v:0"],
      ...vf,
      ...["-vsync", "0", "-an", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
    ]);
  });
  it("stops after maxFrames when it is finite", () => {
    expect(rawVideoArgs({ input: "v", pixFmt: "rgb24", maxFrames: 5 }).slice(-3)).toEqual([
      "-frames:v",
      "5",
      "pipe:1",
    ]);
    expect(rawVideoArgs({ input: "v", pixFmt: "rgb24", maxFrames: Number.POSITIVE_INFINITY })).not.toContain(
      "-frames:v",
    );
  });
});

describe.skipIf(!ffmpegOnPath())("openRawVideo (ffmpeg on PATH)", () => {
  const dir = mkdtempSync(join(tmpdir(), "np-raw-video-"));
  const clip = join(dir, "clip.mkv");
  writeTestPattern("ffmpeg", clip, { size: "32x24", rate: 10, frames: 10 });
  const count = async (v: ReturnType<typeof openRawVideo>) => {
    const sizes: number[] = [];
    try {
      for await (const f of v.frames()) sizes.push(f.length);
      return { sizes, result: await v.result() };
    } finally {
      v.close();
    }
  };

  it("gives whole frames of width × height × channels, each a fresh buffer, and exit 0", async () => {
    const v = openRawVideo({
      ffmpeg: "ffmpeg",
      input: clip,
      pixFmt: "rgb24",
      width: 32,
      height: 24,
      readAhead: 1,
    });
    const frames: Uint8Array[] = [];
    const copies: Uint8Array[] = [];
    for await (const f of v.frames()) {
      frames.push(f);
      copies.push(Uint8Array.from(f));
    }
    expect(frames).toHaveLength(10);
    expect(frames.every((f) => f.length === 32 * 24 * 3)).toBe(true);
    expect(frames).toEqual(copies); // no frame was overwritten by a later one
    expect(frames[0]).not.toEqual(frames[1]);
    expect(await v.result()).toEqual({ code: 0, stderr: "", partialBytes: 0 });
    v.close();
  });
  it("startFrame and maxFrames choose the frames", async () => {
    const r = await count(
      openRawVideo({
        ffmpeg: "ffmpeg",
        input: clip,
        pixFmt: "gray",
        width: 32,
        height: 24,
        startFrame: 6,
        maxFrames: 3,
      }),
    );
    expect(r.sizes).toEqual([768, 768, 768]);
  });
  it("a wrong frame size leaves a partial frame; an unreadable file a non-zero exit with ffmpeg's words", async () => {
    const wrong = await count(
      openRawVideo({ ffmpeg: "ffmpeg", input: clip, pixFmt: "gray", width: 31, height: 24 }),
    );
    expect(wrong.result.partialBytes).toBe((10 * 32 * 24) % (31 * 24));
    const missing = await count(
      openRawVideo({ ffmpeg: "ffmpeg", input: join(dir, "none.mkv"), pixFmt: "gray", width: 32, height: 24 }),
    );
    expect(missing.sizes).toEqual([]);
    expect(missing.result.code).not.toBe(0);
    expect(missing.result.stderr).toContain("none.mkv");
  });
  it("an aborted signal ends the frames and kills ffmpeg", async () => {
    const ac = new AbortController();
    const v = openRawVideo({
      ffmpeg: "ffmpeg",
      input: clip,
      pixFmt: "gray",
      width: 32,
      height: 24,
      signal: ac.signal,
      readAhead: 1,
    });
    let n = 0;
    for await (const _ of v.frames()) if (++n === 2) ac.abort();
    v.close();
    expect(n).toBe(2);
    expect((await v.result()).code).not.toBe(0);
  });
  it("an executable that does not exist exits 127 with no frames", async () => {
    const r = await count(
      openRawVideo({ ffmpeg: join(dir, "no-ffmpeg"), input: clip, pixFmt: "gray", width: 32, height: 24 }),
    );
    expect(r).toEqual({ sizes: [], result: { code: 127, stderr: "", partialBytes: 0 } });
  });
});
