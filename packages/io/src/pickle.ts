// A small, strict reader of Python pickles: PyTables stores them in HDF5 attributes (pandas writes its column
// labels, index names and table metadata this way; read by @neuropose/pose-formats) and numpy's np.save of a dict
// is one (facemap's *_proc.npy; read by @neuropose/facemap). It lives in io, the one low-level package both stage
// packages already depend on, because stage packages never import each other and it needs nothing but bytes.
// Written by hand because no maintained npm package reads
// pickles without evaluating them; this one never evaluates anything: it knows the data opcodes of protocols
// 0-5 (lists, tuples, dicts, str, bytes, int, float, bool, None, memo) and turns globals/reduce into inert
// `{ global, args }` records so a caller can reject what it does not expect.

import { NeuroPoseError } from "./errors.js";

/** An object the pickle would build by calling `global(...args)`; never called here. */
export interface PickleGlobal {
  global: string;
  args?: unknown;
  state?: unknown;
}

/** A pickle {@link unpickle} cannot decode (damaged, truncated, or an opcode it does not know); `code` E_PICKLE. */
export class PickleError extends NeuroPoseError {
  constructor(message: string) {
    super("E_PICKLE", message, { hint: "the pickled data is damaged or not plain data", kind: "user" });
  }
}

const MARK = Symbol("mark");

function unescapeRawUnicode(s: string): string {
  return s.replace(
    /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
    (_m, a: string | undefined, b: string | undefined) =>
      String.fromCodePoint(Number.parseInt((a ?? b) as string, 16)),
  );
}

function unescapePyRepr(s: string): string {
  const q = s[0];
  if ((q !== "'" && q !== '"') || s.at(-1) !== q)
    throw new PickleError(`bad string literal ${s.slice(0, 20)}`);
  const body = s.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === "x") return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    const map: Record<string, string> = {
      n: "\n",
      r: "\r",
      t: "\t",
      "\\": "\\",
      "'": "'",
      '"': '"',
      a: "\x07",
      b: "\b",
      f: "\f",
      v: "\v",
    };
    return map[e] ?? `\\${e}`;
  });
}

/**
 * Decodes a pickle (protocol 0 text or protocols 2-5 binary) into plain values: lists → arrays, tuples →
 * arrays, dicts → Map, str → string, bytes → Uint8Array, int → number (bigint beyond 2^53), None → null.
 * Globals and calls (`numpy.ndarray`, `numpy.dtype(...)`) become inert {@link PickleGlobal} records with their
 * args and BUILD state; nothing is imported or called. Throws {@link PickleError} on anything else.
 *
 * @example
 * ```ts
 * import { unpickle } from "@neuropose/io";
 * console.log(unpickle("(lp0\nVx\np1\na.")); // ["x"]
 * ```
 */
