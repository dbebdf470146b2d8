// Synchronised multi-camera inference: the 2D pipeline per calibrated camera (several cameras at once, each
// worker loading the model once), time offsets estimated or given, people associated across views,
// triangulated into one VideoPredictions document in the calibration's world frame (@neuropose/multiview,
// loaded only here), written atomically; optionally an NWB file with every camera as a device and ImageSeries.
import { availableParallelism } from "node:os";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import {
  loadDocument,
  NeuroPoseError,
  SKELETONS,
  saveDocument,
  sha256File,
  type VideoPredictions,
} from "@neuropose/io";
import type { Camera, OffsetEstimate } from "@neuropose/multiview";
import type { VideoPredictionsToNwbOptions } from "@neuropose/nwb";
import { resolveFfmpeg } from "./ffmpeg.js";
import type { InferProgress, InferStats } from "./pipeline.js";
import { checkOutputs, type LoadPipelineOptions, loadPipeline, processVideo } from "./process.js";
import type { Logger } from "./runtime.js";
import { probeVideo, type VideoInfo } from "./video.js";

/** Options of {@link processCameras}. */
export interface ProcessCamerasOptions {
  /** One video per calibrated camera: matched to the calibration's cameras by file name (cam01.mp4 ↔ cam01) when
   *  every name matches, else in order. */
  videos: readonly string[];
  /** Calibration file: Qualisys .qca.txt, Pose2Sim/OpenCV .toml or NeuroPose .json. */
  calibration: string;
  /** The 3D VideoPredictions JSON to write (atomic). */
  output?: string | undefined;
  /** How each worker loads the pose model (threads are divided between the workers). */
  pipeline: LoadPipelineOptions;
  /**
   * Folder to write each camera's 2D VideoPredictions document into, as `<camera>.json` (atomic), so that the
   * triangulation can be re-run with `from2d` without running the model again.
   */
  save2d?: string | undefined;
  /**
   * Folder holding each camera's 2D VideoPredictions document as `<camera>.json` (from `save2d`, or
   * `neuropose-infer camNN.mp4 -o DIR/camNN.json`): read instead of running the model. Each document's image
   * size must be its calibrated camera's.
   */
  from2d?: string | undefined;
  /** Cameras inferred at once (default: as many as the cores allow with 2 threads each, at most all). */
  parallel?: number | undefined;
  /** CPU threads in all (default: the machine's). */
  threads?: number | undefined;
  maxFrames?: number | undefined;
  /**
   * Time offsets: "none" (synchronised; the default), "check" (estimated and reported, not applied), "auto"
   * (estimated and applied) or offsets in frames per camera (applied; the estimate is reported beside them).
   */
  sync?: "none" | "check" | "auto" | readonly number[] | undefined;
  /** Largest offset searched by "auto", frames (default 30). */
  maxLag?: number | undefined;
  /** Pose2Sim's outlier rejection (Hampel, window 7, 2 SDs) on the 3D trajectories before the low-pass. */
  rejectOutliers?: boolean | undefined;
  /** Zero-lag Butterworth low-pass of the 3D trajectories (recorded in provenance.filters); gaps up to 0.1 s
   *  (`maxGap`, frames) are filled first. */
  lowpass?: { cutoffHz?: number; order?: number; maxGap?: number } | undefined;
  /** Per-subject bone-length model constraining each frame's 3D (lengths from confident frames). */
  boneModel?: boolean | undefined;
  /** Keypoints below this confidence are not triangulated (default 0.5). */
  minConfidence?: number | undefined;
  /** Views reprojecting further than this are rejected, pixels (default 20). */
  maxReprojectionPx?: number | undefined;
  /** NWB file with the 3D poses and every camera as a device and external ImageSeries. */
  nwb?:
    | { path: string; options: Omit<VideoPredictionsToNwbOptions, "videoPath" | "signal" | "cameras"> }
    | undefined;
  force?: boolean | undefined;
  neuroposeVersion?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Progress of the 2D pass, per camera. */
  onProgress?: ((camera: string, p: InferProgress) => void) | undefined;
  logger?: Logger | undefined;
}

