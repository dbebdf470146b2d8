// The NWB file around the pose: session metadata, subject, the camera and source video, the processing module.
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { VideoMetadata } from "@neuropose/io";
import type {
  NwbFileSpec,
  NwbPoseEstimation,
  NwbSkeleton,
  NwbTimeIntervals,
  NwbTimeSeries,
  NwbTiming,
} from "../types.js";
import type { VideoPredictionsToNwbOptions } from "./options.js";

/** `options.videoPath` relative to the NWB file's folder, with "/" separators (undefined without a video). */
export function videoRelativePath(
  outPath: string,
  options: VideoPredictionsToNwbOptions,
  issues: string[],
): string | undefined {
  if (options.videoPath === undefined) return undefined;
  const base = dirname(resolve(outPath));
  let videoRel = isAbsolute(options.videoPath) ? relative(base, options.videoPath) : options.videoPath;
  videoRel = videoRel.split(sep).join("/");
  if (videoRel === "") issues.push("options.videoPath: empty path");
  return videoRel;
}

/** One camera of a multi-camera export: its device, its ImageSeries and its video relative to the NWB file. */
export interface CameraEntry {
  device: string;
  series: string;
  videoRel: string;
  description: string;
  offsetSeconds: number;
}

/** `options.cameras` checked, with videos relative to the NWB file's folder (undefined without cameras). */
export function cameraEntries(
  outPath: string,
  options: VideoPredictionsToNwbOptions,
  issues: string[],
): CameraEntry[] | undefined {
  if (options.cameras === undefined) return undefined;
  if (options.videoPath !== undefined)
    issues.push("options.cameras: give either videoPath (one camera) or cameras (several), not both");
  const seen = new Set<string>();
  return options.cameras.map((c, i) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(c.name))
      issues.push(`options.cameras[${i}].name: "${c.name}" must be letters, digits, '_', '.' or '-'`);
    if (seen.has(c.name)) issues.push(`options.cameras[${i}].name: "${c.name}" appears twice`);
    seen.add(c.name);
    const videoRel = videoRelativePath(outPath, { ...options, videoPath: c.videoPath }, issues) ?? "";
    return {
      device: c.name,
      series: `video_${c.name}`,
      videoRel,
      description: c.description ?? `Calibrated camera ${c.name}.`,
      offsetSeconds: c.offsetSeconds ?? 0,
    };
  });
}

function shifted(timing: NwbTiming, by: number): NwbTiming {
  if (by === 0) return timing;
  if ("rate" in timing) return { rate: timing.rate, startingTime: (timing.startingTime ?? 0) + by };
  const ts = timing.timestamps;
  if (Array.isArray(ts) || ts instanceof Float64Array)
    return { timestamps: Float64Array.from(ts as ArrayLike<number>, (t) => t + by) };
  return timing;
}

/** Everything `fileSpec` puts around the pose objects. */
export interface FileSpecParts {
  md: VideoMetadata;
  options: VideoPredictionsToNwbOptions;
  videoRel: string | undefined;
  deviceName: string;
  moduleName: string;
  timing: NwbTiming;
  skeleton: NwbSkeleton;
  poses: NwbPoseEstimation[];
  /** Per-frame series beside the poses in the same module (view quality). */
  series: NwbTimeSeries[];
  intervals: NwbTimeIntervals[];
  provenance: Record<string, unknown>;
  /** Multi-camera: every camera's device and ImageSeries (instead of the one video). */
  cameras?: CameraEntry[] | undefined;
}

/** Assemble the NWB file description. */
export function fileSpec(p: FileSpecParts): NwbFileSpec {
  const { md, options, videoRel, deviceName, timing } = p;
  return {
    ...(options.identifier !== undefined ? { identifier: options.identifier } : {}),
    sessionDescription: options.sessionDescription,
    sessionStartTime: options.sessionStartTime,
    ...(options.experimenter ? { experimenter: options.experimenter } : {}),
    ...(options.experimentDescription ? { experimentDescription: options.experimentDescription } : {}),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(options.lab ? { lab: options.lab } : {}),
    ...(options.institution ? { institution: options.institution } : {}),
    ...(options.keywords ? { keywords: options.keywords } : {}),
    ...(options.subject ? { subject: options.subject } : {}),
    ...(p.cameras
      ? {
          devices: p.cameras.map((c) => ({ name: c.device, description: c.description })),
          acquisition: p.cameras.map((c) => ({
            kind: "ImageSeries" as const,
            name: c.series,
            description: `Video of camera ${c.device} (external file) that the poses were triangulated from${c.offsetSeconds ? `; starts ${c.offsetSeconds.toFixed(4)} s after the poses' first frame (time offset between cameras)` : ""}.`,
            externalFile: [c.videoRel],
            startingFrame: [0],
            timing: shifted(timing, c.offsetSeconds),
            device: c.device,
          })),
        }
      : videoRel
        ? {
            devices: [
              {
                name: deviceName,
                description:
                  options.device?.description ??
                  `Camera that recorded the source video (${md.width}x${md.height} pixels, ${md.fps} fps).`,
                ...(options.device?.manufacturer ? { manufacturer: options.device.manufacturer } : {}),
              },
            ],
            acquisition: [
              {
                kind: "ImageSeries" as const,
                name: "video",
                description: `Source video (external file, ${md.width}x${md.height} pixels) that the poses were estimated from.`,
                externalFile: [videoRel],
                startingFrame: [0],
                timing,
                device: deviceName,
              },
            ],
          }
        : {}),
    processing: [
      {
        name: p.moduleName,
        description: "Pose estimated from video by NeuroPose.",
        dataInterfaces: [
          {
            kind: "Skeletons",
            skeletons: [{ ...p.skeleton, ...(options.subject ? { linkSubject: true } : {}) }],
          },
          ...p.poses,
          ...p.series,
        ],
      },
    ],
    ...(p.intervals.length ? { intervals: p.intervals } : {}),
    provenance: p.provenance,
  };
}
