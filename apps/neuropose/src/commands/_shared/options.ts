// yargs option sets shared by the daemon commands (cheap: no heavy imports here).
import type { Argv } from "yargs";

export function dataDirOption<T>(y: Argv<T>) {
  return y.option("data-dir", {
    type: "string",
    describe: "data dir with in/ out/ failed/ (default: settings dataDir, NEUROPOSE_DATA_DIR)",
  });
}

export function modelOptions<T>(y: Argv<T>) {
  return y
    .option("model", {
      choices: ["lite", "full", "heavy"] as const,
      default: "full" as const,
      describe: "landmark model",
    })
    .option("device", {
      choices: ["auto", "cpu", "cuda", "coreml", "webgpu"] as const,
      describe: "execution provider",
    })
    .option("threads", { type: "number", describe: "CPU threads for inference" })
    .option("max-people", { type: "number", default: 1, describe: "people tracked at once" })
    .option("model-cache", {
      type: "string",
      describe: "model cache folder (default: settings modelCacheDir)",
    });
}
