import { parseJson, readFileOr } from "@neuropose/io";
import { readMat5 } from "./_mat5.js";
import { TrialsError } from "./errors.js";
import { type MatFile, type MatValue, readMatFile } from "./mat.js";

/**
 * One trial as the acquisition software stored it: times relative to the trial's start, except `start`/`stop`
 * (session clock, seconds). `states[name]` lists every visit `[onset, offset]` in order (`[]` when not visited);
 * `events[name]` every time the event occurred.
 */
export interface RawTrial {
  /** 1-based number within its file. */
  numberInFile: number;
  start: number;
  /** `TrialEndTimestamp` (Gen2, iblrig) or, when the file has none (Bpod r0.5), start + the last state offset. */
  stop: number;
  /** Whether `stop` came from the file (false: derived from the last state offset). */
  stopFromFile: boolean;
  /** `TrialTypes(i)` when the file has it. */
  type: number | null;
  states: Record<string, [number, number][]>;
  events: Record<string, number[]>;
}

/** One behaviour file, read. */
export interface BehaviourFile {
  path: string;
  /** "bpod-mat-v5" (also v7), "bpod-mat-v7.3" or "iblrig-ndjson". */
  format: "bpod-mat-v5" | "bpod-mat-v7.3" | "iblrig-ndjson";
  /** "gen2" when the file has TrialEndTimestamp, "r0.5" when not (MAT files only). */
  layout: "gen2" | "r0.5" | "iblrig";
  trials: RawTrial[];
  /** State names in the order of the file's first trial (then new ones in order of appearance). */
  stateNames: string[];
  eventNames: string[];
  /** Session start as a MATLAB datenum (`Info.SessionStartTime_MATLAB`) or ISO text, when the file states it. */
  sessionStart: number | string | null;
  /** The Bpod software version (`Info.BpodSoftwareVersion`), when the file states it. */
  softwareVersion: string | null;
  /** Problems that did not stop the read (e.g. nTrials differs from the number of RawEvents trials). */
  warnings: string[];
}

function fieldError(path: string, field: string, message: string, hint: string): TrialsError {
  return new TrialsError("E_BPOD_FIELD", `${path}: ${field}: ${message}`, { path, place: field, hint });
}

function struct1(v: MatValue | undefined, path: string, field: string): Record<string, MatValue> {
  if (v?.kind !== "struct" || v.elements.length !== 1) {
    throw fieldError(
      path,
      field,
      v ? `expected a 1x1 struct, found ${v.kind} [${v.dims.join("x")}]` : "missing",
      "this is not a Bpod SessionData file (saved by Bpod's SaveBpodSessionData)",
    );
  }
  return v.elements[0] as Record<string, MatValue>;
}

function numericData(v: MatValue | undefined, path: string, field: string): Float64Array {
  if (v?.kind !== "numeric") {
    throw fieldError(
      path,
      field,
      v ? `expected numbers, found ${v.kind}` : "missing",
      "the SessionData is incomplete or not from Bpod",
    );
  }
  return v.data;
}

function text(v: MatValue | undefined): string | null {
  return v && v.kind === "char" ? v.rows.join("\n") : null;
}

/** `[start end]` visits of one state: a 1x2 (or Nx2) matrix, NaN rows = not visited. */
function visits(v: MatValue, path: string, field: string): [number, number][] {
  if (v.kind !== "numeric")
    throw fieldError(
      path,
      field,
      `expected a [start end] matrix, found ${v.kind}`,
      "the file is not a Bpod SessionData",
    );
  const n = v.data.length;
  if (n === 0) return [];
  const [r, c] = v.dims as [number, number];
  let rows: number;
  let at: (i: number, j: number) => number;
  if (c === 2 && v.dims.length === 2) {
    rows = r;
    at = (i, j) => v.data[j * r + i] as number;
  } else if (r === 2 && c !== 2 && v.dims.length === 2) {
    // stored transposed (2xN): accept, each column a visit
    rows = c;
    at = (i, j) => v.data[i * 2 + j] as number;
  } else {
    throw fieldError(
      path,
      field,
      `expected an Nx2 [start end] matrix, found [${v.dims.join("x")}]`,
      "the file is not a Bpod SessionData",
    );
  }
  const out: [number, number][] = [];
  for (let i = 0; i < rows; i++) {
    const s = at(i, 0);
    const e = at(i, 1);
    if (Number.isNaN(s) && Number.isNaN(e)) continue;
    out.push([s, e]);
  }
  return out;
}

