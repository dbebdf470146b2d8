import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { stringifyJson } from "@neuropose/io";
import type { JobSource } from "@neuropose/jobs";
import { pageHtml, rowOf } from "./_page.js";
import { isLoopback, tokenMatches } from "./token.js";

/** Options of {@link createMonitorHandler}. */
export interface MonitorOptions {
  /** Where the jobs come from (read only). */
  source: JobSource;
  /** When set, every request but /health needs `?token=` or the `X-Status-Token` header. */
  token?: string | undefined;
  /** A processing job with no update for this long gets a "stale" badge (default 60 s). */
  staleSeconds?: number | undefined;
  /** How often the page refreshes its rows (default 2000 ms). */
  refreshMs?: number | undefined;
  /** Page title (default "NeuroPose jobs"). */
  title?: string | undefined;
  /** Clock (tests). */
  now?: (() => number) | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": String(Buffer.byteLength(body)),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    ...extra,
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown) {
  send(res, status, "application/json; charset=utf-8", stringifyJson(value));
}

/**
 * The monitor's request handler (for `http.createServer` or any Node server): `GET /` the jobs page (status,
 * progress bar, frames, ETA, current video, started, last update, stale badge; live without a reload),
 * `GET /status.json` the status file (`?job=NAME` one job, 404 when unknown), `GET /jobs.json` the page's rows
 * (queued jobs too), `GET /health` always open. With a token: 401 without a matching one (constant time).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { FolderJobSource } from "@neuropose/jobs";
 * import { createMonitorHandler } from "@neuropose/monitor";
 * const handler = createMonitorHandler({ source: new FolderJobSource("data"), token: "s3cret" });
 * const server = createServer(handler).listen(0, "127.0.0.1"); // a free port; 8765 is the monitor's default
 * server.close();
 * ```
 */
export function createMonitorHandler(options: MonitorOptions): Handler {
  const { source, token } = options;
  const stale = options.staleSeconds ?? 60;
  const now = options.now ?? Date.now;
  const title = options.title ?? "NeuroPose jobs";
  return (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://monitor.invalid");
      if (req.method !== "GET" && req.method !== "HEAD") {
        return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n", { Allow: "GET, HEAD" });
      }
      if (url.pathname === "/health") return json(res, 200, { ok: true });
      if (token !== undefined) {
        const header = req.headers["x-status-token"];
        const given =
          (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("token") ?? undefined;
        if (!tokenMatches(token, given)) {
          return json(res, 401, { error: "unauthorized: pass ?token= or the X-Status-Token header" });
        }
      }
      if (url.pathname === "/status.json") {
        const status = await source.snapshot();
        const job = url.searchParams.get("job");
        if (job === null) return json(res, 200, status);
        if (!Object.hasOwn(status, job)) return json(res, 404, { error: "unknown job", job });
        return json(res, 200, { [job]: status[job] });
      }
      if (url.pathname === "/jobs.json") {
        const t = now();
        const rows = (await source.list()).map((j) => rowOf(j, t, stale));
        return json(res, 200, { source: source.kind, generated_at: new Date(t).toISOString(), rows });
      }
      if (url.pathname === "/" || url.pathname === "/index.html") {
        const t = now();
        const rows = (await source.list()).map((j) => rowOf(j, t, stale));
        const nonce = randomBytes(16).toString("base64");
        return send(
          res,
          200,
          "text/html; charset=utf-8",
          pageHtml(rows, nonce, options.refreshMs ?? 2000, title),
          {
            "Content-Security-Policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
          },
        );
      }
      if (url.pathname === "/favicon.ico") return send(res, 204, "text/plain", "");
      return json(res, 404, { error: "not found" });
    })().catch((err) => {
      if (!res.headersSent) json(res, 500, { error: `monitor error: ${(err as Error).message}` });
      else res.end();
    });
  };
}

/** A running monitor. */
export interface RunningMonitor {
  server: Server;
  /** The page's URL, with `?token=` when a token is set. */
  url: string;
  /** True when bound to a non-loopback address without a token (the CLI warns). */
  exposed: boolean;
  close(): Promise<void>;
}

/**
 * Starts the monitor on `host:port` (default 127.0.0.1:8765; port 0 picks a free one).
 *
 * @example
 * ```ts
 * import { FolderJobSource } from "@neuropose/jobs";
 * import { startMonitor } from "@neuropose/monitor";
 * const m = await startMonitor({ source: new FolderJobSource("data"), port: 0 });
 * console.log(m.url);
 * await m.close();
 * ```
 */
export async function startMonitor(
  options: MonitorOptions & { host?: string | undefined; port?: number | undefined },
): Promise<RunningMonitor> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer(createMonitorHandler(options));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8765, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = `http://${shown}:${addr.port}/${options.token ? `?token=${encodeURIComponent(options.token)}` : ""}`;
  return {
    server,
    url,
    exposed: !isLoopback(host) && !options.token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
