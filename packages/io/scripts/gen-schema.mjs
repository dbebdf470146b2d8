// Writes schema/<document>.schema.json from the built package (run by `pnpm build` after tsup).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const io = await import(join(root, "dist", "index.js"));
const outDir = join(root, "schema");
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (f.endsWith(".schema.json")) rmSync(join(outDir, f));
for (const doc of io.JSON_SCHEMA_DOCUMENTS) {
  writeFileSync(
    join(outDir, `${doc}.schema.json`),
    `${JSON.stringify(io.documentJsonSchema(doc), null, 2)}\n`,
  );
}
console.log(`@neuropose/io: wrote ${io.JSON_SCHEMA_DOCUMENTS.length} JSON Schemas to schema/`);