/** Result of {@link processCameras}. */
export interface ProcessCamerasResult {
  predictions: VideoPredictions;
  /** The calibration's cameras in the order of `predictions.metadata.cameras`, and the video of each. */
  cameras: { name: string; video: string }[];
  /** Offsets applied, frames (camera i's frame f is the first camera's frame f + offsets[i]). */
  offsets: number[];
  /** The estimate, when `sync` was "auto" (or to compare against the given offsets). */
  offsetEstimate?: OffsetEstimate | undefined;
  /** Median reprojection error per camera, pixels. */
  medianErrorPx: number[];
  /** Per camera and keypoint, the median reprojection error, pixels (where the error comes from). */
  medianErrorPxByKeypoint: number[][];
  /** Per camera, the mean signed residual [du, dv], pixels (a calibration error shows as a bias). */
  meanResidualPx: [number, number][];
  framesWithPerson: number;
  people: number;
  /** 2D pass statistics per camera. */
  stats: InferStats[];
  outputs: { predictions?: string; nwb?: string };
}

function mismatch(message: string, path: string, hint: string): NeuroPoseError {
  return new NeuroPoseError("E_CALIBRATION_MISMATCH", message, { path, kind: "user", hint });
}

/** Match videos to calibrated cameras (by name, else in order) and check each video's size. */
function matchCameras(cameras: readonly Camera[], infos: readonly VideoInfo[], calibPath: string): Camera[] {
  if (infos.length < 2)
    throw mismatch(
      "multi-camera inference needs at least two videos",
      calibPath,
      "give one video per camera",
    );
  const stem = (p: string) => basename(p, extname(p));
  const byName = infos.map((i) => cameras.find((c) => c.name === stem(i.path)));
  let matched: Camera[];
  if (byName.every((c) => c !== undefined) && new Set(byName).size === infos.length)
    matched = byName as Camera[];
  else if (infos.length === cameras.length) matched = [...cameras];
  else
    throw mismatch(
      `${infos.length} videos but the calibration has ${cameras.length} cameras (${cameras.map((c) => c.name).join(", ")})`,
      calibPath,
      "name the videos after the calibration's cameras (cam01.mp4 for cam01), or give one video per camera in its order",
    );
  matched.forEach((cam, i) => {
    const info = infos[i] as VideoInfo;
    if (info.width === cam.size[0] && info.height === cam.size[1]) return;
    const rotated = info.width === cam.size[1] && info.height === cam.size[0];
    throw mismatch(
      `${basename(info.path)} is ${info.width}×${info.height} but calibrated camera ${cam.name} is ${cam.size[0]}×${cam.size[1]}`,
      info.path,
      rotated
        ? "the video is rotated against its calibration: calibrate the upright video, or check its rotation metadata"
        : "give each camera's own video (the one it was calibrated for)",
    );
  });
  return matched;
}

/** Each camera's 2D document from `dir/<camera>.json` (see `from2d`), its image size checked. */
async function load2d(
  dir: string,
  cameras: readonly Camera[],
  docs: VideoPredictions[],
  stats: InferStats[],
  logger: Logger | undefined,
): Promise<void> {
  for (const [i, cam] of cameras.entries()) {
    const path = join(dir, `${cam.name}.json`);
    const doc = await loadDocument("video_predictions", path);
    const { width, height } = doc.metadata;
    if (width !== cam.size[0] || height !== cam.size[1])
      throw mismatch(
        `${path} is ${width}×${height} but calibrated camera ${cam.name} is ${cam.size[0]}×${cam.size[1]}`,
        path,
        "give the 2D predictions of each camera's own video (as --save-2d writes them)",
      );
    const frames = Object.values(doc.frames);
    const framesWithPerson = frames.filter((f) => f !== undefined && f.poses2d.length > 0).length;
    docs[i] = doc;
    stats[i] = {
      frames: frames.length,
      framesWithPerson,
      wallMs: 0,
      fps: 0,
      stageMs: { preprocess: 0, model: 0, postprocess: 0, decode: 0 },
    };
    logger?.info?.(
      `${cam.name}: 2D read from ${path} (${frames.length} frames, person in ${framesWithPerson})`,
    );
  }
}

/**
 * Multi-camera 3D: runs the 2D pose pipeline on every camera's video (several at once, each worker loading the
 * model once), aligns the cameras in time (given offsets, or estimated from the keypoints' epipolar agreement
 * with `sync: "auto"`), associates people across views, triangulates them and writes one VideoPredictions
 * document in the calibration's world frame (metres) with per-keypoint reprojection error and views; keypoints
 * fewer than two good views see are NaN. Outputs are checked before any work and written atomically.
 *
 * @example
 * ```ts
 * import { processCameras } from "@neuropose/infer";
 * const r = await processCameras({
 *   videos: ["cam01.mp4", "cam02.mp4", "cam03.mp4", "cam04.mp4"],
 *   calibration: "calibration/Calib.qca.txt",
 *   output: "trial.3d.json",
 *   pipeline: { model: "lite", cacheDir: "/tmp/neuropose-models", maxPeople: 2 },
 *   sync: "auto",
 * });
 * console.log(r.offsets, r.medianErrorPx);
 * ```
 */
