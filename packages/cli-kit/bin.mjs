// `@neuropose/cli-kit/bin`: the whole of an app's bin.js. Shipped as written (not built), so that in a clone
// before `pnpm build` it can still say what is wrong; it imports nothing, so `<app> --help` stays as cheap as
// the app's dist/main.js makes it (benchmarks/startup).

/**
 * Runs the app whose `bin.js` is at `binUrl`: imports `dist/main.js` beside it and calls its `run(argv)`, which
 * answers `--help`/`--version` without loading the commands and sets the exit code (0, 1, 2 or 130). When
 * dist/ is missing (a clone before `pnpm build`) it prints one `error:` line naming the app and exits 1,
 * instead of Node's module-not-found stack trace.
 *
 * @example
 * ```ts
 * import { runBuiltCli } from "@neuropose/cli-kit/bin";
 * // bin.js of an app: `await runBuiltCli(import.meta.url, "neuropose");`
 * await runBuiltCli(new URL("../../apps/neuropose/bin.js", import.meta.url).href, "neuropose", ["--version"]);
 * ```
 *
 * @param {string} binUrl `import.meta.url` of the app's bin.js.
 * @param {string} name The command's name, for the not-built message.
 * @param {string[]} [argv] The arguments (default: `process.argv.slice(2)`).
 * @returns {Promise<void>}
 */
export async function runBuiltCli(binUrl, name, argv = process.argv.slice(2)) {
  const entry = new URL("./dist/main.js", binUrl);
  const main = await import(entry.href).catch((e) => {
    // e.url is the module that was not found (Node >= 20); the message carries the plain path, which differs from
    // entry.pathname (%20-escaped) when the clone's path has a space
    if (e?.code !== "ERR_MODULE_NOT_FOUND" || (e.url ?? "") !== entry.href) throw e;
    process.stderr.write(
      `error: ${name} is not built yet (hint: run \`pnpm build\` in the repository first)\n`,
    );
    process.exit(1);
  });
  await main.run(argv);
}
