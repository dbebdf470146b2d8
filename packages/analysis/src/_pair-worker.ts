// Worker of comparePairs (_pairs.ts): takes task indices from a shared counter, compares each pair with the same
// function as the calling thread (comparePair) and posts the result. Loads dtw and kinematics only.
import { parentPort, workerData } from "node:worker_threads";
import type { PoseSequence } from "@neuropose/kinematics";
import { comparePair } from "./_pair.js";
import type { PairJob, PairMessage } from "./_pairs.js";

const job = workerData as PairJob;
const all = new Float64Array(job.values);
const control = new Int32Array(job.control);
const seqs: PoseSequence[] = job.frames.map((frames, i) => {
  const joints = job.joints[i] as number;
  const at = job.offsets[i] as number;
  return { frames, joints, data: all.subarray(at, at + frames * joints * 3) };
});
const total = job.tasks.length / 3;
for (;;) {
  if (Atomics.load(control, 1) !== 0) break;
  const k = Atomics.add(control, 0, 1);
  if (k >= total) break;
  const a = seqs[job.tasks[k * 3] as number] as PoseSequence;
  const b = seqs[job.tasks[k * 3 + 1] as number] as PoseSequence;
  let msg: PairMessage;
  try {
    msg = { k, result: comparePair(a, b, job.choice, job.tasks[k * 3 + 2] === 1) };
  } catch {
    msg = { k, failed: true };
  }
  parentPort?.postMessage(msg);
}
