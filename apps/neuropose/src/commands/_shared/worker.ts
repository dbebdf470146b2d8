import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "@neuropose/cli-kit";
import type { Device, Settings } from "@neuropose/io";
import { createBlazePoseWorker, type VideoWorker } from "@neuropose/jobs";

export interface ModelArgs {
  model: "lite" | "full" | "heavy";
  device?: Device | undefined;
  threads?: number | undefined;
  "max-people": number;
  "model-cache"?: string | undefined;
}

/** The version of the umbrella CLI (recorded in provenance). */
export function cliVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    for (const p of [
      join(here, "..", "package.json"),
      join(here, "..", "..", "package.json"),
      join(here, "..", "..", "..", "package.json"),
    ]) {
      if (existsSync(p)) {
        const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version: string };
        if (pkg.name === "@neuropose/neuropose") return pkg.version;
      }
    }
  } catch {}
  return "unknown";
}

/** Loads the model once: the daemon's VideoWorker with the same options as neuropose-infer. */
export function loadWorker(args: ModelArgs, settings: Settings, logger: Logger): Promise<VideoWorker> {
  return createBlazePoseWorker({
    model: args.model,
    cacheDir: settings.modelCacheDir,
    device: (args.device ?? settings.device) as Device,
    threads: args.threads ?? settings.threads,
    maxPeople: args["max-people"],
    ffmpegPath: settings.ffmpegPath,
    ffprobePath: settings.ffprobePath,
    neuroposeVersion: cliVersion(),
    logger,
  });
}