function trialList(v: MatValue | undefined, path: string): Record<string, MatValue>[] {
  const field = "SessionData.RawEvents.Trial";
  if (!v)
    throw fieldError(
      path,
      field,
      "missing",
      "the session has no recorded trial (was it saved before the first trial ended?)",
    );
  if (v.kind === "struct") return v.elements;
  if (v.kind === "cell") {
    return v.elements.map((e, i) => {
      if (e.kind !== "struct" || e.elements.length !== 1) {
        throw fieldError(
          path,
          `${field}{${i + 1}}`,
          `expected a 1x1 struct, found ${e.kind}`,
          "the file is not a Bpod SessionData",
        );
      }
      return e.elements[0] as Record<string, MatValue>;
    });
  }
  throw fieldError(
    path,
    field,
    `expected a cell array of structs, found ${v.kind}`,
    "the file is not a Bpod SessionData",
  );
}

function addNames(list: string[], seen: Set<string>, names: Iterable<string>): void {
  for (const n of names) {
    if (!seen.has(n)) {
      seen.add(n);
      list.push(n);
    }
  }
}

/**
 * Turn a decoded MAT file's `SessionData` into trials. Works on MATLAB's own dimensions (never on a squeezed view),
 * so a one-trial file (scalars after scipy's squeeze) reads like any other.
 *
 * @example
 * ```ts
 * import { bpodFromMat } from "@neuropose/trials";
 * const cell = (els: any[]) => ({ kind: "cell", dims: [1, els.length], elements: els }) as const;
 * const num = (...x: number[]) => ({ kind: "numeric", class: "double", dims: [1, x.length], logical: false, data: Float64Array.from(x) }) as const;
 * const st = (rec: any) => ({ kind: "struct", dims: [1, 1], fields: Object.keys(rec), elements: [rec] }) as const;
 * const mat = { format: "v5", header: "", order: ["SessionData"], variables: { SessionData: st({
 *   nTrials: num(1), TrialStartTimestamp: num(10), TrialEndTimestamp: num(12),
 *   RawEvents: st({ Trial: cell([st({ States: st({ HIT: num(0.5, 0.6) }), Events: st({ Tup: num(0.6) }) })]) }),
 * }) } } as const;
 * const f = bpodFromMat(mat as any, "s.mat");
 * console.log(f.trials[0].states.HIT, f.layout); // [[0.5,0.6]] "gen2"
 * ```
 */
