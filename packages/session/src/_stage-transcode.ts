// Stage "transcode" (optional, `video.transcode.enabled`): a seekable mezzanine copy of every camera file per the
// config (codec, crf, preset, keyframe interval), each written atomically by ffmpeg, cameras in parallel.
import { execFile } from "node:child_process";
import { basename, join } from "node:path";
import { openAtomicTarget } from "@neuropose/io";
import { allInputs, type BuildContext, fail } from "./_build-context.js";
import type { FoundFile } from "./discover.js";

/** Runs the transcode stage when enabled; returns each camera's mezzanine files (empty when disabled). */
export async function transcodeStage(ctx: BuildContext): Promise<Map<string, string[]>> {
  const mezzanine = new Map<string, string[]>();
  const tc = ctx.config.video.transcode;
  const mezzaninePath = (cameraId: string, f: FoundFile) =>
    join(ctx.interim, "video", cameraId, `${basename(f.relative).replace(/\.[^.]+$/, "")}.mp4`);
  if (tc.enabled) {
    const encoder =
      ({ h264: "libx264", h265: "libx265", hevc: "libx265" } as Record<string, string>)[tc.codec] ?? tc.codec;
    await ctx.stage(
      "transcode",
      [ctx.manifestPath, ...allInputs(ctx.files.cameras)],
      { transcode: tc },
      async () => {
        const outputs = await Promise.all(
          [...ctx.files.cameras].map(async ([cameraId, files]) => {
            const done: string[] = [];
            for (const f of files) {
              const target = await openAtomicTarget(mezzaninePath(cameraId, f), { keepExtension: true });
              try {
                await new Promise<void>((ok, bad) =>
                  execFile(
                    ctx.tools.ffmpeg,
                    [
                      ...[
                        "-hide_banner",
                        "-nostdin",
                        "-loglevel",
                        "error",
                        "-y",
                        "-i",
                        f.path,
                        "-map",
                        "0:v:0",
                      ],
                      ...[
                        "-c:v",
                        encoder,
                        "-crf",
                        String(tc.crf),
                        "-preset",
                        tc.preset,
                        "-g",
                        String(tc.keyint),
                      ],
                      ...["-pix_fmt", "yuv420p", "-an", "-vsync", "0", target.tmp],
                    ],
                    { maxBuffer: 16 << 20, ...(ctx.options.signal ? { signal: ctx.options.signal } : {}) },
                    (err, _out, stderr) =>
                      err
                        ? bad(
                            fail(
                              "E_SESSION_TRANSCODE",
                              `camera ${cameraId}: ffmpeg could not transcode ${f.relative}: ${String(stderr).trim().split("\n").pop() || err.message}`,
                              f.path,
                              'check video.transcode.codec/preset in the config (e.g. codec = "h264", preset = "fast")',
                            ),
                          )
                        : ok(),
                  ),
                );
                await target.commit();
              } catch (err) {
                await target.abort();
                throw err;
              }
              done.push(target.path);
            }
            mezzanine.set(cameraId, done);
            return done;
          }),
        );
        return { outputs: outputs.flat(), counts: { files: outputs.flat().length } };
      },
    );
    for (const [cameraId, files] of ctx.files.cameras)
      if (!mezzanine.has(cameraId))
        mezzanine.set(
          cameraId,
          files.map((f) => mezzaninePath(cameraId, f)),
        );
  }
  return mezzanine;
}
