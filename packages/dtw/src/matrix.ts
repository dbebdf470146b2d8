import { availableParallelism } from "node:os";
import { NeuroPoseError } from "@neuropose/io/core";
import { coreOptions, seriesDistance } from "./_engine.js";
import { assertFinite, dtwError, type Series, type SeriesInput, toSeries } from "./_series.js";
import type { DtwOptions } from "./dtw.js";
import { DtwError } from "./errors.js";

// node:worker_threads is taken on first use (process.getBuiltinModule, Node >= 20.16): loading it at import cost
// ~20 ms of every `import("@neuropose/dtw")`, which most callers (one pair at a time) never need.
type Worker = import("node:worker_threads").Worker;
const workerThreads = () =>
  process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads");

export interface MatrixProgress {
  /** Pairs finished so far. */
  done: number;
  /** Pairs in total, n (n - 1) / 2. */
  total: number;
}

export interface MatrixRunOptions {
  /** Worker threads (default: every core, `os.availableParallelism()`); 1 computes on the calling thread. */
  threads?: number;
  /** Called as pairs finish (at most every ~50 ms per worker) and once at the end. */
  onProgress?: (p: MatrixProgress) => void;
  /** Aborts the computation; the promise then rejects with `E_ABORTED`. */
  signal?: AbortSignal;
}

/** Where the built worker lives: beside the bundle in dist/, or dist/ when running from TypeScript source. */
function workerUrl(): URL {
  const here = import.meta.url;
  if (/\/src\/[^/]+\.ts$/.test(here)) return new URL("../dist/_matrix-worker.js", here);
  return new URL("./_matrix-worker.js", here);
}

/**
 * Pairwise exact-DTW distances over a cohort of sequences, in parallel over worker threads (all cores by
 * default; small jobs and `threads: 1` run on the calling thread, yielding to the event loop every ~50 ms). Returns the symmetric n x n matrix (row-major, zero diagonal). Options are those of `dtw`
 * (cost, window, psi, maxDist, dims, engine), except `path`.
 *
 * @throws NeuroPoseError `E_ABORTED` when `signal` fires, plus the input errors of `dtw`.
 * @example
 * ```ts
 * import { dtwMatrix } from "@neuropose/dtw";
 * const m = await dtwMatrix([[0, 1, 2], [0, 1, 1, 2], [5, 5]], { window: 2 }, {
 *   onProgress: ({ done, total }) => console.log(`${done}/${total}`),
 * });
 * m[0 * 3 + 1]; // 0 (same shape, one repeated frame)
 * ```
 */
export async function dtwMatrix(
  sequences: readonly SeriesInput[],
  options: Omit<DtwOptions, "path"> = {},
  run: MatrixRunOptions = {},
): Promise<Float64Array> {
  const core = coreOptions(options);
  const seqs: Series[] = sequences.map((s, k) => toSeries(s, options.dims, `sequences[${k}]`));
  const n = seqs.length;
  const dims = seqs[0]?.dims ?? 1;
  seqs.forEach((s, k) => {
    if (s.dims !== dims) {
      throw dtwError(
        "E_DTW_SHAPE",
        `sequences[${k}] has ${s.dims} values per frame, sequences[0] has ${dims}`,
      );
    }
    if (s.length === 0) throw dtwError("E_DTW_EMPTY", `sequences[${k}] is empty`);
    assertFinite(s, `sequences[${k}]`);
  });
  const total = (n * (n - 1)) / 2;
  const resultBuf = new SharedArrayBuffer(Math.max(8, n * n * 8));
  const result = new Float64Array(resultBuf, 0, n * n);
  const aborted = () =>
    new DtwError("E_ABORTED", "DTW matrix computation aborted", { hint: "the abort signal fired" });
  if (run.signal?.aborted) throw aborted();
  if (total === 0) {
    run.onProgress?.({ done: 0, total: 0 });
    return Float64Array.from(result);
  }
  const threadsWanted = run.threads ?? availableParallelism();
  if (!Number.isInteger(threadsWanted) || threadsWanted < 1) {
    throw dtwError("E_DTW_OPTION", `threads must be a positive integer; got ${threadsWanted}`);
  }
  // Small jobs (or threads: 1) run here: starting workers costs ~0.1 s.
  let cells = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) cells += (seqs[i] as Series).length * (seqs[j] as Series).length;
  if (threadsWanted === 1 || cells * Math.max(1, dims / 4) < 2e7) {
    let done = 0;
    let last = Date.now();
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const d = seriesDistance(seqs[i] as Series, seqs[j] as Series, core, options.engine);
        result[i * n + j] = d;
        result[j * n + i] = d;
        done++;
        if (Date.now() - last > 50) {
          last = Date.now();
          run.onProgress?.({ done, total });
          // let the event loop breathe (abort signals, timers)
          await new Promise<void>((r) => setImmediate(r));
          if (run.signal?.aborted) throw aborted();
        }
      }
    }
    run.onProgress?.({ done, total });
    return Float64Array.from(result);
  }
  const offsets: number[] = [];
  let size = 0;
  for (const s of seqs) {
    offsets.push(size);
    size += s.length * dims;
  }
  const values = new SharedArrayBuffer(size * 8);
  const all = new Float64Array(values);
  seqs.forEach((s, k) => {
    all.set(s.data.subarray(0, s.length * dims), offsets[k]);
  });
  const control = new SharedArrayBuffer(12);
  const ctl = new Int32Array(control);
  const threads = Math.min(threadsWanted, total);
  const workerData = {
    values,
    offsets,
    lengths: seqs.map((s) => s.length),
    dims,
    core,
    engine: options.engine,
    control,
    result: resultBuf,
  };
  const url = workerUrl();
  return await new Promise<Float64Array>((resolve, reject) => {
    const workers: Worker[] = [];
    let finished = 0;
    let settled = false;
    let reported = -1;
    const stopAll = () => {
      Atomics.store(ctl, 2, 1);
      for (const w of workers) void w.terminate();
    };
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      stopAll();
      run.signal?.removeEventListener("abort", onAbort);
      reject(e);
    };
    const onAbort = () => fail(aborted());
    run.signal?.addEventListener("abort", onAbort, { once: true });
    for (let t = 0; t < threads; t++) {
      const w = new (workerThreads().Worker)(url, { workerData });
      workers.push(w);
      w.on("message", (msg: string) => {
        if (settled) return;
        const done = Math.min(Atomics.load(ctl, 1), total);
        if (done !== reported) {
          reported = done;
          run.onProgress?.({ done, total });
        }
        if (msg === "done") {
          finished++;
          if (finished === threads) {
            settled = true;
            run.signal?.removeEventListener("abort", onAbort);
            for (const x of workers) void x.terminate();
            resolve(Float64Array.from(result));
          }
        }
      });
      w.on("error", (e) =>
        fail(
          e instanceof NeuroPoseError
            ? e
            : new DtwError("E_DTW_WORKER", `DTW worker failed: ${e}`, { kind: "bug", cause: e }),
        ),
      );
      w.on("exit", (code) => {
        if (!settled && code !== 0)
          fail(new DtwError("E_DTW_WORKER", `DTW worker exited with code ${code}`, { kind: "bug" }));
      });
    }
  });
}
