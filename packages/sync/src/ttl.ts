import { createReadStream } from "node:fs";
import { Growable } from "./_growable.js";
import { SyncError } from "./errors.js";

export interface TtlReadOptions {
  /** File name for messages (parseTtlEdges). */
  source?: string | undefined;
  /** Accept a file with no edge (default false: an empty edge file is an error). */
  allowEmpty?: boolean;
  /** Called with bytes read so far (readTtlEdges). */
  onProgress?: (bytesRead: number) => void;
}

// A decimal number as SpikeGLX/CatGT write it (also exponents); NaN/inf and hex are rejected.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Line-by-line state shared by the string and the streamed readers. */
class EdgeParser {
  readonly out = new Growable(4096);
  private line = 0;
  private prev = Number.NEGATIVE_INFINITY;

  constructor(private readonly source: string | undefined) {}

  feed(raw: string): void {
    this.line++;
    const s = raw.trim(); // CR of CRLF, spaces, tabs
    if (s === "") return;
    const where = `line ${this.line}`;
    if (!NUMBER.test(s)) {
      throw new SyncError(
        "E_TTL_NUMBER",
        `${this.source ?? "TTL file"}: ${where}: ${JSON.stringify(s.slice(0, 40))} is not a time in seconds`,
        {
          path: this.source,
          place: where,
          hint: "a TTL edge file holds one time in seconds per line (SpikeGLX/CatGT export); check that this is the right file",
        },
      );
    }
    const t = Number(s);
    if (t < this.prev) {
      throw new SyncError(
        "E_TTL_ORDER",
        `${this.source ?? "TTL file"}: ${where}: ${s} is earlier than the previous edge ${this.prev}`,
        {
          path: this.source,
          place: where,
          hint: "edge times must not decrease: files may have been concatenated in the wrong order",
        },
      );
    }
    this.prev = t;
    this.out.push(t);
  }

  finish(allowEmpty: boolean): Float64Array {
    if (this.out.length === 0 && !allowEmpty) {
      throw new SyncError("E_SYNC_EMPTY", `${this.source ?? "TTL file"}: no edge time in the file`, {
        path: this.source,
        place: "line 1",
        hint: "the TTL channel recorded no pulse: check the wiring/channel, or pass allowEmpty if that is expected",
      });
    }
    return this.out.toArray();
  }
}

/**
 * Parse TTL edge times (one time in seconds per line; CRLF or LF; a last line without newline; blank lines
 * skipped). Throws with the line number on a non-numeric line or a time earlier than the previous one.
 *
 * @example
 * ```ts
 * import { parseTtlEdges } from "@neuropose/sync";
 * parseTtlEdges("2.5\r\n\r\n3.0\r\n3.5"); // Float64Array [2.5,3,3.5]
 * ```
 */
export function parseTtlEdges(text: string, options: TtlReadOptions = {}): Float64Array {
  const p = new EdgeParser(options.source);
  for (const line of text.split("\n")) p.feed(line);
  return p.finish(options.allowEmpty ?? false);
}

/**
 * Read a TTL edge file streamed (never loaded whole; memory is the edge list itself), with the same rules as
 * {@link parseTtlEdges}.
 *
 * @example
 * ```ts
 * import { readTtlEdges } from "@neuropose/sync";
 * const camera = await readTtlEdges("../shared/fixtures/w2t-session/Session-000001/TTLs/session.nidq.xa_7_0_frame.txt").catch(() => undefined);
 * console.log(camera?.length); // prints 8580 when the fixture is present
 * ```
 */
export async function readTtlEdges(
  path: string,
  options: Omit<TtlReadOptions, "source"> = {},
): Promise<Float64Array> {
  const p = new EdgeParser(path);
  let rest = "";
  let bytes = 0;
  try {
    const stream = createReadStream(path, { encoding: "latin1", highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<string>) {
      bytes += chunk.length;
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        p.feed(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      options.onProgress?.(bytes);
    }
  } catch (e) {
    if (e instanceof SyncError) throw e;
    throw new SyncError("E_SYNC_READ", `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`, {
      path,
      hint: "check the path and the file's permissions",
      cause: e,
    });
  }
  if (rest !== "") p.feed(rest);
  return p.finish(options.allowEmpty ?? false);
}
