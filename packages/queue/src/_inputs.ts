// A queued job's inputs made ready on the worker before the first video: shared files are checked against the
// hash recorded at submission (a file replaced on the share since then is refused, never silently analysed),
// URL inputs are downloaded to a worker-local temp folder (streamed, size-limited, hashed, committed atomically).
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { openAtomicTarget, sha256File } from "@neuropose/io";
import { QueueError } from "./errors.js";
import type { QueueInput } from "./job-data.js";

/** Limits of URL downloads. */
export interface FetchLimits {
  /** Largest download, bytes (default 20 GiB, as ingest's archive limit). */
  maxBytes: number;
  /** Longest wait for the response or for the next bytes, ms (default 60 s). */
  idleTimeoutMs: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxBytes: 20 * 1024 ** 3, idleTimeoutMs: 60_000 };

/** HTTP statuses worth another try later (the server is busy or briefly down). */
const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Refuses a shared input whose size or SHA-256 differs from what was submitted. */
export async function verifyInput(input: QueueInput & { path: string }): Promise<void> {
  const s = await stat(input.path).catch((err) => {
    throw new QueueError("E_QUEUE_INPUT", `cannot read ${input.path}: ${(err as Error).message}`, {
      path: input.path,
      hint: "the input must stay where it was submitted, readable by every worker",
    });
  });
  const now = s.size === input.bytes ? await sha256File(input.path) : undefined;
  if (now !== input.sha256) {
    throw new QueueError(
      "E_QUEUE_INPUT_CHANGED",
      `${input.path} changed since it was submitted (${s.size === input.bytes ? `sha256 ${now?.slice(0, 12)}…, submitted ${input.sha256?.slice(0, 12)}…` : `${s.size} bytes, submitted ${input.bytes}`})`,
      {
        path: input.path,
        hint: "results must match the submitted recording: submit the new file again (neuropose submit) if the change is intended",
      },
    );
  }
}

/**
 * Downloads `url` to `target` (atomically: temp, fsync, rename), hashing as it streams. 404-like answers,
 * timeouts and oversize bodies are user errors (`E_QUEUE_FETCH`: no retry); 5xx/429 and dropped connections
 * are transient (`E_QUEUE_FETCH_RETRY`: retried with backoff).
 */
export async function fetchInput(
  url: string,
  target: string,
  limits: FetchLimits,
  signal?: AbortSignal,
): Promise<{ sha256: string; bytes: number }> {
  const shown = redactHttp(url);
  const idle = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      idle.abort();
    }, limits.idleTimeoutMs);
  };
  const abort = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
  const fail = (err: unknown): never => {
    if (signal?.aborted) throw signal.reason ?? err;
    if (err instanceof QueueError) throw err;
    if (timedOut) {
      throw new QueueError(
        "E_QUEUE_FETCH",
        `downloading ${shown} timed out (no data for ${limits.idleTimeoutMs < 1000 ? `${limits.idleTimeoutMs} ms` : `${Math.round(limits.idleTimeoutMs / 1000)} s`})`,
        { path: shown, hint: "check that the URL is reachable from the worker machines" },
      );
    }
    const e = err as { cause?: { code?: string; message?: string }; code?: string; message?: string };
    const code = e.cause?.code ?? e.code;
    const permanent = code === "ENOTFOUND" || code === "ERR_INVALID_URL" || code === "EAI_NONAME";
    throw new QueueError(
      permanent ? "E_QUEUE_FETCH" : "E_QUEUE_FETCH_RETRY",
      `downloading ${shown} failed (${code ?? e.cause?.message ?? e.message})`,
      { path: shown, hint: permanent ? "check the host name in the URL" : undefined, cause: err },
    );
  };
  poke();
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: abort, redirect: "follow" });
    } catch (err) {
      return fail(err);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      const retry = RETRY_STATUS.has(res.status);
      throw new QueueError(
        retry ? "E_QUEUE_FETCH_RETRY" : "E_QUEUE_FETCH",
        `downloading ${shown} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`,
        {
          path: shown,
          hint: retry
            ? "the server is busy or down; the job is retried"
            : "check the URL (is the file still there?)",
        },
      );
    }
    const announced = Number(res.headers.get("content-length") ?? Number.NaN);
    const tooBig = () =>
      new QueueError(
        "E_QUEUE_FETCH",
        `${shown} is larger than the download limit (${limits.maxBytes} bytes)`,
        { path: shown, hint: "raise the worker's download limit, or put the file on shared storage" },
      );
    if (announced > limits.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooBig();
    }
    const hash = createHash("sha256");
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        poke();
        bytes += chunk.length;
        if (bytes > limits.maxBytes) return done(tooBig());
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const t = await openAtomicTarget(target, { keepExtension: true });
    try {
      if (!res.body) throw new Error("the response has no body");
      await pipeline(Readable.fromWeb(res.body as never), meter, createWriteStream(t.tmp, { flags: "wx" }), {
        signal: abort,
      });
      if (Number.isFinite(announced) && bytes !== announced) {
        throw new QueueError(
          "E_QUEUE_FETCH_RETRY",
          `downloading ${shown} stopped after ${bytes} of ${announced} bytes`,
          { path: shown },
        );
      }
      await t.commit();
    } catch (err) {
      await t.abort();
      return fail(err);
    }
    return { sha256: hash.digest("hex"), bytes };
  } finally {
    clearTimeout(timer);
  }
}

/** The URL without user name, password or query (tokens often ride there), for messages. */
export function redactHttp(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    const query = u.search ? "?…" : "";
    u.search = "";
    return `${u.toString()}${query}`;
  } catch {
    return "<invalid URL>";
  }
}
