// Many DTW comparisons (a cohort's pairs, the references' pairs) spread over worker threads. Every pair is
// computed by the same function (comparePair) on its own, so the answers do not depend on how many threads run
// them or in which order they finish: results are stored by pair index.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { dtwMatrix } from "@neuropose/dtw";
import { extractJointAngles, type PoseSequence } from "@neuropose/kinematics";
import { checkAbort } from "./_deps.js";
import { comparePair, type DtwChoice, type PairResult } from "./_pair.js";
import { AnalysisRunError } from "./errors.js";

/** One comparison: `a` aligned onto `b`; `path` asks for the warping path. */
export interface PairTask {
  a: PoseSequence;
  b: PoseSequence;
  path: boolean;
}

/** The answer of one task: its result, or the error comparePair threw for it. */
export type PairOutcome = { ok: true; result: PairResult } | { ok: false; error: unknown };

/** How to run a batch of comparisons. */
export interface PairRun {
  /** Worker threads (default: every core, `os.availableParallelism()`); 1 runs on the calling thread. */
  threads?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** What a worker receives (see _pair-worker.ts). */
export interface PairJob {
  /** Every distinct sequence, concatenated (frames x joints x 3 each). */
  values: SharedArrayBuffer;
  offsets: number[];
  frames: number[];
  joints: number[];
  /** Per task: index of a, index of b, 1 when the path is wanted. */
  tasks: Int32Array;
  choice: DtwChoice;
  /** Int32 [next task, stop]. */
  control: SharedArrayBuffer;
}

/** One task's answer as a worker posts it. */
export interface PairMessage {
  k: number;
  result?: PairResult;
  failed?: boolean;
}

// Starting a worker (dtw + kinematics, the WASM kernel) costs ~30-60 ms: smaller batches run here.
const MIN_WORKER_CELLS = 4e6;

/**
 * Where a built worker module (`_pair-worker.js`, `_load-worker.js`) lives: beside the bundle in dist/, or dist/
 * when running from TypeScript source.
 */
export function workerUrl(file: string): URL {
  const here = import.meta.url;
  if (/\/src\/[^/]+\.ts$/.test(here)) return new URL(`../dist/${file}`, here);
  return new URL(`./${file}`, here);
}

/** A worker's crash or non-zero exit ends the batch with an E_ANALYSIS_WORKER bug (`what`: "a DTW worker thread"). */
export function onWorkerFailure(w: Worker, what: string, finish: (e: unknown) => void): void {
  w.on("error", (e) =>
    finish(
      new AnalysisRunError("E_ANALYSIS_WORKER", `${what} failed: ${e.message}`, {
        kind: "bug",
        cause: e,
      }),
    ),
  );
  w.on("exit", (code) => {
    if (code !== 0)
      finish(
        new AnalysisRunError("E_ANALYSIS_WORKER", `${what} exited with code ${code}`, {
          kind: "bug",
          hint: "out of memory? run with --threads 1",
        }),
      );
  });
}

/** The number of threads a run uses: `threads` as given, else every core. */
export function threadCount(threads: number | undefined): number {
  const t = threads ?? availableParallelism();
  if (!Number.isInteger(t) || t < 1) {
    throw new AnalysisRunError("E_ANALYSIS_CONFIG", `threads must be a whole number >= 1; got ${t}`, {
      kind: "user",
      hint: "--threads N or NEUROPOSE_THREADS=N (default: every core)",
    });
  }
  return t;
}

/** Worker threads {@link comparePairs} starts for `tasks` (0: they run on the calling thread). */
export function workerThreads(tasks: readonly PairTask[], threads: number | undefined): number {
  const t = Math.min(threadCount(threads), tasks.length);
  let cells = 0;
  for (const x of tasks) cells += x.a.frames * x.b.frames * Math.max(1, x.a.joints / 4);
  return t <= 1 || cells < MIN_WORKER_CELLS ? 0 : t;
}

function outcome(t: PairTask, c: DtwChoice): PairOutcome {
  try {
    return { ok: true, result: comparePair(t.a, t.b, c, t.path) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Run every task, on worker threads when there are several threads and enough work, else here. Returns one
 * outcome per task, in task order; identical whatever the thread count (each pair is computed alone). Throws
 * `E_ABORTED` when `signal` fires.
 */
export async function comparePairs(
  tasks: readonly PairTask[],
  choice: DtwChoice,
  run: PairRun = {},
): Promise<PairOutcome[]> {
  const threads = workerThreads(tasks, run.threads);
  checkAbort(run.signal);
  if (threads === 0) {
    const out: PairOutcome[] = [];
    let last = Date.now();
    for (const t of tasks) {
      out.push(outcome(t, choice));
      if (Date.now() - last > 50) {
        last = Date.now();
        run.onProgress?.(out.length, tasks.length);
        await new Promise<void>((r) => setImmediate(r)); // let an abort signal in
        checkAbort(run.signal);
      }
    }
    run.onProgress?.(out.length, tasks.length);
    return out;
  }
  return await onWorkers(tasks, choice, threads, run);
}

function onWorkers(
  tasks: readonly PairTask[],
  choice: DtwChoice,
  threads: number,
  run: PairRun,
): Promise<PairOutcome[]> {
  // Each distinct sequence once in shared memory (a cohort's n sequences serve n(n-1)/2 tasks).
  const index = new Map<PoseSequence, number>();
  const seqs: PoseSequence[] = [];
  const taskIdx = new Int32Array(tasks.length * 3);
  tasks.forEach((t, k) => {
    for (const [slot, s] of [t.a, t.b].entries()) {
      let i = index.get(s);
      if (i === undefined) {
        i = seqs.length;
        index.set(s, i);
        seqs.push(s);
      }
      taskIdx[k * 3 + slot] = i;
    }
    taskIdx[k * 3 + 2] = t.path ? 1 : 0;
  });
  const offsets: number[] = [];
  let size = 0;
  for (const s of seqs) {
    offsets.push(size);
    size += s.frames * s.joints * 3;
  }
  const values = new SharedArrayBuffer(Math.max(8, size * 8));
  const all = new Float64Array(values);
  seqs.forEach((s, i) => {
    all.set(s.data.subarray(0, s.frames * s.joints * 3), offsets[i]);
  });
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control);
  const job: PairJob = {
    values,
    offsets,
    frames: seqs.map((s) => s.frames),
    joints: seqs.map((s) => s.joints),
    tasks: taskIdx,
    choice,
    control,
  };
  const out: (PairOutcome | undefined)[] = new Array(tasks.length);
  return new Promise<PairOutcome[]>((resolve, reject) => {
    const workers: Worker[] = [];
    let received = 0;
    let settled = false;
    let last = 0;
    const finish = (e?: unknown) => {
      if (settled) return;
      settled = true;
      Atomics.store(ctl, 1, 1);
      for (const w of workers) void w.terminate();
      run.signal?.removeEventListener("abort", onAbort);
      if (e !== undefined) reject(e);
      else resolve(out as PairOutcome[]);
    };
    const onAbort = () => {
      try {
        checkAbort(run.signal);
      } catch (e) {
        finish(e);
      }
    };
    run.signal?.addEventListener("abort", onAbort, { once: true });
    for (let t = 0; t < threads; t++) {
      const w = new Worker(workerUrl("_pair-worker.js"), { workerData: job });
      workers.push(w);
      w.on("message", (m: PairMessage) => {
        if (settled) return;
        const task = tasks[m.k] as PairTask;
        // A failed pair is computed again here, so the caller gets the very error object comparePair throws.
        out[m.k] = m.result ? { ok: true, result: m.result } : outcome(task, choice);
        received++;
        const now = Date.now();
        if (received === tasks.length || now - last > 50) {
          last = now;
          run.onProgress?.(received, tasks.length);
        }
        if (received === tasks.length) finish();
      });
      onWorkerFailure(w, "a DTW worker thread", finish);
    }
  });
}

/**
 * The full pairwise distance matrix (n x n, symmetric, zero diagonal) of several sequences. Exact `dtw_all`
 * without alignment on finite features runs on dtw's `dtwMatrix` (worker threads); everything else (Procrustes
 * alignment is per pair, fastdtw, per-joint, relation, NaN policies) runs one comparison per pair (i < j, i
 * aligned onto j), spread over worker threads by {@link comparePairs}.
 */
export async function pairwiseMatrix(
  seqs: PoseSequence[],
  c: DtwChoice,
  run: {
    threads?: number | undefined;
    onProgress?: ((done: number, total: number) => void) | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<number[][]> {
  const n = seqs.length;
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  if (c.method === "dtw_all" && c.align === "none" && c.algorithm === "exact") {
    const feats = seqs.map((q) =>
      c.representation === "angles"
        ? extractJointAngles(q, c.angleTriplets ?? [])
        : { rows: q.frames, cols: q.joints * 3, data: q.data },
    );
    if (feats.every((f) => f.data.every((v) => Number.isFinite(v)))) {
      const m = await dtwMatrix(
        feats,
        {},
        {
          threads: threadCount(run.threads),
          ...(run.signal ? { signal: run.signal } : {}),
          onProgress: (p) => run.onProgress?.(p.done, p.total),
        },
      );
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) (out[i] as number[])[j] = m[i * n + j] as number;
      return out;
    }
  }
  const tasks: PairTask[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      tasks.push({ a: seqs[i] as PoseSequence, b: seqs[j] as PoseSequence, path: false });
  const outcomes = await comparePairs(tasks, c, run);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const o = outcomes[k++] as PairOutcome;
      if (!o.ok) throw o.error; // the first failing pair in row order, as one thread would meet it
      out[i]![j] = o.result.distance;
      out[j]![i] = o.result.distance;
    }
  }
  return out;
}
