import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { docExamples, instrument } from "./_doc-examples.js";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "np-seg-examples-"));

function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as Float64Array);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

describe("TSDoc @example blocks run and print what they say", () => {
  const examples = docExamples(here);
  it("finds examples", () => expect(examples.length).toBeGreaterThan(12));
  for (const ex of examples) {
    it(`${ex.file} #${ex.index}`, async () => {
      const file = join(dir, `${ex.file.replace(/\W/g, "_")}_${ex.index}.ts`);
      writeFileSync(file, instrument(ex.code));
      const mod = await import(file);
      await mod.default(
        (got: unknown, want: unknown, expr: string) => expect(plain(got), expr).toEqual(want),
        (fn: () => void) => expect(fn).toThrow(),
      );
    });
  }
});
