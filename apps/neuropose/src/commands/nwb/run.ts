// `neuropose nwb export|validate`, the work: loaded only when an nwb command runs (h5wasm is heavy; `neuropose --help`
// and the other commands never load it).
import { existsSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { abortOnSignals, createLogger, createProgress } from "@neuropose/cli-kit";
import { checkOutputPath, isNeuroPoseError, loadSettings, NeuroPoseError, sha256File } from "@neuropose/io";
import { nwbMetadataFromFlags, predictionsFileToNwb, validateNwb } from "@neuropose/nwb";

import type { ExportArgs, ValidateArgs } from "./index.js";

/** The NWB file's provenance writes hashes as `sha256:<hex>`. */
const prefixedSha256File = async (path: string) => `sha256:${await sha256File(path)}`;

/** Runs `neuropose nwb export`. */
export async function runExport(
  args: ExportArgs,
  out: { write(s: string): unknown } = process.stdout,
): Promise<void> {
  // Flags win; otherwise the settings (NEUROPOSE_LOG_FORMAT / NEUROPOSE_LOG_LEVEL, config file, defaults).
  const settings = loadSettings({
    overrides: {
      ...(args["log-format"] ? { logFormat: args["log-format"] } : {}),
      ...(args["log-level"] && args["log-level"] !== "silent" ? { logLevel: args["log-level"] } : {}),
    },
  });
  const log = createLogger({ format: settings.logFormat, level: args["log-level"] ?? settings.logLevel });
  const outPath = resolve(args.output);
  await checkOutputPath(outPath, { force: args.force, label: "-o" });
  if (!existsSync(args.predictions)) {
    throw new NeuroPoseError("E_INPUT_MISSING", "predictions file not found", {
      path: args.predictions,
      hint: "give the JSON written by neuropose-infer",
    });
  }
  // the predictions file's own hash is added by the export, which reads the file anyway
  const hashes: Record<string, string> = {};
  let videoPath: string | undefined;
  if (args.video !== undefined) {
    const abs = resolve(args.video);
    if (!existsSync(abs)) {
      throw new NeuroPoseError("E_INPUT_MISSING", "video file not found", {
        path: args.video,
        hint: "--video names the source video; it is linked (not copied) from the NWB file",
      });
    }
    videoPath = relative(dirname(outPath), abs);
    if (isAbsolute(videoPath)) log.warn("the video is on another drive: its path is stored as absolute");
    hashes[basename(abs)] = await prefixedSha256File(abs);
  }
  const metadata = nwbMetadataFromFlags(args, {
    video: args.video !== undefined ? { path: args.video } : undefined,
    defaultDescription: `Pose estimated by NeuroPose from ${basename(args.video ?? args.predictions)}.`,
    warn: (m) => log.warn(m),
  });
  let progress: ReturnType<typeof createProgress> | undefined;
  const showProgress = !args.json && args["log-level"] !== "silent";
  let summary: Awaited<ReturnType<typeof predictionsFileToNwb>>;
  const t0 = performance.now();
  const signal = abortOnSignals();
  try {
    summary = await predictionsFileToNwb(args.predictions, outPath, {
      ...metadata,
      videoStartTime: args["video-start"],
      ...(videoPath !== undefined ? { videoPath } : {}),
      include: { image2d: args["2d"], world3d: args["3d"] },
      inputHashes: hashes,
      signal,
      onProgress: (p) => {
        // The writer counts rows over every series (each series holds every frame): shown as the share of the
        // frames written, since the streamed file's frame count is known only at its end.
        progress ??= createProgress({
          label: "nwb (frames written)",
          total: 100,
          unit: "%",
          enabled: showProgress,
        });
        progress.update(Math.round((100 * p.done) / Math.max(1, p.total)), { detail: p.object });
      },
    });
  } catch (err) {
    progress?.stop();
    // Ctrl-C / SIGTERM: the write stopped between chunks and removed its temp file; exit like a shell does.
    if (signal.aborted && isNeuroPoseError(err) && err.code === "E_ABORTED") {
      process.stderr.write(
        `error: ${(signal.reason as Error)?.message ?? "interrupted"}; nothing was written\n`,
      );
      process.exit(130);
    }
    throw err;
  } finally {
    progress?.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const bytes = statSync(outPath).size;
  if (args.json) {
    out.write(`${JSON.stringify({ ...summary, path: outPath, bytes, seconds })}\n`);
  } else {
    out.write(
      `wrote ${args.output}: ${summary.frames} frames, ${summary.persons.length} person(s), ` +
        `${summary.poseEstimations.length} PoseEstimation(s), ${(bytes / 1e6).toFixed(2)} MB in ${seconds.toFixed(2)} s\n`,
    );
  }
}

/** Runs `neuropose nwb validate`. */
export async function runValidate(
  args: ValidateArgs,
  out: { write(s: string): unknown } = process.stdout,
): Promise<void> {
  let failed = 0;
  const results = [];
  for (const file of args.files) {
    if (!existsSync(file)) {
      throw new NeuroPoseError("E_INPUT_MISSING", "file not found", { path: file });
    }
    const r = await validateNwb(file);
    const bad = r.errors.length > 0 || (args.strict && r.warnings.length > 0);
    if (bad) failed++;
    results.push(r);
    if (!args.json) {
      out.write(
        `${file}: ${bad ? "FAIL" : "ok"} (NWB ${r.nwbVersion ?? "?"}, ${r.objects} typed objects, ${r.errors.length} error(s), ${r.warnings.length} warning(s))\n`,
      );
      for (const i of [...r.errors, ...r.warnings]) out.write(`  ${i.severity}: ${i.path}: ${i.message}\n`);
    }
  }
  if (args.json) out.write(`${JSON.stringify(results)}\n`);
  if (failed > 0) {
    throw new NeuroPoseError("E_NWB_INVALID", `${failed} of ${args.files.length} file(s) failed validation`, {
      hint: args.json ? "see the JSON report" : "see the findings above",
      kind: "user",
    });
  }
}
