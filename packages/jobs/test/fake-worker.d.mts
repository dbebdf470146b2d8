// Types of fake-worker.mjs for the TypeScript tests that import it.
import type { VideoPredictionsInput } from "@neuropose/io";
import type { VideoWorker } from "../src/worker.js";

export function fakeDocument(frames: number): VideoPredictionsInput;
export function fakeVideoWorker(options?: {
  frames?: number;
  frameMs?: number;
  fail?: (video: string, call: number, frame: number) => Error | undefined;
}): VideoWorker & { calls: string[] };
export function jobFolder(root: string, name: string, videos: string[]): string;
