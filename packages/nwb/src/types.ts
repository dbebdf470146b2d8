// The typed description of an NWB file that `writeNwb` writes and `readNwb` returns.
// Field names are camelCase here; on disk they are the NWB schema's snake_case names.

/** A date-time: a `Date` (written in UTC, "+00:00") or an ISO-8601 string that states its offset ("Z" or "+hh:mm"). */
export type NwbDateTime = Date | string;

/**
 * Numbers that can be read chunk by chunk, so a long recording never sits in memory at once.
 * `read(start, end)` returns rows `start..end-1` (row-major, `width` values per row), or a promise of them.
 * Each row is read exactly once, in increasing order; the series of one PoseEstimation are read window by window
 * in time order (all series' window k before any window k+1), so they can be fed from one sequential stream.
 * Timestamps given as a chunk source are checked (finite, never decreasing) while they are written.
 */
export interface ChunkSource {
  /** Number of rows (frames). */
  readonly length: number;
  /** Values per row (1 for a 1-D series). */
  readonly width: number;
  read(start: number, end: number): Float32Array | Float64Array | Promise<Float32Array | Float64Array>;
}

/** Row data: a typed array (row-major, `width` values per row) or a chunk source. */
export type NumericData = Float32Array | Float64Array | readonly number[] | ChunkSource;

/** Time base of a series: explicit per-sample timestamps (seconds) or a regular rate (Hz) from a start time. */
export type NwbTiming =
  | { timestamps: Float64Array | readonly number[] | ChunkSource }
  | { rate: number; startingTime?: number };

export interface NwbSubject {
  subjectId: string;
  /** Latin binomial ("Homo sapiens", "Mus musculus") or an NCBI taxonomy URL. */
  species: string;
  /** ISO-8601 duration, e.g. "P30Y". */
  age?: string;
  /** "M", "F", "U" or "O". */
  sex?: string;
  description?: string;
  genotype?: string;
  strain?: string;
  weight?: string;
  dateOfBirth?: NwbDateTime;
}

export interface NwbDevice {
  name: string;
  description?: string;
  manufacturer?: string;
}

interface SeriesCommon {
  name: string;
  description: string;
  comments?: string;
}

/** A generic TimeSeries (first dimension is time). */
export interface NwbTimeSeries extends SeriesCommon {
  kind: "TimeSeries";
  /** Row-major values; `width` values per sample when 2-D (default 1: 1-D). */
  data: NumericData;
  width?: number;
  /** Storage type (default "float64"). */
  dtype?: "float32" | "float64";
  unit: string;
  timing: NwbTiming;
  conversion?: number;
  offset?: number;
  resolution?: number;
}

/** An ImageSeries whose frames live in external video files (paths relative to the NWB file). */
export interface NwbImageSeries extends SeriesCommon {
  kind: "ImageSeries";
  externalFile: string[];
  /** Index of the first frame of each external file in the series (default [0, ...]). */
  startingFrame?: number[];
  timing: NwbTiming;
  /** Name of a device in `devices` (written as a link). */
  device?: string;
}

/** BehavioralEvents: a container of TimeSeries of event values. */
export interface NwbBehavioralEvents {
  kind: "BehavioralEvents";
  name: string;
  timeSeries: NwbTimeSeries[];
}

export interface NwbSkeleton {
  name: string;
  nodes: string[];
  /** 0-indexed pairs of node indices (stored as uint8: at most 256 nodes). */
  edges: [number, number][];
  /** Link the file's Subject to this skeleton. */
  linkSubject?: boolean;
}

export interface NwbSkeletons {
  kind: "Skeletons";
  /** Default "Skeletons". */
  name?: string;
  skeletons: NwbSkeleton[];
}

/** One keypoint's trajectory in a PoseEstimation (ndx-pose PoseEstimationSeries). */
export interface NwbPoseSeries {
  name: string;
  description?: string;
  comments?: string;
  /** (N, dims) float32 values, row-major. NaN marks a missing point. */
  data: Float32Array | readonly number[] | ChunkSource;
  dims: 2 | 3;
  /** "pixels" for image coordinates; "meters"/"millimeters" for world coordinates. */
  unit: string;
  /** Origin and axes of the coordinates, in words. */
  referenceFrame: string;
  /** (N) float32 in 0..1. */
  confidence?: Float32Array | readonly number[] | ChunkSource;
  /** How the confidence was computed. Required when `confidence` is given. */
  confidenceDefinition?: string;
}

