// Stage "facemap": motion energy per ROI rectangle (one streamed ffmpeg pass per camera file, cameras in
// parallel), and facemap's own outputs (*_proc.npy / *_proc.mat) imported; per-camera CSV tables that a cached
// run reads back.
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  type FacemapSeries,
  facemapNpySeries,
  facemapProcSeries,
  facialMetricsCsv,
  motionEnergy,
  type ProcMatValue,
} from "@neuropose/facemap";
import { NeuroPoseError, writeFileAtomic } from "@neuropose/io";
import { readMatFile } from "@neuropose/trials";
import { allInputs, type BuildContext, fail } from "./_build-context.js";
import { concatFloat64, readMetricsCsv } from "./_interim-files.js";
import type { CameraSync } from "./_stage-sync.js";
import type { FoundFile } from "./discover.js";
import type { Manifest } from "./manifest.js";
import { readStageSummary, type StageFlag } from "./stage.js";

/** Facial metrics per camera: motion energy per ROI (`facial`) and facemap's imported series (`imported`). */
export interface FacialMetrics {
  facial: Map<string, Map<string, Float64Array>>;
  imported: Map<string, FacemapSeries[]>;
}

/** Runs the facemap stage when the config has ROIs or the session has facemap outputs to import. */
export async function facemapStage(
  ctx: BuildContext,
  manifest: Manifest,
  cameraSync: Map<string, CameraSync>,
): Promise<FacialMetrics> {
  const facial = new Map<string, Map<string, Float64Array>>();
  const facemapDir = join(ctx.interim, "facemap");
  const roiRects = ctx.config.facemap.ROIs.filter((r) => typeof r !== "string");
  const roiNamesOnly = ctx.config.facemap.ROIs.filter((r): r is string => typeof r === "string");
  const roisOf = (cameraId: string) =>
    roiRects.filter((r) => r.camera_id === undefined || r.camera_id === cameraId);
  const facemapCameras = manifest.videos.filter((v) => roisOf(v.camera_id).length > 0);
  const facemapCsv = (cameraId: string) => join(facemapDir, `${cameraId}.facial_metrics.csv`);
  // facemap's own outputs, imported: per camera, its series (2-D ones as `name[j]` columns in the CSV).
  const imported = new Map<string, FacemapSeries[]>();
  const importCsv = (cameraId: string) => join(facemapDir, `${cameraId}.facemap_import.csv`);
  if (facemapCameras.length || roiNamesOnly.length || ctx.files.facemap.size) {
    await ctx.stage(
      "facemap",
      [
        ctx.manifestPath,
        ...facemapCameras.flatMap((v) => (ctx.files.cameras.get(v.camera_id) ?? []).map((f) => f.path)),
        ...allInputs(ctx.files.facemap),
      ],
      { facemap: ctx.config.facemap, timebase: ctx.config.timebase },
      async () => {
        const flags: StageFlag[] = roiNamesOnly.map((name) => ({
          code: "FACEMAP_ROI_WITHOUT_RECTANGLE",
          severity: "info" as const,
          subject: name,
          message: `facemap ROI "${name}" has no rectangle: skipped (give {name, x, y, width, height} in facemap.ROIs to compute it)`,
        }));
        const details: Record<string, unknown> = {};
        const computed = await Promise.all(
          facemapCameras.map(async (v) => {
            const sync = cameraSync.get(v.camera_id) as CameraSync;
            const rois = roisOf(v.camera_id);
            const parts: Map<string, Float64Array>[] = [];
            for (const f of ctx.files.cameras.get(v.camera_id) ?? []) {
              const r = await motionEnergy({
                video: f.path,
                width: v.resolution[0],
                height: v.resolution[1],
                rotation: (v.rotation_deg ?? 0) as 0 | 90 | 180 | 270,
                rois,
                ffmpeg: ctx.tools.ffmpeg,
                ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
              }).catch((err: unknown) => {
                if (err instanceof NeuroPoseError && err.code === "E_FACEMAP_ROI")
                  throw fail(
                    err.code,
                    `camera ${v.camera_id}: ${err.message}`,
                    ctx.configFile,
                    `fix facemap.ROIs in ${basename(ctx.configFile)} (the frame is ${v.resolution[0]}x${v.resolution[1]})`,
                  );
                throw err;
              });
              parts.push(r.metrics);
            }
            const metrics = new Map<string, Float64Array>();
            for (const roi of rois) {
              const key = `motion_energy_${roi.name}`;
              metrics.set(key, concatFloat64(parts.map((p) => p.get(key) as Float64Array)));
            }
            const n = (metrics.values().next().value as Float64Array).length;
            if (n !== sync.timestamps.length)
              throw fail(
                "E_SESSION_FACEMAP",
                `camera ${v.camera_id}: motion energy has ${n} frames but the camera has ${sync.timestamps.length} timestamps`,
                ctx.files.cameras.get(v.camera_id)?.[0]?.path,
                "the video decodes to a different frame count than ingest counted: re-run with --force",
              );
            const file = facemapCsv(v.camera_id);
            await writeFileAtomic(file, facialMetricsCsv(sync.timestamps, metrics));
            return { file, metrics, detail: { frames: n, rois: rois.map((r) => r.name) } };
          }),
        );
        // In camera order, not in the order the parallel ffmpeg passes finish: the summary, the QC page and the
        // NWB file's facemap series come out the same on every run.
        const outputs: string[] = [];
        for (const [i, v] of facemapCameras.entries()) {
          const c = computed[i] as (typeof computed)[number];
          facial.set(v.camera_id, c.metrics);
          details[v.camera_id] = c.detail;
          outputs.push(c.file);
        }
        for (const [cameraId, files] of ctx.files.facemap) {
          const sync = cameraSync.get(cameraId) as CameraSync;
          const file = files[0] as FoundFile;
          // facemap writes *_proc.npy always (np.save of its proc dict) and *_proc.mat beside it with save_mat.
          const proc = file.path.toLowerCase().endsWith(".npy")
            ? facemapNpySeries(new Uint8Array(await readFile(file.path)), file.path)
            : facemapProcSeries(
                (await readMatFile(file.path)).variables as unknown as Record<string, ProcMatValue>,
                file.path,
              );
          if (proc.nFrames !== sync.timestamps.length)
            throw fail(
              "E_SESSION_FACEMAP",
              `camera ${cameraId}: the facemap output has ${proc.nFrames} frames but the camera has ${sync.timestamps.length} timestamps`,
              file.path,
              "is this the facemap output of that camera's video (all of its files)?",
            );
          imported.set(cameraId, proc.series);
          const cols = new Map<string, Float64Array>();
          for (const sr of proc.series)
            if (sr.width === 1) cols.set(sr.name, sr.data);
            else
              for (let j = 0; j < sr.width; j++)
                cols.set(
                  `${sr.name}[${j}]`,
                  Float64Array.from({ length: proc.nFrames }, (_, f) => sr.data[f * sr.width + j] as number),
                );
          await writeFileAtomic(importCsv(cameraId), facialMetricsCsv(sync.timestamps, cols));
          outputs.push(importCsv(cameraId));
          details[`${cameraId}_import`] = {
            file: file.relative,
            frames: proc.nFrames,
            series: proc.series.map(({ name, description, unit, width }) => ({
              name,
              description,
              unit,
              width,
            })),
          };
        }
        return {
          outputs,
          flags,
          details,
          counts: { cameras: facemapCameras.length, rois: roiRects.length, imported: ctx.files.facemap.size },
        };
      },
    );
    // Cached: the imported series come back from their CSV tables, described by the stage summary.
    if (ctx.files.facemap.size && imported.size === 0) {
      const summary = await readStageSummary(ctx.interim, "facemap");
      for (const cameraId of ctx.files.facemap.keys()) {
        const meta = (summary?.details[`${cameraId}_import`] as {
          series: { name: string; description: string; unit: string; width: number }[];
        }) ?? { series: [] };
        const cols = readMetricsCsv(await readFile(importCsv(cameraId), "utf8"));
        imported.set(
          cameraId,
          meta.series.map((m) => {
            const n = (cols.values().next().value as Float64Array | undefined)?.length ?? 0;
            const data = new Float64Array(n * m.width);
            for (let j = 0; j < m.width; j++) {
              const c = cols.get(m.width === 1 ? m.name : `${m.name}[${j}]`) as Float64Array;
              for (let f = 0; f < n; f++) data[f * m.width + j] = c[f] as number;
            }
            return { ...m, data };
          }),
        );
      }
    }
    // A cached stage: the metrics come back from its CSV tables.
    for (const v of facemapCameras)
      if (!facial.has(v.camera_id)) {
        facial.set(v.camera_id, readMetricsCsv(await readFile(facemapCsv(v.camera_id), "utf8")));
      }
  }
  return { facial, imported };
}
