// A queue worker as the fault tests run it (src/faults.test.ts): the BUILT @neuropose/queue source driven by
// @neuropose/jobs' runDaemon, the same queue code `neuropose worker` runs, with jobs' shared fake, fast video
// worker (../../jobs/test/fake-worker.mjs) so a SIGKILL lands in every phase. It journals
// "start <job> <pid> <ms>" when it begins a job. SIGTERM = graceful stop. argv: URL JOURNAL FRAME_MS
import { appendFileSync } from "node:fs";
import { runDaemon } from "@neuropose/jobs";
import { fakeVideoWorker } from "../../jobs/test/fake-worker.mjs";
import { QueueJobSource } from "../dist/index.js";

const [url, journal, frameMsArg] = process.argv.slice(2);
const worker = fakeVideoWorker({ frames: 6, frameMs: Number(frameMsArg ?? 20) });

const source = new QueueJobSource({
  url,
  provider: "fake",
  lockMs: 1500,
  stalledIntervalMs: 500,
  blockSeconds: 0.5,
  progressMs: 20,
});
const ac = new AbortController();
process.on("SIGTERM", () => ac.abort());
process.stdout.write("ready\n");
await runDaemon({
  source,
  worker,
  signal: ac.signal,
  pollMs: 50,
  onEvent: (e) => {
    if (e.type === "job-start") appendFileSync(journal, `start ${e.job} ${process.pid} ${Date.now()}\n`);
  },
});
await source.close();
