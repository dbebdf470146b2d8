// The daemon as the crash-safety harness runs it (src/crash.test.ts): the built @neuropose/jobs with a fake
// worker that reads each input and writes a real VideoPredictions document (through io's atomic writer) a few
// frames at a time, so SIGKILL lands in every phase: start, recovery, claim, checkpoints, part writes,
// results assembly, status commits, quarantine. argv: DATA_DIR JOURNAL
import { appendFileSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { saveVideoPredictions } from "@neuropose/io";
import { acquireLock, FolderJobSource, runDaemon } from "../dist/index.js";

const [dataDir, journal] = process.argv.slice(2);
const FRAMES = 6;

const worker = {
  provider: "fake",
  async process(video, outPath, o = {}) {
    readFileSync(video);
    const frames = {};
    for (let i = 0; i < FRAMES; i++) {
      if (basename(video).includes("corrupt") && i === 3) {
        const e = new Error(`${video}: ffmpeg could not decode frame 3`);
        e.name = "VideoCorruptError";
        throw e;
      }
      await new Promise((r) => setTimeout(r, 4));
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

const source = new FolderJobSource(dataDir, { checkpointMs: 5 });
await source.ensureLayout();
const lock = acquireLock(source.layout.lock);
const report = await source.recover();
for (const job of report.completed) appendFileSync(journal, `done ${job}\n`);
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
