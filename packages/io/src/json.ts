import { JsonParseError } from "./errors.js";

/**
 * How NeuroPose writes non-finite numbers: JSON has no NaN or Infinity, so they are written as the strings
 * `"NaN"`, `"Infinity"` and `"-Infinity"` (the same rule as the parity fixtures). Every numeric field of every
 * NeuroPose schema accepts these strings and yields the number, so a saved document loads back unchanged.
 * Reading also accepts the bare tokens `NaN`, `Infinity`, `-Infinity` that Python's `json` module writes.
 */
export const NON_FINITE_ENCODING = { NaN: "NaN", Infinity: "Infinity", "-Infinity": "-Infinity" } as const;

export interface ParseJsonOptions {
  /** File name (or other label) used in error messages. */
  source?: string | undefined;
}

export interface StringifyJsonOptions {
  /** Spaces of indentation; 0 writes one line. Default 2. */
  indent?: number;
}

function positionToLineCol(text: string, pos: number): string {
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastNl = i;
    }
  }
  return `line ${line}, column ${pos - lastNl}`;
}

/** Find the first syntax error (JSON plus bare NaN / Infinity / -Infinity) for the error message. */
function locateSyntaxError(text: string): { pos: number; what: string } | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const fail = (what: string): never => {
    throw { pos: i, what };
  };
  const unexpected = (): never =>
    i >= n
      ? fail("unexpected end of input (truncated file?)")
      : fail(`unexpected ${JSON.stringify(text[i])}`);
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else unexpected();
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) unexpected();
    i += (m as RegExpExecArray)[0].length;
  };
  const string = () => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail("control character in string");
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("bad \\u escape");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail("bad escape in string");
      } else i++;
    }
    fail("unterminated string");
  };
  const value = (depth: number): void => {
    if (depth > 10000) fail("nesting too deep");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"')
          fail(i >= n ? "unexpected end of input (truncated file?)" : "expected a property name");
        string();
        ws();
        if (text[i] !== ":") unexpected();
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else unexpected();
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else unexpected();
      }
    }
    if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else if (c === "N") literal("NaN");
    else if (c === "I") literal("Infinity");
    else if (c === "-" && text[i + 1] === "I") literal("-Infinity");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number();
    else unexpected();
  };
  try {
    value(0);
    ws();
    if (i < n) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (e && typeof e === "object" && "pos" in e) return e as { pos: number; what: string };
    return undefined;
  }
}

function parseError(err: unknown, text: string, source: string | undefined): JsonParseError {
  const prefix = source ? `${source}: ` : "";
  const found = locateSyntaxError(text);
  const msg = found
    ? `invalid JSON at ${positionToLineCol(text, found.pos)}: ${found.what}`
    : `invalid JSON: ${err instanceof Error ? err.message : String(err)}`;
  return new JsonParseError(`${prefix}${msg}`, { path: source, cause: err });
}

/**
 * Rewrite bare NaN / Infinity / -Infinity tokens outside strings. Infinity becomes `1e999` (which JSON.parse
 * reads as Infinity exactly); NaN becomes a sentinel string that is replaced after parsing.
 */
function rewriteNonFinite(
  text: string,
  sentinel: string,
): { text: string; nanCount: number; changed: boolean } {
  const sentinelJson = JSON.stringify(sentinel);
  let out = "";
  let last = 0;
  let nanCount = 0;
  let changed = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 78 /* N */ && text.startsWith("NaN", i)) {
      out += `${text.slice(last, i)}${sentinelJson}`;
      i += 3;
      last = i;
      nanCount++;
      changed = true;
      continue;
    }
    if (c === 73 /* I */ && text.startsWith("Infinity", i)) {
      out += `${text.slice(last, i)}1e999`;
      i += 8;
      last = i;
      changed = true;
      continue;
    }
    if (c === 45 /* - */ && text.startsWith("-Infinity", i)) {
      out += `${text.slice(last, i)}-1e999`;
      i += 9;
      last = i;
      changed = true;
      continue;
    }
    i++;
  }
  out += text.slice(last);
  return { text: out, nanCount, changed };
}

