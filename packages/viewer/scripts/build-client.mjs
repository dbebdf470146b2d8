// Bundles the page script (src/client/main.ts + three.js) into dist/client.js, inlined into every page.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, "..", "dist"), { recursive: true });
await build({
  entryPoints: [join(here, "..", "src", "client", "main.ts")],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outfile: join(here, "..", "dist", "client.js"),
  logLevel: "warning",
  legalComments: "none",
});
