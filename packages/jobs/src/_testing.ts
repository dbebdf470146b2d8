// Test helpers: a fake VideoWorker for daemon-logic tests (state machine, crash safety). It reads the video's
// bytes (so a missing input fails like the real worker), writes a real, valid VideoPredictions document through
// io's atomic writer, and can be slowed down or told to fail on chosen files.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { InferError } from "@neuropose/infer";
import { saveVideoPredictions, type VideoPredictionsInput } from "@neuropose/io";
import type { VideoWorker } from "./worker.js";

export interface FakeWorkerOptions {
  frames?: number;
  /** Milliseconds per frame (default 0). */
  frameMs?: number;
  /** Basenames that fail as a corrupt video would. */
  corrupt?: string[];
}

export function fakePredictions(frames: number): VideoPredictionsInput {
  const f: VideoPredictionsInput["frames"] = {};
  for (let i = 0; i < frames; i++) {
    f[`frame_${String(i).padStart(6, "0")}`] = {
      boxes: [[1, 2, 3, 4, 0.9]],
      poses3d: [[[i, 2, 3]]],
      poses2d: [[[4, 5]]],
    };
  }
  return {
    metadata: {
      frame_count: frames,
      fps: 30,
      width: 64,
      height: 48,
      skeleton: "blazepose_33",
      poses3d_unit: "mm",
      poses3d_frame: "hip_centered",
    },
    frames: f,
  };
}

export function fakeWorker(options: FakeWorkerOptions = {}): VideoWorker & { calls: string[] } {
  const calls: string[] = [];
  const frames = options.frames ?? 5;
  return {
    provider: "fake",
    calls,
    async process(video, outPath, o = {}) {
      calls.push(video);
      await readFile(video);
      for (let i = 1; i <= frames; i++) {
        if (o.signal?.aborted) throw new InferError("E_ABORTED", "inference aborted", { path: video });
        if (options.corrupt?.includes(basename(video)) && i === Math.ceil(frames / 2)) {
          throw new InferError("E_VIDEO_CORRUPT", "ffmpeg could not decode frame 3", {
            path: video,
            hint: "the file may be corrupt or truncated; re-export or re-copy it",
          });
        }
        if (options.frameMs) await new Promise((r) => setTimeout(r, options.frameMs));
        o.onProgress?.({ done: i, total: frames });
      }
      await saveVideoPredictions(outPath, fakePredictions(frames));
      return { frames, framesWithPerson: frames, wallMs: 1, fps: 1000, provider: "fake" };
    },
    async dispose() {},
  };
}
