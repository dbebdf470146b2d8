#!/usr/bin/env node
// In a clone, dist/ exists only after `pnpm build`: say so instead of Node's module-not-found stack trace.
// dist/main.js answers --help/--version without loading the command code (see src/main.ts).
const entry = new URL("./dist/main.js", import.meta.url);
const main = await import(entry.href).catch((e) => {
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes(entry.pathname)) throw e;
  process.stderr.write(
    "error: neuropose is not built yet (hint: run `pnpm build` in the repository first)\n",
  );
  process.exit(1);
});
await main.run(process.argv.slice(2));
