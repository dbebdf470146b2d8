// Preloaded into a benchmarked CLI (node --import, see _jobs.mjs cpuReportEnv): at exit, writes the CPU seconds
// of the process (all its threads: onnxruntime's included) plus those of the child processes it waited for
// (ffmpeg, ffprobe) to NEUROPOSE_BENCH_CPU_OUT. Also imported by _jobs.mjs for cpuSecondsNow (then without
// NEUROPOSE_BENCH_CPU_OUT, so nothing is registered). Kept free of imports but node's own: it loads into the
// measured process.
import { readFileSync, writeFileSync } from "node:fs";

/** CPU seconds of this process so far (all threads) plus the children it waited for (ffmpeg, ffprobe). */
export function cpuSecondsNow() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // fields after "(comm) ": state ppid ... utime(14) stime(15) cutime(16) cstime(17), in clock ticks (100/s)
    const f = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    return (f[11] + f[12] + f[13] + f[14]) / 100;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6; // not Linux: this process only
  }
}

const out = process.env.NEUROPOSE_BENCH_CPU_OUT;
if (out) {
  process.on("exit", () => {
    try {
      writeFileSync(out, JSON.stringify({ cpuSeconds: cpuSecondsNow() }));
    } catch {}
  });
}
