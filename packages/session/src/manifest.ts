// The ingest stage's contract (the W2T design's manifest): what was found for a session, counted, not guessed.
// Optional resources are omitted, never null. Paths are relative to the session folder (no absolute paths leave
// the machine); hashes make the stage cache and the NWB provenance exact.
import { z } from "zod";

export const MANIFEST_VERSION = 1;

const Rel = z.string().min(1);

export const ManifestSchema = z.strictObject({
  schema_version: z.literal(MANIFEST_VERSION),
  session_id: z.string().min(1),
  videos: z.array(
    z.strictObject({
      camera_id: z.string(),
      /** The camera's files, in the configured order (concatenated in that order). */
      paths: z.array(Rel).min(1),
      codec: z.string(),
      fps: z.number().positive(),
      duration_s: z.number().nonnegative(),
      resolution: z.tuple([z.int().positive(), z.int().positive()]),
      /** Rotation from the container's display matrix, degrees. */
      rotation_deg: z.number().optional(),
      /** Frames counted by reading every packet of the files (ffprobe -count_packets), summed over the camera's files. */
      frame_count: z.int().nonnegative(),
      /** Frames of each file in `paths` (same order): the ImageSeries starting_frame comes from these, also when
       * ingest is skipped from the cache. Added in 0.1 without a version bump: optional, older manifests lack it. */
      frame_counts: z.array(z.int().nonnegative()).optional(),
      ttl_id: z.string().optional(),
      /** TTL pulses on the camera's ttl_id, when it has one. */
      pulse_count: z.int().nonnegative().optional(),
    }),
  ),
  sync: z.array(
    z.strictObject({
      id: z.string(),
      paths: z.array(Rel).min(1),
      type: z.enum(["ttl_edges", "spikeglx_nidq"]),
      pulse_count: z.int().nonnegative(),
    }),
  ),
  events: z.array(
    z.strictObject({ paths: z.array(Rel).min(1), kind: z.enum(["bpod_mat", "iblrig_ndjson"]) }),
  ),
  pose: z.array(z.strictObject({ camera_id: z.string(), paths: z.array(Rel).min(1), format: z.string() })),
  facemap: z.array(z.strictObject({ camera_id: z.string(), paths: z.array(Rel) })).optional(),
  files: z.array(z.strictObject({ path: Rel, bytes: z.int().nonnegative(), sha256: z.string().length(64) })),
  config_snapshot: z.strictObject({
    config: z.unknown(),
    session: z.unknown(),
    overrides: z.array(z.string()),
  }),
  provenance: z.strictObject({
    created_at: z.string(),
    config_sha256: z.string(),
    session_sha256: z.string(),
    neuropose_version: z.string(),
  }),
});

/** The ingest stage's manifest of a session. */
export type Manifest = z.infer<typeof ManifestSchema>;
