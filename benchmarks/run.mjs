// `pnpm bench [area...]`: runs benchmarks/<area>/index.mjs for every area (or the ones named), one after another.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const areas = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, "index.mjs")))
  .map((d) => d.name)
  .filter((a) => wanted.length === 0 || wanted.includes(a));
let failed = 0;
for (const area of areas) {
  console.log(`\n=== benchmarks/${area} ===`);
  const r = spawnSync(process.execPath, [join(here, area, "index.mjs")], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
