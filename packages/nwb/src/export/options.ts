// What `videoPredictionsToNwb` accepts and returns.
import type { NwbFileSpec, NwbProgress, NwbSubject } from "../types.js";

/** Options of {@link videoPredictionsToNwb}; the NWB file fields it takes as they are come from `NwbFileSpec`. */
export interface VideoPredictionsToNwbOptions
  extends Pick<
    NwbFileSpec,
    "identifier" | "experimenter" | "experimentDescription" | "sessionId" | "lab" | "institution" | "keywords"
  > {
  sessionDescription: string;
  /** When the session (and, unless `videoStartTime` says otherwise, the video) started; must carry a timezone. */
  sessionStartTime: NwbFileSpec["sessionStartTime"];
  /** Seconds from the session start to the first video frame (default 0). */
  videoStartTime?: number;
  subject?: NwbSubject;
  /** The source video: written as an external ImageSeries, stored relative to the NWB file's folder. */
  videoPath?: string;
  /**
   * Multi-camera 3D (a triangulated document): every camera as a device and an external ImageSeries
   * (`video_<name>`, starting `offsetSeconds` after the poses' first frame), all linked from the PoseEstimations
   * and listed in their original_videos. Use instead of `videoPath` / `device`.
   */
  cameras?: { name: string; videoPath: string; description?: string; offsetSeconds?: number }[];
  /** Camera device (default name "camera"). */
  device?: { name?: string; description?: string; manufacturer?: string };
  /** Processing module for the pose (default "behavior", as DLC2NWB and neuroconv do). */
  moduleName?: string;
  /** Which coordinate sets to write (default both). */
  include?: { image2d?: boolean; world3d?: boolean };
  /** Skeleton to use when `metadata.skeleton` is not in the registry (joint names and edges). */
  skeleton?: { name: string; joints: readonly string[]; edges: readonly (readonly [number, number])[] };
  /** Hashes of the input files (e.g. {"clip.mp4": "sha256:..."}), stored with the provenance. */
  inputHashes?: Record<string, string>;
  /** More provenance to store (pipeline config, tool versions, ...). */
  extraProvenance?: Record<string, unknown>;
  /** Write segmentations as TimeIntervals tables (default true). */
  segmentations?: boolean;
  onProgress?: (p: NwbProgress) => void;
  /** gzip level 0..9 (default 1 for exports: pose floats come out 0.3-1.2 % smaller at 4, in twice the time). */
  compressionLevel?: number;
  /** Aborts the write (rejects with `NwbWriteError` code `E_ABORTED`; no file is left). */
  signal?: AbortSignal;
}

export interface NwbExportSummary {
  path: string;
  frames: number;
  /** Person track ids (from `person_ids`, else the person's index in each frame). */
  persons: number[];
  /** Paths of the PoseEstimation objects written. */
  poseEstimations: string[];
  /** "timestamps" when per-frame timestamps were irregular, else "rate". */
  timing: "rate" | "timestamps";
}
