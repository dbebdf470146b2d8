import { LOG_OPTIONS, runCli, usageFailure } from "@neuropose/cli-kit";
import { packageVersion } from "@neuropose/cli-kit/startup";
import type { Argv, CommandModule } from "yargs";
import yargs from "yargs";
import { benchmarkCommand } from "./commands/benchmark/index.js";
import { delegateCommands, runDelegate } from "./commands/delegate/index.js";
import { demoCommand } from "./commands/demo/index.js";
import { doctorCommand } from "./commands/doctor/index.js";
import { ingestCommand } from "./commands/ingest/index.js";
import { nwbCommand } from "./commands/nwb/index.js";
import { processCommand } from "./commands/process/index.js";
import { pruneCommand } from "./commands/prune/index.js";
import { requeueCommand } from "./commands/requeue/index.js";
import { resetCommand } from "./commands/reset/index.js";
import { segmentCommand } from "./commands/segment/index.js";
import { serveCommand } from "./commands/serve/index.js";
import { statusCommand } from "./commands/status/index.js";
import { submitCommand } from "./commands/submit/index.js";
import { viewCommand } from "./commands/view/index.js";
import { watchCommand } from "./commands/watch/index.js";
import { workerCommand } from "./commands/worker/index.js";

// Subcommands live in src/commands/<name>/ and stay orthogonal; register each with one line here.
// biome-ignore lint/suspicious/noExplicitAny: yargs command modules have heterogeneous argument types
const commands: CommandModule<any, any>[] = [
  demoCommand,
  nwbCommand,
  ...delegateCommands,
  // the job daemon and the operator's commands (each loads its code only when it runs)
  watchCommand,
  processCommand,
  statusCommand,
  requeueCommand,
  pruneCommand,
  ingestCommand,
  serveCommand,
  resetCommand,
  doctorCommand,
  segmentCommand,
  benchmarkCommand,
  // the viewer
  viewCommand,
  // the Redis queue (BullMQ; loaded only when these run)
  submitCommand,
  workerCommand,
];

/** Builds the `neuropose` yargs parser (exported for tests). */
export function buildCli(argv: string[]): Argv {
  let cli = yargs(argv)
    .scriptName("neuropose")
    .usage("$0 <command> [options]")
    .options(LOG_OPTIONS)
    .strict()
    .strictCommands()
    .demandCommand(1, "name a command (see --help)")
    .recommendCommands()
    .help()
    .version(packageVersion(import.meta.url))
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail(usageFailure("neuropose --help"));
  for (const command of commands) cli = cli.command(command);
  return cli;
}

/**
 * Entry point of the `neuropose` binary: one `error:` line and exit code 2 for user errors, 1 for bugs.
 *
 * @example
 * ```ts
 * import { main } from "@neuropose/neuropose";
 * await main(["--help"]);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const delegated = await runDelegate(argv);
  if (delegated !== undefined) return delegated;
  // Commands doing long work ask cli-kit for the Ctrl-C signal themselves; the others keep the default Ctrl-C.
  return runCli(
    async () => {
      await buildCli(argv).parseAsync();
      // commands with their own exit codes (doctor: 0/1/2) set process.exitCode
      return typeof process.exitCode === "number" ? process.exitCode : 0;
    },
    { handleSignals: false },
  );
}
