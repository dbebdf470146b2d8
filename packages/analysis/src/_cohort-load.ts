// Loading a cohort's trials: on the calling thread one after another, or on worker threads (_load-worker.ts) that
// each read, parse, check, prepare and segment the trials they take and send back only the pieces' sequences
// (transferred, not copied) and the summaries. Either way the same function loads a trial (loadCohortTrial), the
// results are put back in input order, and a failure gives the error the calling thread would have thrown: a
// trial that failed on a worker is loaded again here, so the caller gets that very error object (class, code,
// path, hint).
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { type ResourceLimits, Worker } from "node:worker_threads";
import { type CohortTrial, loadCohortTrial, scratchContext, TrialFailure } from "./_cohort-trial.js";
import type { RunContext } from "./_context.js";
import { checkAbort } from "./_deps.js";
import { hasJointNames, resolveConfigJoints } from "./_joints.js";
import { onWorkerFailure, threadCount, workerUrl } from "./_pairs.js";
import { AnalysisRunError } from "./errors.js";
import type { AnalysisPlan } from "./plan.js";

/** What a load worker receives (see _load-worker.ts). */
export interface LoadWorkerData {
  plan: AnalysisPlan;
  configPath: string | undefined;
}

/** Main thread → worker. */
export type LoadRequest = { type: "load"; k: number; path: string } | { type: "unit"; unit: "m" | "mm" };

/** Worker → main thread. */
export type LoadReply =
  | { type: "unit"; unit: "m" | "mm" }
  | { type: "done"; k: number; trial: CohortTrial }
  | { type: "failed"; k: number; phase: TrialFailure["phase"]; skeleton: string | null | undefined };

/**
 * When trials load on workers: several threads, files on disk (an injected `readInput` cannot cross threads), and
 * enough bytes that starting the workers (~0.1-0.3 s of CPU each: io, segment, kinematics) pays. Tests lower
 * `minBytes`. `limits`: the load workers' young generation is kept small (4 MB): a trial's parse garbage dies
 * young, and 20 trials x 900 frames peaked at 194 MB instead of 210-222 MB with V8's default, for no more CPU.
 */
export const loadPolicy: { minBytes: number; limits?: ResourceLimits } = {
  minBytes: 8e6,
  limits: { maxYoungGenerationSizeMb: 4 },
};

type Outcome = { ok: true; trial: CohortTrial } | { ok: false; failure: TrialFailure };

/** Load threads for these cohort files (0: the calling thread loads them). */
export async function loadThreads(ctx: RunContext, paths: readonly string[]): Promise<number> {
  const threads = Math.min(threadCount(ctx.options.threads), paths.length);
  if (threads <= 1 || ctx.options.readInput) return 0;
  let bytes = 0;
  for (const p of paths) {
    try {
      bytes += (await stat(isAbsolute(p) ? p : resolve(ctx.plan.baseDir, p))).size;
    } catch {
      // A missing file: its error comes from the loader, wherever it runs.
    }
  }
  return bytes >= loadPolicy.minBytes ? threads : 0;
}

/**
 * Whether the outcomes decide the run's error already: the first failure (in input order, every earlier trial
 * known) is a failure to read a file, or any failure when the config names no joint (then nothing after it runs).
 */
function decided(out: (Outcome | undefined)[], total: number, names: boolean): boolean {
  for (let k = 0; k < total; k++) {
    const o = out[k];
    if (o === undefined) return false;
    if (!o.ok && (o.failure.phase === "load" || !names)) return true;
  }
  return true;
}

/**
 * Load every cohort trial (in `paths` order) and record each in `ctx` (provenance, notes, warnings, trial
 * records, figures, the run's unit; joint names resolved against every trial's skeleton). Returns the loaded
 * trials in order. Errors come in the order one thread meets them: a file that cannot be read first, then joint
 * names, then the first trial that cannot be prepared or segmented.
 */
export async function loadCohort(ctx: RunContext, paths: readonly string[]): Promise<CohortTrial[]> {
  const names = hasJointNames(ctx.resolved);
  const threads = await loadThreads(ctx, paths);
  const out = threads > 0 ? await onWorkers(ctx, paths, threads, names) : await here(ctx, paths, names);
  // The error one thread would have thrown.
  const failed = (phases: TrialFailure["phase"][]) => {
    for (const [k, o] of out.entries()) {
      if (o === undefined) return;
      if (!o.ok && phases.includes(o.failure.phase)) return { k, failure: o.failure };
    }
  };
  const rethrow = async (f: { k: number; failure: TrialFailure }): Promise<never> => {
    if (f.failure.error !== undefined) throw f.failure.error;
    // Failed on a worker: the same trial again here, for the very error object.
    try {
      const first = out[0];
      const unit = first?.ok ? first.trial.unit : undefined;
      await loadCohortTrial(
        scratchContext(ctx),
        paths[f.k] as string,
        (l) => unit ?? l.predictions.metadata.poses3d_unit,
      );
    } catch (e) {
      if (e instanceof TrialFailure) throw e.error;
      throw e;
    }
    throw new AnalysisRunError("E_ANALYSIS_WORKER", `${paths[f.k]} failed on a load worker but loads here`, {
      kind: "bug",
      hint: "run with --threads 1",
    });
  };
  if (names) {
    const load = failed(["load"]);
    if (load) await rethrow(load);
    const r = resolveConfigJoints(
      ctx.resolved,
      paths.map((p, k) => {
        const o = out[k] as Outcome;
        return { path: p, skeleton: o.ok ? o.trial.skeleton : (o.failure.skeleton ?? null) };
      }),
      ctx.configName,
    );
    ctx.work = r.config;
    ctx.resolvedJoints = r.resolved;
    ctx.log?.debug?.("resolved joint names", { joints: ctx.resolvedJoints });
  }
  const any = failed(["load", "resolve", "process"]);
  if (any) await rethrow(any);
  const trials = out.map((o) => (o as { trial: CohortTrial }).trial);
  for (const [k, t] of trials.entries()) {
    ctx.unit ??= t.unit;
    ctx.provenanceInputs.push({ role: "cohort", path: paths[k] as string, sha256: t.sha256, bytes: t.bytes });
    ctx.notes.push(...t.notes);
    ctx.warnings.push(...t.warnings);
    ctx.trials.push(...t.trials);
    ctx.figures.trials.push(...t.figures);
  }
  return trials;
}

