// TOML text → value, plus the line of every key, so that a validation problem can be reported as
// `config.toml:12 timebase.source: …`. smol-toml (a maintained, spec-compliant parser) does the parsing; it does
// not expose positions, so the key→line map is built here by a light scan of table headers and `key =` lines,
// which is all a config needs (multi-line strings and arrays are skipped over, not interpreted).
import { parse, TomlError } from "smol-toml";

export interface ParsedToml {
  value: Record<string, unknown>;
  /** Dotted key path (array-of-tables entries as `cameras.0.id`) → 1-based line. */
  lines: Map<string, number>;
}

function splitKey(raw: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (const ch of raw.trim()) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ".") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let table: string[] = [];
  let inMultiline: string | null = null;
  let bracketDepth = 0;
  const all = text.split(/\r?\n/);
  for (let i = 0; i < all.length; i++) {
    const line = all[i] as string;
    if (inMultiline) {
      if (line.includes(inMultiline)) inMultiline = null;
      continue;
    }
    if (bracketDepth > 0) {
      for (const ch of line.replace(/#.*$/, "")) bracketDepth += ch === "[" ? 1 : ch === "]" ? -1 : 0;
      continue;
    }
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const aot = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(t);
    if (aot) {
      const name = splitKey(aot[1] as string).join(".");
      const n = arrayCounts.get(name) ?? 0;
      arrayCounts.set(name, n + 1);
      table = [...name.split("."), String(n)];
      // Nested arrays of tables (bpod.trial_types under [bpod]) keep their parent path.
      lines.set(table.join("."), i + 1);
      continue;
    }
    const tbl = /^\[\s*([^\]]+?)\s*\]/.exec(t);
    if (tbl) {
      table = splitKey(tbl[1] as string);
      lines.set(table.join("."), i + 1);
      continue;
    }
    const kv = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-.\s])+?)\s*=\s*(.*)$/.exec(t);
    if (kv) {
      const key = [...table, ...splitKey(kv[1] as string)].join(".");
      if (!lines.has(key)) lines.set(key, i + 1);
      const rest = (kv[2] as string).trim();
      for (const q of ['"""', "'''"]) {
        if (rest.startsWith(q) && rest.indexOf(q, 3) === -1) inMultiline = q;
      }
      if (!inMultiline && rest.startsWith("[")) {
        for (const ch of rest.replace(/#.*$/, "")) bracketDepth += ch === "[" ? 1 : ch === "]" ? -1 : 0;
      }
    }
  }
  return lines;
}

/** Parse TOML text; syntax errors come back as `{ line, column, message }`. */
export function parseToml(
  text: string,
): { ok: true; parsed: ParsedToml } | { ok: false; line: number; column: number; message: string } {
  try {
    const value = parse(text) as Record<string, unknown>;
    return { ok: true, parsed: { value, lines: keyLines(text) } };
  } catch (err) {
    if (err instanceof TomlError) {
      const message = err.message.split("\n")[0] ?? err.message;
      return { ok: false, line: err.line, column: err.column, message };
    }
    throw err;
  }
}

/** The line of `path` or of its nearest ancestor that has one (0 when none is known). */
export function lineOf(lines: Map<string, number>, path: readonly PropertyKey[]): number {
  for (let n = path.length; n > 0; n--) {
    const l = lines.get(path.slice(0, n).map(String).join("."));
    if (l !== undefined) return l;
  }
  return 0;
}

/**
 * Parse an override value as TOML would (`5`, `true`, `"x"`, `[1, 2]`); a bare word that is not valid TOML is
 * taken as a string, so `--set timebase.source=ttl` works without quotes.
 */
export function parseOverrideValue(raw: string): unknown {
  try {
    return (parse(`v = ${raw}`) as { v: unknown }).v;
  } catch {
    return raw;
  }
}
