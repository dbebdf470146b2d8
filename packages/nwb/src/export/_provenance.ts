// The provenance record stored in /general/source_script: where the poses came from and how they were made.
import type { Provenance, VideoMetadata } from "@neuropose/io";
import type { VideoPredictionsToNwbOptions } from "./options.js";

/** The JSON provenance of an export. */
export function exportProvenance(
  schemaVersion: number,
  md: VideoMetadata,
  prov: Provenance | null | undefined,
  options: VideoPredictionsToNwbOptions,
): Record<string, unknown> {
  return {
    writer: "@neuropose/nwb",
    source_document: "VideoPredictions",
    schema_version: schemaVersion,
    skeleton: md.skeleton,
    poses3d_unit: md.poses3d_unit,
    poses3d_frame: md.poses3d_frame,
    ...(md.poses3d_up ? { poses3d_up: md.poses3d_up } : {}),
    video: { frame_count: md.frame_count, fps: md.fps, width: md.width, height: md.height },
    provenance: prov ?? null,
    ...(options.inputHashes ? { input_hashes: options.inputHashes } : {}),
    ...(options.extraProvenance ?? {}),
  };
}
