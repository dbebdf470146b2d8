import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { type BehaviourFile, readBpod, readIblrig } from "./bpod.js";
import { TrialsError } from "./errors.js";

/** The outcome states looked for by default (the W2T design's rule), in priority order for ties. */
export const DEFAULT_OUTCOME_STATES = ["HIT", "Miss", "CorrectReject", "FalseAlarm"] as const;

/** One row of the trials table. Times are absolute (session clock + file offset), seconds. */
export interface TrialRow {
  /** 1-based over all merged files. */
  trial: number;
  /** Index of the file in the merged order (0-based) and the trial's number in it (1-based). */
  fileIndex: number;
  trialInFile: number;
  type: number | null;
  start: number;
  stop: number;
  /** The first visited (earliest onset; list order breaks ties) of the outcome states, or null. */
  outcome: string | null;
  /** The first and last visited states (by onset / offset), null when no state was visited (W2T `phase_first/last`). */
  phaseFirst: string | null;
  phaseLast: string | null;
  /** Last state offset - first state onset (seconds; NaN when no state was visited): the W2T `observed_span`. */
  observedSpan: number;
  /**
   * Quality flags: `no_outcome` (no outcome state visited), `stop_derived` (no TrialEndTimestamp),
   * `overlaps_previous` (starts before the previous trial stops), `span_exceeds_duration` (states run past stop).
   */
  qcFlags: string[];
  /**
   * Per state: first onset and last offset (absolute), NaN when not visited. `visits` counts entries (a state
   * visited twice in one trial is one onset/offset pair here; every visit is in `stateVisits`).
   */
  states: Record<string, { onset: number; offset: number; visits: number }>;
  /** Every visit, absolute `[onset, offset]`. */
  stateVisits: Record<string, [number, number][]>;
}

/** One row of the events table. */
export interface EventRow {
  /** Absolute time, seconds. */
  time: number;
  name: string;
  trial: number;
}

export interface TrialsSummary {
  files: {
    path: string;
    format: BehaviourFile["format"];
    layout: BehaviourFile["layout"];
    trials: number;
    offset: number;
  }[];
  nTrials: number;
  nEvents: number;
  /** Trials per outcome (`"none"` for trials without an outcome state). */
  outcomes: Record<string, number>;
  /** Trials per type (`"none"` for files without TrialTypes). */
  types: Record<string, number>;
  /** Events per name. */
  eventCounts: Record<string, number>;
  /** stop - start over trials: mean, min, max (seconds). */
  duration: { mean: number; min: number; max: number };
  /** Problems that did not stop the read (overlapping trials, nTrials mismatch, derived stop times). */
  warnings: string[];
}

export interface TrialsResult {
  trials: TrialRow[];
  events: EventRow[];
  /** Every state name, in order of first appearance (the table's state columns). */
  stateNames: string[];
  summary: TrialsSummary;
}

export interface BuildTrialsOptions {
  /** Offset each later file by the previous file's last stop time (the W2T `continuous_time`). Default false. */
  continuousTime?: boolean;
  /** States that name the outcome; default {@link DEFAULT_OUTCOME_STATES}. */
  outcomeStates?: readonly string[];
}

/**
 * Build the trials and events tables (and their summary) from files already read, in the given order.
 *
 * @example
 * ```ts
 * import { buildTrials, parseIblrig } from "@neuropose/trials";
 * const line = (t: number) => `{"behavior_data": {"Trial start timestamp": ${t}, "Trial end timestamp": ${t + 2}, "States timestamps": {"HIT": [[0.5, 0.6]]}, "Events timestamps": {"Tup": [0.6]}}}`;
 * const a = parseIblrig(line(0), "a.jsonable");
 * const b = parseIblrig(line(0), "b.jsonable");
 * const r = buildTrials([a, b], { continuousTime: true });
 * console.log(r.trials.map((t) => t.start), r.events.map((e) => e.time), r.summary.outcomes); // [0,2] [0.6,2.6] {"HIT":2}
 * ```
 */
