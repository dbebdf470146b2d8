import type { CommandModule } from "yargs";
import { dataDirOption } from "../_shared/options.js";

/** `neuropose serve`: the jobs monitor. */
export const serveCommand: CommandModule = {
  command: "serve",
  describe: "serve the jobs page, /status.json and /health for the data dir (read only)",
  builder: (y) =>
    dataDirOption(y)
      .option("host", {
        type: "string",
        describe: "address to bind (default: settings monitorHost, 127.0.0.1)",
      })
      .option("port", { type: "number", describe: "port (default: settings monitorPort, 8765)" })
      .option("token", { type: "string", describe: "require this token (default: settings monitorToken)" })
      .option("queue", {
        type: "string",
        describe: "serve the jobs of this Redis queue instead (redis://host:6379)",
      }),
  handler: async (args) => {
    if (args.queue !== undefined) {
      const { runQueueServe } = await import("./queue.js");
      process.exitCode = await runQueueServe(args as never);
      return;
    }
    const { runServe } = await import("./run.js");
    process.exitCode = await runServe(args as never);
  },
};