/** The calling thread loads every trial, one after another. */
async function here(
  ctx: RunContext,
  paths: readonly string[],
  names: boolean,
): Promise<(Outcome | undefined)[]> {
  const out: (Outcome | undefined)[] = [];
  let unit: "m" | "mm" | undefined;
  for (const [k, p] of paths.entries()) {
    checkAbort(ctx.options.signal);
    try {
      const trial = await loadCohortTrial(scratchContext(ctx), p, (l) => {
        unit ??= l.predictions.metadata.poses3d_unit;
        return unit;
      });
      out.push({ ok: true, trial }); // the loader logged "loaded input" already
    } catch (e) {
      if (!(e instanceof TrialFailure)) throw e;
      out.push({ ok: false, failure: e });
    }
    ctx.options.onProgress?.({ stage: "load", done: k + 1, total: paths.length, label: p });
    if (decided(out, paths.length, names) && out.some((o) => o && !o.ok)) break;
  }
  return out;
}

/**
 * Trials spread over `threads` load workers, each taking the next trial when it is done with one; the calling
 * thread only collects (loading here too was tried: its heap then holds a document's garbage besides the
 * sequences, +30-40 MB peak RSS for the same CPU). The worker with trial 0 reports the run's unit (that trial's)
 * as soon as it has read the file; the others wait for it before preparing a trial.
 */
function onWorkers(
  ctx: RunContext,
  paths: readonly string[],
  threads: number,
  names: boolean,
): Promise<(Outcome | undefined)[]> {
  const out: (Outcome | undefined)[] = new Array(paths.length).fill(undefined);
  const data: LoadWorkerData = { plan: ctx.plan, configPath: ctx.options.configPath };
  const signal = ctx.options.signal;
  return new Promise((resolvePromise, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let received = 0;
    let settled = false;
    let unit: "m" | "mm" | undefined;
    const finish = (e?: unknown) => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      signal?.removeEventListener("abort", onAbort);
      if (e !== undefined) reject(e);
      else resolvePromise(out);
    };
    const onAbort = () => {
      try {
        checkAbort(signal);
      } catch (e) {
        finish(e);
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const take = () => (settled || next >= paths.length ? -1 : next++);
    const known = (u: "m" | "mm") => {
      if (unit !== undefined) return;
      unit = u;
      for (const x of workers) x.postMessage({ type: "unit", unit: u } satisfies LoadRequest);
    };
    /** One trial's outcome; true while there is more to do. */
    const record = (k: number, o: Outcome): boolean => {
      if (settled) return false;
      out[k] = o;
      const path = paths[k] as string;
      if (o.ok)
        ctx.log?.debug?.("loaded input", {
          path,
          frames: o.trial.summary.frame_count,
          sha256: o.trial.sha256,
        });
      received++;
      ctx.options.onProgress?.({ stage: "load", done: received, total: paths.length, label: path });
      // The first trial gives the run's unit: when it cannot be read, nothing after it can be prepared.
      if (received === paths.length || (decided(out, paths.length, names) && out.some((o) => o && !o.ok))) {
        finish();
        return false;
      }
      return true;
    };
    const give = (w: Worker) => {
      const k = take();
      if (k >= 0) w.postMessage({ type: "load", k, path: paths[k] } satisfies LoadRequest);
    };
    for (let t = 0; t < threads; t++) {
      const w = new Worker(workerUrl("_load-worker.js"), {
        workerData: data,
        resourceLimits: loadPolicy.limits,
      });
      workers.push(w);
      w.on("message", (m: LoadReply) => {
        if (settled) return;
        if (m.type === "unit") return known(m.unit);
        const o: Outcome =
          m.type === "done"
            ? { ok: true, trial: m.trial }
            : { ok: false, failure: new TrialFailure(m.phase, undefined, m.skeleton) };
        if (record(m.k, o)) give(w);
      });
      onWorkerFailure(w, "a load worker thread", finish);
      give(w);
    }
  });
}