export function unpickle(input: string | Uint8Array): unknown {
  const bytes = typeof input === "string" ? Uint8Array.from(input, (c) => c.charCodeAt(0) & 0xff) : input;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder("latin1");
  const utf8 = new TextDecoder("utf-8");
  let pos = 0;
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new PickleError("pickle ends early");
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError("pickle ends early (no newline)");
    const s = text.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s.endsWith("\r") ? s.slice(0, -1) : s;
  };
  const popMark = (): unknown[] => {
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i] === MARK) {
        const items = stack.slice(i + 1);
        stack.length = i;
        return items;
      }
    }
    throw new PickleError("no mark on the stack");
  };
  const top = (): unknown => {
    if (stack.length === 0) throw new PickleError("empty stack");
    return stack[stack.length - 1];
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw new PickleError("empty stack");
    return stack.pop();
  };
  const setItems = (d: unknown, items: unknown[]) => {
    if (!(d instanceof Map)) throw new PickleError("SETITEM on a non-dict");
    for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
  };
  const int = (s: string): number | bigint | boolean => {
    if (s === "01") return true;
    if (s === "00") return false;
    const t = s.endsWith("L") ? s.slice(0, -1) : s;
    if (!/^[-+]?\d+$/.test(t)) throw new PickleError(`bad integer ${s}`);
    const b = BigInt(t);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  };
  let steps = 0;
  while (pos < bytes.length) {
    if (++steps > 10_000_000) throw new PickleError("pickle too long");
    const op = bytes[pos++] as number;
    switch (String.fromCharCode(op)) {
      case "(":
        stack.push(MARK);
        break;
      case ".":
        if (stack.length !== 1) throw new PickleError(`STOP with a stack of ${stack.length}`);
        return stack[0];
      case "l":
        stack.push(popMark());
        break;
      case "]":
        stack.push([]);
        break;
      case "a": {
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) throw new PickleError("APPEND to a non-list");
        l.push(v);
        break;
      }
      case "e": {
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) throw new PickleError("APPENDS to a non-list");
        l.push(...items);
        break;
      }
      case "t":
        stack.push(popMark());
        break;
      case ")":
        stack.push([]);
        break;
      case "d": {
        const m = new Map();
        setItems(m, popMark());
        stack.push(m);
        break;
      }
      case "}":
        stack.push(new Map());
        break;
      case "s": {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case "u": {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case "V":
        stack.push(unescapeRawUnicode(line()));
        break;
      case "S":
        stack.push(unescapePyRepr(line()));
        break;
      case "I": // INT and LONG: the same decimal line (an "L" suffix, True/False as 01/00)
      case "L":
        stack.push(int(line()));
        break;
      case "F":
        stack.push(Number.parseFloat(line()));
        break;
      case "N":
        stack.push(null);
        break;
      case "p":
        memo.set(Number.parseInt(line(), 10), top());
        break;
      case "g": {
        const k = Number.parseInt(line(), 10);
        if (!memo.has(k)) throw new PickleError(`memo ${k} missing`);
        stack.push(memo.get(k));
        break;
      }
      case "0":
        pop();
        break;
      case "2":
        stack.push(top());
        break;
      case "c": {
        const mod = line();
        const name = line();
        stack.push({ global: `${mod}.${name}` } satisfies PickleGlobal);
        break;
      }
      case "R": {
        const args = pop();
        const fn = pop() as PickleGlobal;
        stack.push({ global: fn?.global ?? "?", args } satisfies PickleGlobal);
        break;
      }
      case "b": {
        const state = pop();
        const o = top() as PickleGlobal;
        if (o && typeof o === "object") o.state = state;
        break;
      }
      // ---- binary protocols ----
      case "\x80":
        need(1);
        pos += 1;
        break;
      case "\x95":
        need(8);
        pos += 8;
        break;
      case "\x94":
        memo.set(memo.size, top());
        break;
      case "q":
        need(1);
        memo.set(bytes[pos++] as number, top());
        break;
      case "r":
        need(4);
        memo.set(view.getUint32(pos, true), top());
        pos += 4;
        break;
      case "h": {
        need(1);
        const k = bytes[pos++] as number;
        if (!memo.has(k)) throw new PickleError(`memo ${k} missing`);
        stack.push(memo.get(k));
        break;
      }
      case "j": {
        need(4);
        const k = view.getUint32(pos, true);
        pos += 4;
        if (!memo.has(k)) throw new PickleError(`memo ${k} missing`);
        stack.push(memo.get(k));
        break;
      }
      case "K":
        need(1);
        stack.push(bytes[pos++]);
        break;
      case "M":
        need(2);
        stack.push(view.getUint16(pos, true));
        pos += 2;
        break;
      case "J":
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case "G":
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case "\x8a": {
        need(1);
        const n = bytes[pos++] as number;
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[pos + i] as number);
        if (n > 0 && (bytes[pos + n - 1] as number) & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(
          v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v,
        );
        break;
      }
      case "\x88":
        stack.push(true);
        break;
      case "\x89":
        stack.push(false);
        break;
      case "\x85":
        stack.push([pop()]);
        break;
      case "\x86": {
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case "\x87": {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case "X":
      case "\x8c":
      case "\x8d":
      case "U":
      case "T":
      case "B":
      case "C":
      case "\x8e": {
        const c = String.fromCharCode(op);
        const lenBytes = c === "\x8c" || c === "U" || c === "C" ? 1 : c === "\x8d" || c === "\x8e" ? 8 : 4;
        need(lenBytes);
        const n =
          lenBytes === 1
            ? (bytes[pos] as number)
            : lenBytes === 4
              ? view.getUint32(pos, true)
              : Number(view.getBigUint64(pos, true));
        pos += lenBytes;
        need(n);
        const raw = bytes.subarray(pos, pos + n);
        pos += n;
        if (c === "X" || c === "\x8c" || c === "\x8d") stack.push(utf8.decode(raw));
        else if (c === "U" || c === "T") stack.push(text.decode(raw));
        else stack.push(raw.slice());
        break;
      }
      case "\x93": {
        const name = pop();
        const mod = pop();
        stack.push({ global: `${String(mod)}.${String(name)}` } satisfies PickleGlobal);
        break;
      }
      case "\x81": {
        const args = pop();
        const cls = pop() as PickleGlobal;
        stack.push({ global: cls?.global ?? "?", args } satisfies PickleGlobal);
        break;
      }
      case "\x8f":
        stack.push(new Set());
        break;
      case "\x90": {
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) throw new PickleError("ADDITEMS to a non-set");
        for (const i of items) s.add(i);
        break;
      }
      default:
        throw new PickleError(`unsupported pickle opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
  throw new PickleError("pickle ends without STOP");
}
