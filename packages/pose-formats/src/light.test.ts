// The harmonised types and the pure functions must import nothing heavy: HDF5 (h5wasm via @neuropose/h5), the
// Parquet writer and @neuropose/nwb are loaded only by the readers/writers that need them (dynamic import()), so
// the session pipeline can compose this package without paying for them.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const srcDir = dirname(fileURLToPath(import.meta.url));
const HEAVY = ["@neuropose/h5", "h5wasm", "hyparquet-writer", "@neuropose/nwb", "@duckdb/node-api"];

it("no source file imports HDF5, Parquet or NWB at load time (type imports and import() only)", () => {
  const offenders: string[] = [];
  for (const f of readdirSync(srcDir)) {
    if (!f.endsWith(".ts") || f.endsWith(".test.ts")) continue;
    const text = readFileSync(join(srcDir, f), "utf8");
    for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)) {
      if (!m[1] && HEAVY.includes(m[2] as string)) offenders.push(`${f}: ${m[2]}`);
    }
  }
  expect(offenders).toEqual([]);
});

it("types.ts imports nothing at all", () => {
  expect(readFileSync(join(srcDir, "types.ts"), "utf8")).not.toMatch(/^import\s+(?!type)/m);
});
