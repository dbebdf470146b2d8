// The harmonised pose form every reader returns. Types only: importing this file loads nothing (no HDF5).

/** File formats the readers understand. */
export type PoseFormat =
  | "dlc-csv"
  | "dlc-h5-table"
  | "dlc-h5-fixed"
  | "sleap-slp"
  | "sleap-analysis-h5"
  | "lightning-pose-csv"
  | "openpose-json"
  /** Our own BlazePose predictions (@neuropose/infer), harmonised by @neuropose/session. */
  | "neuropose-predictions";

/** The tool that wrote the file, as far as the file says. */
export interface PoseSoftware {
  /** "DeepLabCut", "SLEAP", "Lightning Pose" or "OpenPose". */
  name: string;
  /** Version stated by the file (SLEAP provenance, OpenPose JSON `version`), when it states one. */
  version?: string;
  /** DLC scorer / network name (e.g. "DLC_resnet50_openfieldOct30shuffle1_1000"), when the file has one. */
  scorer?: string;
}

/** Where the numbers came from. */
export interface PoseSourceFile {
  /** Path as given (a folder for OpenPose). */
  path: string;
  /** SHA-256 (lowercase hex) of the file's bytes; for a folder of frames, of the sorted file names and bytes. */
  sha256: string;
  /** Size in bytes (all files for a folder). */
  bytes: number;
  /** Number of files read (1 but for OpenPose folders). */
  files: number;
}

/**
 * One pose source (one camera / one file) in one shape: `nFrames` × `nIndividuals` × `nKeypoints` × `nDims`.
 * Missing points are NaN in `coords` and `confidence`, never 0.
 *
 * Index of (frame f, individual i, keypoint k, dim d): `((f * nIndividuals + i) * nKeypoints + k) * nDims + d`;
 * of its confidence: `(f * nIndividuals + i) * nKeypoints + k`.
 */
export interface HarmonisedPose {
  /** Version of this shape (bumped when fields change meaning). */
  schemaVersion: 1;
  format: PoseFormat;
  software: PoseSoftware;
  source: PoseSourceFile;
  nFrames: number;
  nIndividuals: number;
  nKeypoints: number;
  /** 2 (x, y in pixels) or 3 (x, y, z). */
  nDims: 2 | 3;
  /** Video frame number of each row (the file's index; SLEAP/OpenPose frame numbers). */
  frameIndex: Float64Array;
  keypoints: string[];
  /** Skeleton edges as pairs of keypoint indices (from the file when it has a skeleton; else empty). */
  edges: [number, number][];
  /** Individual / track names (DLC individuals, SLEAP tracks, or "instance_0", "person_0", ... when untracked). */
  individuals: string[];
  coords: Float64Array;
  confidence: Float64Array;
  /** What `confidence` means, in words (written to ndx-pose's confidence_definition). */
  confidenceDefinition: string;
  /** SLEAP: 0 = no instance, 1 = user-labelled, 2 = predicted, per (frame, individual). */
  instanceKind?: Uint8Array;
  /** Video the poses were computed on, when the file names it. */
  video?: { path: string; width?: number; height?: number; fps?: number };
  /** Things a careful reader should know (dropped instances, 0.0 read as missing, ...). */
  warnings: string[];
  /** Counts useful for QC. */
  stats: PoseStats;
}

export interface PoseStats {
  /** Points that are NaN (missing) after reading. */
  missingPoints: number;
  /** Points stored as (0, 0, 0) and read as missing (`zeroIsMissing`). */
  zeroAsMissing: number;
  /** SLEAP: instances read, by kind, and instances left out (other video, untracked in a tracked file, replaced). */
  instances?: { user: number; predicted: number; skipped: number };
}

/** One row of the long (tidy) table: one keypoint of one individual at one frame. */
export interface PoseLongRow {
  time: number;
  frame: number;
  individual: string;
  keypoint: string;
  x_px: number;
  y_px: number;
  z_px?: number;
  confidence: number;
}

/** A keypoint-name mapping: source name → harmonised name. Keypoints not named are dropped; order follows it. */
export type KeypointMapping = Record<string, string> | readonly (readonly [string, string])[];
