// `neuropose-infer --cameras … --calibration …`: multi-camera 3D through @neuropose/infer's processCameras
// (loaded only for --cameras); prints the time offsets (estimated and applied) and the reprojection errors.
import { basename } from "node:path";
import { createProgress, type Logger } from "@neuropose/cli-kit";
import { packageVersion } from "@neuropose/cli-kit/startup";
import { type FfmpegTools, type LoadPipelineOptions, processCameras } from "@neuropose/infer";
import { type Settings, stringifyJson } from "@neuropose/io";
import { nwbMetadataFromFlags } from "@neuropose/nwb/metadata-flags";
import type { InferArgs } from "./cli.js";

/** Default output of a multi-camera run. */
export const DEFAULT_CAMERAS_OUTPUT = "multiview.poses.json";

/**
 * Runs the multi-camera part of `neuropose-infer` (see `runInfer`); returns the exit code.
 *
 * @example
 * ```ts
 * import { parseArgs, runInfer } from "@neuropose/neuropose-infer";
 * await runInfer(await parseArgs(["--cameras", "cam01.mp4", "cam02.mp4", "--calibration", "Calib.qca.txt"]));
 * ```
 */
export async function runCameras(
  args: InferArgs,
  ctx: {
    settings: Settings;
    logger: Logger;
    stdout: NodeJS.WritableStream;
    signal: AbortSignal;
    tools: FfmpegTools;
    /** How each worker loads the model (the CLI's flags and settings). */
    model: LoadPipelineOptions;
  },
): Promise<number> {
  const { settings, logger, signal } = ctx;
  const videos = args.cameras ?? [];
  const output = args.output ?? (args.json ? undefined : DEFAULT_CAMERAS_OUTPUT);
  const bars = new Map<string, ReturnType<typeof createProgress>>();
  const result = await processCameras({
    videos,
    calibration: args.calibration as string,
    output,
    pipeline: ctx.model,
    save2d: args.save2d,
    from2d: args.from2d,
    parallel: args.parallel,
    threads: args.threads ?? settings.threads,
    maxFrames: args.maxFrames,
    sync: args.offsets ?? args.sync,
    lowpass: args.lowpass !== undefined ? { cutoffHz: args.lowpass } : undefined,
    rejectOutliers: args.rejectOutliers,
    maxReprojectionPx: args.maxReprojection,
    boneModel: args.boneModel,
    nwb: args.nwb
      ? {
          path: args.nwb,
          options: nwbMetadataFromFlags(args, {
            video: { path: videos[0] as string },
            defaultDescription: `3D poses triangulated from ${videos.length} calibrated cameras (neuropose-infer)`,
            warn: (m) => logger.warn(m),
          }),
        }
      : undefined,
    force: args.force,
    neuroposeVersion: packageVersion(import.meta.url),
    signal,
    logger,
    onProgress: (camera, p) => {
      let bar = bars.get(camera);
      if (!bar) {
        bar = createProgress({ label: camera, total: p.total, enabled: !args.json && !args.quiet });
        bars.set(camera, bar);
      }
      bar.update(p.done);
      if (p.done === p.total) bar.stop();
    },
  }).finally(() => {
    for (const b of bars.values()) b.stop();
  });
  const names = result.cameras.map((c) => c.name);
  const est = result.offsetEstimate;
  if (est) {
    const list = est.offsets
      .map((o, i) => `${names[i]} ${o >= 0 ? "+" : ""}${o} (${(est.scores[i] as number).toFixed(1)} px)`)
      .join(", ");
    logger.info(
      `time offsets estimated from the keypoints (frames against ${names[0]}; median epipolar distance): ${list}`,
    );
    if (args.sync === "check" && args.offsets === undefined && est.offsets.some((o) => o !== 0))
      logger.warn(
        `the cameras look out of sync by ${est.offsets.join(",")} frames; the run took them as synchronised: accept with --sync auto, or give --offsets ${est.offsets.join(",")}`,
      );
  }
  logger.info(`offsets applied (frames): ${result.offsets.join(",")}`);
  logger.info(
    `median reprojection error per camera: ${result.medianErrorPx.map((e, i) => `${names[i]} ${e.toFixed(2)} px`).join(", ")}; ${result.people} people; a person in ${result.framesWithPerson} of ${result.predictions.metadata.frame_count} frames`,
  );
  for (const [i, c] of result.cameras.entries())
    if (result.stats[i]?.framesWithPerson === 0)
      logger.warn(`${c.name} (${basename(c.video)}): no person found in any frame`);
  if (args.json) ctx.stdout.write(`${stringifyJson(result.predictions, { indent: 0 })}\n`);
  for (const f of Object.values(result.outputs)) logger.info(`wrote ${f}`);
  return 0;
}