/** ndx-pose PoseEstimation: one series per keypoint, sharing one time base. */
export interface NwbPoseEstimation {
  kind: "PoseEstimation";
  name: string;
  description: string;
  scorer?: string;
  sourceSoftware?: string;
  sourceSoftwareVersion?: string;
  /** Name of a skeleton in this module's Skeletons container (written as a link). */
  skeleton?: string;
  /** Names of devices in `devices` (written as links). */
  devices?: string[];
  originalVideos?: string[];
  labeledVideos?: string[];
  /** Name of an ImageSeries in `acquisition` holding the source video (ndx-pose 0.3 `source_video` link). */
  sourceVideo?: string;
  /** Shared by every series: timestamps are written once and soft-linked from the other series. */
  timing: NwbTiming;
  series: NwbPoseSeries[];
}

export type NwbColumnData = readonly number[] | readonly string[] | Float64Array | Float32Array | Int32Array;

export interface NwbColumn {
  name: string;
  description: string;
  data: NwbColumnData;
}

/** TimeIntervals (trials, epochs, events with durations), with custom columns. */
export interface NwbTimeIntervals {
  kind: "TimeIntervals";
  name: string;
  description: string;
  startTime: readonly number[] | Float64Array;
  stopTime: readonly number[] | Float64Array;
  columns?: NwbColumn[];
  /** Row ids (default 0..n-1). */
  ids?: readonly number[];
}

export type NwbDataInterface =
  | NwbTimeSeries
  | NwbBehavioralEvents
  | NwbSkeletons
  | NwbPoseEstimation
  | NwbTimeIntervals;

export interface NwbProcessingModule {
  name: string;
  description: string;
  dataInterfaces: NwbDataInterface[];
}

/** Everything a file written by `writeNwb` contains. */
export interface NwbFileSpec {
  /** Globally unique id of this file (default: a fresh UUID). */
  identifier?: string;
  sessionDescription: string;
  sessionStartTime: NwbDateTime;
  /** Default: the session start time. */
  timestampsReferenceTime?: NwbDateTime;
  /** Default: now. */
  fileCreateDate?: NwbDateTime[];
  experimenter?: string[];
  experimentDescription?: string;
  sessionId?: string;
  lab?: string;
  institution?: string;
  keywords?: string[];
  notes?: string;
  subject?: NwbSubject;
  devices?: NwbDevice[];
  acquisition?: (NwbImageSeries | NwbTimeSeries)[];
  processing?: NwbProcessingModule[];
  /** Written at /intervals/trials (its `name` is ignored). */
  trials?: NwbTimeIntervals;
  /** Other interval tables, at /intervals/<name>. */
  intervals?: NwbTimeIntervals[];
  /** Versions, model hashes, configs, input hashes: stored as JSON in /general/source_script. */
  provenance?: Record<string, unknown>;
}

/** Progress of a write: bytes are not known in advance, so this counts rows written over rows to write. */
export interface NwbProgress {
  done: number;
  total: number;
  object: string;
}

export interface WriteNwbOptions {
  onProgress?: (p: NwbProgress) => void;
  /** gzip level 0-9 for large arrays (default 4; 0 disables compression). */
  compressionLevel?: number;
  /** Rows per chunk for series data (default 16384). */
  chunkRows?: number;
  /**
   * Cache the format specifications in the file (/specifications: NWB core 2.6.0, hdmf-common 1.5.1,
   * hdmf-experimental 0.2.0, and ndx-pose 0.2.0 when pose is written), as pynwb does, so readers without
   * ndx-pose installed can read the file (default true).
   */
  cacheSpecifications?: boolean;
  /** Stops the write between chunks: the promise rejects with `NwbWriteError` code `E_ABORTED`; no file is left. */
  signal?: AbortSignal;
}
