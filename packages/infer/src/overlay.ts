import { spawn } from "node:child_process";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { SKELETONS } from "@neuropose/io";
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

/**
 * Renders the predictions' 2D skeletons onto the video and encodes an H.264 MP4 (through ffmpeg), so a person
 * can check the tracking by eye. The file appears only when complete (written to a temporary name in the same
 * folder, flushed to disk, then renamed); on abort or error the temporary file is removed.
 *
 * @example
 * ```ts
 * import { probeVideo, renderOverlay, resolveFfmpeg } from "@neuropose/infer";
 * const tools = resolveFfmpeg();
 * const info = await probeVideo("clip.mp4", tools);
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
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.tmp.mp4`);
  const fps = info.fps > 0 ? info.fps : 30;
  const enc = spawn(
    options.tools.ffmpeg,
    [
      "-hide_banner",
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
      tmp,
    ],
    { stdio: ["pipe", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  enc.stderr.setEncoding("utf8");
  enc.stderr.on("data", (d: string) => {
    if (stderr.length < 8000) stderr += d;
  });
  const exited = new Promise<number>((res) => {
    enc.on("close", (code) => res(code ?? 1));
    enc.on("error", () => res(127));
  });
  enc.stdin.on("error", () => {});
  const write = (data: Uint8Array) =>
    new Promise<void>((res) => {
      if (enc.stdin.write(data)) res();
      else enc.stdin.once("drain", () => res());
    });
  let ok = false;
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
      await write(frame.data);
      i++;
      if (i >= max) break;
    }
    enc.stdin.end();
    const code = await exited;
    if (code !== 0) {
      throw new InferError(
        "E_OVERLAY",
        `overlay encoding failed: ${stderr.trim().split("\n").pop() ?? code}`,
        {
          path: outPath,
        },
      );
    }
    // ffmpeg wrote the file itself (no bytes for @neuropose/io's writeFileAtomic): flush it, then rename
    const fh = await open(tmp, "r+");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, outPath);
    ok = true;
  } finally {
    if (!ok) {
      enc.kill("SIGKILL");
      await unlink(tmp).catch(() => undefined);
    }
  }
}
