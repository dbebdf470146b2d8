// A queue worker as the fault tests run it (src/faults.test.ts): the BUILT @neuropose/queue source driven by
// @neuropose/jobs' runDaemon, the same queue code `neuropose worker` runs, with a fake, fast video worker
// (reads each input, writes a real VideoPredictions document a few frames at a time) so a SIGKILL lands in
// every phase. It journals "start <job> <pid> <ms>" when it begins a job. SIGTERM = graceful stop.
// argv: URL JOURNAL FRAME_MS
import { appendFileSync, readFileSync } from "node:fs";
import { saveVideoPredictions } from "@neuropose/io";
import { runDaemon } from "@neuropose/jobs";
import { QueueJobSource } from "../dist/index.js";

const [url, journal, frameMsArg] = process.argv.slice(2);
const FRAMES = 6;
const frameMs = Number(frameMsArg ?? 20);

const worker = {
  provider: "fake",
  async process(video, outPath, o = {}) {
    readFileSync(video);
    const frames = {};
    for (let i = 0; i < FRAMES; i++) {
      await new Promise((r) => setTimeout(r, frameMs));
      frames[`frame_${String(i).padStart(6, "0")}`] = {
        boxes: [[0, 0, 1, 1, 1]],
        poses3d: [[[i, 0, 0]]],
        poses2d: [[[0, 0]]],
      };
      o.onProgress?.({ done: i + 1, total: FRAMES });
    }
    await saveVideoPredictions(outPath, {
      metadata: {
        frame_count: FRAMES,
        fps: 30,
        width: 8,
        height: 8,
        skeleton: "blazepose_33",
        poses3d_unit: "mm",
        poses3d_frame: "hip_centered",
      },
      frames,
    });
    return { frames: FRAMES, framesWithPerson: FRAMES, wallMs: 1, fps: 1, provider: "fake" };
  },
  async dispose() {},
};

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
