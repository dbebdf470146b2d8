// Test helper: extract the ```ts blocks of every `@example` in a package's public modules, turn
// `expr; // <JSON>` lines into equality checks and `expr; // throws ...` lines into must-throw checks.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface DocExample {
  file: string;
  index: number;
  code: string;
}

export function docExamples(srcDir: string): DocExample[] {
  const out: DocExample[] = [];
  for (const f of readdirSync(srcDir)) {
    if (!f.endsWith(".ts") || f.startsWith("_") || f.endsWith(".test.ts") || f === "index.ts") continue;
    const text = readFileSync(join(srcDir, f), "utf8");
    const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
    let m: RegExpExecArray | null = re.exec(text);
    let i = 0;
    while (m !== null) {
      const code = m[1]
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, ""))
        .join("\n");
      out.push({ file: f, index: i++, code });
      m = re.exec(text);
    }
  }
  return out;
}

/** Rewrite an example into a checked module body (returns the source of an async function body). */
export function instrument(code: string): string {
  const lines = code.split("\n");
  const imports: string[] = [];
  const body: string[] = [];
  for (const line of lines) {
    if (/^import /.test(line)) {
      imports.push(line);
      continue;
    }
    const m = /^(.*?);\s*\/\/\s*(.*)$/.exec(line);
    if (m && !/^\s*(const|let|for|if)\b/.test(m[1])) {
      const [, expr, comment] = m;
      if (/^throws\b/.test(comment)) {
        body.push(`__throws(() => { ${expr}; });`);
        continue;
      }
      const expected = parseExpected(comment);
      if (expected === undefined) {
        body.push(`${expr};`);
        continue;
      }
      body.push(`__eq(${expr}, ${JSON.stringify(expected)}, ${JSON.stringify(expr)});`);
      continue;
    }
    body.push(line);
  }
  return `${imports.join("\n")}\nexport default async function (__eq, __throws) {\n${body.join("\n")}\n}\n`;
}

/** The value a `// ...` comment announces: JSON, optionally after `Float64Array ` or `... = `, before ` (note)`. */
function parseExpected(comment: string): unknown {
  let c = comment.trim();
  const eq = c.lastIndexOf("= ");
  if (eq >= 0) c = c.slice(eq + 2);
  c = c.replace(/^Float64Array /, "");
  c = c.replace(/\s+\(.*\)$/, "").replace(/,? \.\.\.$/, "");
  try {
    return JSON.parse(c);
  } catch {
    return undefined;
  }
}
