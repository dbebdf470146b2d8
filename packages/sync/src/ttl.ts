import { createReadStream } from "node:fs";
import { readFailure } from "@neuropose/io/core";
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

// Bytes allowed in a time: digits, '.', 'e'/'E', '+', '-'. Anything else (NaN, inf, hex, commas) is rejected
// before Number() sees it; Number() then rejects malformed combinations ("1.2.3", "1e") as NaN. Number() of a
// decimal string is correctly rounded, like Python's float(), so values equal numpy.loadtxt's bit for bit.
const ALLOWED = new Uint8Array(256);
for (const c of "0123456789.eE+-") ALLOWED[c.charCodeAt(0)] = 1;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString("latin1");
}

/**
 * Clinger's exact fast path for plain decimals (`[+-]digits[.digits]`, at most 15 significant digits, at most 22
 * fraction digits): the digits form an integer m < 2^53 held exactly, and m / 10^k is one correctly rounded
 * division of two exact doubles, hence the same double as Number()/float()/strtod. Anything else returns NaN
 * and goes to Number(). Written by hand for speed: it is ~3x faster than slicing a string per line.
 */
function fastDecimal(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let neg = false;
  const c0 = b[i] as number;
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  let seenDot = false;
  let any = false;
  for (; i < end; i++) {
    const c = b[i] as number;
    if (c >= 48 && c <= 57) {
      any = true;
      if (digits > 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
      if (seenDot) frac++;
    } else if (c === 46 && !seenDot) seenDot = true;
    else return Number.NaN;
  }
  if (!any || digits > 15 || frac > 22) return Number.NaN;
  const x = frac ? m / (POW10[frac] as number) : m;
  return neg ? -x : x;
}

/** Line-by-line state shared by the string and the streamed readers (works on bytes: no per-line regex). */
class EdgeParser {
  readonly out = new Growable(4096);
  private line = 0;
  private prev = Number.NEGATIVE_INFINITY;

  constructor(private readonly source: string | undefined) {}

  /** One line: bytes [start, end) of `b`, newline excluded. */
  feed(b: Uint8Array, start: number, end: number): void {
    this.line++;
    // trim CR of CRLF, spaces, tabs
    while (start < end && (b[start] as number) <= 32) start++;
    while (end > start && (b[end - 1] as number) <= 32) end--;
    if (start === end) return;
    let t = fastDecimal(b, start, end);
    let ok = true;
    if (Number.isNaN(t)) {
      for (let i = start; i < end; i++) {
        if (!ALLOWED[b[i] as number]) {
          ok = false;
          break;
        }
      }
      t = ok ? Number(latin1(b, start, end)) : Number.NaN;
    }
    if (Number.isNaN(t)) {
      const where = `line ${this.line}`;
      const shown = Buffer.from(b.buffer, b.byteOffset + start, Math.min(40, end - start)).toString("utf8");
      throw new SyncError(
        "E_TTL_NUMBER",
        `${this.source ?? "TTL file"}: ${where}: ${JSON.stringify(shown)} is not a time in seconds`,
        {
          path: this.source,
          place: where,
          hint: "a TTL edge file holds one time in seconds per line (SpikeGLX/CatGT export); check that this is the right file",
        },
      );
    }
    if (t < this.prev) {
      const where = `line ${this.line}`;
      throw new SyncError(
        "E_TTL_ORDER",
        `${this.source ?? "TTL file"}: ${where}: ${latin1(b, start, end)} is earlier than the previous edge ${this.prev}`,
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

  /** Feed every complete line of `b`; returns the offset of the unfinished last line. */
  feedLines(b: Uint8Array): number {
    let start = 0;
    for (let nl = b.indexOf(10, start); nl >= 0; nl = b.indexOf(10, start)) {
      this.feed(b, start, nl);
      start = nl + 1;
    }
    return start;
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
  const b = Buffer.from(text, "utf8");
  const rest = p.feedLines(b);
  if (rest < b.length) p.feed(b, rest, b.length);
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
  let rest: Uint8Array = new Uint8Array(0);
  let bytes = 0;
  try {
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      // only the unfinished last line is carried over (copied once per chunk)
      const b = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const done = p.feedLines(b);
      rest = b.subarray(done);
      if (rest.length > 4096) p.feed(rest, 0, 64); // no newline in 4 KiB: not an edge file (fails as a number)
      options.onProgress?.(bytes);
    }
  } catch (e) {
    if (e instanceof SyncError) throw e;
    throw new SyncError("E_SYNC_READ", ...readFailure(path, e));
  }
  if (rest.length) p.feed(rest, 0, rest.length);
  return p.finish(options.allowEmpty ?? false);
}
