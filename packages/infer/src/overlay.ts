import { spawn } from "node:child_process";
import { type AtomicTarget, openAtomicTarget, SKELETONS } from "@neuropose/io";
import { InferError } from "./errors.js";
import type { FfmpegTools } from "./ffmpeg.js";
import { decodeVideo, type VideoInfo } from "./video.js";

/** MediaPipe's POSE_CONNECTIONS over the 33 BlazePose keypoints (the edges of @neuropose/io's `blazepose_33`). */
export const BLAZEPOSE_EDGES: ReadonlyArray<readonly [number, number]> = SKELETONS.blazepose_33.edges;

const COLORS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 255, 0],
  [255, 64, 255],
  [0, 200, 255],
  [255, 200, 0],
  [255, 64, 64],
];

function disc(
  rgb: Uint8Array,
  w: number,
  h: number,
  cx: number,
  cy: number,
  r: number,
  c: readonly number[],
) {
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(w - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(h - 1, Math.ceil(cy + r));
  const r2 = r * r;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 > r2) continue;
      const o = (y * w + x) * 3;
      rgb[o] = c[0]!;
      rgb[o + 1] = c[1]!;
      rgb[o + 2] = c[2]!;
    }
  }
}

function line(
  rgb: Uint8Array,
  w: number,
  h: number,
  a: number[],
  b: number[],
  r: number,
  c: readonly number[],
) {
  const len = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
  const steps = Math.max(1, Math.ceil(len / Math.max(1, r)));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    disc(rgb, w, h, a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t, r, c);
  }
}

/**
 * Draws 2D skeletons onto an RGB frame in place (one colour per person id).
 *
 * @example
 * ```ts
 * import { BLAZEPOSE_EDGES, drawSkeletons } from "@neuropose/infer";
 * const rgb = new Uint8Array(64 * 64 * 3);
 * drawSkeletons(rgb, 64, 64, [Array.from({ length: 33 }, () => [32, 32])], [0], BLAZEPOSE_EDGES);
 * ```
 */
export function drawSkeletons(
  rgb: Uint8Array,
  width: number,
  height: number,
  poses2d: number[][][],
  ids: number[],
  edges: ReadonlyArray<readonly [number, number]>,
): void {
  const r = Math.max(1.5, Math.min(width, height) / 250);
  poses2d.forEach((pose, p) => {
    const c = COLORS[(ids[p] ?? p) % COLORS.length]!;
    for (const [i, j] of edges) {
      if (pose[i] && pose[j]) line(rgb, width, height, pose[i], pose[j], r, c);
    }
    for (const k of pose) disc(rgb, width, height, k[0]!, k[1]!, r * 1.6, [255, 255, 255]);
  });
}

/** The per-frame fields {@link renderOverlay} reads from a VideoPredictions document. */
export interface OverlayFrames {
  frames: Record<string, { poses2d: number[][][]; person_ids?: number[] | undefined }>;
}

/** Options of {@link renderOverlay}. */
export interface OverlayOptions {
  tools: FfmpegTools;
  signal?: AbortSignal | undefined;
  edges?: ReadonlyArray<readonly [number, number]> | undefined;
  /** Frames to render (default: as many as the predictions have). */
  maxFrames?: number | undefined;
}

/** An overlay video being encoded: frames in, then `prepare` (complete temp file) or `finish` (committed). */
export interface OverlayEncoder {
  /** The target; its `tmp` is the file ffmpeg writes. */
  readonly target: AtomicTarget;
  /**
   * Hands one RGB frame (width x height x 3) to the encoder. Rejects at once with `E_OVERLAY` (naming ffmpeg's
   * last message) if the encoder has died, instead of waiting for it to accept data.
   */
  write(rgb: Uint8Array): Promise<void>;
  /** Ends the stream, waits for the encoder and leaves the complete file under its temp name. */
  prepare(): Promise<AtomicTarget>;
  /** `prepare` then commit (the file appears at its path). */
  finish(): Promise<void>;
  /** Stops the encoder and removes the temp file. */
  abort(): Promise<void>;
}

/** Options of {@link openOverlayEncoder}. */
export interface OverlayEncoderOptions {
  tools: FfmpegTools;
  signal?: AbortSignal | undefined;
}

/**
 * Starts an H.264 MP4 encoder (ffmpeg, its own process group) writing to `outPath` through @neuropose/io's
 * `openAtomicTarget`: ffmpeg writes the recognisable temp name (`.<name>.neuropose-tmp-<pid>-<rand>.mp4`, removed
 * by a later run if this process is killed), and the file appears at `outPath` only when complete. If ffmpeg
 * cannot start, cannot open its output or dies mid-run, the next `write` fails at once with one `E_OVERLAY` error.
 *
 * @example
 * ```ts
 * import { openOverlayEncoder, probeVideo, resolveFfmpeg } from "@neuropose/infer";
 * const tools = resolveFfmpeg();
 * const info = await probeVideo("clip.mp4", tools);
 * const enc = await openOverlayEncoder(info, "out/overlay.mp4", { tools });
 * await enc.write(new Uint8Array(info.width * info.height * 3));
 * await enc.finish();
 * ```
 */
