// The daemon as the crash-safety harness runs it (src/crash.test.ts): the built @neuropose/jobs with the shared
// fake worker (fake-worker.mjs: reads each input, writes a real VideoPredictions document a few frames at a
// time), so SIGKILL lands in every phase: start, recovery, claim, checkpoints, results.json streaming and commit,
// status commits, quarantine. A video named *corrupt* fails at frame 3. argv: DATA_DIR JOURNAL
import { appendFileSync } from "node:fs";
import { basename } from "node:path";
import { acquireLock, FolderJobSource, runDaemon } from "../dist/index.js";
import { fakeVideoWorker } from "./fake-worker.mjs";

const [dataDir, journal] = process.argv.slice(2);

const worker = fakeVideoWorker({
  frames: 6,
  frameMs: 4,
  fail: (video, _call, frame) => {
    if (!basename(video).includes("corrupt") || frame !== 3) return undefined;
    const e = new Error(`${video}: ffmpeg could not decode frame 3`);
    e.name = "VideoCorruptError";
    return e;
  },
});

const source = new FolderJobSource(dataDir, { checkpointMs: 5 });
await source.ensureLayout();
const lock = acquireLock(source.layout.lock);
const report = await source.recover();
for (const job of report.completed) appendFileSync(journal, `recovered ${job}\n`);
process.stdout.write("ready\n");
await runDaemon({
  source,
  worker,
  once: true,
  onEvent: (e) => {
    if (e.type === "job-start") appendFileSync(journal, `start ${e.job}\n`);
    if (e.type === "job-done") appendFileSync(journal, `done ${e.job}\n`);
  },
});
lock.release();
