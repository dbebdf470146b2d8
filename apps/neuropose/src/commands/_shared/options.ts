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

/** The work of a command (its `run.ts` export): parsed arguments in, exit code out. */
type Run = (args: never) => Promise<number>;

/**
 * A command's yargs handler: loads the command's code only when it runs (`load`, a dynamic import of its
 * run.ts, so `--help` and the other commands never load it), runs it and sets the exit code.
 */
export function lazyRun(load: () => Promise<Run>) {
  return async (args: unknown) => {
    const run = await load();
    process.exitCode = await run(args as never);
  };
}

/** Like {@link lazyRun} for a command with a queue flavour: `--queue URL` runs `queue`, else `folder` (the data dir). */
export function lazyRunByQueue(queue: () => Promise<Run>, folder: () => Promise<Run>) {
  return async (args: Record<string, unknown>) => {
    const run = await (args.queue !== undefined ? queue() : folder());
    process.exitCode = await run(args as never);
  };
}

/** `--queue URL`: the command's queue flavour; `what` says what it does there. */
export function queueOption<T>(y: Argv<T>, what: string) {
  return y.option("queue", { type: "string", describe: `${what} (redis://host:6379)` });
}

/** `-o/--output FILE` of a command that writes one document (`describe` says which). */
export function outputOption<T>(y: Argv<T>, describe: string) {
  return y.option("output", { alias: "o", type: "string", describe });
}
