// A CLI body for cli-kit's Ctrl-C test (src/signals.test.ts), run as a real process against the build:
// `node interrupt-child.mjs <mode>`. It prints "ready" once its signal handler is installed, then
//   cooperative: waits for the abort, cleans up (prints "cleaned"), and throws the abort as a library would;
//   stubborn:    ignores the abort (a second Ctrl-C must still end it with 130).
import { runCli } from "../dist/index.js";

const mode = process.argv[2];
await runCli(async (signal) => {
  const work = setInterval(() => {}, 1000); // the long work that keeps the process alive
  process.stdout.write("ready\n");
  await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  clearInterval(work);
  if (mode === "stubborn") await new Promise((resolve) => setTimeout(resolve, 60_000));
  process.stdout.write("cleaned\n");
  throw Object.assign(new Error(String(signal.reason?.message)), { code: "E_ABORTED" });
});
