// Ctrl-C as a user presses it: a real child process (test/interrupt-child.mjs, against the build) gets SIGINT.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, "..", "test", "interrupt-child.mjs");
const built = existsSync(join(here, "..", "dist", "index.js"));
if (!built)
  console.warn("@neuropose/cli-kit: skipping the Ctrl-C tests: build the package first (pnpm build)");

/** Starts the child, sends `signals` (one per "ready"/timer tick), resolves to its exit code and output. */
function interrupt(mode: string, signals: NodeJS.Signals[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const c = spawn(process.execPath, [child, mode], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    c.stdout.on("data", (d) => {
      stdout += d;
      if (stdout === "ready\n") for (const [i, s] of signals.entries()) setTimeout(() => c.kill(s), 200 * i);
    });
    c.stderr.on("data", (d) => (stderr += d));
    c.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!built)("runCli and Ctrl-C (real processes)", () => {
  it("SIGINT: the body's signal fires, it cleans up, one error line, exit 130", async () => {
    const r = await interrupt("cooperative", ["SIGINT"]);
    expect(r.stdout).toBe("ready\ncleaned\n");
    expect(r.stderr).toBe("error: interrupted by SIGINT\n");
    expect(r.code).toBe(130);
  });

  it("SIGTERM is an interruption too", async () => {
    const r = await interrupt("cooperative", ["SIGTERM"]);
    expect(r.stderr).toBe("error: interrupted by SIGTERM\n");
    expect(r.code).toBe(130);
  });

  it("a second Ctrl-C ends a body that does not stop, with 130", async () => {
    const r = await interrupt("stubborn", ["SIGINT", "SIGINT"]);
    expect(r.stdout).toBe("ready\n");
    expect(r.code).toBe(130);
  });
});
