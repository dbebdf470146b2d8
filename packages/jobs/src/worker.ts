import type { Device, Logger, PredictionsSink } from "@neuropose/io";

/** Progress of one video inside a worker. */
export interface VideoProgress {
  done: number;
  total: number;
}

/** Options of {@link VideoWorker.process}. */
export interface VideoWorkOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: VideoProgress) => void) | undefined;
}

/** What a worker reports for one video. */
export interface VideoSummary {
  frames: number;
  framesWithPerson: number;
  /** Inference wall time, ms. */
  wallMs: number;
  fps: number;
  /** Execution provider that ran (cpu, cuda, ...). */
  provider: string;
}

/**
 * Where a worker puts one video's predictions document: a file path (written atomically), or a sink of io's
 * streaming writers (`openJobResultsWriter(...).video(name)`) that the job source commits with the job.
 */
export type VideoOutput = string | PredictionsSink;

/**
 * The work per video: the model is loaded once when the worker is created; `process` writes the video's
 * predictions document (VideoPredictions) to `output` (a file, atomically, or a sink it finishes, and aborts on
 * an error) and returns a summary. The daemon never sees frames. Abort through `signal` (the error is then
 * `E_ABORTED`).
 */
export interface VideoWorker {
  /** Execution provider of the loaded model. */
  readonly provider: string;
  process(video: string, output: VideoOutput, options?: VideoWorkOptions): Promise<VideoSummary>;
  /** Frees the model. */
  dispose(): Promise<void>;
}

/** Options of {@link createBlazePoseWorker}: the same knobs as `neuropose-infer`. */
export interface BlazePoseWorkerOptions {
  model?: "lite" | "full" | "heavy" | undefined;
  cacheDir: string;
  device?: Device | undefined;
  threads?: number | undefined;
  maxPeople?: number | undefined;
  smooth?: boolean | undefined;
  ffmpegPath?: string | undefined;
  ffprobePath?: string | undefined;
  /** Version recorded in each document's provenance. */
  neuroposeVersion?: string | undefined;
  logger?: Logger | undefined;
}

/**
 * The default {@link VideoWorker}: BlazePose through @neuropose/infer, exactly the per-video work of
 * `neuropose-infer` (probe, refuse zero-frame videos, then @neuropose/infer's `processVideo`), with the model
 * loaded once. @neuropose/infer and onnxruntime are imported here, on first use, so a daemon-less command
 * never loads them.
 *
 * @example
 * ```ts
 * import { createBlazePoseWorker } from "@neuropose/jobs";
 * const worker = await createBlazePoseWorker({ model: "lite", cacheDir: "/tmp/neuropose-models", device: "cpu" });
 * const s = await worker.process("clip.mp4", "/tmp/clip.poses.json");
 * console.log(s.frames, s.provider);
 * await worker.dispose();
 * ```
 */
export async function createBlazePoseWorker(options: BlazePoseWorkerOptions): Promise<VideoWorker> {
  // The same per-video function as neuropose-infer (and the queue worker): @neuropose/infer's processVideo over a
  // pipeline loaded once. Imported here, on first use, so a daemon-less command never loads onnxruntime.
  const infer = await import("@neuropose/infer");
  const pipeline = await infer.loadPipeline({
    model: options.model ?? "full",
    cacheDir: options.cacheDir,
    device: options.device ?? "auto",
    threads: options.threads,
    logger: options.logger as never,
    maxPeople: options.maxPeople ?? 1,
    smoothing: options.smooth ?? false,
    ffmpegPath: options.ffmpegPath,
    ffprobePath: options.ffprobePath,
  });
  return {
    provider: pipeline.adapter.provider,
    async process(video, output, o = {}) {
      const info = await infer.probeVideo(video, pipeline.tools, o.signal);
      if (info.frameCount === 0) {
        throw new infer.InferError("E_VIDEO_EMPTY", "the video has zero frames", { path: video });
      }
      const res = await infer.processVideo({
        video: info,
        pipeline,
        ...(typeof output === "string" ? { output } : { sinks: [output] }),
        force: true,
        signal: o.signal,
        neuroposeVersion: options.neuroposeVersion,
        onProgress: o.onProgress ? (p) => o.onProgress?.({ done: p.done, total: p.total }) : undefined,
      });
      return {
        frames: res.stats.frames,
        framesWithPerson: res.stats.framesWithPerson,
        wallMs: res.stats.wallMs,
        fps: res.stats.fps,
        provider: pipeline.adapter.provider,
      };
    },
    dispose: () => pipeline.dispose(),
  };
}
