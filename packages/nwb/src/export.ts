// VideoPredictions (NeuroPose format v3) → NWB: one PoseEstimation per tracked person and coordinate space,
// the source video as an external ImageSeries, provenance in /general/source_script.
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { getSkeleton, type VideoPredictions } from "@neuropose/io";
import { NwbInputError } from "./errors.js";
import type {
  NwbDateTime,
  NwbFileSpec,
  NwbPoseEstimation,
  NwbProgress,
  NwbSkeleton,
  NwbSubject,
  NwbTimeIntervals,
  NwbTiming,
} from "./types.js";
import { writeNwb } from "./writer.js";

/** Options of {@link videoPredictionsToNwb}; the NWB file fields it takes as they are come from `NwbFileSpec`. */
export interface VideoPredictionsToNwbOptions
  extends Pick<
    NwbFileSpec,
    "identifier" | "experimenter" | "experimentDescription" | "sessionId" | "lab" | "institution" | "keywords"
  > {
  sessionDescription: string;
  /** When the session (and, unless `videoStartTime` says otherwise, the video) started; must carry a timezone. */
  sessionStartTime: NwbDateTime;
  /** Seconds from the session start to the first video frame (default 0). */
  videoStartTime?: number;
  subject?: NwbSubject;
  /** The source video: written as an external ImageSeries, stored relative to the NWB file's folder. */
  videoPath?: string;
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

const UNIT_WORDS: Record<string, string> = { mm: "millimeters", m: "meters", cm: "centimeters" };
const FRAME_WORDS: Record<string, string> = {
  camera:
    "camera frame (MeTRAbs convention): origin at the camera's optical center, x to the right, y down, z forward (away from the camera)",
  hip_centered:
    "hip-centered frame (BlazePose world landmarks): origin at the midpoint of the hips, axes parallel to the camera's (x to the right, y down, z away from the camera)",
};
const IMAGE_FRAME = "image pixels: (0,0) is the top-left corner of the video frame, x to the right, y down";

/**
 * True when the step between consecutive timestamps is constant to 1e-9 s (the rule nwbinspector uses to ask
 * for `starting_time` + `rate` instead of timestamps).
 */
function regularRate(ts: ArrayLike<number>): number | undefined {
  if (ts.length < 3) return undefined;
  const first = Math.round(((ts[1] as number) - (ts[0] as number)) * 1e9);
  if (first <= 0) return undefined;
  for (let i = 2; i < ts.length; i++) {
    if (Math.round(((ts[i] as number) - (ts[i - 1] as number)) * 1e9) !== first) return undefined;
  }
  return 1 / (((ts[1] as number) - (ts[0] as number)) as number);
}

function resolveSkeleton(
  preds: VideoPredictions,
  options: VideoPredictionsToNwbOptions,
  joints: number,
  issues: string[],
): NwbSkeleton {
  const name = preds.metadata.skeleton;
  let names: readonly string[];
  let edges: readonly (readonly [number, number])[];
  if (options.skeleton && options.skeleton.name === name) {
    names = options.skeleton.joints;
    edges = options.skeleton.edges;
  } else {
    try {
      const s = getSkeleton(name);
      names = s.joints;
      edges = s.edges;
    } catch {
      issues.push(
        `metadata.skeleton: "${name}" is not a known skeleton; pass options.skeleton with its joint names and edges`,
      );
      names = Array.from({ length: joints }, (_, j) => `joint_${j}`);
      edges = [];
    }
  }
  if (joints >= 0 && names.length !== joints) {
    issues.push(`metadata.skeleton: "${name}" has ${names.length} joints but the frames have ${joints}`);
  }
  return { name, nodes: [...names], edges: edges.map(([a, b]) => [a, b] as [number, number]) };
}

interface Track {
  id: number;
  image: Float32Array[];
  world: Float32Array[];
  visibility: Float32Array[] | undefined;
  /** Person detection score per frame (boxes[p][4]); used as confidence when there is no visibility. */
  score: Float32Array;
  /** 1 where the person was seen in the frame. */
  seen: Uint8Array;
}

/**
 * Build (but do not write) the NWB description of a VideoPredictions document. `outPath` is used only to make
 * `videoPath` relative to the NWB file. Throws `NwbInputError` naming the frame, person and field when the
 * predictions cannot be represented.
 *
 * @example
 * ```ts
 * import { loadVideoPredictions } from "@neuropose/io";
 * import { videoPredictionsToNwbSpec } from "@neuropose/nwb";
 * const preds = await loadVideoPredictions("clip.json");
 * const spec = videoPredictionsToNwbSpec(preds, "out/session.nwb", {
 *   sessionDescription: "gait lab walk", sessionStartTime: "2024-05-01T10:00:00+02:00",
 * });
 * console.log(spec.processing?.[0]?.dataInterfaces.map((d) => d.kind));
 * ```
 */
export function videoPredictionsToNwbSpec(
  preds: VideoPredictions,
  outPath: string,
  options: VideoPredictionsToNwbOptions,
): NwbFileSpec & { summary: Omit<NwbExportSummary, "path"> } {
  const issues: string[] = [];
  const md = preds.metadata;
  const keys = Object.keys(preds.frames);
  const n = keys.length;
  if (n === 0) issues.push("frames: no frames to export");
  if (md.frame_count !== n)
    issues.push(`metadata.frame_count: ${md.frame_count}, but the document has ${n} frames`);

  // ---- time base
  let times: Float64Array | undefined;
  const start = options.videoStartTime ?? 0;
  if (!Number.isFinite(start))
    issues.push(`options.videoStartTime: ${start} is not a finite number of seconds`);
  let timing: NwbTiming = { rate: md.fps, startingTime: start };
  let timingKind: "rate" | "timestamps" = "rate";
  if (md.timestamps && md.timestamps.length > 0) {
    if (md.timestamps.length !== n)
      issues.push(`metadata.timestamps: ${md.timestamps.length} timestamps for ${n} frames`);
    times = Float64Array.from(md.timestamps, (t) => t + start);
    const rate = regularRate(md.timestamps);
    if (rate !== undefined) timing = { rate, startingTime: (times[0] as number) ?? start };
    else {
      timing = { timestamps: times };
      timingKind = "timestamps";
    }
  } else if (!(md.fps > 0)) {
    issues.push(
      `metadata.fps: ${md.fps} and no metadata.timestamps: the frames cannot be placed in time (frame indices are not seconds)`,
    );
  }
  const timeOf = (frame: number): number => (times ? (times[frame] as number) : start + frame / md.fps);

  // ---- people
  const include2d = options.include?.image2d ?? true;
  const include3d = options.include?.world3d ?? true;
  if (!include2d && !include3d)
    issues.push("options.include: nothing to write (both image2d and world3d are false)");
  let joints = -1;
  const useIds = keys.some((k) => preds.frames[k]?.person_ids !== undefined);
  const tracks = new Map<number, Track>();
  const newTrack = (id: number, j: number, withVis: boolean): Track => {
    const nan2 = () => new Float32Array(n * 2).fill(Number.NaN);
    const nan3 = () => new Float32Array(n * 3).fill(Number.NaN);
    return {
      id,
      image: include2d ? Array.from({ length: j }, nan2) : [],
      world: include3d ? Array.from({ length: j }, nan3) : [],
      visibility: withVis ? Array.from({ length: j }, () => new Float32Array(n).fill(Number.NaN)) : undefined,
      score: new Float32Array(n).fill(Number.NaN),
      seen: new Uint8Array(n),
    };
  };
  const hasVis = keys.some((k) => preds.frames[k]?.visibility !== undefined);
  for (let i = 0; i < n && issues.length < 20; i++) {
    const key = keys[i] as string;
    const fr = preds.frames[key];
    if (!fr) continue;
    const persons = fr.poses3d.length;
    if (fr.poses2d.length !== persons)
      issues.push(`frames.${key}.poses2d: ${fr.poses2d.length} people but poses3d has ${persons}`);
    if (useIds && persons > 0 && fr.person_ids === undefined)
      issues.push(`frames.${key}.person_ids: missing (other frames track people by id)`);
    for (let p = 0; p < persons; p++) {
      const p3 = fr.poses3d[p] ?? [];
      const p2 = fr.poses2d[p] ?? [];
      if (joints < 0) joints = p3.length;
      if (p3.length !== joints || p2.length !== joints) {
        issues.push(
          `frames.${key}.poses3d[${p}]: ${p3.length} joints (poses2d: ${p2.length}); every person needs ${joints}`,
        );
        continue;
      }
      const id = useIds ? (fr.person_ids?.[p] ?? p) : p;
      let t = tracks.get(id);
      if (!t) {
        t = newTrack(id, joints, hasVis);
        tracks.set(id, t);
      }
      if (t.seen[i]) {
        issues.push(`frames.${key}.person_ids[${p}]: id ${id} appears twice in the frame`);
        continue;
      }
      t.seen[i] = 1;
      const box = fr.boxes[p];
      if (box && box.length >= 5) t.score[i] = box[4] as number;
      for (let j = 0; j < joints; j++) {
        const a = p3[j] as number[];
        const b = p2[j] as number[];
        if (a.length !== 3)
          issues.push(`frames.${key}.poses3d[${p}][${j}]: ${a.length} values, expected [x, y, z]`);
        if (b.length !== 2)
          issues.push(`frames.${key}.poses2d[${p}][${j}]: ${b.length} values, expected [x, y]`);
        if (include3d) {
          const w = t.world[j] as Float32Array;
          w[i * 3] = a[0] as number;
          w[i * 3 + 1] = a[1] as number;
          w[i * 3 + 2] = a[2] as number;
        }
        if (include2d) {
          const im = t.image[j] as Float32Array;
          im[i * 2] = b[0] as number;
          im[i * 2 + 1] = b[1] as number;
        }
        if (t.visibility) {
          const v = fr.visibility?.[p]?.[j];
          if (v !== undefined) (t.visibility[j] as Float32Array)[i] = v;
        }
      }
    }
  }
  const skeleton = resolveSkeleton(preds, options, joints, issues);
  if (joints < 0) issues.push("frames: no person was detected in any frame: nothing to export");

  // ---- objects
  const moduleName = options.moduleName ?? "behavior";
  const deviceName = options.device?.name ?? "camera";
  let videoRel: string | undefined;
  if (options.videoPath !== undefined) {
    const base = dirname(resolve(outPath));
    videoRel = isAbsolute(options.videoPath) ? relative(base, options.videoPath) : options.videoPath;
    videoRel = videoRel.split(sep).join("/");
    if (videoRel === "") issues.push("options.videoPath: empty path");
  }
  const prov = preds.provenance;
  const poses: NwbPoseEstimation[] = [];
  const ids = [...tracks.keys()].sort((a, b) => a - b);
  const unitWord = UNIT_WORDS[md.poses3d_unit] ?? md.poses3d_unit;
  const frameWords = FRAME_WORDS[md.poses3d_frame] ?? md.poses3d_frame;
  const common = {
    ...(prov ? { scorer: `${prov.model_filename} (sha256 ${prov.model_sha256})` } : {}),
    sourceSoftware: "NeuroPose",
    ...(prov?.neuropose_version ? { sourceSoftwareVersion: prov.neuropose_version } : {}),
    skeleton: skeleton.name,
    ...(videoRel ? { devices: [deviceName], originalVideos: [videoRel], sourceVideo: "video" } : {}),
    timing,
  };
  const scoreDefinition =
    "Person detection score of the frame (bounding-box confidence, 0..1), the same for every keypoint of the person: no per-keypoint confidence was estimated; NaN where the person was not detected.";
  const visDefinition =
    "BlazePose visibility: estimated probability (0..1) that the keypoint is visible (not occluded); NaN where the person was not detected in the frame.";
  for (const id of ids) {
    const t = tracks.get(id) as Track;
    const who = useIds ? `person ${id} (track id)` : `person ${id} (index in each frame)`;
    if (include2d) {
      poses.push({
        kind: "PoseEstimation",
        name: `pose2d_person${id}`,
        description: `2D keypoints of ${who} in image pixels, estimated by NeuroPose (${skeleton.name} skeleton). NaN where the person was not detected.`,
        ...common,
        series: skeleton.nodes.map((node, j) => ({
          name: node,
          description: `Image position (x, y) of keypoint ${node} of ${who}.`,
          data: t.image[j] as Float32Array,
          dims: 2 as const,
          unit: "pixels",
          referenceFrame: IMAGE_FRAME,
          ...(t.visibility
            ? { confidence: t.visibility[j] as Float32Array, confidenceDefinition: visDefinition }
            : { confidence: t.score, confidenceDefinition: scoreDefinition }),
        })),
      });
    }
    if (include3d) {
      poses.push({
        kind: "PoseEstimation",
        name: `pose3d_person${id}`,
        description: `3D keypoints of ${who} in ${unitWord}, ${frameWords}; estimated by NeuroPose (${skeleton.name} skeleton). NaN where the person was not detected.`,
        ...common,
        series: skeleton.nodes.map((node, j) => ({
          name: node,
          description: `3D position (x, y, z) of keypoint ${node} of ${who}, in ${unitWord}.`,
          data: t.world[j] as Float32Array,
          dims: 3 as const,
          unit: unitWord,
          referenceFrame: `${frameWords}; unit ${unitWord}`,
          ...(t.visibility
            ? { confidence: t.visibility[j] as Float32Array, confidenceDefinition: visDefinition }
            : { confidence: t.score, confidenceDefinition: scoreDefinition }),
        })),
      });
    }
  }
  const intervals: NwbTimeIntervals[] = [];
  if (options.segmentations ?? true) {
    const lastEnd = n > 0 ? timeOf(n - 1) + (md.fps > 0 ? 1 / md.fps : 0) : 0;
    for (const [name, seg] of Object.entries(preds.segmentations ?? {})) {
      if (seg.segments.length === 0) continue;
      const bad = seg.segments.findIndex((s) => s.end > n || s.start >= n);
      if (bad >= 0) {
        issues.push(`segmentations.${name}.segments[${bad}]: frames outside the ${n} frames of the document`);
        continue;
      }
      intervals.push({
        kind: "TimeIntervals",
        name: `segmentation_${name}`.replace(/[/:]/g, "_"),
        description: `Repetition windows of segmentation "${name}" (frame windows [start, end) converted to seconds).`,
        startTime: seg.segments.map((s) => timeOf(s.start)),
        stopTime: seg.segments.map((s) => (s.end < n ? timeOf(s.end) : lastEnd)),
        columns: [
          {
            name: "peak_time",
            description: "Time of the repetition's apex, seconds.",
            data: seg.segments.map((s) => timeOf(s.peak)),
          },
          {
            name: "start_frame",
            description: "Inclusive start frame index.",
            data: seg.segments.map((s) => s.start),
          },
          {
            name: "end_frame",
            description: "Exclusive end frame index.",
            data: seg.segments.map((s) => s.end),
          },
        ],
      });
    }
  }
  if (issues.length > 0) throw new NwbInputError(issues, { path: outPath });

  const provenance: Record<string, unknown> = {
    writer: "@neuropose/nwb",
    source_document: "VideoPredictions",
    schema_version: preds.schema_version,
    skeleton: md.skeleton,
    poses3d_unit: md.poses3d_unit,
    poses3d_frame: md.poses3d_frame,
    video: { frame_count: md.frame_count, fps: md.fps, width: md.width, height: md.height },
    provenance: prov ?? null,
    ...(options.inputHashes ? { input_hashes: options.inputHashes } : {}),
    ...(options.extraProvenance ?? {}),
  };
  const spec: NwbFileSpec = {
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
        name: moduleName,
        description: "Pose estimated from video by NeuroPose.",
        dataInterfaces: [
          {
            kind: "Skeletons",
            skeletons: [{ ...skeleton, ...(options.subject ? { linkSubject: true } : {}) }],
          },
          ...poses,
        ],
      },
    ],
    ...(intervals.length ? { intervals } : {}),
    provenance,
  };
  return {
    ...spec,
    summary: {
      frames: n,
      persons: ids,
      poseEstimations: poses.map((p) => `/processing/${moduleName}/${p.name}`),
      timing: timingKind,
    },
  };
}

