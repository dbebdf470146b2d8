// Numbers equal what the Python ecosystem reads (scipy.io.loadmat, json, h5py): references written by
// references/make_references.py, compared here for EVERY Bpod/iblrig fixture that script saw.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { fsum } from "../../../config/parity.js";
import { readBpod, readIblrig } from "./bpod.js";
import { readMat, readMatFile, squeezeMat } from "./mat.js";
import { buildTrials, readTrials, type TrialsResult, trialsColumns } from "./tables.js";

const refs = join(dirname(fileURLToPath(import.meta.url)), "..", "references");
const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};
const ref = (name: string) =>
  JSON.parse(readFileSync(join(refs, name), "utf8"), (_k, v) =>
    typeof v === "string" && v in NON_FINITE ? NON_FINITE[v] : v,
  ) as Record<string, unknown>;
const index = ref("index.json") as {
  bpod: { fixture: string; reference: string }[];
  iblrig: { fixture: string; reference: string }[];
};

type EventRef = {
  count: number;
  all?: [number, string, number][];
  every?: number;
  sample?: [number, string, number][];
  perName?: Record<string, [number, number]>;
};
type TableRef = {
  stateNames: string[];
  trials: {
    trial: number;
    type: number | null;
    start: number;
    stop: number;
    outcome: string | null;
    states: Record<string, [number, number, number]>;
  }[];
  events: EventRef;
};

function expectTable(got: TrialsResult, want: TableRef): void {
  expect(got.stateNames).toEqual(want.stateNames);
  expect(got.trials.length).toBe(want.trials.length);
  got.trials.forEach((t, i) => {
    const w = want.trials[i] as TableRef["trials"][number];
    expect([t.trial, t.type, t.start, t.stop, t.outcome]).toEqual([
      w.trial,
      w.type,
      w.start,
      w.stop,
      w.outcome,
    ]);
    for (const [name, [on, off, n]] of Object.entries(w.states)) {
      const s = t.states[name];
      expect([s?.onset, s?.offset, s?.visits], `trial ${t.trial} state ${name}`).toEqual([on, off, n]);
    }
  });
  const ev = got.events.map((e) => [e.time, e.name, e.trial] as [number, string, number]);
  expect(ev.length).toBe(want.events.count);
  if (want.events.all) expect(ev).toEqual(want.events.all);
  else {
    const k = want.events.every as number;
    expect(ev.filter((_, i) => i % k === 0)).toEqual(want.events.sample);
    for (const [name, [count, sum]] of Object.entries(want.events.perName ?? {})) {
      const ts = ev.filter((e) => e[1] === name).map((e) => e[0]);
      expect([ts.length, fsum(ts)], name).toEqual([count, sum]);
    }
  }
}

fixtureSuite("Bpod .mat fixtures equal scipy.io.loadmat", ["bpod"], () => {
  it("the reference index covers every Bpod fixture", () => {
    expect(index.bpod.map((b) => b.fixture).sort()).toEqual([
      "bpod/kepecslab/Dummy_Subject_AudGonogo_Mar11_2014_Session1.mat",
      "w2t-session/Session-000001/Bpod/session_file01.mat",
      "w2t-session/Session-000001/Bpod/session_file02.mat",
    ]);
  });
  for (const { fixture, reference } of index.bpod) {
    it(`${fixture}: squeezed SessionData, trials and events`, async () => {
      const want = ref(reference) as TableRef & {
        sessionData: Record<string, unknown>;
        fields: string[];
        layout: string;
        info?: unknown;
        nTrials: number;
      };
      const mat = await readMatFile(fixturePath(fixture));
      const sq = squeezeMat(mat.variables.SessionData as never) as Record<string, unknown>;
      expect(Object.keys(sq)).toEqual(want.fields);
      for (const [k, v] of Object.entries(want.sessionData)) expect(sq[k], k).toEqual(v);
      if (want.info !== undefined) expect(sq.Info).toEqual(want.info);
      const file = await readBpod(fixturePath(fixture));
      expect(file.layout).toBe(want.layout);
      expect(file.warnings).toEqual([]);
      expectTable(buildTrials([file]), want);
    });
  }
});

fixtureSuite("iblrig NDJSON fixtures equal Python's json", ["bpod", "ibl"], () => {
  for (const { fixture, reference } of index.iblrig) {
    it(fixture, async () => {
      const file = await readIblrig(fixturePath(fixture));
      expectTable(
        buildTrials([file], { outcomeStates: ["correct", "error", "no_go"] }),
        ref(reference) as TableRef,
      );
    });
  }
});