export function bpodFromMat(mat: MatFile, path: string): BehaviourFile {
  const sd = struct1(mat.variables.SessionData, path, "SessionData");
  const nTrialsData = numericData(sd.nTrials, path, "SessionData.nTrials");
  const nTrials = nTrialsData[0] ?? 0;
  const starts = numericData(sd.TrialStartTimestamp, path, "SessionData.TrialStartTimestamp");
  const hasEnd = sd.TrialEndTimestamp !== undefined;
  const ends = hasEnd ? numericData(sd.TrialEndTimestamp, path, "SessionData.TrialEndTimestamp") : undefined;
  const types = sd.TrialTypes && sd.TrialTypes.kind === "numeric" ? sd.TrialTypes.data : undefined;
  const raw = struct1(sd.RawEvents, path, "SessionData.RawEvents");
  const list = trialList(raw.Trial, path);
  const warnings: string[] = [];
  if (list.length !== nTrials)
    warnings.push(`nTrials is ${nTrials} but RawEvents.Trial holds ${list.length} trials`);
  if (starts.length < list.length) {
    throw fieldError(
      path,
      "SessionData.TrialStartTimestamp",
      `holds ${starts.length} values for ${list.length} trials`,
      "the file is incomplete: re-save it from Bpod",
    );
  }
  if (ends && ends.length < list.length) {
    throw fieldError(
      path,
      "SessionData.TrialEndTimestamp",
      `holds ${ends.length} values for ${list.length} trials`,
      "the file is incomplete: re-save it from Bpod",
    );
  }
  const stateNames: string[] = [];
  const eventNames: string[] = [];
  const seenS = new Set<string>();
  const seenE = new Set<string>();
  const trials: RawTrial[] = list.map((t, i) => {
    const where = `SessionData.RawEvents.Trial{${i + 1}}`;
    const states: Record<string, [number, number][]> = {};
    const events: Record<string, number[]> = {};
    const sv = struct1(t.States, path, `${where}.States`);
    for (const [name, v] of Object.entries(sv)) states[name] = visits(v, path, `${where}.States.${name}`);
    addNames(stateNames, seenS, Object.keys(sv));
    if (t.Events !== undefined) {
      const ev = t.Events;
      // A trial without any event stores Events as an empty struct or []; both mean "no events".
      if (ev.kind === "struct" && ev.elements.length === 1) {
        for (const [name, v] of Object.entries(ev.elements[0] as Record<string, MatValue>)) {
          events[name] = Array.from(numericData(v, path, `${where}.Events.${name}`));
        }
        addNames(eventNames, seenE, Object.keys(ev.elements[0] as Record<string, MatValue>));
      }
    }
    const start = starts[i] as number;
    let stop: number;
    if (ends) stop = ends[i] as number;
    else {
      let last = Number.NEGATIVE_INFINITY;
      for (const vs of Object.values(states)) for (const [, e] of vs) if (e > last) last = e;
      stop = Number.isFinite(last) ? start + last : start;
    }
    const type = types && i < types.length ? (types[i] as number) : null;
    return { numberInFile: i + 1, start, stop, stopFromFile: !!ends, type, states, events };
  });
  let sessionStart: number | string | null = null;
  let softwareVersion: string | null = null;
  if (sd.Info && sd.Info.kind === "struct" && sd.Info.elements.length === 1) {
    const info = sd.Info.elements[0] as Record<string, MatValue>;
    const m = info.SessionStartTime_MATLAB;
    if (m && m.kind === "numeric" && m.data.length === 1) sessionStart = m.data[0] as number;
    softwareVersion = text(info.BpodSoftwareVersion);
  }
  return {
    path,
    format: mat.format === "v7.3" ? "bpod-mat-v7.3" : "bpod-mat-v5",
    layout: hasEnd ? "gen2" : "r0.5",
    trials,
    stateNames,
    eventNames,
    sessionStart,
    softwareVersion,
    warnings,
  };
}

/**
 * Read a Bpod `SessionData` MAT file (v5/v7 or v7.3) from disk, or from bytes (v5/v7 only).
 *
 * @example
 * ```ts
 * import { readBpod } from "@neuropose/trials";
 * const f = await readBpod("../shared/fixtures/bpod/kepecslab/Dummy_Subject_AudGonogo_Mar11_2014_Session1.mat").catch(() => undefined);
 * console.log(f?.trials.length, f?.layout); // prints 10 "r0.5" when the fixture is present
 * ```
 */
