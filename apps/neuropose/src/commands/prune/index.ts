import type { CommandModule } from "yargs";
import { dataDirOption } from "../_shared/options.js";

/** `neuropose prune --older-than N`: retention by hand. */
export const pruneCommand: CommandModule = {
  command: "prune",
  describe:
    "delete inputs and outputs of finished jobs older than N days (a tombstone stays in the status file)",
  builder: (y) =>
    dataDirOption(y)
      .option("older-than", { type: "number", demandOption: true, describe: "days since the job finished" })
      .option("dry-run", { type: "boolean", default: false, describe: "only list what would be deleted" }),
  handler: async (args) => {
    const { UsageError } = await import("@neuropose/cli-kit");
    const days = args["older-than"] as number;
    if (!(days >= 0)) throw new UsageError(`--older-than must be a number of days >= 0 (got ${days})`);
    const { context } = await import("../_shared/context.js");
    const { source } = context(args as never);
    const r = await source.prune({ olderThanDays: days, dryRun: args["dry-run"] as boolean });
    const verb = args["dry-run"] ? "would delete" : "deleted";
    for (const p of r.paths) process.stdout.write(`${verb} ${p}\n`);
    process.stdout.write(`${r.jobs.length} job(s) ${args["dry-run"] ? "would be " : ""}pruned\n`);
  },
};
