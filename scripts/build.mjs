#!/usr/bin/env node
// `pnpm build` (and the build step of `pnpm start`, `pnpm test`, `pnpm bench`): turbo builds every package,
// printing one line per package as it starts instead of ~230 lines of compiler logs, and the logs of a package
// only when it fails. A first build takes a few minutes on a laptop; later ones are cached (seconds).
// Extra arguments go to `turbo run build` (e.g. `pnpm build --filter @neuropose/dtw`).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const turbo = createRequire(join(root, "package.json")).resolve("turbo/bin/turbo");
// No telemetry notice, and no telemetry: this is a research tool, run offline on clinical machines.
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
const extra = process.argv.slice(2);

function turboBuild(outputLogs, onLine) {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [turbo, "run", "build", `--output-logs=${outputLogs}`, "--log-order=stream", ...extra],
      { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] },
    );
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) onLine(l);
    });
    child.on("close", (code) => {
      if (buf) onLine(buf);
      done(code ?? 1);
    });
  });
}

const t0 = Date.now();
let built = 0;
let cached = 0;
process.stdout.write(
  "building the NeuroPose packages (the first build takes a few minutes; later ones are cached)\n",
);
const code = await turboBuild("hash-only", (line) => {
  const m = /^(\S+):build: cache (miss|bypass)/.exec(line);
  if (m) {
    built++;
    process.stdout.write(`  building ${m[1]}\n`);
  } else if (/^\S+:build: cache hit/.test(line)) cached++;
});
if (code !== 0) {
  // Re-run to show the failing package's own output (the packages that did build are cached now).
  process.stdout.write("a package failed to build; its output:\n");
  process.exitCode = await turboBuild("errors-only", (line) => process.stdout.write(`${line}\n`));
  if (!process.exitCode) process.exitCode = code;
} else {
  const s = ((Date.now() - t0) / 1000).toFixed(0);
  process.stdout.write(`built ${built} package(s), ${cached} unchanged (cached), in ${s} s\n`);
}
