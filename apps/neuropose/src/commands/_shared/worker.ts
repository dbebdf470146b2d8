import type { Logger } from "@neuropose/cli-kit";
import { packageVersion } from "@neuropose/cli-kit/startup";
import type { Device, Settings } from "@neuropose/io";
import { createBlazePoseWorker, type VideoWorker } from "@neuropose/jobs";

export interface ModelArgs {
  model: "lite" | "full" | "heavy";
  device?: Device | undefined;
  threads?: number | undefined;
  "max-people": number;
  "model-cache"?: string | undefined;
}

/** The version of the umbrella CLI (recorded in provenance): cli-kit's one version lookup. */
export function cliVersion(): string {
  return packageVersion(import.meta.url);
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
