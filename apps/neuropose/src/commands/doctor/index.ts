import type { CommandModule } from "yargs";
import { dataDirOption } from "../_shared/options.js";

/** `neuropose doctor`: the preflight table. Exit 0 all pass, 1 warnings, 2 failures. */
export const doctorCommand: CommandModule = {
  command: "doctor",
  describe:
    "check this machine for the daemon: data dir, lock, model cache, ffmpeg, onnxruntime, providers (exit 0/1/2)",
  builder: (y) =>
    dataDirOption(y).option("json", { type: "boolean", default: false, describe: "print JSON" }),
  handler: async (args) => {
    const { context, table } = await import("../_shared/context.js");
    const { runDoctor } = await import("@neuropose/jobs");
    const { settings } = context(args as never);
    const report = await runDoctor({ settings });
    if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const rows = [
        ["CHECK", "RESULT", "DETAIL"],
        ...report.checks.map((c) => [c.name, c.status.toUpperCase(), c.detail]),
      ];
      process.stdout.write(`${table(rows)}\n`);
    }
    process.exitCode = report.status === "pass" ? 0 : report.status === "warn" ? 1 : 2;
  },
};
