import type { CommandModule } from "yargs";
import { dataDirOption, lazyRunByQueue, queueOption } from "../_shared/options.js";

/** `neuropose serve`: the jobs monitor. */
export const serveCommand: CommandModule = {
  command: "serve",
  describe: "serve the jobs page, /status.json and /health for the data dir (read only)",
  builder: (y) =>
    queueOption(
      dataDirOption(y)
        .option("host", {
          type: "string",
          describe: "address to bind (default: settings monitorHost, 127.0.0.1)",
        })
        .option("port", { type: "number", describe: "port (default: settings monitorPort, 8765)" })
        .option("token", { type: "string", describe: "require this token (default: settings monitorToken)" }),
      "serve the jobs of this Redis queue instead",
    ),
  handler: lazyRunByQueue(
    async () => (await import("./queue.js")).runQueueServe,
    async () => (await import("./run.js")).runServe,
  ),
};
