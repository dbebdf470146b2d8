// Stage "pose": each camera's pose file imported (DLC, SLEAP, ...), or our BlazePose run on cameras without one
// (pose.source = "neuropose"), chunk by chunk and timed by the sync stage; Parquet + sidecar + an info file that
// later stages (and a cached run) read.
import { join } from "node:path";
import { type BuildContext, fail } from "./_build-context.js";
import { neuroposeChunks } from "./_neuropose.js";
import { importPose, type PoseInfo, readPoseInfo } from "./_pose.js";
import type { CameraSync } from "./_stage-sync.js";
import type { FoundFile } from "./discover.js";
import type { StageFlag } from "./stage.js";

/** Runs the pose stage when any camera has pose (imported or inferred); returns each camera's pose info. */
export async function poseStage(
  ctx: BuildContext,
  cameraSync: Map<string, CameraSync>,
): Promise<Map<string, PoseInfo>> {
  const poses = new Map<string, PoseInfo>();
  const poseDir = join(ctx.interim, "pose");
  const poseInfoFile = (cameraId: string) => join(poseDir, `${cameraId}.pose_info.json`);
  // pose.source = "neuropose": our BlazePose on every camera without a [[pose]] file to import.
  const blazeCameras =
    ctx.config.pose.source === "neuropose"
      ? ctx.session.cameras.filter((c) => !ctx.files.pose.has(c.id)).map((c) => c.id)
      : [];
  const predictionsPath = (cameraId: string, i: number) => join(poseDir, `${cameraId}.${i}.predictions.json`);
  if (ctx.files.pose.size || blazeCameras.length) {
    await ctx.stage(
      "pose",
      [
        ...[...ctx.files.pose.values()].flatMap((p) => p.files.map((f) => f.path)),
        ...blazeCameras.flatMap((id) => (ctx.files.cameras.get(id) ?? []).map((f) => f.path)),
        ctx.manifestPath,
      ],
      { pose: ctx.session.pose, source: ctx.config.pose, timebase: ctx.config.timebase },
      async () => {
        const outputs: string[] = [];
        const flags: StageFlag[] = [];
        const details: Record<string, unknown> = {};
        if (blazeCameras.length) {
          // The model is loaded (converted and cached on first use) once for all cameras and files.
          const infer = await import("@neuropose/infer");
          const pipeline = await infer.loadPipeline({
            model: ctx.config.pose.model,
            tools: ctx.tools,
            ...(ctx.options.modelCacheDir ? { cacheDir: ctx.options.modelCacheDir } : {}),
          });
          try {
            for (const cameraId of blazeCameras) {
              const sync = cameraSync.get(cameraId) as CameraSync;
              const files = (ctx.files.cameras.get(cameraId) ?? []).map((f, i) => ({
                video: f.path,
                out: predictionsPath(cameraId, i),
              }));
              for (const f of files)
                await infer.processVideo({
                  video: f.video,
                  pipeline,
                  output: f.out,
                  force: true,
                  ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
                });
              const predictionFiles = files.map((f) => f.out);
              const { info, parquet } = await importPose({
                cameraId,
                path: predictionFiles[0] as string,
                format: "neuropose",
                files: predictionFiles,
                reader: await neuroposeChunks(predictionFiles, cameraId),
                timestamps: sync.timestamps,
                parquet: join(poseDir, `${cameraId}.pose.parquet`),
                infoFile: poseInfoFile(cameraId),
              });
              poses.set(cameraId, info);
              outputs.push(...predictionFiles, parquet.parquet, parquet.sidecar, poseInfoFile(cameraId));
              details[cameraId] = {
                frames: info.n_frames,
                keypoints: info.keypoints.length,
                missing_points: info.missing_points,
                software: info.software,
                model: ctx.config.pose.model,
              };
            }
          } finally {
            await pipeline.dispose();
          }
        }
        for (const [cameraId, f] of ctx.files.pose) {
          const sync = cameraSync.get(cameraId);
          if (!sync)
            throw fail(
              "E_SESSION_POSE",
              `pose for camera ${cameraId}, which has no video`,
              undefined,
              "pose[].camera_id must name a [[cameras]] id",
            );
          const { info, parquet } = await importPose({
            cameraId,
            path: (f.files[0] as FoundFile).path,
            format: f.format,
            timestamps: sync.timestamps,
            parquet: join(poseDir, `${cameraId}.pose.parquet`),
            infoFile: poseInfoFile(cameraId),
          });
          if (info.n_frames < sync.timestamps.length)
            flags.push({
              code: "POSE_SHORT",
              severity: "warn",
              subject: cameraId,
              message: `camera ${cameraId}: pose covers ${info.n_frames} of ${sync.timestamps.length} frames`,
              value: info.n_frames,
              threshold: sync.timestamps.length,
            });
          poses.set(cameraId, info);
          outputs.push(parquet.parquet, parquet.sidecar, poseInfoFile(cameraId));
          details[cameraId] = {
            frames: info.n_frames,
            keypoints: info.keypoints.length,
            individuals: info.individuals.length,
            missing_points: info.missing_points,
            software: info.software,
          };
        }
        return { outputs, flags, details, counts: { cameras: poses.size } };
      },
    );
    // A cached stage: what later stages need comes back from its info files.
    for (const cameraId of [...ctx.files.pose.keys(), ...blazeCameras])
      if (!poses.has(cameraId)) poses.set(cameraId, await readPoseInfo(poseInfoFile(cameraId)));
  }
  return poses;
}
