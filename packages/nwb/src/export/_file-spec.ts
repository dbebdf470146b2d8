// The NWB file around the pose: session metadata, subject, the camera and source video, the processing module.
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { VideoMetadata } from "@neuropose/io";
import type { NwbFileSpec, NwbPoseEstimation, NwbSkeleton, NwbTimeIntervals, NwbTiming } from "../types.js";
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
  intervals: NwbTimeIntervals[];
  provenance: Record<string, unknown>;
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
    ...(videoRel
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
        ],
      },
    ],
    ...(p.intervals.length ? { intervals: p.intervals } : {}),
    provenance: p.provenance,
  };
}