export function buildTrials(files: BehaviourFile[], options: BuildTrialsOptions = {}): TrialsResult {
  const outcomeStates = options.outcomeStates ?? DEFAULT_OUTCOME_STATES;
  const stateNames: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    for (const s of f.stateNames) {
      if (!seen.has(s)) {
        seen.add(s);
        stateNames.push(s);
      }
    }
  }
  const trials: TrialRow[] = [];
  const events: EventRow[] = [];
  const warnings: string[] = [];
  const fileSummaries: TrialsSummary["files"] = [];
  let offset = 0;
  files.forEach((f, fi) => {
    if (fi > 0 && options.continuousTime) {
      const prev = files[fi - 1] as BehaviourFile;
      const last = prev.trials[prev.trials.length - 1];
      if (last) offset += last.stop;
    }
    for (const w of f.warnings) warnings.push(`${f.path}: ${w}`);
    if (f.trials.some((t) => !t.stopFromFile)) {
      warnings.push(`${f.path}: no TrialEndTimestamp (Bpod r0.5); stop = start + last state offset`);
    }
    fileSummaries.push({ path: f.path, format: f.format, layout: f.layout, trials: f.trials.length, offset });
    for (const t of f.trials) {
      const number = trials.length + 1;
      const start = t.start + offset;
      const states: TrialRow["states"] = {};
      const stateVisits: TrialRow["stateVisits"] = {};
      for (const name of stateNames) {
        const vs = t.states[name] ?? [];
        const abs = vs.map(([a, b]) => [start + a, start + b] as [number, number]);
        stateVisits[name] = abs;
        states[name] = {
          onset: abs.length ? (abs[0] as [number, number])[0] : Number.NaN,
          offset: abs.length ? (abs[abs.length - 1] as [number, number])[1] : Number.NaN,
          visits: abs.length,
        };
      }
      let outcome: string | null = null;
      let best = Number.POSITIVE_INFINITY;
      for (const name of outcomeStates) {
        const on = states[name]?.onset;
        if (on !== undefined && !Number.isNaN(on) && on < best) {
          best = on;
          outcome = name;
        }
      }
      let phaseFirst: string | null = null;
      let phaseLast: string | null = null;
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const name of stateNames) {
        const s = states[name] as { onset: number; offset: number };
        if (s.onset < first) {
          first = s.onset;
          phaseFirst = name;
        }
        if (s.offset > last) {
          last = s.offset;
          phaseLast = name;
        }
      }
      const stop = t.stop + offset;
      const observedSpan = phaseFirst === null ? Number.NaN : last - first;
      const qcFlags: string[] = [];
      if (outcome === null) qcFlags.push("no_outcome");
      if (!t.stopFromFile) qcFlags.push("stop_derived");
      if (phaseLast !== null && last > stop + 1e-9) qcFlags.push("span_exceeds_duration");
      trials.push({
        trial: number,
        fileIndex: fi,
        trialInFile: t.numberInFile,
        type: t.type,
        start,
        stop,
        outcome,
        phaseFirst,
        phaseLast,
        observedSpan,
        qcFlags,
        states,
        stateVisits,
      });
      const mine: EventRow[] = [];
      for (const [name, times] of Object.entries(t.events))
        for (const x of times) mine.push({ time: start + x, name, trial: number });
      mine.sort((a, b) => a.time - b.time); // stable: same-time events keep the file's field order
      events.push(...mine);
    }
  });
  for (let i = 1; i < trials.length; i++) {
    const a = trials[i - 1] as TrialRow;
    const b = trials[i] as TrialRow;
    if (b.start < a.stop) {
      b.qcFlags.push("overlaps_previous");
      warnings.push(
        `trial ${b.trial} starts at ${b.start} before trial ${a.trial} stops at ${a.stop} (overlap; check the merge order or continuous_time)`,
      );
    }
  }
  const outcomes: Record<string, number> = {};
  const types: Record<string, number> = {};
  for (const t of trials) {
    const o = t.outcome ?? "none";
    outcomes[o] = (outcomes[o] ?? 0) + 1;
    const ty = t.type === null ? "none" : String(t.type);
    types[ty] = (types[ty] ?? 0) + 1;
  }
  const eventCounts: Record<string, number> = {};
  for (const e of events) eventCounts[e.name] = (eventCounts[e.name] ?? 0) + 1;
  const durations = trials.map((t) => t.stop - t.start);
  const duration = durations.length
    ? {
        mean: durations.reduce((a, c) => a + c, 0) / durations.length,
        min: Math.min(...durations),
        max: Math.max(...durations),
      }
    : { mean: Number.NaN, min: Number.NaN, max: Number.NaN };
  return {
    trials,
    events,
    stateNames,
    summary: {
      files: fileSummaries,
      nTrials: trials.length,
      nEvents: events.length,
      outcomes,
      types,
      eventCounts,
      duration,
      warnings,
    },
  };
}

/** How several files are ordered before merging (the W2T `bpod.order`). */
export type MergeOrder = "name_asc" | "name_desc" | "time_asc" | "time_desc";

export interface ReadTrialsOptions extends BuildTrialsOptions {
  /** Default "name_asc". "time_*" uses the session start the file states (Bpod Info), else the file's mtime. */
  order?: MergeOrder;
}

