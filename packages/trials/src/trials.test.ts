import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isNeuroPoseError } from "@neuropose/io";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { caught as caughtError } from "../../../config/expect-error.js";
import { fixturePath, haveFixture } from "../../../config/fixtures.js";
import { bpodFromMat, parseIblrig, readBpod, readIblrig } from "./bpod.js";
import { TrialsError } from "./errors.js";
import { readMat, readMatFile } from "./mat.js";
import { buildTrials, readTrials } from "./tables.js";

const refs = join(dirname(fileURLToPath(import.meta.url)), "..", "references");
const tmp = () => mkdtempSync(join(tmpdir(), "np-trials-"));
const GEN2 = "w2t-session/Session-000001/Bpod/session_file02.mat";
const R05 = "bpod/kepecslab/Dummy_Subject_AudGonogo_Mar11_2014_Session1.mat";

const caught = (p: Promise<unknown> | (() => unknown)) => caughtError(TrialsError, p);

describe("bad MAT input: one TrialsError with file, place and hint", () => {
  it("empty file, header only, not a MAT file", async () => {
    const dir = tmp();
    const cases: [string, Uint8Array, string][] = [
      ["empty.mat", new Uint8Array(0), "shorter than the 128-byte"],
      ["header.mat", readFileSync(join(refs, "mat_classes_v5.mat")).subarray(0, 128), "no variable"],
      ["text.mat", new TextEncoder().encode("x".repeat(300)), "endian"],
    ];
    for (const [name, bytes, msg] of cases) {
      writeFileSync(join(dir, name), bytes);
      const e = await caught(readMatFile(join(dir, name)));
      expect([e.code, e.path]).toEqual(["E_MAT_FORMAT", join(dir, name)]);
      expect(e.message).toContain(msg);
      expect(e.place).toMatch(/^byte \d+/);
      expect(e.hint).toBeTruthy();
    }
    expect((await caught(readMatFile(join(dir, "missing.mat")))).code).toBe("E_TRIALS_READ");
  });
  it("every truncation of the real files is an error naming the byte (never a partial read)", () => {
    for (const f of [GEN2, R05]) {
      if (!haveFixture(f)) continue;
      const bytes = readFileSync(fixturePath(f));
      for (const cut of [129, 136, 500, 4096, Math.floor(bytes.length / 2), bytes.length - 1]) {
        const e = (() => {
          try {
            readMat(bytes.subarray(0, cut), { source: f });
          } catch (err) {
            return err as TrialsError;
          }
          throw new Error(`truncation at ${cut} read without error`);
        })();
        expect(e).toBeInstanceOf(TrialsError);
        expect(e.code).toBe("E_MAT_FORMAT");
        expect(e.place).toMatch(/byte \d+/);
      }
    }
  });
  it("a truncated uncompressed file names the variable path being read", () => {
    const bytes = readFileSync(join(refs, "mat_classes_v5_uncompressed.mat"));
    const e = (() => {
      try {
        readMat(bytes.subarray(0, 2000), { source: "u.mat" });
      } catch (err) {
        return err as TrialsError;
      }
      throw new Error("no error");
    })();
    expect(e.place).toBe("byte 1920 (cell_one)");
  });
  it("sparse matrices are rejected with a clear error by default, and skipped as placeholders on request", () => {
    const bytes = readFileSync(join(refs, "mat_sparse.mat"));
    const e = (() => {
      try {
        readMat(bytes, { source: "s.mat" });
      } catch (err) {
        return err as TrialsError;
      }
      throw new Error("no error");
    })();
    expect([e.code, e.place?.includes("(S)")]).toEqual(["E_MAT_UNSUPPORTED", true]);
    expect(e.hint).toMatch(/full\(\)/);
    const m = readMat(bytes, { unsupported: "placeholder" });
    expect(m.order).toEqual(["before", "S", "after"]);
    expect(m.variables.S).toEqual({ kind: "unsupported", class: "sparse", dims: [3, 3] });
  });
  it("a MAT file without SessionData is not a Bpod file", async () => {
    const e = await caught(readBpod(join(refs, "mat_classes_v5.mat")));
    expect([e.code, e.place]).toEqual(["E_BPOD_FIELD", "SessionData"]);
  });
  it("a truncated v7.3 (HDF5) file is one error", async () => {
    const dir = tmp();
    const bytes = readFileSync(join(refs, "bpod_v73_sample.mat"));
    writeFileSync(join(dir, "t.mat"), bytes.subarray(0, 3000));
    const e = await caught(readMatFile(join(dir, "t.mat")));
    expect(e.code).toBe("E_MAT_FORMAT");
    expect(e.path).toBe(join(dir, "t.mat"));
  });
  it("fuzz: mutated and truncated fixture bytes never fail with anything but a TrialsError", () => {
    const sources = [join(refs, "mat_classes_v5.mat"), join(refs, "mat_classes_v5_uncompressed.mat")];
    if (haveFixture(GEN2)) sources.push(fixturePath(GEN2));
    const files = sources.map((p) => readFileSync(p));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat()),
        (which, flips, cut) => {
          const src = files[which] as Buffer;
          const b = Uint8Array.from(src.subarray(0, cut === null ? src.length : cut % (src.length + 1)));
          for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
          try {
            const m = readMat(b, { source: "fuzz.mat", unsupported: "placeholder" });
            if (m.variables.SessionData) bpodFromMat(m, "fuzz.mat");
          } catch (e) {
            expect(isNeuroPoseError(e), String(e)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("iblrig NDJSON", () => {
  it("bad lines are one error with the line number; empty files too", async () => {
    const good =
      '{"behavior_data": {"Trial start timestamp": 1, "Trial end timestamp": 2, "States timestamps": {"a": [[0, 1]]}, "Events timestamps": {}}}';
    let e = await caught(() => parseIblrig(`${good}\n{"behavior_data": {"Trial start`, "t.jsonable"));
    expect([e.code, e.place]).toEqual(["E_IBLRIG_LINE", "line 2"]);
    e = await caught(() => parseIblrig(`${good}\n\n{"x": 1}`, "t.jsonable"));
    expect(e.place).toBe("line 3");
    e = await caught(() => parseIblrig("\n", "t.jsonable"));
    expect(e.message).toContain("no trial");
    const dir = tmp();
    writeFileSync(join(dir, "e.jsonable"), "");
    expect((await caught(readIblrig(join(dir, "e.jsonable")))).code).toBe("E_IBLRIG_LINE");
    const missing = await caught(readIblrig(join(dir, "none.jsonable")));
    expect([missing.code, missing.path, missing.message]).toEqual([
      "E_TRIALS_READ",
      join(dir, "none.jsonable"),
      `${join(dir, "none.jsonable")}: cannot read (ENOENT)`,
    ]);
  });
  it("bare NaN tokens read as NaN (not visited)", () => {
    const f = parseIblrig(
      '{"behavior_data": {"Trial start timestamp": 10, "Trial end timestamp": 12, "States timestamps": {"error": [[NaN, NaN]], "correct": [[0.5, 1.5]]}, "Events timestamps": {"Tup": [NaN, 1.5]}}}',
      "x.jsonable",
    );
    expect(f.trials[0]?.states).toEqual({ error: [], correct: [[0.5, 1.5]] });
    const r = buildTrials([f], { outcomeStates: ["correct", "error"] });
    expect(r.trials[0]?.outcome).toBe("correct");
    expect(r.trials[0]?.states.error?.onset).toBeNaN();
  });
  it("fuzz: mutated fixture lines never fail with anything but a TrialsError", () => {
    const p = "bpod/ibl/session_biased_ge5__iblrig_taskData.raw.jsonable";
    if (!haveFixture(p)) return;
    const text = readFileSync(fixturePath(p), "utf8").slice(0, 20000);
    fc.assert(
      fc.property(fc.nat(), fc.string({ maxLength: 5 }), (at, s) => {
        const i = at % text.length;
        try {
          parseIblrig(text.slice(0, i) + s + text.slice(i + s.length), "f.jsonable");
        } catch (e) {
          expect(e).toBeInstanceOf(TrialsError);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("tables", () => {
  const line = (start: number, states: string, stop?: number) =>
    `{"behavior_data": {"Trial start timestamp": ${start}${stop === undefined ? "" : `, "Trial end timestamp": ${stop}`}, "States timestamps": {${states}}, "Events timestamps": {"B": [0.2], "A": [0.2, 0.1]}}}`;
  it("a state visited twice: first onset, last offset, both visits kept", () => {
    const f = parseIblrig(line(100, '"ITI": [[0, 1], [3, 4]], "HIT": [[1, 2]]', 105), "x");
    const r = buildTrials([f]);
    expect(r.trials[0]?.states.ITI).toEqual({ onset: 100, offset: 104, visits: 2 });
    expect(r.trials[0]?.stateVisits.ITI).toEqual([
      [100, 101],
      [103, 104],
    ]);
    // events sorted by time; same-time events keep the file's field order
    expect(r.events.map((e) => [e.time, e.name])).toEqual([
      [100.1, "A"],
      [100.2, "B"],
      [100.2, "A"],
    ]);
  });
  it("outcome is the earliest visited outcome state; no stop time → start + last state offset, flagged", () => {
    const f = parseIblrig(line(0, '"Miss": [[2, 3]], "HIT": [[1, 1.5]]'), "x");
    const r = buildTrials([f]);
    expect([r.trials[0]?.outcome, r.trials[0]?.stop]).toEqual(["HIT", 3]);
    expect(r.summary.warnings.join()).toContain("stop = start + last state offset");
  });
  it("overlapping trials (wrong merge order) are reported in the summary", () => {
    const a = parseIblrig(line(0, '"HIT": [[1, 2]]', 10), "a");
    const b = parseIblrig(line(5, '"HIT": [[1, 2]]', 12), "b");
    expect(buildTrials([a, b]).summary.warnings.join()).toContain("overlap");
  });
  it("bad merge arguments", async () => {
    expect((await caught(readTrials([]))).code).toBe("E_TRIALS_ARGUMENT");
    expect((await caught(readTrials(["x.mat"], { order: "random" as never }))).place).toBe("order");
  });
  it("summary: counts, outcomes, durations", () => {
    const f = parseIblrig([line(0, '"HIT": [[1, 2]]', 4), line(5, '"Miss": [[1, 2]]', 7)].join("\n"), "x");
    const s = buildTrials([f]).summary;
    expect([s.nTrials, s.nEvents, s.outcomes, s.duration]).toEqual([
      2,
      6,
      { HIT: 1, Miss: 1 },
      { mean: 3, min: 2, max: 4 },
    ]);
    expect(s.eventCounts).toEqual({ A: 4, B: 2 });
  });
});
