// Preloaded into a benchmarked CLI (node --import, see _jobs.mjs cpuReportEnv): at exit, writes the CPU seconds
// of the process (all its threads: onnxruntime's included) plus those of the child processes it waited for
// (ffmpeg, ffprobe) to NEUROPOSE_BENCH_CPU_OUT. Linux only (/proc/self/stat); elsewhere nothing is written.
import { readFileSync, writeFileSync } from "node:fs";

const out = process.env.NEUROPOSE_BENCH_CPU_OUT;
if (out) {
  process.on("exit", () => {
    try {
      const stat = readFileSync("/proc/self/stat", "utf8");
      // fields after "(comm) ": state ppid ... utime(14) stime(15) cutime(16) cstime(17), in clock ticks (100/s)
      const f = stat
        .slice(stat.lastIndexOf(")") + 2)
        .split(" ")
        .map(Number);
      const ticks = f[11] + f[12] + f[13] + f[14];
      writeFileSync(out, JSON.stringify({ cpuSeconds: ticks / 100 }));
    } catch {}
  });
}
