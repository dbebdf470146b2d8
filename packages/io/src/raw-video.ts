// Raw video frames out of an ffmpeg decode, one frame buffer at a time: the one ffmpeg frame reader of the stage
// packages that decode video (infer: RGB frames for pose models; facemap: gray frames for motion energy). They may
// not import each other, so it lives here beside pickle.ts, the other reader they share. Node built-ins only; the
// caller resolves the ffmpeg executable (e.g. @neuropose/infer's resolveFfmpeg) and words its own errors from
// `result()`.
import { spawn } from "node:child_process";

/** Options of {@link openRawVideo}. */
export interface RawVideoOptions {
  /** The ffmpeg executable. */
  ffmpeg: string;
  /** The video file. */
  input: string;
  /** Output pixel format: 3 bytes a pixel (`rgb24`) or 1 (`gray`). */
  pixFmt: "rgb24" | "gray";
  /** The upright frame size (after rotation), which fixes the bytes of a frame. */
  width: number;
  height: number;
  /** Clockwise rotation in degrees applied explicitly (ffmpeg's autorotate is off), so frames come out upright. */
  rotation?: number | undefined;
  /** Drop the frames before this index (decoded and dropped by ffmpeg). */
  startFrame?: number | undefined;
  /** Stop after this many frames. */
  maxFrames?: number | undefined;
  /** Frames buffered ahead of the consumer (default 4): decoding overlaps the consumer's work, memory stays bounded. */
  readAhead?: number | undefined;
  /** Kills ffmpeg and ends the frames. */
  signal?: AbortSignal | undefined;
  /** How much of ffmpeg's stderr is kept for error messages (characters, default 16,000). */
  stderrLimit?: number | undefined;
}

/** How an ffmpeg decode ended (see {@link RawVideo.result}). */
export interface RawVideoResult {
  /** ffmpeg's exit status: 128 when killed by a signal, 127 when it could not be started. */
  code: number;
  /** The start of ffmpeg's stderr (up to `stderrLimit`). */
  stderr: string;
  /** Bytes of an incomplete last frame (0 when the output was whole frames: a wrong frame size shows here). */
  partialBytes: number;
}

/** A running ffmpeg decode (see {@link openRawVideo}). */
export interface RawVideo {
  /** The frames, each a fresh buffer of width × height × channels bytes; ends at the end of the video or on abort. */
  frames(): AsyncGenerator<Uint8Array>;
  /** How ffmpeg ended (waits for it to exit; call after `frames()` ended, or after `close()`). */
  result(): Promise<RawVideoResult>;
  /** Kills ffmpeg if it still runs and detaches from the abort signal (call in a `finally`). */
  close(): void;
}

/** The ffmpeg arguments of {@link openRawVideo}. */
export function rawVideoArgs(o: Omit<RawVideoOptions, "ffmpeg" | "width" | "height">): string[] {
  const start = o.startFrame ?? 0;
  const filters: string[] = [];
  if (o.rotation === 90) filters.push("transpose=clock");
  else if (o.rotation === 180) filters.push("hflip", "vflip");
  else if (o.rotation === 270) filters.push("transpose=cclock");
  if (start > 0) filters.push(`select=gte(n\\,${start})`);
  const args = [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-noautorotate",
    "-i",
    o.input,
    "-map",
    "0:v:0",
  ];
  if (filters.length > 0) args.push("-vf", filters.join(","));
  args.push("-vsync", "0", "-an", "-f", "rawvideo", "-pix_fmt", o.pixFmt);
  if (o.maxFrames !== undefined && Number.isFinite(o.maxFrames)) args.push("-frames:v", String(o.maxFrames));
  args.push("pipe:1");
  return args;
}

/**
 * Starts ffmpeg decoding `input`'s first video stream to raw upright frames (audio dropped, no frame-rate
 * conversion) and returns them as they arrive, at most `readAhead` queued (the pipe is paused while the consumer
 * is behind). ffmpeg runs in its own process group, so a terminal Ctrl-C reaches the caller, which stops it.
 *
 * @example
 * ```ts
 * import { execFileSync } from "node:child_process";
 * import { openRawVideo } from "@neuropose/io";
 * execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=32x24:rate=10:duration=1", "/tmp/neuropose-raw.mkv"]);
 * const video = openRawVideo({ ffmpeg: "ffmpeg", input: "/tmp/neuropose-raw.mkv", pixFmt: "gray", width: 32, height: 24 });
 * let frames = 0;
 * try {
 *   for await (const frame of video.frames()) frames += frame.length === 32 * 24 ? 1 : 0;
 * } finally {
 *   video.close();
 * }
 * console.log(frames, (await video.result()).code); // 10 0
 * ```
 */
export function openRawVideo(options: RawVideoOptions): RawVideo {
  const frameBytes = options.width * options.height * (options.pixFmt === "gray" ? 1 : 3);
  const { signal } = options;
  const stderrLimit = options.stderrLimit ?? 16_000;
  const child = spawn(options.ffmpeg, rawVideoArgs(options), {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    if (stderr.length < stderrLimit) stderr += d;
  });
  const exited = new Promise<number>((res) => {
    child.on("close", (code, sig) => res(code ?? (sig ? 128 : 1)));
    child.on("error", () => res(127));
  });
  const readAhead = Math.max(1, Math.floor(options.readAhead ?? 4));
  const queue: Uint8Array[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onAbort = () => {
    child.kill("SIGKILL");
    notify();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  let buf = Buffer.allocUnsafe(frameBytes);
  let fill = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(frameBytes - fill, chunk.length - off);
      chunk.copy(buf, fill, off, off + n);
      fill += n;
      off += n;
      if (fill === frameBytes) {
        queue.push(new Uint8Array(buf.buffer, buf.byteOffset, frameBytes));
        buf = Buffer.allocUnsafe(frameBytes);
        fill = 0;
      }
    }
    if (queue.length >= readAhead) child.stdout.pause();
    notify();
  });
  const end = () => {
    ended = true;
    notify();
  };
  child.stdout.on("end", end);
  child.stdout.on("error", end);
  return {
    async *frames() {
      for (;;) {
        if (signal?.aborted) return;
        const data = queue.shift();
        if (!data) {
          if (ended) return;
          await new Promise<void>((r) => {
            wake = r;
          });
          continue;
        }
        if (queue.length < readAhead && child.stdout.isPaused()) child.stdout.resume();
        yield data;
      }
    },
    async result() {
      const code = await exited;
      return { code, stderr, partialBytes: fill };
    },
    close() {
      signal?.removeEventListener("abort", onAbort);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
