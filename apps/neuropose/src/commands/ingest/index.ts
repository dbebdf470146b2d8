import type { CommandModule } from "yargs";
import { dataDirOption } from "../_shared/options.js";

/** `neuropose ingest ARCHIVE.zip`: a zip of video folders becomes jobs in in/. */
export const ingestCommand: CommandModule = {
  command: "ingest <archive>",
  describe: "unpack a .zip of video folders into jobs in <data dir>/in/ (checked first; all or nothing)",
  builder: (y) =>
    dataDirOption(y)
      .positional("archive", { type: "string", demandOption: true })
      .option("force", { type: "boolean", default: false, describe: "replace jobs that already exist" })
      .option("dry-run", { type: "boolean", default: false, describe: "only print the plan" })
      .example("$0 ingest cohort.zip", "subj01/*.mp4 -> job subj01, ..."),
  handler: async (args) => {
    const { context } = await import("../_shared/context.js");
    const { ingestArchive, planIngest } = await import("@neuropose/jobs");
    const { abortOnSignals } = await import("@neuropose/cli-kit");
    const { settings, logger, source } = context(args as never);
    await source.ensureLayout();
    const opts = {
      force: args.force as boolean,
      maxBytes: settings.ingestMaxBytes,
      logger,
      signal: abortOnSignals(),
    };
    const archive = String(args.archive);
    const plan = args["dry-run"]
      ? await planIngest(archive, settings.dataDir, opts)
      : await ingestArchive(archive, settings.dataDir, opts);
    for (const j of plan.jobs) {
      process.stdout.write(
        `${args["dry-run"] ? "would ingest" : "ingested"} ${j.name}${j.replaces ? " (replacing)" : ""}: ${j.files.map((f) => f.name).join(", ")}\n`,
      );
    }
    if (plan.skipped.length) logger.info(`left out ${plan.skipped.length} file(s) that are not videos`);
  },
};
