// Writes schema/<document>.schema.json from the built package (run by `pnpm build` after tsup).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const io = await import(join(root, "dist", "index.js"));
const outDir = join(root, "schema");
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (f.endsWith(".schema.json")) rmSync(join(outDir, f));
let n = 0;
for (const doc of io.JSON_SCHEMA_DOCUMENTS) {
  const schema = io.documentJsonSchema(doc);
  if (!schema) continue;
  writeFileSync(join(outDir, `${doc}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
  n++;
}
console.log(`@neuropose/io: wrote ${n} JSON Schemas to schema/`);