fixtureSuite("W2T session: two Gen2 files merge in order", ["w2t-session", "Session-000001", "Bpod"], () => {
  const dir = fixturePath("w2t-session", "Session-000001", "Bpod");
  const a = join(dir, "session_file01.mat");
  const b = join(dir, "session_file02.mat");
  it("name_asc without continuous_time keeps each file's own clock (the files continue one Bpod clock)", async () => {
    const r = await readTrials([b, a], { order: "name_asc" });
    expect(r.trials.map((t) => [t.trial, t.fileIndex, t.trialInFile, t.type, t.outcome])).toEqual([
      [1, 0, 1, 2, "HIT"],
      [2, 0, 2, 2, "HIT"],
      [3, 1, 1, 1, "Miss"],
    ]);
    expect(r.trials.map((t) => t.start)).toEqual([0.1438, 11.3443, 22.0374]);
    expect(r.summary.warnings).toEqual([]);
    expect(r.summary.types).toEqual({ "2": 2, "1": 1 });
  });
  it("name_desc + continuous_time offsets the later file by the previous file's last stop", async () => {
    const r = await readTrials([a, b], { order: "name_desc", continuousTime: true });
    expect(r.summary.files.map((f) => [f.path.endsWith("02.mat"), f.offset])).toEqual([
      [true, 0],
      [false, 30.4916],
    ]);
    expect(r.trials[1]?.start).toBeCloseTo(30.4916 + 0.1438, 12);
    expect(r.events.every((e, i, all) => i === 0 || e.trial >= (all[i - 1] as typeof e).trial)).toBe(true);
  });
  it("W2T design columns: phases, spans, QC flags", async () => {
    const r = await readTrials([a, b]);
    const c = trialsColumns(r);
    expect(c.phase_first).toEqual(["ITI", "ITI", "ITI"]);
    expect(c.phase_last?.[2]).toBe("Miss");
    expect(c.qc_flags).toEqual(["", "", ""]);
    for (const [i, t] of r.trials.entries()) {
      expect(c.declared_duration?.[i]).toBe(t.stop - t.start);
      expect(Number(c.duration_delta?.[i])).toBeGreaterThan(-1e-9); // states end by TrialEndTimestamp
    }
    expect(c.Miss_onset?.[2]).toBe(22.0374 + 8.4442);
  });
  it("time_asc ties (same SessionStartTime) fall back to the name", async () => {
    const r = await readTrials([b, a], { order: "time_asc" });
    expect(r.summary.files.map((f) => f.path)).toEqual([a, b]);
  });
});

describe("MAT reader against scipy.io.savemat/loadmat (every class Bpod files use)", () => {
  const want = ref("mat_classes.json");
  for (const name of ["mat_classes_v5.mat", "mat_classes_v5_uncompressed.mat"]) {
    it(name, () => {
      const mat = readMat(readFileSync(join(refs, name)), { source: name });
      for (const [k, v] of Object.entries(want)) expect(squeezeMat(mat.variables[k] as never), k).toEqual(v);
      expect(mat.variables.logical).toMatchObject({ logical: true, class: "uint8" });
      expect(mat.variables.i16).toMatchObject({ class: "int16", dims: [1, 2] });
      expect(mat.variables.d_3d?.dims).toEqual([2, 3, 4]);
    });
  }
});

describe("MAT v7.3 (HDF5 written by h5py with MATLAB_class attributes)", () => {
  it("reads like the v5 reader and gives the same trials as the values written", async () => {
    const path = join(refs, "bpod_v73_sample.mat");
    const mat = await readMatFile(path);
    expect(mat.format).toBe("v7.3");
    expect(mat.header).toMatch(/^MATLAB 7\.3 MAT-file/);
    const sd = squeezeMat(mat.variables.SessionData as never) as Record<string, unknown>;
    expect(sd.TrialStartTimestamp).toEqual([0.5, 12.25]);
    expect(sd.Empty).toEqual([]);
    expect(sd.Flags).toEqual([1, 0, 1]);
    const file = await readBpod(path);
    expect(file.format).toBe("bpod-mat-v7.3");
    expect(file.softwareVersion).toBe("1.8.0");
    expectTable(buildTrials([file]), ref("bpod_v73_sample.json") as TableRef);
  });
  it("readMat (bytes, sync) points v7.3 at readMatFile", () => {
    expect(() => readMat(readFileSync(join(refs, "bpod_v73_sample.mat")), { source: "x.mat" })).toThrow(
      /readMatFile/,
    );
  });
});