export async function openOverlayEncoder(
  info: Pick<VideoInfo, "width" | "height" | "fps">,
  outPath: string,
  options: OverlayEncoderOptions,
): Promise<OverlayEncoder> {
  const target = await openAtomicTarget(outPath, { keepExtension: true });
  const fps = info.fps > 0 ? info.fps : 30;
  // Own process group: a terminal Ctrl-C reaches this process only, which stops the encoder itself.
  const enc = spawn(
    options.tools.ffmpeg,
    [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "-s",
      `${info.width}x${info.height}`,
      "-r",
      String(fps),
      "-i",
      "pipe:0",
      "-vf",
      "pad=ceil(iw/2)*2:ceil(ih/2)*2",
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-pix_fmt",
      "yuv420p",
      "-movflags",
      "+faststart",
      target.tmp,
    ],
    { stdio: ["pipe", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  enc.stderr.setEncoding("utf8");
  enc.stderr.on("data", (d: string) => {
    if (stderr.length < 8000) stderr += d;
  });
  let exitCode: number | undefined;
  const exited = new Promise<number>((res) => {
    enc.on("close", (code, sig) => {
      exitCode = code ?? (sig ? 128 : 1);
      res(exitCode);
    });
    enc.on("error", () => {
      exitCode = 127;
      res(127);
    });
  });
  enc.stdin.on("error", () => {});
  let ending = false;
  let pendingFail: ((e: Error) => void) | undefined;
  void exited.then(() => pendingFail?.(failure()));
  const failure = () => {
    if (options.signal?.aborted)
      return new InferError("E_ABORTED", "overlay encoding aborted", { path: outPath });
    const last = stderr.trim().split("\n").filter(Boolean).pop();
    const why =
      exitCode === 127
        ? `cannot run ${options.tools.ffmpeg}`
        : last
          ? last
          : `the encoder exited with code ${exitCode}`;
    return new InferError("E_OVERLAY", `overlay encoding failed: ${why}`, {
      path: outPath,
      hint: "check the --overlay path and that ffmpeg has libx264",
    });
  };
  const kill = () => {
    if (enc.exitCode === null && enc.signalCode === null) enc.kill("SIGKILL");
  };
  const onAbort = () => kill();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const cleanup = async () => {
    options.signal?.removeEventListener("abort", onAbort);
    kill();
    await exited;
    await target.abort();
  };
  const prepare = async () => {
    ending = true;
    enc.stdin.end();
    const code = await exited;
    options.signal?.removeEventListener("abort", onAbort);
    if (options.signal?.aborted) {
      await target.abort();
      throw new InferError("E_ABORTED", "overlay encoding aborted", { path: outPath });
    }
    if (code !== 0) {
      await target.abort();
      throw failure();
    }
    return target;
  };
  return {
    target,
    async write(rgb) {
      if (exitCode !== undefined || ending) throw failure();
      if (enc.stdin.write(rgb)) return;
      // back-pressure: wait for the encoder to take the data, or fail at once if it dies meanwhile
      await new Promise<void>((res, rej) => {
        pendingFail = (e) => {
          enc.stdin.off("drain", onDrain);
          rej(e);
        };
        const onDrain = () => {
          pendingFail = undefined;
          res();
        };
        enc.stdin.once("drain", onDrain);
      });
    },
    prepare,
    async finish() {
      await (await prepare()).commit();
    },
    abort: cleanup,
  };
}

/**
 * Renders the predictions' 2D skeletons onto the video and encodes an H.264 MP4 (through ffmpeg), so a person
 * can check the tracking by eye. The file appears only when complete (see {@link openOverlayEncoder}); on abort
 * or error nothing is left at `outPath`.
 *
 * @example
 * ```ts
 * import { probeVideo, renderOverlay, resolveFfmpeg } from "@neuropose/infer";
 * import { loadVideoPredictions } from "@neuropose/io";
 * const tools = resolveFfmpeg();
 * const info = await probeVideo("clip.mp4", tools);
 * const predictions = await loadVideoPredictions("poses.json");
 * await renderOverlay(info, predictions, "overlay.mp4", { tools });
 * ```
 */
export async function renderOverlay(
  info: VideoInfo,
  predictions: OverlayFrames,
  outPath: string,
  options: OverlayOptions,
): Promise<void> {
  const keys = Object.keys(predictions.frames);
  const max = Math.min(options.maxFrames ?? keys.length, keys.length);
  const enc = await openOverlayEncoder(info, outPath, options);
  try {
    let i = 0;
    for await (const frame of decodeVideo(info, options.tools, { signal: options.signal, maxFrames: max })) {
      const f = predictions.frames[keys[i]!];
      if (f)
        drawSkeletons(
          frame.data,
          frame.width,
          frame.height,
          f.poses2d,
          f.person_ids ?? [],
          options.edges ?? BLAZEPOSE_EDGES,
        );
      await enc.write(frame.data);
      i++;
      if (i >= max) break;
    }
    await enc.finish();
  } catch (err) {
    await enc.abort();
    throw err;
  }
}
