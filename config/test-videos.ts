// Test helper: small synthetic videos made with ffmpeg's `testsrc` pattern (and broken ones) for the video
// decoding, pipeline and CLI tests. The caller passes its ffmpeg binary (e.g. `resolveFfmpeg({}).ffmpeg` from
// @neuropose/infer). Import it relatively, e.g. `../../../config/test-videos.js`.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

/** Runs ffmpeg quietly (`-v error`), overwriting outputs (`-y`); returns its stdout. */
export function runFfmpeg(ffmpeg: string, ...args: string[]): Buffer {
  return execFileSync(ffmpeg, ["-v", "error", "-y", ...args], { maxBuffer: 256 << 20 });
}

export interface TestPattern {
  /** `WxH`, e.g. "64x32". */
  size: string;
  /** Frames per second. */
  rate: number;
  frames: number;
  /** Video codec; default libx264. */
  codec?: string;
  /** More output options (e.g. `-pix_fmt yuv444p`, `-movflags +faststart`). */
  args?: string[];
}

/** Writes `frames` frames of ffmpeg's `testsrc` pattern to `out`. */
export function writeTestPattern(ffmpeg: string, out: string, p: TestPattern): void {
  runFfmpeg(
    ffmpeg,
    "-f",
    "lavfi",
    "-i",
    `testsrc=size=${p.size}:rate=${p.rate}`,
    "-frames:v",
    String(p.frames),
    "-c:v",
    p.codec ?? "libx264",
    ...(p.args ?? []),
    out,
  );
}

/** Writes a video container without a single frame (64x32 mpeg4). */
export function writeZeroFrameVideo(ffmpeg: string, out: string): void {
  writeTestPattern(ffmpeg, out, { size: "64x32", rate: 10, frames: 0, codec: "mpeg4" });
}

/** Writes the first `fraction` of the bytes of `src` to `out`: a truncated recording. */
export function writeTruncated(src: string, out: string, fraction = 0.5): void {
  const full = readFileSync(src);
  writeFileSync(out, full.subarray(0, Math.floor(full.length * fraction)));
}

/** The first frame of a video as packed RGB24 bytes, decoded (and autorotated) by ffmpeg itself. */
export function firstFrameRgb(ffmpeg: string, path: string): Buffer {
  return runFfmpeg(ffmpeg, "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
}

/** The first video stream's `entries` (e.g. "nb_read_frames,width,height"), every frame decoded and counted, as ffprobe's CSV. */
export function probeCounted(ffprobe: string, path: string, entries: string): string {
  return execFileSync(ffprobe, [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    `stream=${entries}`,
    "-of",
    "csv=p=0",
    path,
  ])
    .toString()
    .trim();
}

/** Whether `ffmpeg` runs from PATH (for tests of packages that take the executable from their caller, e.g. io). */
export function ffmpegOnPath(): boolean {
  try {
    execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
