// benchmarks/startup: what starting a CLI or importing a math package costs, as ratios against bare node in the
// same run. CPU (user + system) of whole fresh processes, measured inside each by a preload that records
// process.cpuUsage() at exit; the baseline is `node -e 0` with the same preload. Targets (issue 11):
// `<app> --help` < 1.5x bare node; `import("@neuropose/dtw")` < 30 ms in a fresh process.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const scratch = mkdtempSync(join(tmpdir(), "np-startup-"));
const preload = join(scratch, "cpu.cjs");
const out = join(scratch, "cpu.txt");
writeFileSync(
  preload,
  `process.on("exit", () => { const u = process.cpuUsage(); require("fs").appendFileSync(${JSON.stringify(out)}, ((u.user + u.system) / 1000) + "\\n"); });`,
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median CPU ms of `node --require preload ...args` over RUNS fresh processes. */
function cpu(args, cwd = root) {
  rmSync(out, { force: true });
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ["--require", preload, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  }
  return median(readFileSync(out, "utf8").trim().split("\n").map(Number));
}

/**
 * Median wall ms and CPU ms of `await import(spec)` alone, measured inside fresh processes (run from a package
 * that depends on it): what the import adds to a process that has started.
 */
function importCost(spec, cwd) {
  const code = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(spec)}); const w = performance.now() - t; const u = process.cpuUsage(c); console.log(w, (u.user + u.system) / 1000);`;
  const wall = [];
  const cpuMs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`import(${spec}) failed: ${r.stderr}`);
    const [w, c] = r.stdout.trim().split(" ").map(Number);
    wall.push(w);
    cpuMs.push(c);
  }
  return { wall: median(wall), cpu: median(cpuMs) };
}
const importMs = (spec, cwd) => importCost(spec, cwd).wall;
const verdicts = [];

const bare = cpu(["-e", "0"]);
console.log(`baseline: node -e 0          ${bare.toFixed(1)} ms CPU (median of ${RUNS})`);
for (const app of ["neuropose", "neuropose-infer", "neuropose-analyze"]) {
  const ms = cpu([join("apps", app, "bin.js"), "--help"]);
  const ratio = ms / bare;
  console.log(
    `${`${app} --help`.padEnd(28)} ${ms.toFixed(1)} ms CPU  ${ratio.toFixed(2)}x bare node  ${ratio < 1.5 ? "ok" : "OVER 1.5x"}`,
  );
  verdicts.push(`${ratio < 1.5 ? "ok  " : "FAIL"} ${app} --help < 1.5x bare node CPU: ${ratio.toFixed(2)}x`);
}
const bench = join(root, "benchmarks");
const base = importMs("node:path", bench);
// The target: import("@neuropose/dtw") alone (inside a started process) < 30 ms wall; its CPU alongside, which a
// busy machine disturbs less.
const dtw = importCost("@neuropose/dtw", bench);
const path = importCost("node:path", bench);
verdicts.push(
  `${dtw.wall < 30 ? "ok  " : "FAIL"} import("@neuropose/dtw") < 30 ms in a fresh process: ${dtw.wall.toFixed(1)} ms wall, ${dtw.cpu.toFixed(1)} ms CPU (import("node:path"): ${path.wall.toFixed(1)} ms wall, ${path.cpu.toFixed(1)} ms CPU)`,
);
for (const spec of [
  "@neuropose/kinematics",
  "@neuropose/dtw",
  "@neuropose/segment",
  "@neuropose/gait",
  "@neuropose/sync",
  "@neuropose/io",
]) {
  const ms = importMs(spec, bench);
  console.log(
    `${`import("${spec}")`.padEnd(34)} ${ms.toFixed(1)} ms wall (import("node:path") ${base.toFixed(1)} ms, ${(ms / base).toFixed(1)}x)${spec === "@neuropose/dtw" ? (ms < 30 ? "  ok (< 30 ms)" : "  OVER 30 ms") : ""}`,
  );
}
// The same imports as CPU above bare node (less sensitive to a busy machine than wall time).
for (const spec of ["@neuropose/dtw", "@neuropose/segment", "@neuropose/io"]) {
  const ms = cpu(["--input-type=module", "-e", `await import(${JSON.stringify(spec)})`], bench);
  console.log(
    `${`import("${spec}") CPU`.padEnd(34)} ${(ms - bare).toFixed(1)} ms above bare node (${(ms / bare).toFixed(2)}x)`,
  );
}
console.log("verdicts:");
for (const v of verdicts) console.log(`  ${v}`);
rmSync(scratch, { recursive: true, force: true });
