// Stage "ingest": count every camera's frames (ffprobe, cameras in parallel) and every TTL line's pulses, check
// frames against pulses, and write the manifest that the later stages read.
import { readFile } from "node:fs/promises";
import { probeVideo, type VideoInfo } from "@neuropose/infer";
import { writeFileAtomic } from "@neuropose/io";
import { allInputs, type BuildContext } from "./_build-context.js";
import type { FoundFile } from "./discover.js";
import { MANIFEST_VERSION, type Manifest } from "./manifest.js";
import type { StageFlag } from "./stage.js";

/** What ingest hands on: the manifest (this run's or the cached one) and every TTL line's pulses. */
export interface Ingested {
  manifest: Manifest;
  pulses: Map<string, Float64Array>;
}

/** Runs the ingest stage (or takes its cached manifest) and returns the manifest and the pulses. */
export async function ingestStage(ctx: BuildContext): Promise<Ingested> {
  const { config, session, files: found, tools, sid, cfg, sess, manifestPath } = ctx;
  const pulses = new Map<string, Float64Array>();
  await ctx.stage(
    "ingest",
    [...allInputs(found.cameras), ...allInputs(found.ttls), ...found.bpod.map((f) => f.path)],
    { verification: config.verification, session: session.cameras },
    async () => {
      const flags: StageFlag[] = [];
      for (const [id, ttl] of found.ttls) pulses.set(id, await ctx.readPulses(id, ttl));
      const videos: Manifest["videos"] = [];
      // ffprobe reads every packet of every file to count the frames: cameras are probed in parallel.
      const probed = new Map(
        await Promise.all(
          session.cameras.map(
            async (cam) =>
              [
                cam.id,
                await Promise.all(
                  (found.cameras.get(cam.id) as FoundFile[]).map((f) =>
                    probeVideo(f.path, tools, ctx.options.signal, { timestamps: false }),
                  ),
                ),
              ] as const,
          ),
        ),
      );
      for (const cam of session.cameras) {
        const files = found.cameras.get(cam.id) as FoundFile[];
        const infos = probed.get(cam.id) as VideoInfo[];
        const frames = infos.reduce((n, v) => n + v.frameCount, 0);
        const first = infos[0] as VideoInfo;
        const pulseCount = cam.ttl_id ? (pulses.get(cam.ttl_id)?.length ?? 0) : undefined;
        if (pulseCount !== undefined) {
          const diff = frames - pulseCount;
          if (Math.abs(diff) > config.verification.mismatch_tolerance_frames) {
            const message = `camera ${cam.id}: ${frames} video frames but ${pulseCount} pulses on ${cam.ttl_id} (difference ${diff}, tolerance ${config.verification.mismatch_tolerance_frames})`;
            flags.push({
              code: "E_SESSION_FRAME_PULSE_MISMATCH",
              severity: config.verification.warn_on_mismatch ? "warn" : "fail",
              message,
              value: diff,
              threshold: config.verification.mismatch_tolerance_frames,
              subject: cam.id,
            });
          }
        }
        videos.push({
          camera_id: cam.id,
          paths: files.map((f) => f.relative),
          codec: first.codec,
          fps: first.fps,
          duration_s: infos.reduce((s, v) => s + v.durationS, 0),
          resolution: [first.width, first.height],
          rotation_deg: first.rotation,
          frame_count: frames,
          frame_counts: infos.map((v) => v.frameCount),
          ...(cam.ttl_id ? { ttl_id: cam.ttl_id, pulse_count: pulseCount } : {}),
        });
      }
      const manifest: Manifest = {
        schema_version: MANIFEST_VERSION,
        session_id: sid,
        videos,
        sync: session.TTLs.map((t) => ({
          id: t.id,
          paths: (found.ttls.get(t.id) as FoundFile[]).map((f) => f.relative),
          type: t.bit === undefined ? ("ttl_edges" as const) : ("spikeglx_nidq" as const),
          pulse_count: pulses.get(t.id)?.length ?? 0,
        })),
        events: found.bpod.length
          ? [{ paths: found.bpod.map((f) => f.relative), kind: "bpod_mat" as const }]
          : [],
        pose: session.pose.map((p) => ({
          camera_id: p.camera_id,
          paths: (found.pose.get(p.camera_id)?.files ?? []).map((f) => f.relative),
          format: p.format,
        })),
        files: [],
        config_snapshot: { config, session, overrides: cfg.overrides },
        provenance: {
          created_at: new Date().toISOString(),
          config_sha256: cfg.sha256,
          session_sha256: sess.sha256,
          neuropose_version: "0.1.0",
        },
      };
      await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      return {
        outputs: [manifestPath],
        counts: {
          cameras: videos.length,
          ttls: manifest.sync.length,
          frames: videos.reduce((n, v) => n + v.frame_count, 0),
        },
        flags,
      };
    },
  );
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as Manifest;
  // Cached ingest: the pulses are re-read (cheap, streamed) for the stages that use them.
  if (pulses.size === 0) for (const [id, ttl] of found.ttls) pulses.set(id, await ctx.readPulses(id, ttl));
  return { manifest, pulses };
}