function replaceSentinel(value: unknown, sentinel: string, counter: { n: number }): unknown {
  if (typeof value === "string") {
    if (value === sentinel) {
      counter.n++;
      return Number.NaN;
    }
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === "object" && v !== null) replaceSentinel(v, sentinel, counter);
      else if (v === sentinel) {
        value[i] = Number.NaN;
        counter.n++;
      }
    }
    return value;
  }
  if (typeof value === "object" && value !== null) {
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      if (typeof v === "object" && v !== null) replaceSentinel(v, sentinel, counter);
      else if (v === sentinel) {
        obj[k] = Number.NaN;
        counter.n++;
      }
    }
  }
  return value;
}

/**
 * Parse JSON text, also accepting the bare `NaN`, `Infinity` and `-Infinity` tokens that Python's `json` module
 * writes (files from the original NeuroPose contain them); they become the JavaScript numbers. Errors name the
 * source and the line/column.
 *
 * @example
 * ```ts
 * import { parseJson } from "@neuropose/io";
 * const v = parseJson('{"x": NaN, "y": [1, -Infinity]}') as { x: number; y: number[] };
 * console.log(Number.isNaN(v.x), v.y[1]); // true -Infinity
 * ```
 */
export function parseJson(text: string, options: ParseJsonOptions = {}): unknown {
  // Strip a UTF-8 byte order mark (some Windows tools write one).
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(src);
  } catch (firstError) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const sentinel = `\u0000neuropose-nan-${Math.random().toString(36).slice(2)}`;
      const rewritten = rewriteNonFinite(src, sentinel);
      if (!rewritten.changed) throw parseError(firstError, src, options.source);
      let value: unknown;
      try {
        value = JSON.parse(rewritten.text);
      } catch {
        // Report the error against the original text (positions would be shifted in the rewritten one).
        throw parseError(firstError, src, options.source);
      }
      if (rewritten.nanCount === 0) return value;
      const counter = { n: 0 };
      value = replaceSentinel(value, sentinel, counter);
      // A string in the file equal to the sentinel would be counted twice: then retry with a fresh sentinel.
      if (counter.n === rewritten.nanCount) return value;
    }
    throw parseError(firstError, src, options.source);
  }
}

/** True if any number reachable from `value` (through arrays and plain objects) is NaN or infinite. */
function hasNonFinite(value: unknown, depth = 0): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (typeof value !== "object" || value === null || depth > 4096) return depth > 4096;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === "number") {
        if (!Number.isFinite(v)) return true;
      } else if (typeof v === "object" && v !== null && hasNonFinite(v, depth + 1)) return true;
    }
    return false;
  }
  // toJSON (e.g. Date) decides its own output; let the replacer path handle such objects.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return true;
  for (const k in value as Record<string, unknown>) {
    if (!Object.hasOwn(value as object, k)) continue;
    const v = (value as Record<string, unknown>)[k];
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return true;
    } else if (typeof v === "object" && v !== null && hasNonFinite(v, depth + 1)) return true;
  }
  return false;
}

function nonFiniteReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  return value;
}

/**
 * Serialize to valid JSON. Non-finite numbers are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`
 * (see {@link NON_FINITE_ENCODING}); every NeuroPose numeric field reads them back as numbers. `-0` is written as
 * `0`. Default indentation is 2 spaces; `indent: 0` writes one line. The text ends with a newline.
 *
 * @example
 * ```ts
 * import { stringifyJson } from "@neuropose/io";
 * console.log(stringifyJson({ x: Number.NaN }, { indent: 0 })); // {"x":"NaN"}
 * ```
 */
export function stringifyJson(value: unknown, options: StringifyJsonOptions = {}): string {
  const indent = options.indent ?? 2;
  const space = indent > 0 ? indent : undefined;
  // Fast path: most documents have no non-finite number, and JSON.stringify without a replacer is ~2x faster.
  const text = hasNonFinite(value)
    ? JSON.stringify(value, nonFiniteReplacer, space)
    : JSON.stringify(value, undefined, space);
  if (text === undefined) throw new TypeError("stringifyJson: value is not serializable to JSON");
  return `${text}\n`;
}
