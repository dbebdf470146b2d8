import { basename, extname, resolve } from "node:path";
import { abortOnSignals, createProgress } from "@neuropose/cli-kit";
import { loadVideoPredictions, saveJobResults } from "@neuropose/io";
import { context, type DaemonArgs } from "../_shared/context.js";
import { loadWorker, type ModelArgs } from "../_shared/worker.js";

export interface ProcessArgs extends DaemonArgs, ModelArgs {
  videos: string[];
  output?: string | undefined;
}

/** Processes the named videos with the daemon's worker. */
export async function runProcess(args: ProcessArgs): Promise<number> {
  const { settings, logger } = context(args);
  const signal = abortOnSignals();
  const worker = await loadWorker(args, settings, logger);
  const outputs: [string, string][] = [];
  try {
    for (const v of args.videos.map(String)) {
      const out = args.output
        ? resolve(`${args.output}.${basename(v)}.part.json`)
        : `${basename(v, extname(v))}.poses.json`;
      const bar = createProgress({ label: basename(v), total: 0, enabled: args["log-level"] !== "silent" });
      try {
        const s = await worker.process(v, out, {
          signal,
          onProgress: (p) => {
            bar.setTotal(p.total);
            bar.update(p.done);
          },
        });
        logger.info(`${basename(v)}: ${s.frames} frames, ${s.fps.toFixed(1)} frames/s on ${s.provider}`, {
          video: basename(v),
        });
      } finally {
        bar.stop();
      }
      outputs.push([basename(v), out]);
      if (!args.output) logger.info(`wrote ${out}`);
    }
    if (args.output) {
      const results: Record<string, unknown> = {};
      for (const [name, part] of outputs) results[name] = await loadVideoPredictions(part);
      await saveJobResults(args.output, results as never);
      logger.info(`wrote ${args.output}`);
    }
  } finally {
    if (args.output) {
      const { rm } = await import("node:fs/promises");
      for (const [, part] of outputs) await rm(part, { force: true });
    }
    await worker.dispose();
  }
  return 0;
}
