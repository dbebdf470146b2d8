// Redis connection settings from a URL (+ password / TLS CA from io's settings), the preflight that turns
// "Redis is down / wants a password / is too old" into one clear error, and URL redaction for logs.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { Redis, type RedisOptions } from "ioredis";
import { QueueError } from "./errors.js";

/** Oldest Redis that BullMQ 5 runs on. */
export const MIN_REDIS_VERSION = "5.0.0";

/** How to reach the queue. */
export interface QueueConnectionOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS). */
  url: string;
  /** Password (settings `queuePassword`); wins over one in the URL. */
  password?: string | undefined;
  /** PEM file of the CA that signed the server's certificate (settings `queueTlsCa`); implies TLS. */
  tlsCaFile?: string | undefined;
  /** BullMQ queue name (default "neuropose"). */
  queueName?: string | undefined;
}

/** Resolved ioredis options plus the URL with any password removed (the only form that may be logged). */
export interface ResolvedConnection {
  options: RedisOptions;
  /** e.g. `redis://127.0.0.1:6379/0` (never a password). */
  display: string;
  queueName: string;
}

/**
 * The URL without its password or user name, for logs and errors.
 *
 * @example
 * ```ts
 * import { redactUrl } from "@neuropose/queue";
 * console.log(redactUrl("redis://:hunter2@db.lab:6379/1")); // redis://db.lab:6379/1
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "<invalid queue URL>";
  }
}

/**
 * Turns a queue URL and the password/TLS settings into ioredis options (BullMQ's worker needs
 * `maxRetriesPerRequest: null`: commands wait for a reconnect instead of failing).
 *
 * @example
 * ```ts
 * import { resolveConnection } from "@neuropose/queue";
 * const c = resolveConnection({ url: "rediss://db.lab:6380/2", password: "s3cret" });
 * console.log(c.display, c.options.port, c.options.db, Boolean(c.options.tls)); // rediss://db.lab:6380/2 6380 2 true
 * ```
 */
export function resolveConnection(o: QueueConnectionOptions): ResolvedConnection {
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    throw new QueueError("E_QUEUE_URL", "the queue URL is not a URL", {
      hint: "use redis://host:6379 or rediss://host:6380 for TLS",
    });
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new QueueError(
      "E_QUEUE_URL",
      `the queue URL must start with redis:// or rediss://, not ${u.protocol}//`,
      {
        hint: "use redis://host:6379 or rediss://host:6380 for TLS",
      },
    );
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new QueueError(
      "E_QUEUE_URL",
      `the queue URL names database "${u.pathname.slice(1)}", not a number`,
    );
  }
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    db,
    maxRetriesPerRequest: null,
    // reconnect for ever, backing off to 2 s: a Redis restart must not kill the workers
    retryStrategy: (times) => Math.min(100 * times, 2000),
  };
  const user = decodeURIComponent(u.username);
  const password = o.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
  if (user) options.username = user;
  if (password) options.password = password;
  if (u.protocol === "rediss:" || o.tlsCaFile) {
    let ca: Buffer | undefined;
    if (o.tlsCaFile) {
      try {
        ca = readFileSync(o.tlsCaFile);
      } catch (err) {
        throw new QueueError("E_QUEUE_URL", `cannot read the TLS CA file: ${(err as Error).message}`, {
          path: o.tlsCaFile,
          hint: "check the queueTlsCa setting (NEUROPOSE_QUEUE_TLS_CA)",
        });
      }
    }
    // SNI takes host names only (Node warns on an IP); the certificate is checked against the host either way
    options.tls = {
      ...(isIP(options.host as string) ? {} : { servername: options.host }),
      ...(ca ? { ca } : {}),
    };
  }
  return { options, display: redactUrl(o.url), queueName: o.queueName ?? "neuropose" };
}

/**
 * True when Redis `version` (e.g. "7.0.15") is at least `min`.
 *
 * @example
 * ```ts
 * import { redisVersionAtLeast } from "@neuropose/queue";
 * console.log(redisVersionAtLeast("7.0.15", "5.0.0"), redisVersionAtLeast("4.0.9", "5.0.0")); // true false
 * ```
 */