/**
 * Export a VideoPredictions document to an NWB file: per tracked person a `pose2d_person<id>` (image pixels)
 * and a `pose3d_person<id>` (world coordinates, unit and frame stated) PoseEstimation with one series per
 * keypoint, the skeleton, the source video as an external ImageSeries linked to a camera device, segmentations
 * as TimeIntervals, and provenance. Checks everything before writing; writes atomically.
 *
 * @example
 * ```ts
 * import { loadVideoPredictions } from "@neuropose/io";
 * import { videoPredictionsToNwb } from "@neuropose/nwb";
 * const preds = await loadVideoPredictions("clip.json");
 * const summary = await videoPredictionsToNwb(preds, "clip.nwb", {
 *   sessionDescription: "gait lab walk",
 *   sessionStartTime: "2024-05-01T10:00:00+02:00",
 *   subject: { subjectId: "S01", species: "Homo sapiens", age: "P30Y", sex: "F" },
 *   videoPath: "clip.mp4",
 * });
 * console.log(summary.poseEstimations); // ["/processing/behavior/pose2d_person0", ".../pose3d_person0"]
 * ```
 */
export async function videoPredictionsToNwb(
  preds: VideoPredictions,
  outPath: string,
  options: VideoPredictionsToNwbOptions,
): Promise<NwbExportSummary> {
  const { summary, ...spec } = videoPredictionsToNwbSpec(preds, outPath, options);
  await writeNwb(outPath, spec, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.compressionLevel !== undefined ? { compressionLevel: options.compressionLevel } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { path: outPath, ...summary };
}
