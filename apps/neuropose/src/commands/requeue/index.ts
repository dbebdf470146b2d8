import type { CommandModule } from "yargs";
import { dataDirOption } from "../_shared/options.js";

/** `neuropose requeue JOB...`: failed jobs back into in/. */
export const requeueCommand: CommandModule = {
  command: "requeue <jobs..>",
  describe: "move failed jobs back into in/ so the daemon runs them again",
  builder: (y) =>
    dataDirOption(y).positional("jobs", {
      type: "string",
      array: true,
      describe: "job names (or failed/ folder names such as walk.1)",
    }),
  handler: async (args) => {
    const { context } = await import("../_shared/context.js");
    const { source, logger } = context(args as never);
    for (const job of (args.jobs as string[]).map(String)) {
      const r = await source.requeue(job);
      logger.info(`requeued ${r.job}`, { job: r.job, from: r.from });
    }
  },
};
