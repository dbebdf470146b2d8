// CSV splitting for pose tables. Hand-written for speed (a 1-hour DLC CSV has ~6 million cells; a generic
// streaming CSV library costs several seconds): lines without quotes split on commas, quoted lines go through a
// small RFC 4180 splitter.

/** Splits one CSV line into cells (RFC 4180 quotes: "" inside quotes is one "). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (q) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Lines of a text file (LF or CRLF), without a trailing empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const NA = new Set([
  "",
  "nan",
  "NaN",
  "NAN",
  "NA",
  "N/A",
  "null",
  "NULL",
  "None",
  "-nan",
  "-NaN",
  "<NA>",
  "n/a",
  "#N/A",
]);

/** A CSV cell as pandas reads a float column: empty and NA tokens are NaN; undefined when it is not a number. */
export function parseCell(s: string): number | undefined {
  const c = s.charCodeAt(0);
  // fast path: starts like a number (digit, sign, dot) — Number() then rejects trailing garbage itself
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    const v = +s;
    if (!Number.isNaN(v)) return v;
  }
  const t = s.trim();
  if (NA.has(t)) return Number.NaN;
  if (/^[-+]?inf(inity)?$/i.test(t))
    return t.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return undefined;
}
