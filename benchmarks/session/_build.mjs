// One build in its own process, so peak RSS is the build's alone: prints {"seconds", "peak_rss_mb", ...} as JSON.
import { buildSession } from "@neuropose/session";

const [sessionDir, configPath] = process.argv.slice(2);
const t0 = performance.now();
const stages = {};
const r = await buildSession({
  sessionDir,
  configPath,
  onStage: (e) => {
    if (e.summary && e.state === "done")
      stages[e.stage] = { s: e.summary.wall_s, rss_mb: e.summary.peak_rss_bytes / 2 ** 20 };
  },
});
const seconds = (performance.now() - t0) / 1000;
const failing = r.flags.filter((f) => f.severity === "fail");
console.log(
  JSON.stringify({
    seconds,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    stages,
    nwb: r.nwb,
    fail_flags: failing.length,
  }),
);
