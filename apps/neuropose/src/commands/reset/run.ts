import { rm } from "node:fs/promises";
import { UsageError } from "@neuropose/cli-kit";
import { isProcessAlive, readLock } from "@neuropose/jobs";
import { context, type DaemonArgs, type Out } from "../_shared/context.js";

export interface ResetArgs extends DaemonArgs {
  "dry-run": boolean;
  yes: boolean;
  "stop-only": boolean;
  "keep-failed": boolean;
  "keep-inputs": boolean;
  grace: number;
  kill: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops the data dir's processes by their lock pids, then wipes the chosen folders. */
export async function runReset(args: ResetArgs, out: Out = process.stdout): Promise<number> {
  const { source, logger } = context(args);
  const layout = source.layout;
  const dry = args["dry-run"];
  if (!dry && !args.yes && !args["stop-only"]) {
    throw new UsageError("reset deletes data: pass --yes (or --dry-run to see what it would do)");
  }
  const locks = [layout.lock, layout.monitorLock];
  for (const path of locks) {
    const info = readLock(path);
    if (!info || !isProcessAlive(info.pid)) continue;
    out.write(`${dry ? "would stop" : "stopping"} ${info.role} pid ${info.pid}\n`);
    if (dry) continue;
    process.kill(info.pid, "SIGINT");
    const deadline = Date.now() + args.grace * 1000;
    while (isProcessAlive(info.pid) && Date.now() < deadline) await sleep(100);
    if (isProcessAlive(info.pid)) {
      if (!args.kill)
        throw new UsageError(`${info.role} pid ${info.pid} is still running after ${args.grace} s`, {
          hint: "pass --kill",
        });
      logger.warn(`${info.role} pid ${info.pid} did not stop in ${args.grace} s: SIGKILL`);
      process.kill(info.pid, "SIGKILL");
      while (isProcessAlive(info.pid)) await sleep(50);
    }
  }
  if (args["stop-only"]) return 0;
  const wipe = [layout.out, layout.staging, ...locks];
  if (!args["keep-inputs"]) wipe.push(layout.in);
  if (!args["keep-failed"]) wipe.push(layout.failed);
  for (const p of wipe) {
    out.write(`${dry ? "would delete" : "deleting"} ${p}\n`);
    if (!dry) await rm(p, { recursive: true, force: true });
  }
  if (!dry) await source.ensureLayout();
  return 0;
}
