// Test helper: the daemon-logic tests' fake VideoWorker (state machine, crash safety), on the shared fake worker
// of test/fake-worker.mjs (reads the video's bytes, writes a real, valid VideoPredictions document through io's
// atomic writer), with the options these tests use: slowed down, or failing on chosen files as a corrupt video.
import { basename } from "node:path";
import { InferError } from "@neuropose/infer";
import { fakeVideoWorker } from "../test/fake-worker.mjs";
import type { VideoWorker } from "./worker.js";

export interface FakeWorkerOptions {
  frames?: number;
  /** Milliseconds per frame (default 0). */
  frameMs?: number;
  /** Basenames that fail as a corrupt video would, half-way through. */
  corrupt?: string[];
}

export function fakeWorker(options: FakeWorkerOptions = {}): VideoWorker & { calls: string[] } {
  const frames = options.frames ?? 5;
  return fakeVideoWorker({
    frames,
    frameMs: options.frameMs ?? 0,
    fail: (video, _call, frame) =>
      options.corrupt?.includes(basename(video)) && frame === Math.ceil(frames / 2) - 1
        ? new InferError("E_VIDEO_CORRUPT", "ffmpeg could not decode frame 3", {
            path: video,
            hint: "the file may be corrupt or truncated; re-export or re-copy it",
          })
        : undefined,
  });
}
