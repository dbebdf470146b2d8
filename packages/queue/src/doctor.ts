// `neuropose doctor --queue URL`: the queue's rows of the doctor table (same shape as @neuropose/jobs' checks).
import type { DoctorCheck } from "@neuropose/jobs";
import {
  MIN_REDIS_VERSION,
  probeRedis,
  type QueueConnectionOptions,
  type ResolvedConnection,
  resolveConnection,
} from "./connection.js";
import { QueueError } from "./errors.js";

const loopback = (host: string) => host === "localhost" || host === "::1" || /^127\./.test(host);

/**
 * The queue's preflight as doctor rows (never throws): URL, reachability, Redis version against what BullMQ
 * needs, authentication, TLS and the eviction policy, each pass, warn (works, but unsafe or fragile) or fail.
 *
 * @example
 * ```ts
 * import { checkQueue } from "@neuropose/queue";
 * for (const c of await checkQueue({ url: "redis://127.0.0.1:1" }, 500)) console.log(c.status, c.name, c.detail);
 * ```
 */
export async function checkQueue(options: QueueConnectionOptions, timeoutMs = 5000): Promise<DoctorCheck[]> {
  const rows: DoctorCheck[] = [];
  const add = (name: string, status: DoctorCheck["status"], detail: string) =>
    rows.push({ name: `queue ${name}`, status, detail });
  let c: ResolvedConnection;
  try {
    c = resolveConnection(options);
  } catch (err) {
    add("url", "fail", (err as QueueError).oneLine?.() ?? (err as Error).message);
    return rows;
  }
  add("url", "pass", c.display);
  const host = String(c.options.host);
  const local = loopback(host);
  const tls = Boolean(c.options.tls);
  const hasPassword = Boolean(c.options.password);
  try {
    const p = await probeRedis(c, timeoutMs);
    add("reachable", "pass", `PING answered in ${p.pingMs.toFixed(1)} ms`);
    add("version", "pass", `Redis ${p.version} (BullMQ needs ${MIN_REDIS_VERSION} or newer)`);
    if (hasPassword) add("auth", "pass", "password accepted");
    else if (local) add("auth", "pass", "no password (loopback only)");
    else add("auth", "warn", `no password: anyone who reaches ${host} can read and change the queue`);
    if (tls) {
      add(
        "tls",
        "pass",
        `certificate verified (${options.tlsCaFile ? `CA ${options.tlsCaFile}` : "system CAs"})`,
      );
    } else if (local) add("tls", "pass", "not used (loopback)");
    else
      add(
        "tls",
        "warn",
        "not encrypted: job data and the password cross the network in clear (use rediss://)",
      );
    if (p.evictionPolicy && p.evictionPolicy !== "noeviction") {
      add(
        "eviction",
        "warn",
        `maxmemory-policy is ${p.evictionPolicy}: Redis may drop queued jobs when full (BullMQ needs noeviction)`,
      );
    } else add("eviction", "pass", p.evictionPolicy ?? "not reported");
  } catch (err) {
    const e = err instanceof QueueError ? err : undefined;
    const text = e ? e.oneLine() : (err as Error).message;
    switch (e?.code) {
      case "E_QUEUE_AUTH":
        add("reachable", "pass", "Redis answered");
        add("auth", "fail", text);
        break;
      case "E_QUEUE_TLS":
        add("reachable", "pass", "the port answered");
        add("tls", "fail", text);
        break;
      case "E_QUEUE_VERSION":
        add("reachable", "pass", "Redis answered");
        add("version", "fail", text);
        break;
      default:
        add("reachable", "fail", text);
    }
  }
  return rows;
}
