import { statSync } from "node:fs";
import { resolve } from "node:path";
import { openRawVideo } from "@neuropose/io";
import { runTool } from "./_run.js";
import { InferError } from "./errors.js";
import type { FfmpegTools } from "./ffmpeg.js";

/** What ffprobe says about a video's first video stream, with the frame size after rotation. */
export interface VideoInfo {
  path: string;
  codec: string;
  /** Width of the frames as decoded (upright: rotation already applied). */
  width: number;
  /** Height of the frames as decoded (upright). */
  height: number;
  /** Stored width/height before rotation. */
  storedWidth: number;
  storedHeight: number;
  /** Clockwise rotation in degrees (0, 90, 180, 270) that decoding applies so frames come out upright. */
  rotation: number;
  /** Average frame rate (frames/s). */
  fps: number;
  /** Number of video frames: the packet count, or the container's frame count if that is larger. */
  frameCount: number;
  durationS: number;
  /**
   * Presentation timestamps in seconds from the stream's start, one per frame, in presentation order. Empty
   * when probed with `{ timestamps: false }` (frames counted only).
   */
  timestamps: number[];
  /** True when the frame intervals vary by more than 1% (variable frame rate). */
  variableFrameRate: boolean;
  /** The recording time the camera wrote into the container (`creation_time` tag), when there is one. */
  creationTime?: string | undefined;
}

function parseRate(r: string | undefined): number {
  if (!r) return 0;
  const [a, b] = r.split("/").map(Number);
  if (!b) return a ?? 0;
  return (a ?? 0) / b;
}

/**
 * Probes a video with ffprobe: size, rotation (so portrait phone videos come out upright), fps, frame
 * count and the real per-frame presentation timestamps (from packet pts, so variable-frame-rate files get
 * their true times). Missing files and non-videos fail with a one-line user error.
 *
 * @example
 * ```ts
 * import { probeVideo, resolveFfmpeg } from "@neuropose/infer";
 * const info = await probeVideo("clip.mp4", resolveFfmpeg());
 * console.log(info.width, info.height, info.fps, info.frameCount);
 * // frames counted only (an hour-long recording: no per-frame arrays)
 * const counted = await probeVideo("clip.mp4", resolveFfmpeg(), undefined, { timestamps: false });
 * console.log(counted.frameCount === info.frameCount); // true
 * ```
 */
export async function probeVideo(
  path: string,
  tools: FfmpegTools,
  signal?: AbortSignal,
  options: ProbeOptions = {},
): Promise<VideoInfo> {
  const withTimes = options.timestamps ?? true;
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    const tried = resolve(path); // the folder a relative path was resolved from is often the surprise
    throw new InferError("E_VIDEO_MISSING", "input file not found", { path, hint: `looked for ${tried}` });
  }
  if (!st.isFile()) throw new InferError("E_NOT_A_VIDEO", "not a regular file", { path });
  if (st.size === 0) throw new InferError("E_NOT_A_VIDEO", "file is empty (0 bytes)", { path });
  const r = await runTool(
    tools.ffprobe,
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      `stream=codec_name,width,height,r_frame_rate,avg_frame_rate,nb_frames,duration,start_time${withTimes ? "" : ",nb_read_packets"}:stream_tags=rotate,creation_time:stream_side_data=rotation:format=duration:format_tags=creation_time`,
      // Counting only: ffprobe counts the packets itself, so the output stays a few hundred bytes for an
      // hour-long recording (a JSON object per packet is ~100 MB of strings and objects at 540k frames).
      ...(withTimes ? ["-show_entries", "packet=pts_time,dts_time"] : ["-count_packets"]),
      "-of",
      "json",
      path,
    ],
    signal,
  );
  if (signal?.aborted) throw new InferError("E_ABORTED", "probing aborted", { path });
  let json: {
    streams?: Array<Record<string, unknown>>;
    packets?: Array<{ pts_time?: string; dts_time?: string }>;
    format?: { duration?: string; tags?: { creation_time?: string } };
  };
  try {
    json = JSON.parse(r.stdout || "{}");
  } catch {
    json = {};
  }
  const s = json.streams?.[0];
  if (!s || typeof s.width !== "number" || typeof s.height !== "number") {
    const why = (r.stderr.trim().split("\n").pop() ?? "").replace(`${path}: `, "");
    throw new InferError("E_NOT_A_VIDEO", `not a readable video (no video stream)${why ? `: ${why}` : ""}`, {
      path,
      hint: "pass a video file such as .mp4, .mov, .avi or .mkv",
    });
  }
  let rotation = 0;
  const tags = s.tags as Record<string, string> | undefined;
  if (tags?.rotate) rotation = Number(tags.rotate);
  const side = s.side_data_list as Array<{ rotation?: number }> | undefined;
  for (const sd of side ?? []) if (typeof sd.rotation === "number") rotation = -sd.rotation;
  rotation = (((Math.round(rotation / 90) * 90) % 360) + 360) % 360;
  const storedWidth = s.width as number;
  const storedHeight = s.height as number;
  const swap = rotation === 90 || rotation === 270;
  const sorted = (json.packets ?? [])
    .map((p) => Number(p.pts_time ?? p.dts_time))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  // Seconds from the start of the stream (its start_time), so the first frame is normally at 0.
  const t0 = Number(s.start_time);
  const origin = Number.isFinite(t0) ? t0 : (sorted[0] ?? 0);
  const pts = sorted.map((t) => Math.round((t - origin) * 1e6) / 1e6);
  let fps = parseRate(s.avg_frame_rate as string | undefined);
  if (!(fps > 0)) fps = parseRate(s.r_frame_rate as string | undefined);
  const nb = Number(s.nb_frames);
  // The container index (nb_frames) can promise more frames than the file holds (a truncated recording):
  // take the larger, so decoding can tell a short file from a complete one.
  const counted = withTimes ? pts.length : Number(s.nb_read_packets);
  const frameCount = Math.max(Number.isFinite(counted) ? counted : 0, Number.isFinite(nb) ? nb : 0);
  const durationS = Number(s.duration ?? json.format?.duration ?? 0) || (fps > 0 ? frameCount / fps : 0);
  if (!(fps > 0) && pts.length > 1) fps = (pts.length - 1) / (pts[pts.length - 1]! - pts[0]!);
  let variableFrameRate = false;
  if (pts.length > 2) {
    const dts = pts.slice(1).map((t, i) => t - pts[i]!);
    const sorted = [...dts].sort((a, b) => a - b);
    const med = sorted[Math.floor(sorted.length / 2)]!;
    variableFrameRate = dts.some((d) => Math.abs(d - med) > 0.01 * med + 1e-4);
  }
  return {
    path,
    codec: String(s.codec_name ?? "unknown"),
    width: swap ? storedHeight : storedWidth,
    height: swap ? storedWidth : storedHeight,
    storedWidth,
    storedHeight,
    rotation,
    fps,
    frameCount,
    durationS,
    timestamps: pts,
    variableFrameRate,
    creationTime: json.format?.tags?.creation_time ?? tags?.creation_time,
  };
}