export async function processCameras(options: ProcessCamerasOptions): Promise<ProcessCamerasResult> {
  const mv = await import("@neuropose/multiview");
  const { signal, logger } = options;
  const outputs: ProcessCamerasResult["outputs"] = {};
  if (options.save2d !== undefined && options.from2d !== undefined)
    throw new NeuroPoseError("E_OUTPUT_CLASH", "the 2D predictions are read (from2d), not saved again", {
      path: options.save2d,
      kind: "user",
      hint: "give either --from-2d or --save-2d",
    });
  const finalOutputs = { "-o": options.output, "--nwb": options.nwb?.path };
  // before the calibration is read and the videos probed; checked again below with the per-camera files
  await checkOutputs(finalOutputs, {
    force: options.force,
    inputs: [...options.videos, options.calibration],
  });
  const calibration = await mv.readCalibration(options.calibration);
  const ff =
    options.pipeline.tools ??
    resolveFfmpeg({ ffmpegPath: options.pipeline.ffmpegPath, ffprobePath: options.pipeline.ffprobePath });
  const infos: VideoInfo[] = [];
  for (const v of options.videos) infos.push(await probeVideo(v, ff, signal));
  const cameras = matchCameras(calibration.cameras, infos, options.calibration);
  const n = cameras.length;
  // One check of every output together (a 3D -o inside the --save-2d folder must not replace a camera's 2D), with the
  // --from-2d documents among the inputs (--force must not replace them).
  const per = (dir: string | undefined) =>
    dir === undefined ? [] : cameras.map((c) => join(dir, `${c.name}.json`));
  await checkOutputs(
    {
      ...finalOutputs,
      ...Object.fromEntries(per(options.save2d).map((p, i) => [`--save-2d (${cameras[i]?.name})`, p])),
    },
    { force: options.force, inputs: [...options.videos, options.calibration, ...per(options.from2d)] },
  );
  if (Array.isArray(options.sync) && options.sync.length !== n)
    throw new NeuroPoseError("E_OFFSETS", `${options.sync.length} offsets for ${n} cameras`, {
      kind: "user",
      hint: "give one offset per camera, in frames, the first camera's 0 (e.g. --offsets 0,2,-1,0)",
    });
  const cores = availableParallelism();
  const parallel = Math.max(1, Math.min(n, options.parallel ?? Math.max(1, Math.floor(cores / 2))));
  const threads = Math.max(1, Math.floor((options.threads ?? cores) / parallel));
  // 2D per camera: `parallel` workers, each with its own model (loaded once), taking the next camera.
  const docs: VideoPredictions[] = new Array(n);
  const stats: InferStats[] = new Array(n);
  let next = 0;
  const worker = async () => {
    const pipeline = await loadPipeline({ ...options.pipeline, tools: ff, threads });
    try {
      for (let i = next++; i < n; i = next++) {
        const info = infos[i] as VideoInfo;
        const r = await processVideo({
          video: info,
          pipeline,
          maxFrames: options.maxFrames,
          returnPredictions: true,
          neuroposeVersion: options.neuroposeVersion,
          signal,
          logger,
          onProgress: (p) => options.onProgress?.((cameras[i] as Camera).name, p),
        });
        docs[i] = r.predictions;
        stats[i] = r.stats;
        logger?.info?.(
          `${(cameras[i] as Camera).name} (${basename(info.path)}): ${r.stats.frames} frames, person in ${r.stats.framesWithPerson}, ${r.stats.fps.toFixed(1)} frames/s`,
        );
      }
    } finally {
      await pipeline.dispose();
    }
  };
  if (options.from2d !== undefined) await load2d(options.from2d, cameras, docs, stats, logger);
  else await Promise.all(Array.from({ length: parallel }, worker));
  if (options.save2d !== undefined)
    for (const [i, cam] of cameras.entries())
      await saveDocument(
        "video_predictions",
        join(options.save2d, `${cam.name}.json`),
        docs[i] as VideoPredictions,
      );
  const skeleton = docs[0]?.metadata.skeleton ?? "blazepose_33";
  const sk = (
    SKELETONS as Record<
      string,
      { joints: readonly string[]; edges: readonly (readonly [number, number])[] } | undefined
    >
  )[skeleton];
  const joints = sk?.joints;
  const skeletonEdges = sk?.edges;
  const sidePairs = joints ? mv.sidePairs(joints) : [];
  const framesOf = (d: VideoPredictions) =>
    Object.keys(d.frames)
      .sort()
      .map((k) => d.frames[k] as NonNullable<(typeof d.frames)[string]>);
  let offsets = cameras.map(() => 0);
  let estimate: OffsetEstimate | undefined;
  let offsetSource = "none (synchronised cameras assumed)";
  if (options.sync !== undefined && options.sync !== "none") {
    estimate = mv.estimateOffsets(docs.map(framesOf), {
      cameras,
      sidePairs,
      maxLag: options.maxLag,
      minConfidence: options.minConfidence ?? 0.5,
    });
    if (options.sync === "auto") {
      offsets = estimate.offsets;
      offsetSource = "estimated (epipolar agreement of the keypoints over lags)";
    } else if (Array.isArray(options.sync)) {
      offsets = [...options.sync];
      offsetSource = "given by the user";
    } else offsetSource = "none applied (synchronised cameras assumed; the estimate is recorded beside)";
  }
  const tri = mv.triangulatePredictions(cameras, docs, {
    minConfidence: options.minConfidence ?? 0.5,
    maxReprojectionPx: options.maxReprojectionPx ?? 20,
    sidePairs,
    offsets,
    // gaps up to 0.1 s are filled before the low-pass unless told otherwise (a short occlusion does not split the
    // trajectory into separately filtered pieces)
    lowpass: options.lowpass && {
      maxGap: Math.round((docs[0]?.metadata.fps ?? 0) / 10),
      ...options.lowpass,
    },
    rejectOutliers: options.rejectOutliers ? {} : undefined,
    // Qualisys' lab frame and Pose2Sim's (its TOML calibrations) have z up; our JSON declares nothing.
    ...(calibration.source.format !== "json" ? { up: "+z" as const } : {}),
    ...(options.boneModel && skeletonEdges ? { boneModel: { bones: skeletonEdges } } : {}),
    neuroposeVersion: options.neuroposeVersion,
    provenance: {
      calibration_file: basename(options.calibration),
      calibration_sha256: await sha256File(options.calibration),
      videos: infos.map((i) => basename(i.path)),
      offsets_source: offsetSource,
      ...(estimate
        ? {
            offsets_estimated: estimate.offsets,
            offsets_estimate_px: estimate.scores.map((s) => Math.round(s * 100) / 100),
          }
        : {}),
      parallel_cameras: parallel,
    },
  });
  if (options.output !== undefined) {
    await saveDocument("video_predictions", options.output, tri.predictions);
    outputs.predictions = options.output;
  }
  if (options.nwb) {
    const { videoPredictionsToNwb } = await import("@neuropose/nwb"); // h5wasm only when an NWB is asked for
    const nwbDir = dirname(resolve(options.nwb.path));
    await videoPredictionsToNwb(tri.predictions, options.nwb.path, {
      ...options.nwb.options,
      include: { image2d: false, world3d: true },
      // a camera that started before the first camera: the poses start later, so no series starts before 0
      videoStartTime:
        (options.nwb.options.videoStartTime ?? 0) +
        Math.max(0, -Math.min(...offsets)) / tri.predictions.metadata.fps,
      cameras: cameras.map((c, i) => ({
        name: c.name,
        videoPath: relative(nwbDir, resolve((infos[i] as VideoInfo).path)),
        description: `Calibrated camera ${c.name} (${c.size[0]}x${c.size[1]} pixels, fx ${c.fx.toFixed(1)} px, ${tri.predictions.metadata.fps} fps); time offset ${offsets[i]} frames.`,
        offsetSeconds: (offsets[i] as number) / tri.predictions.metadata.fps,
      })),
      ...(signal ? { signal } : {}),
    });
    outputs.nwb = options.nwb.path;
  }
  return {
    predictions: tri.predictions,
    cameras: cameras.map((c, i) => ({ name: c.name, video: (infos[i] as VideoInfo).path })),
    offsets,
    offsetEstimate: estimate,
    medianErrorPx: tri.medianErrorPx,
    medianErrorPxByKeypoint: tri.medianErrorPxByKeypoint,
    meanResidualPx: tri.meanResidualPx,
    framesWithPerson: tri.framesWithPerson,
    people: tri.people,
    stats,
    outputs,
  };
}
