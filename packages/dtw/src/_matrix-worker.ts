// Worker for dtwMatrix: grabs pair indices from a shared counter, writes distances into shared memory.
import { parentPort, workerData } from "node:worker_threads";
// Imports only the engines (not @neuropose/io), so a worker starts fast; inputs were validated by dtwMatrix.
import { type CoreOptions, distanceJs } from "./_cell-cost.js";
import type { Series } from "./_series.js";
import { distanceWasm, getKernel } from "./_wasm.js";

interface Job {
  values: SharedArrayBuffer; // all sequences, concatenated
  offsets: number[]; // start (in values) of each sequence
  lengths: number[];
  dims: number;
  core: CoreOptions;
  engine: "auto" | "wasm" | "js" | undefined;
  control: SharedArrayBuffer; // Int32: [nextPair, donePairs, abort]
  result: SharedArrayBuffer; // Float64: n x n
}

const job = workerData as Job;
const all = new Float64Array(job.values);
const control = new Int32Array(job.control);
const result = new Float64Array(job.result);
const n = job.lengths.length;
const seqs: Series[] = job.lengths.map((len, k) => ({
  data: all.subarray(job.offsets[k] as number, (job.offsets[k] as number) + len * job.dims),
  length: len,
  dims: job.dims,
}));
const total = (n * (n - 1)) / 2;

/** Pair index p -> (i, j), i < j, row by row. */
function pairOf(p: number): [number, number] {
  let i = 0;
  let rowLen = n - 1;
  while (p >= rowLen) {
    p -= rowLen;
    i++;
    rowLen--;
  }
  return [i, i + 1 + p];
}

const kernel = job.engine === "js" ? null : getKernel();

let last = Date.now();
for (;;) {
  if (Atomics.load(control, 2) !== 0) break;
  const p = Atomics.add(control, 0, 1);
  if (p >= total) break;
  const [i, j] = pairOf(p);
  const a = seqs[i] as Series;
  const b = seqs[j] as Series;
  const [r, c] = a.length >= b.length ? [a, b] : [b, a];
  const d = kernel ? distanceWasm(kernel, r, c, job.core) : distanceJs(r, c, job.core);
  result[i * n + j] = d;
  result[j * n + i] = d;
  Atomics.add(control, 1, 1);
  const now = Date.now();
  if (now - last > 50) {
    last = now;
    parentPort?.postMessage("progress");
  }
}
parentPort?.postMessage("done");
