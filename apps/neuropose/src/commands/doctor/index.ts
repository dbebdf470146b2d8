import type { CommandModule } from "yargs";
import { dataDirOption } from "../_shared/options.js";

/** `neuropose doctor`: the preflight table. Exit 0 all pass, 1 warnings, 2 failures. */
export const doctorCommand: CommandModule = {
  command: "doctor",
  describe:
    "check this machine for the daemon: data dir, lock, model cache, ffmpeg, onnxruntime, providers, --queue (exit 0/1/2)",
  builder: (y) =>
    dataDirOption(y)
      .option("json", { type: "boolean", default: false, describe: "print JSON" })
      .option("queue", {
        type: "string",
        describe:
          "also check this Redis queue (redis://host:6379, rediss:// for TLS; password and CA from settings): reachable, version, auth, TLS, eviction",
      }),
  handler: async (args) => {
    const { context, table } = await import("../_shared/context.js");
    const { runDoctor } = await import("@neuropose/jobs");
    const { settings } = context(args as never);
    const report = await runDoctor({ settings });
    if (args.queue !== undefined) {
      const { queueOptionsOf } = await import("../_shared/queue.js");
      const { checkQueue } = await import("@neuropose/queue");
      report.checks.push(...(await checkQueue(queueOptionsOf(args.queue as string, settings))));
      const worst = report.checks.some((c) => c.status === "fail")
        ? "fail"
        : report.checks.some((c) => c.status === "warn")
          ? "warn"
          : "pass";
      report.status = worst;
    }
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