export function redisVersionAtLeast(version: string, min: string): boolean {
  const a = version.split(".").map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split(".").map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * Connects once, without retrying, and checks the server: a clear {@link QueueError} when Redis is
 * unreachable (`E_QUEUE_UNREACHABLE`), refuses the password (`E_QUEUE_AUTH`) or is older than
 * {@link MIN_REDIS_VERSION} (`E_QUEUE_VERSION`). Returns the server's version.
 *
 * @example
 * ```ts
 * import { checkRedis, resolveConnection } from "@neuropose/queue";
 * const version = await checkRedis(resolveConnection({ url: "redis://127.0.0.1:6379" }));
 * console.log(version); // 7.0.15
 * ```
 */
export async function checkRedis(c: ResolvedConnection, timeoutMs = 5000): Promise<string> {
  return (await probeRedis(c, timeoutMs)).version;
}

/** What {@link probeRedis} learnt from the server. */
export interface RedisProbe {
  version: string;
  /** Round trip of one PING, ms. */
  pingMs: number;
  /** `maxmemory_policy` from INFO memory (BullMQ needs "noeviction"), or undefined when not reported. */
  evictionPolicy: string | undefined;
}

/**
 * {@link checkRedis} with what `neuropose doctor --queue` shows: the version, a PING's round trip and the
 * eviction policy. Raises the same {@link QueueError}s.
 *
 * @example
 * ```ts
 * import { probeRedis, resolveConnection } from "@neuropose/queue";
 * const p = await probeRedis(resolveConnection({ url: "redis://127.0.0.1:6379" }));
 * console.log(p.version, p.evictionPolicy); // 7.0.15 noeviction
 * ```
 */
export async function probeRedis(c: ResolvedConnection, timeoutMs = 5000): Promise<RedisProbe> {
  const client = new Redis({
    ...c.options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
  });
  // ioredis reports an AUTH failure as an "error" event and then rejects connect() with "Connection is closed"
  let lastError: Error | undefined;
  client.on("error", (err: Error) => {
    lastError = err;
  });
  try {
    await client.connect();
    const info = await client.info("server");
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1]?.trim() ?? "0.0.0";
    if (!redisVersionAtLeast(version, MIN_REDIS_VERSION)) {
      throw new QueueError(
        "E_QUEUE_VERSION",
        `Redis at ${c.display} is version ${version}; the queue needs ${MIN_REDIS_VERSION} or newer`,
        { hint: "upgrade Redis (Debian: apt install redis-server)" },
      );
    }
    const t0 = performance.now();
    await client.ping();
    const pingMs = performance.now() - t0;
    const memory = await client.info("memory");
    const evictionPolicy = /maxmemory_policy:([^\r\n]+)/.exec(memory)?.[1]?.trim();
    return { version, pingMs, evictionPolicy };
  } catch (err) {
    if (err instanceof QueueError) throw err;
    const msg = `${(err as Error).message ?? String(err)} ${lastError?.message ?? ""}`;
    if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(msg)) {
      throw new QueueError(
        "E_QUEUE_AUTH",
        `Redis at ${c.display} refused the credentials (${(/(NOAUTH|WRONGPASS)[^\r\n]*/.exec(msg)?.[0] ?? "authentication failed").trim()})`,
        {
          hint: "set the password with --queue-password or NEUROPOSE_QUEUE_PASSWORD",
        },
      );
    }
    const code = (err as { code?: string }).code ?? (lastError as { code?: string } | undefined)?.code;
    const tls = tlsProblem(code, lastError ?? (err as Error));
    if (tls) {
      throw new QueueError("E_QUEUE_TLS", `TLS to Redis at ${c.display} failed: ${tls}`, {
        hint: c.options.tls
          ? "set queueTlsCa (NEUROPOSE_QUEUE_TLS_CA) to the PEM file of the CA that signed the server's certificate, and use the host name the certificate names"
          : "the server speaks TLS: use a rediss:// URL",
      });
    }
    throw new QueueError("E_QUEUE_UNREACHABLE", `cannot reach Redis at ${c.display} (${code ?? msg})`, {
      hint: "is redis-server running there, and does this machine reach its port?",
    });
  } finally {
    client.disconnect();
  }
}

/** A short reason when a connection error is a TLS failure (certificate not trusted, wrong host, handshake). */
function tlsProblem(code: string | undefined, err: Error | undefined): string | undefined {
  const certCodes: Record<string, string> = {
    SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate chain ends in a CA that is not trusted",
    DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not trusted",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not signed by a trusted CA",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate is not signed by a trusted CA",
    CERT_HAS_EXPIRED: "the server's certificate has expired",
    ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate names another host",
  };
  if (code && certCodes[code]) return `${certCodes[code]} (${code})`;
  if (
    code === "EPROTO" ||
    code?.startsWith("ERR_SSL_") ||
    /SSL routines|wrong version number/i.test(err?.message ?? "")
  ) {
    return `the TLS handshake failed (${code ?? "protocol error"})`;
  }
  return undefined;
}
