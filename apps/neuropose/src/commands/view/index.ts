import { stat } from "node:fs/promises";
import { basename, dirname, relative, resolve } from "node:path";
import { UsageError } from "@neuropose/cli-kit";
import type { CommandModule } from "yargs";

interface ViewArgs {
  predictions: string;
  video?: string;
  out?: string;
  height?: number;
  "embed-limit-mb": number;
}

/**
 * `neuropose view predictions.json [--video clip.mp4] [-o page.html]`: one self-contained HTML page (video with
 * the 2D skeleton, rotating 3D skeleton, angle plots, gait events and parameters). The viewer package is
 * loaded only when this command runs.
 */
export const viewCommand: CommandModule<object, ViewArgs> = {
  command: "view <predictions>",
  describe: "write a self-contained HTML page to look at predictions (3D skeleton, video, angles, gait)",
  builder: (y) =>
    y
      .positional("predictions", { type: "string", demandOption: true, describe: "predictions JSON" })
      .option("video", {
        type: "string",
        describe: "the clip the predictions come from (2D skeleton drawn on it)",
      })
      .option("out", { alias: "o", type: "string", describe: "page to write (default: <predictions>.html)" })
      .option("height", { type: "number", describe: "subject height in metres (stride length, speed)" })
      .option("embed-limit-mb", {
        type: "number",
        default: 20,
        describe: "embed the video in the page when at most this size; otherwise reference it",
      }) as never,
  handler: async (args) => {
    const [{ loadVideoPredictions, writeFileAtomic }, { renderViewerPage }] = await Promise.all([
      import("@neuropose/io"),
      import("@neuropose/viewer"),
    ]);
    const predsPath = resolve(args.predictions);
    const out = resolve(args.out ?? `${predsPath.replace(/\.json$/i, "")}.html`);
    const preds = await loadVideoPredictions(predsPath);
    const notes: string[] = [`predictions: ${basename(predsPath)}`];
    let videoSrc: string | undefined;
    if (args.video !== undefined) {
      const videoPath = resolve(args.video);
      const size = await stat(videoPath).then(
        (s) => s.size,
        () => {
          throw new UsageError(`video not found: ${args.video}`, {
            path: args.video,
            hint: "check the --video path",
          });
        },
      );
      if (size <= args["embed-limit-mb"] * 1024 * 1024) {
        const { readFile } = await import("node:fs/promises");
        videoSrc = `data:video/mp4;base64,${(await readFile(videoPath)).toString("base64")}`;
        notes.push(`video ${basename(videoPath)} embedded in the page (${(size / 1e6).toFixed(1)} MB)`);
      } else {
        videoSrc = relative(dirname(out), videoPath).split("\\").join("/");
        notes.push(
          `video referenced as ${videoSrc} relative to this page (${(size / 1e6).toFixed(0)} MB is over the embed limit): keep it there`,
        );
      }
    }
    const html = renderViewerPage(preds as never, {
      title: basename(predsPath),
      videoSrc,
      notes,
      height: args.height,
    });
    await writeFileAtomic(out, html);
    process.stdout.write(
      `wrote ${relative(process.cwd(), out) || out}${notes.length > 1 ? ` (${notes[1]})` : ""}\n`,
    );
  },
};
