// Harmonised pose → ndx-pose objects for @neuropose/nwb's writer (PoseEstimation + Skeleton per source). Only
// @neuropose/nwb's *types* are imported: this file builds plain objects, so it loads no HDF5; the caller hands
// them to `writeNwb` (see the example).
import type { NwbPoseEstimation, NwbPoseSeries, NwbSkeletons, NwbTiming } from "@neuropose/nwb";
import { PoseFormatError } from "./errors.js";
import type { HarmonisedPose } from "./types.js";

export interface PoseToNwbOptions {
  /** Name of the PoseEstimation (default "PoseEstimation"; one per individual gets "_<individual>" appended). */
  name?: string;
  /** Description (default: format, source file and software). */
  description?: string;
  /** Per-frame timestamps in seconds (the camera's timebase), one per pose frame. */
  timestamps?: Float64Array | readonly number[];
  /** Frames per second when there are no timestamps (default: the video's fps when the file states it). */
  fps?: number;
  /** Seconds of frame 0 when `fps` is used (default 0). */
  startingTime?: number;
  /** Names of devices (cameras) in the file's `devices`, linked from the PoseEstimation. */
  devices?: string[];
  /** Name of the ImageSeries in acquisition holding the source video. */
  sourceVideo?: string;
  /** Skeleton name (default "<name>_skeleton"). */
  skeletonName?: string;
}

export interface PoseNwbObjects {
  /** Add to the processing module (usually "behavior") before the PoseEstimations: it holds the skeleton. */
  skeletons: NwbSkeletons;
  /** One per individual (just one for single-animal data). */
  poseEstimations: NwbPoseEstimation[];
}

const REFERENCE_FRAME =
  "(0, 0) is the top-left corner of the video frame; x to the right, y down, in pixels.";
const RESERVED = new Set([
  "description",
  "scorer",
  "source_software",
  "source_software_version",
  "skeleton",
  "devices",
  "original_videos",
  "labeled_videos",
  "labeled_video",
  "dimensions",
  "source_video",
  "nodes",
  "edges",
  "name",
]);

