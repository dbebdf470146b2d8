// Test helper (import it relatively, e.g. `../../../config/test-redis.js`): a real redis-server on a free loopback port with its own temp dir (Debian's redis-server; tests
// skip with a printed reason when it is absent). No persistence unless asked (the Redis-restart test needs it).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

/** Path of redis-server, or undefined (then `redisSkipReason` says why tests skip). */
export const redisServerPath: string | undefined = CANDIDATES.find((p): p is string => !!p && existsSync(p));
export const redisSkipReason = redisServerPath
  ? undefined
  : "redis-server not found (apt install redis-server): the queue tests need a real Redis";
if (redisSkipReason) console.warn(`@neuropose/queue: skipping Redis tests: ${redisSkipReason}`);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SIGTERM; with persistence it saves first). */
  stop(): Promise<void>;
  /** Starts it again on the same port and dir. */
  start(): Promise<void>;
  /** Stops it and removes its dir. */
  dispose(): Promise<void>;
}

/** Starts redis-server on a free loopback port; `persist` turns on the append-only file. */
export async function startRedis(options: { persist?: boolean; password?: string } = {}): Promise<TestRedis> {
  if (!redisServerPath) throw new Error(redisSkipReason);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "np-redis-"));
  let proc: ChildProcess | undefined;
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    options.persist ? "yes" : "no",
    "--appendfsync",
    "always",
    ...(options.password ? ["--requirepass", options.password] : []),
  ];
  const start = async () => {
    proc = spawn(redisServerPath as string, args, { stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const t = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 15_000);
      proc?.stdout?.on("data", (d) => {
        out += d;
        if (out.includes("Ready to accept connections")) {
          clearTimeout(t);
          resolve();
        }
      });
      proc?.on("exit", (code) => {
        clearTimeout(t);
        reject(new Error(`redis-server exited (${code}): ${out}`));
      });
    });
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      p.kill("SIGTERM");
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Version string of the installed redis-server (for messages). */
export function redisVersion(): string {
  if (!redisServerPath) return "none";
  return execFileSync(redisServerPath, ["--version"]).toString().trim();
}
