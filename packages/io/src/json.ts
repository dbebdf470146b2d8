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

function parseError(err: unknown, text: string, source: string | undefined): JsonParseError {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(msg);
  const where = m ? ` at ${positionToLineCol(text, Number(m[1]))}` : "";
  const prefix = source ? `${source}: ` : "";
  const reason = msg.replace(/\s*\(line \d+ column \d+\)\s*$/, "").replace(/ in JSON at position \d+.*$/, "");
  return new JsonParseError(`${prefix}invalid JSON${where}: ${reason}`, { path: source, cause: err });
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
  const text = JSON.stringify(value, nonFiniteReplacer, indent > 0 ? indent : undefined);
  if (text === undefined) throw new TypeError("stringifyJson: value is not serializable to JSON");
  return `${text}\n`;
}
