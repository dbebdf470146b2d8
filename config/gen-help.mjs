// Build step of every app (tsup onSuccess): renders `<app> --help` with the app's real parser and stores it as
// dist/help.txt, which @neuropose/cli-kit/startup prints for `--help` without loading the commands.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const help = join(process.cwd(), "dist", "help.txt");
rmSync(help, { force: true });
const r = spawnSync(process.execPath, ["bin.js", "--help"], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
});
if (r.status !== 0 || !r.stdout) {
  console.error(`gen-help: \`bin.js --help\` exited ${r.status}: ${r.stderr}`);
  process.exit(1);
}
writeFileSync(help, r.stdout);
