// The export's steps after the frames were checked, shared by the in-memory and the streaming export.
import type { Provenance, Segmentation, VideoMetadata } from "@neuropose/io";
import { NwbInputError } from "../errors.js";
import type { NwbFileSpec } from "../types.js";
import { cameraEntries, fileSpec, videoRelativePath } from "./_file-spec.js";
import { poseEstimations, type TrackData, viewQualitySeries } from "./_pose-objects.js";
import { exportProvenance } from "./_provenance.js";
import { segmentationIntervals } from "./_segmentations.js";
import { resolveSkeleton } from "./_skeleton.js";
import { type TimeBase, timeBase } from "./_time-base.js";
import type { FrameScan, Include } from "./_tracks.js";
import type { NwbExportSummary, VideoPredictionsToNwbOptions } from "./options.js";

/** A predictions document without its frames (what the export needs besides the frames). */
export interface PredictionsHead {
  schema_version: number;
  metadata: VideoMetadata;
  segmentations?: Record<string, Segmentation> | undefined;
  provenance?: Provenance | null | undefined;
}

/** Which coordinate sets to write (both by default); an issue when neither. */
export function includeOf(options: VideoPredictionsToNwbOptions, issues: string[]): Include {
  const include = { image2d: options.include?.image2d ?? true, world3d: options.include?.world3d ?? true };
  if (!include.image2d && !include.world3d)
    issues.push("options.include: nothing to write (both image2d and world3d are false)");
  return include;
}

/** What both exports check and choose before the frames: `n` frames as the metadata says, time base, coordinate sets. */
export function exportPlan(
  md: VideoMetadata,
  n: number,
  options: VideoPredictionsToNwbOptions,
  issues: string[],
): { time: TimeBase; include: Include } {
  if (n === 0) issues.push("frames: no frames to export");
  if (md.frame_count !== n)
    issues.push(`metadata.frame_count: ${md.frame_count}, but the document has ${n} frames`);
  return { time: timeBase(md, n, options.videoStartTime, issues), include: includeOf(options, issues) };
}

/**
 * The export's steps after the frames were checked (`scan`): time base, skeleton, video, pose objects with values
 * from `dataOf`, segmentations, provenance, file. Throws `NwbInputError` with every issue found.
 */
export function exportSpec(
  head: PredictionsHead,
  scan: FrameScan,
  outPath: string,
  options: VideoPredictionsToNwbOptions,
  issues: string[],
  include: Include,
  time: ReturnType<typeof timeBase>,
  dataOf: (id: number) => TrackData,
): NwbFileSpec & { summary: Omit<NwbExportSummary, "path"> } {
  const md = head.metadata;
  const n = scan.n;
  const skeleton = resolveSkeleton(md.skeleton, options, scan.joints, issues);
  if (scan.joints < 0) issues.push("frames: no person was detected in any frame: nothing to export");
  const moduleName = options.moduleName ?? "behavior";
  const deviceName = options.device?.name ?? "camera";
  const videoRel = videoRelativePath(outPath, options, issues);
  const cameras = cameraEntries(outPath, options, issues);
  const prov = head.provenance;
  const poses = poseEstimations(
    scan.ids,
    scan.useIds,
    skeleton,
    md,
    include,
    {
      ...(prov ? { scorer: `${prov.model_filename} (sha256 ${prov.model_sha256})` } : {}),
      sourceSoftware: "NeuroPose",
      ...(prov?.neuropose_version ? { sourceSoftwareVersion: prov.neuropose_version } : {}),
      skeleton: skeleton.name,
      ...(cameras
        ? { devices: cameras.map((c) => c.device), originalVideos: cameras.map((c) => c.videoRel) }
        : videoRel
          ? { devices: [deviceName], originalVideos: [videoRel], sourceVideo: "video" }
          : {}),
      timing: time.timing,
    },
    dataOf,
  );
  const series = viewQualitySeries(scan.ids, scan.useIds, time.timing, dataOf);
  const intervals =
    (options.segmentations ?? true)
      ? segmentationIntervals(head.segmentations ?? {}, n, md.fps, time.timeOf, issues)
      : [];
  if (issues.length > 0) throw new NwbInputError(issues, { path: outPath });
  const provenance = exportProvenance(head.schema_version, md, prov, options);
  const spec = fileSpec({
    md,
    options,
    videoRel,
    deviceName,
    moduleName,
    timing: time.timing,
    skeleton,
    poses,
    series,
    intervals,
    provenance,
    cameras,
  });
  return {
    ...spec,
    summary: {
      frames: n,
      persons: scan.ids,
      poseEstimations: poses.map((p) => `/processing/${moduleName}/${p.name}`),
      timing: time.timingKind,
    },
  };
}

/**
 * gzip level of an export unless the caller gives one. Pose coordinates are float32 with noisy low mantissa bits
 * and deflate finds little in them at any level (levels 4-9 gave the same bytes on a 10-minute export). On an hour
 * of BlazePose output (benchmarks/nwb, 108,000 frames) level 1 makes the file 0.3-1.2 % larger than level 4 (values
 * rounded as neuropose-infer writes them: 43.5 vs 43.0 MB; full double precision: 71.9 vs 71.7 MB) in about half
 * the deflate time: the export took 6.1 instead of 8.5 s CPU.
 */
export const EXPORT_COMPRESSION_LEVEL = 1;

/** The write options an export passes on to `writeNwb`. */
export function writeOptionsOf(options: VideoPredictionsToNwbOptions) {
  return {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    compressionLevel: options.compressionLevel ?? EXPORT_COMPRESSION_LEVEL,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
