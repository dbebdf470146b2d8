// VideoPredictions (NeuroPose format v3) → NWB: one PoseEstimation per tracked person and coordinate space,
// the source video as an external ImageSeries, provenance in /general/source_script.
// The steps live in export/: time base, tracks, skeleton, pose objects, segmentations, provenance, file spec.
import type { FramePrediction, VideoPredictions } from "@neuropose/io";
import { exportPlan, exportSpec, writeOptionsOf } from "./export/_spec.js";
import { FrameScanner, fillFrame, newTracks } from "./export/_tracks.js";
import { TypedFrame } from "./export/_typed-frame.js";
import type { NwbExportSummary, VideoPredictionsToNwbOptions } from "./export/options.js";
import type { NwbFileSpec } from "./types.js";
import { writeNwb } from "./writer.js";

export type { NwbExportSummary, VideoPredictionsToNwbOptions } from "./export/options.js";

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
  const { time, include } = exportPlan(md, n, options, issues);
  const frame = (k: string) => preds.frames[k] as FramePrediction;
  const scanner = new FrameScanner(issues);
  const typed = new TypedFrame();
  for (const k of keys) scanner.add(k, typed.fromFrame(frame(k)));
  const scan = scanner.finish();
  const tracks = newTracks(scan, n, include);
  if (issues.length === 0) for (const [i, k] of keys.entries()) fillFrame(tracks, i, frame(k), scan, include);
  return exportSpec(preds, scan, outPath, options, issues, include, time, (id) => {
    const t = tracks.get(id);
    if (!t) throw new Error(`no track ${id}`);
    return {
      image: (j) => t.image[j] as Float32Array,
      world: (j) => t.world[j] as Float32Array,
      visibility: (j) => t.visibility?.[j],
      score: () => t.score,
      viewQuality: () => t.viewQuality,
    };
  });
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
  await writeNwb(outPath, spec, writeOptionsOf(options));
  return { path: outPath, ...summary };
}