export async function readBpod(file: string | { bytes: Uint8Array; name: string }): Promise<BehaviourFile> {
  if (typeof file === "string") {
    const mat = await readMatFile(file, { unsupported: "placeholder" });
    return bpodFromMat(mat, file);
  }
  return bpodFromMat(readMat5(file.bytes, { source: file.name, unsupported: "placeholder" }), file.name);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObj(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parse iblrig task data (`_iblrig_taskData.raw.jsonable`: one trial dict per line, bare NaN tokens allowed) into
 * trials. Each line's `behavior_data` holds "Trial start timestamp", "Trial end timestamp", "States timestamps"
 * (`{name: [[start, end], ...]}`, relative to the trial start, `[[NaN, NaN]]` = not visited) and
 * "Events timestamps" (`{name: [t, ...]}`).
 *
 * @example
 * ```ts
 * import { parseIblrig } from "@neuropose/trials";
 * const line = '{"behavior_data": {"Trial start timestamp": 1.5, "Trial end timestamp": 3, "States timestamps": {"stim_on": [[0.1, 0.2]], "error": [[NaN, NaN]]}, "Events timestamps": {"Tup": [0.2]}}}';
 * const f = parseIblrig(line, "task.jsonable");
 * console.log(f.trials[0].states.error, f.trials[0].stop); // [] 3
 * ```
 */
export function parseIblrig(textIn: string, path: string): BehaviourFile {
  const lines = textIn.split(/\r?\n/);
  const trials: RawTrial[] = [];
  const stateNames: string[] = [];
  const eventNames: string[] = [];
  const seenS = new Set<string>();
  const seenE = new Set<string>();
  let sessionStart: string | null = null;
  lines.forEach((line, li) => {
    if (line.trim() === "") return;
    const place = `line ${li + 1}`;
    const bad = (msg: string): TrialsError =>
      new TrialsError("E_IBLRIG_LINE", `${path}: ${place}: ${msg}`, {
        path,
        place,
        hint: "each line must be one iblrig trial dict with behavior_data (the file may be truncated mid-line)",
      });
    let d: unknown;
    try {
      d = parseJson(line, { source: `${path}:${li + 1}` });
    } catch (e) {
      throw bad(`not valid JSON (${(e as Error).message})`);
    }
    if (!isObj(d) || !isObj(d.behavior_data)) throw bad("no behavior_data");
    const bd = d.behavior_data;
    const start = bd["Trial start timestamp"];
    const end = bd["Trial end timestamp"];
    if (typeof start !== "number") throw bad('"Trial start timestamp" is not a number');
    const st = bd["States timestamps"];
    const ev = bd["Events timestamps"];
    if (!isObj(st)) throw bad('"States timestamps" is not a dict');
    const states: Record<string, [number, number][]> = {};
    for (const [name, v] of Object.entries(st)) {
      if (!Array.isArray(v)) throw bad(`state ${name}: expected [[start, end], ...]`);
      states[name] = [];
      for (const pair of v) {
        if (
          !Array.isArray(pair) ||
          pair.length !== 2 ||
          typeof pair[0] !== "number" ||
          typeof pair[1] !== "number"
        ) {
          throw bad(`state ${name}: expected [[start, end], ...]`);
        }
        if (Number.isNaN(pair[0]) && Number.isNaN(pair[1])) continue;
        (states[name] as [number, number][]).push([pair[0], pair[1]]);
      }
    }
    const events: Record<string, number[]> = {};
    if (ev !== undefined && ev !== null) {
      if (!isObj(ev)) throw bad('"Events timestamps" is not a dict');
      for (const [name, v] of Object.entries(ev)) {
        const arr = Array.isArray(v) ? v : [v];
        if (!arr.every((x) => typeof x === "number")) throw bad(`event ${name}: expected numbers`);
        events[name] = arr as number[];
      }
    }
    addNames(stateNames, seenS, Object.keys(states));
    addNames(eventNames, seenE, Object.keys(events));
    if (sessionStart === null && typeof d.init_datetime === "string") sessionStart = d.init_datetime;
    let stop: number;
    const fromFile = typeof end === "number";
    if (fromFile) stop = end as number;
    else {
      let last = Number.NEGATIVE_INFINITY;
      for (const vs of Object.values(states)) for (const [, e] of vs) if (e > last) last = e;
      stop = Number.isFinite(last) ? start + last : start;
    }
    trials.push({
      numberInFile: trials.length + 1,
      start,
      stop,
      stopFromFile: fromFile,
      type: null,
      states,
      events,
    });
  });
  if (trials.length === 0) {
    throw new TrialsError("E_IBLRIG_LINE", `${path}: no trial in the file`, {
      path,
      place: "line 1",
      hint: "the file is empty: was the session stopped before the first trial ended?",
    });
  }
  return {
    path,
    format: "iblrig-ndjson",
    layout: "iblrig",
    trials,
    stateNames,
    eventNames,
    sessionStart,
    softwareVersion: null,
    warnings: [],
  };
}

/**
 * Read iblrig task data from disk (see {@link parseIblrig}).
 *
 * @example
 * ```ts
 * import { readIblrig } from "@neuropose/trials";
 * const f = await readIblrig("../shared/fixtures/bpod/ibl/session_biased_ge5__iblrig_taskData.raw.jsonable").catch(() => undefined);
 * console.log(f?.trials.length); // prints 8 when the fixture is present
 * ```
 */
export async function readIblrig(path: string): Promise<BehaviourFile> {
  const t = await readFileOr(path, "utf8", (...f) => new TrialsError("E_TRIALS_READ", ...f));
  return parseIblrig(t, path);
}
