// Test helper (import it relatively, e.g. `../../../config/test-redis.js`): a real redis-server on a free loopback port with its own temp dir (Debian's redis-server; tests
// skip with a printed reason when it is absent). No persistence unless asked (the Redis-restart test needs it).
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

/** PEM files of a TLS-only server (`--port 0 --tls-port`): its certificate, key and the CA that signed it. */
export interface TestRedisTls {
  cert: string;
  key: string;
  ca: string;
}

/**
 * Starts redis-server on a free loopback port; `persist` turns on the append-only file; `tls` serves TLS only
 * (the URL is then `rediss://`; clients need not present a certificate).
 */
export async function startRedis(
  options: { persist?: boolean; password?: string; tls?: TestRedisTls } = {},
): Promise<TestRedis> {
  if (!redisServerPath) throw new Error(redisSkipReason);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "np-redis-"));
  let proc: ChildProcess | undefined;
  const listen = options.tls
    ? [
        ...["--port", "0", "--tls-port", String(port), "--tls-auth-clients", "no"],
        ...["--tls-cert-file", options.tls.cert, "--tls-key-file", options.tls.key],
        ...["--tls-ca-cert-file", options.tls.ca],
      ]
    : ["--port", String(port)];
  const args = [
    ...listen,
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
    url: `${options.tls ? "rediss" : "redis"}://127.0.0.1:${port}`,
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

const OPENSSL = ["/usr/bin/openssl", "/usr/local/bin/openssl"].find((p) => existsSync(p));

/** Why TLS tests skip (no openssl, or a redis-server built without TLS), else undefined. */
export function redisTlsSkipReason(): string | undefined {
  if (redisSkipReason) return redisSkipReason;
  if (!OPENSSL) return "openssl not found (apt install openssl): the TLS test makes its own CA";
  // Debian's redis-server links OpenSSL: given no certificate it stops with "Failed to configure TLS"; a build
  // without TLS stops with another reason ("TLS not supported")
  const r = spawnSync(
    redisServerPath as string,
    ["--port", "0", "--tls-port", "1", "--tls-cert-file", "/nonexistent", "--save", ""],
    { encoding: "utf8", timeout: 10_000 },
  );
  const text = `${r.stdout}${r.stderr}`;
  if (!text.includes("Failed to configure TLS")) {
    const why = text.split("\n").find((l) => /TLS|tls/.test(l)) ?? text.trim().split("\n").at(-1);
    return `this redis-server cannot serve TLS: ${why}`;
  }
  return undefined;
}

/**
 * A CA, a server certificate it signed for 127.0.0.1/localhost (+ key), and a second, unrelated CA (the wrong
 * one), made with openssl in `dir`.
 */
export function makeTestCerts(dir: string): TestRedisTls & { wrongCa: string } {
  const ssl = (...args: string[]) => execFileSync(OPENSSL as string, args, { cwd: dir, stdio: "pipe" });
  const f = (n: string) => join(dir, n);
  for (const ca of ["ca", "wrong-ca"]) {
    ssl(
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
      ...["-keyout", f(`${ca}.key`), "-out", f(`${ca}.pem`), "-subj", `/CN=NeuroPose test ${ca}`],
    );
  }
  ssl(
    ...["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("server.key"), "-out", f("server.csr")],
    ...["-subj", "/CN=localhost"],
  );
  writeFileSync(f("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  ssl(
    ...["x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key")],
    ...["-CAcreateserial", "-days", "2", "-extfile", f("san.ext"), "-out", f("server.pem")],
  );
  return { ca: f("ca.pem"), cert: f("server.pem"), key: f("server.key"), wrongCa: f("wrong-ca.pem") };
}
