import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { saveStatusFile } from "@neuropose/io";
import { FolderJobSource } from "@neuropose/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopback, type RunningMonitor, startMonitor, tokenMatches } from "./index.js";

let root: string;
let monitor: RunningMonitor;
let base: string;
const HOSTILE = `<img src=x onerror="alert(1)">`;

/** A raw HTTP/1.1 request over a socket: status line, headers and body exactly as the server sent them. */
function raw(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; head: string; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), "127.0.0.1");
    let data = "";
    sock.on("data", (d) => (data += d));
    sock.on("error", reject);
    sock.on("end", () => {
      const [head = "", ...rest] = data.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), head, body: rest.join("\r\n\r\n") });
    });
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    sock.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`);
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "np-monitor-"));
  mkdirSync(join(root, "in", HOSTILE), { recursive: true });
  writeFileSync(join(root, "in", HOSTILE, "a.mp4"), "v");
  mkdirSync(join(root, "in", "waiting"), { recursive: true });
  writeFileSync(join(root, "in", "waiting", "a.mp4"), "v");
  await saveStatusFile(join(root, "out", "status.json"), {
    [HOSTILE]: {
      status: "failed",
      started_at: "2026-01-01T10:00:00Z",
      completed_at: "2026-01-01T10:01:00Z",
      error: `InferError: <script>alert("x")</script> & friends`,
    },
    running: {
      status: "processing",
      started_at: "2026-01-01T10:00:00Z",
      last_update: "2026-01-01T10:00:30Z",
      current_video: "walk.mp4",
      frames_processed: 150,
      frames_total: 300,
      percent_complete: 50,
      videos_completed: 0,
      videos_total: 1,
    },
  });
  monitor = await startMonitor({ source: new FolderJobSource(root), port: 0, token: "s3cret-t0ken" });
  base = monitor.url.replace(/\?.*$/, "");
});
afterAll(async () => {
  await monitor.close();
  rmSync(root, { recursive: true, force: true });
});

describe("monitor over raw HTTP", () => {
  it("prints the URL with the token; /health is open", async () => {
    expect(monitor.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=s3cret-t0ken$/);
    expect(monitor.exposed).toBe(false);
    const r = await raw("/health");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
  });

  it("401 without the token or with a wrong one, for the page and the JSON", async () => {
    for (const p of [
      "/",
      "/status.json",
      "/jobs.json",
      "/status.json?job=running",
      "/?token=wrong",
      "/nope",
    ]) {
      const r = await raw(p);
      expect(r.status, p).toBe(401);
      expect(r.body).not.toContain("walk.mp4");
    }
    expect((await raw("/status.json", { "X-Status-Token": "s3cret-t0ke" })).status).toBe(401);
    expect((await raw("/status.json", { "X-Status-Token": "s3cret-t0ken" })).status).toBe(200);
    expect((await raw("/status.json?token=s3cret-t0ken")).status).toBe(200);
  });

  it("/status.json: the whole file, ?job= one job, 404 for an unknown job", async () => {
    const all = JSON.parse((await raw("/status.json?token=s3cret-t0ken")).body);
    expect(Object.keys(all).sort()).toEqual([HOSTILE, "running"].sort());
    const one = await raw(`/status.json?token=s3cret-t0ken&job=running`);
    expect(JSON.parse(one.body).running.percent_complete).toBe(50);
    const missing = await raw("/status.json?token=s3cret-t0ken&job=ghost");
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ error: "unknown job", job: "ghost" });
    expect((await raw("/other?token=s3cret-t0ken")).status).toBe(404);
  });

  it("the page escapes hostile job names and errors, and sends a strict CSP", async () => {
    const r = await raw("/?token=s3cret-t0ken");
    expect(r.status).toBe(200);
    expect(r.head).toMatch(/content-security-policy: default-src 'none'; script-src 'nonce-/i);
    expect(r.body).not.toContain(HOSTILE);
    expect(r.body).not.toContain("<script>alert");
    expect(r.body).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(r.body).toContain("InferError: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends");
    expect(r.body).toContain('<progress max="100" value="50"></progress> 50%');
    expect(r.body).toMatch(/<span class="stale">stale<\/span>/); // last update long ago
    expect(r.body).toContain(">queued<"); // in/waiting has no entry yet
  });

  it("compares tokens in constant time and knows loopback addresses", () => {
    expect(tokenMatches("abc", "abc")).toBe(true);
    expect(tokenMatches("abc", "abd")).toBe(false);
    expect(tokenMatches("abc", undefined)).toBe(false);
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("0.0.0.0")).toBe(false);
  });

  it("a monitor without a token on a public address says it is exposed", async () => {
    const m = await startMonitor({ source: new FolderJobSource(root), host: "0.0.0.0", port: 0 });
    try {
      expect(m.exposed).toBe(true);
      const status = await new Promise<number>((resolve) => {
        request(`${m.url.replace("0.0.0.0", "127.0.0.1")}status.json`, (res) =>
          resolve(res.statusCode ?? 0),
        ).end();
      });
      expect(status).toBe(200);
    } finally {
      await m.close();
    }
  });
});