function isNdjson(path: string): boolean {
  return /\.(jsonable|ndjson|jsonl)$/i.test(path);
}

/**
 * Read Bpod `.mat` (v5/v7/v7.3) and iblrig `.jsonable` files, order them, merge them into one trials table and one
 * events table. Ties in time order fall back to the name order.
 *
 * @example
 * ```ts
 * import { readTrials } from "@neuropose/trials";
 * const dir = "../shared/fixtures/w2t-session/Session-000001/Bpod/";
 * const r = await readTrials([dir + "session_file02.mat", dir + "session_file01.mat"], { order: "name_asc" }).catch(() => undefined);
 * console.log(r?.summary.nTrials, r?.trials[2]?.outcome); // prints 3 "Miss" when the fixture is present
 * ```
 */
export async function readTrials(paths: string[], options: ReadTrialsOptions = {}): Promise<TrialsResult> {
  if (paths.length === 0) {
    throw new TrialsError("E_TRIALS_ARGUMENT", "no behaviour file given", {
      hint: "pass at least one .mat or .jsonable path",
    });
  }
  const order = options.order ?? "name_asc";
  if (!["name_asc", "name_desc", "time_asc", "time_desc"].includes(order)) {
    throw new TrialsError("E_TRIALS_ARGUMENT", `unknown merge order ${JSON.stringify(order)}`, {
      place: "order",
      hint: "use name_asc, name_desc, time_asc or time_desc",
    });
  }
  const files = await Promise.all(paths.map((p) => (isNdjson(p) ? readIblrig(p) : readBpod(p))));
  const keys = await Promise.all(
    files.map(async (f) => {
      let t: number;
      if (typeof f.sessionStart === "number")
        t = (f.sessionStart - 719529) * 86400; // MATLAB datenum -> Unix s
      else if (typeof f.sessionStart === "string" && !Number.isNaN(Date.parse(f.sessionStart)))
        t = Date.parse(f.sessionStart) / 1000;
      else t = (await stat(f.path)).mtimeMs / 1000;
      return { f, name: basename(f.path), t };
    }),
  );
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  keys.sort((a, b) => {
    switch (order) {
      case "name_asc":
        return byName(a, b);
      case "name_desc":
        return byName(b, a);
      case "time_asc":
        return a.t - b.t || byName(a, b);
      default:
        return b.t - a.t || byName(a, b);
    }
  });
  return buildTrials(
    keys.map((k) => k.f),
    options,
  );
}

/**
 * The trials table as columns (one array per column, rows in trial order), ready for a table writer (NWB trials,
 * Parquet, CSV): `trial`, `file_index`, `trial_in_file`, `type`, `start_time`, `stop_time`, `outcome`, then
 * `<state>_onset`, `<state>_offset` for every state (NaN when not visited).
 *
 * @example
 * ```ts
 * import { buildTrials, parseIblrig, trialsColumns } from "@neuropose/trials";
 * const f = parseIblrig('{"behavior_data": {"Trial start timestamp": 1, "Trial end timestamp": 3, "States timestamps": {"HIT": [[0.5, 0.6]]}, "Events timestamps": {}}}', "x");
 * const c = trialsColumns(buildTrials([f]));
 * console.log(Object.keys(c).length); // prints 15: 13 fixed columns + HIT_onset, HIT_offset
 * c.HIT_onset; // [1.5]
 * c.observed_span; // [0.10000000000000009]
 * ```
 */
export function trialsColumns(result: TrialsResult): Record<string, (number | string | null)[]> {
  const cols: Record<string, (number | string | null)[]> = {
    trial: result.trials.map((t) => t.trial),
    file_index: result.trials.map((t) => t.fileIndex),
    trial_in_file: result.trials.map((t) => t.trialInFile),
    type: result.trials.map((t) => t.type),
    start_time: result.trials.map((t) => t.start),
    stop_time: result.trials.map((t) => t.stop),
    outcome: result.trials.map((t) => t.outcome),
    phase_first: result.trials.map((t) => t.phaseFirst),
    phase_last: result.trials.map((t) => t.phaseLast),
    declared_duration: result.trials.map((t) => t.stop - t.start),
    observed_span: result.trials.map((t) => t.observedSpan),
    duration_delta: result.trials.map((t) => t.stop - t.start - t.observedSpan),
    qc_flags: result.trials.map((t) => t.qcFlags.join(",")),
  };
  for (const s of result.stateNames) {
    cols[`${s}_onset`] = result.trials.map((t) => t.states[s]?.onset ?? Number.NaN);
    cols[`${s}_offset`] = result.trials.map((t) => t.states[s]?.offset ?? Number.NaN);
  }
  return cols;
}