/** Options of {@link probeVideo}. */
export interface ProbeOptions {
  /**
   * Collect every frame's presentation timestamp (default true). `false` only counts the frames (ffprobe
   * `-count_packets`): memory stays flat in the video's length, `timestamps` is empty and
   * `variableFrameRate` false.
   */
  timestamps?: boolean;
}

/** One decoded frame: packed RGB, 3 bytes per pixel, rows top to bottom, upright. */
export interface VideoFrame {
  index: number;
  /** Presentation time in seconds. */
  time: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/** Options of {@link decodeVideo}. */
export interface DecodeOptions {
  signal?: AbortSignal | undefined;
  /** Stop after this many frames. */
  maxFrames?: number | undefined;
  /** Skip frames before this index (decoded and dropped by ffmpeg). */
  startFrame?: number | undefined;
  /** Decoded frames buffered ahead of the consumer (default 4): decode overlaps with inference. */
  readAhead?: number | undefined;
}

/**
 * Streams upright RGB frames out of ffmpeg, one frame buffer at a time (memory stays flat however long the
 * video is; the pipe applies back-pressure). Frames carry their real presentation timestamps. A decode error
 * or a file that ends early fails with `E_VIDEO_CORRUPT` naming how many frames were decoded.
 *
 * @example
 * ```ts
 * import { decodeVideo, probeVideo, resolveFfmpeg } from "@neuropose/infer";
 * const tools = resolveFfmpeg();
 * const info = await probeVideo("clip.mp4", tools);
 * for await (const frame of decodeVideo(info, tools, { maxFrames: 10 })) console.log(frame.index, frame.time);
 * ```
 */
export async function* decodeVideo(
  info: VideoInfo,
  tools: FfmpegTools,
  options: DecodeOptions = {},
): AsyncGenerator<VideoFrame> {
  const { width, height } = info;
  const start = options.startFrame ?? 0;
  const max = options.maxFrames ?? Number.POSITIVE_INFINITY;
  // Rotation is applied explicitly from the probed value (not by ffmpeg's autorotate), so the frame size always
  // equals the probe's upright width x height whatever ffmpeg version decodes.
  const video = openRawVideo({
    ffmpeg: tools.ffmpeg,
    input: info.path,
    pixFmt: "rgb24",
    width,
    height,
    rotation: info.rotation,
    startFrame: start,
    maxFrames: max,
    readAhead: options.readAhead,
    signal: options.signal,
  });
  let index = start;
  let emitted = 0;
  try {
    for await (const data of video.frames()) {
      const time = info.timestamps[index] ?? (info.fps > 0 ? index / info.fps : index);
      yield { index, time, width, height, data };
      index++;
      emitted++;
      if (emitted >= max) return;
    }
    if (options.signal?.aborted) {
      throw new InferError("E_ABORTED", "decoding aborted", { path: info.path });
    }
    const { code, stderr } = await video.result();
    const expected = Math.min(max, Math.max(0, info.frameCount - start));
    const lastErr = stderr.trim().split("\n").filter(Boolean).slice(-1)[0];
    if (code !== 0) {
      throw new InferError(
        "E_VIDEO_CORRUPT",
        `decoding failed after ${emitted} of ${expected} frames${lastErr ? `: ${lastErr}` : ""}`,
        { path: info.path, hint: "the file may be corrupt or truncated; re-export or re-copy it" },
      );
    }
    if (emitted === 0) {
      throw new InferError("E_VIDEO_EMPTY", "the video has no decodable frames", { path: info.path });
    }
    const missing = expected - emitted;
    if (Number.isFinite(expected) && missing > Math.max(2, 0.01 * expected)) {
      throw new InferError(
        "E_VIDEO_CORRUPT",
        `truncated or corrupt: decoded ${emitted} of ${expected} frames${lastErr ? ` (${lastErr})` : ""}`,
        { path: info.path, hint: "the file may be truncated; re-export or re-copy it" },
      );
    }
  } finally {
    video.close();
  }
}