function nwbName(s: string): string {
  const n = s.replace(/\//g, "_").trim();
  return n === "" || n === "." || n === ".." ? `_${n}` : n;
}

/**
 * ndx-pose objects for one harmonised source: a Skeleton (keypoints, edges) and a PoseEstimation per individual
 * with one PoseEstimationSeries per keypoint (x, y[, z] in pixels, float32; NaN = missing), the confidence and its
 * definition, the scorer, and the original software's name and version when the file states them. Time comes from
 * `timestamps` (preferred: the camera's timebase) or a rate (`fps`, else the video's fps).
 *
 * @example
 * ```ts
 * import { writeNwb } from "@neuropose/nwb";
 * import { poseToNwb, readSleap } from "@neuropose/pose-formats";
 * const { skeletons, poseEstimations } = poseToNwb(await readSleap("labels.slp"), { fps: 30 });
 * await writeNwb("session.nwb", {
 *   sessionDescription: "open field", sessionStartTime: "2025-01-01T10:00:00+00:00",
 *   processing: [{ name: "behavior", description: "pose", dataInterfaces: [skeletons, ...poseEstimations] }],
 * });
 * ```
 */
export function poseToNwb(pose: HarmonisedPose, options: PoseToNwbOptions = {}): PoseNwbObjects {
  const { nFrames, nIndividuals: nI, nKeypoints: nK, nDims: D } = pose;
  return objectsFor(pose, nFrames, pose.frameIndex, options, (i, k) => {
    const data = new Float32Array(nFrames * D);
    const conf = new Float32Array(nFrames);
    for (let f = 0; f < nFrames; f++) {
      const p = (f * nI + i) * nK + k;
      for (let d = 0; d < D; d++) data[f * D + d] = pose.coords[p * D + d] as number;
      conf[f] = pose.confidence[p] as number;
    }
    return { data, confidence: conf };
  });
}

/** A source of pose rows by range: a {@link PoseChunkReader} (or anything with its `header` and `read`). */
export interface PoseRows {
  readonly header: HarmonisedPose;
  read(start: number, end: number): Promise<HarmonisedPose>;
}

/**
 * {@link poseToNwb} for a pose read in row ranges (e.g. {@link openPoseChunks}): every series' data and
 * confidence are chunk sources, so `writeNwb` pulls the rows window by window and an hour-long session never
 * sits in memory. Windows are read once and shared by all keypoints. Without `timestamps` or `fps`, the time
 * base needs the frame index: pass `frameIndex` (or timestamps).
 *
 * @example
 * ```ts
 * import { writeNwb } from "@neuropose/nwb";
 * import { openPoseChunks, poseChunksToNwb } from "@neuropose/pose-formats";
 * const r = await openPoseChunks("videoDLC_resnet50_shuffle1_100000.h5");
 * const { skeletons, poseEstimations } = poseChunksToNwb(r, { fps: 30, frameIndex: "contiguous" });
 * await writeNwb("session.nwb", {
 *   sessionDescription: "open field", sessionStartTime: "2025-01-01T10:00:00+00:00",
 *   processing: [{ name: "behavior", description: "pose", dataInterfaces: [skeletons, ...poseEstimations] }],
 * });
 * r.close();
 * ```
 */
export function poseChunksToNwb(
  rows: PoseRows,
  options: PoseToNwbOptions & {
    /** Frame numbers of the rows ("contiguous": 0..n-1), needed for a rate time base (`fps`). */
    frameIndex?: Float64Array | "contiguous";
  } = {},
): PoseNwbObjects {
  const pose = rows.header;
  const { nFrames, nIndividuals: nI, nKeypoints: nK, nDims: D } = pose;
  const frameIndex =
    options.frameIndex === "contiguous" || options.frameIndex === undefined
      ? Float64Array.from({ length: options.timestamps ? 0 : nFrames }, (_, i) => i)
      : options.frameIndex;
  // One window of rows at a time, shared by the series (writeNwb reads every series' window k before k+1).
  let cached: { start: number; end: number; pose: Promise<HarmonisedPose> } | null = null;
  const window = (start: number, end: number) => {
    if (!cached || cached.start !== start || cached.end !== end)
      cached = { start, end, pose: rows.read(start, end) };
    return cached.pose;
  };
  return objectsFor(pose, nFrames, frameIndex, options, (i, k) => ({
    data: {
      length: nFrames,
      width: D,
      async read(start: number, end: number) {
        const w = await window(start, end);
        const out = new Float32Array((end - start) * D);
        for (let f = 0; f < end - start; f++) {
          const p = (f * nI + i) * nK + k;
          for (let d = 0; d < D; d++) out[f * D + d] = w.coords[p * D + d] as number;
        }
        return out;
      },
    },
    confidence: {
      length: nFrames,
      width: 1,
      async read(start: number, end: number) {
        const w = await window(start, end);
        const out = new Float32Array(end - start);
        for (let f = 0; f < end - start; f++) out[f] = w.confidence[(f * nI + i) * nK + k] as number;
        return out;
      },
    },
  }));
}

function objectsFor(
  pose: HarmonisedPose,
  nFrames: number,
  frameIndex: Float64Array,
  options: PoseToNwbOptions,
  seriesData: (
    individual: number,
    keypoint: number,
  ) => { data: NwbPoseSeries["data"]; confidence: NonNullable<NwbPoseSeries["confidence"]> },
): PoseNwbObjects {
  const name = nwbName(options.name ?? "PoseEstimation");
  const { nIndividuals: nI, nKeypoints: nK, nDims: D } = pose;
  let timing: NwbTiming;
  if (options.timestamps) {
    if (options.timestamps.length !== nFrames) {
      throw new PoseFormatError(
        "E_POSE_OPTION",
        `${options.timestamps.length} timestamps for ${nFrames} frames`,
        {
          path: pose.source.path,
          hint: "pass one timestamp per pose frame (the camera's timebase)",
        },
      );
    }
    timing = {
      timestamps: ArrayBuffer.isView(options.timestamps)
        ? options.timestamps
        : Float64Array.from(options.timestamps),
    };
  } else {
    const fps = options.fps ?? pose.video?.fps;
    if (!fps || !(fps > 0)) {
      throw new PoseFormatError("E_POSE_OPTION", "no time base: give timestamps or fps", {
        path: pose.source.path,
        hint: "pass the camera's timestamps (preferred) or the video's frame rate",
      });
    }
    const first = frameIndex[0] ?? 0;
    let regular = true;
    for (let f = 0; f < nFrames; f++) if (frameIndex[f] !== first + f) regular = false;
    timing = regular
      ? { rate: fps, startingTime: (options.startingTime ?? 0) + first / fps }
      : { timestamps: Float64Array.from(frameIndex, (fr) => (options.startingTime ?? 0) + fr / fps) };
  }
  const skeletonName = nwbName(options.skeletonName ?? `${name}_skeleton`);
  const seriesNames: string[] = [];
  const seen = new Set<string>();
  for (const k of pose.keypoints) {
    let s = nwbName(k);
    if (RESERVED.has(s)) s = `${s}_keypoint`;
    while (seen.has(s)) s = `${s}_`;
    seen.add(s);
    seriesNames.push(s);
  }
  const skeletons: NwbSkeletons = {
    kind: "Skeletons",
    skeletons: [
      { name: skeletonName, nodes: [...pose.keypoints], edges: pose.edges.map(([a, b]) => [a, b]) },
    ],
  };
  const description =
    options.description ??
    `${pose.software.name} ${pose.format} output read from ${pose.source.path.split(/[\\/]/).pop()} (sha256 ${pose.source.sha256}) by @neuropose/pose-formats.`;
  const poseEstimations: NwbPoseEstimation[] = [];
  for (let i = 0; i < nI; i++) {
    const series: NwbPoseSeries[] = [];
    for (let k = 0; k < nK; k++) {
      const { data, confidence: conf } = seriesData(i, k);
      series.push({
        name: seriesNames[k] as string,
        description: `${pose.keypoints[k]}${nI > 1 ? ` of ${pose.individuals[i]}` : ""}`,
        data,
        dims: D,
        unit: "pixels",
        referenceFrame: REFERENCE_FRAME,
        confidence: conf,
        confidenceDefinition: pose.confidenceDefinition,
      });
    }
    poseEstimations.push({
      kind: "PoseEstimation",
      name: nI > 1 ? nwbName(`${name}_${pose.individuals[i]}`) : name,
      description: nI > 1 ? `${description} Individual: ${pose.individuals[i]}.` : description,
      ...(pose.software.scorer ? { scorer: pose.software.scorer } : {}),
      sourceSoftware: pose.software.name,
      ...(pose.software.version ? { sourceSoftwareVersion: pose.software.version } : {}),
      skeleton: skeletonName,
      ...(options.devices ? { devices: options.devices } : {}),
      ...(pose.video?.path ? { originalVideos: [pose.video.path] } : {}),
      ...(options.sourceVideo ? { sourceVideo: options.sourceVideo } : {}),
      timing,
      series,
    });
  }
  return { skeletons, poseEstimations };
}
