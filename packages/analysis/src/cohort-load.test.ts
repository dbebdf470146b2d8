// Cohort trials loaded on worker threads (issue 11): the same report as one thread, and the same error object
// (class, code, path, hint, message) when a trial is malformed — files on disk, since workers read them there.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringifyJson } from "@neuropose/io";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../../../config/cli-process.js";
import { loadPolicy, loadThreads } from "./_cohort-load.js";
import { createRunContext } from "./_context.js";
import { parseAnalysisConfig } from "./config.js";
import { planAnalysis } from "./plan.js";
import { type RunAnalysisOptions, runAnalysis } from "./run.js";
import { synthesizeGaitPredictions } from "./synthesize.js";

let dir: string;
const saved = loadPolicy.minBytes;
beforeAll(() => {
  dir = tempDir("np-cohort-load-");
});
afterAll(() => removeDir(dir));
afterEach(() => {
  loadPolicy.minBytes = saved;
});

type Doc = ReturnType<typeof synthesizeGaitPredictions>;

/** A folder of cohort trials (blazepose_33, m) written as files; `edit` changes trial k before it is written. */
function cohort(name: string, n: number, edit: (doc: Doc, k: number) => unknown = (d) => d): string {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  for (let k = 0; k < n; k++) {
    const doc = synthesizeGaitPredictions({
      seed: k + 1,
      frames: 150 + 10 * k,
      skeleton: "blazepose_33",
      cadence: 100 + 3 * k,
    });
    writeFileSync(join(at, `t${k}.json`), stringifyJson(edit(doc, k)));
  }
  return at;
}

const ANGLES = {
  kind: "dtw",
  align: "procrustes_per_sequence",
  representation: "angles",
  angle_triplets: [
    ["left_hip", "left_knee", "left_ankle"],
    ["right_hip", "right_knee", "right_ankle"],
  ],
};

async function both(config: ReturnType<typeof parseAnalysisConfig>, options: RunAnalysisOptions) {
  loadPolicy.minBytes = 0; // every cohort on disk loads on workers with 2 threads
  const one = await runAnalysis(config, { ...options, threads: 1 });
  const two = await runAnalysis(config, { ...options, threads: 2 });
  return { one, two };
}

/** The error of a cohort run in `at` on 1 thread, checked equal (class, code, path, hint, kind, message) on 2. */
async function sameError(analysis: object, at: string): Promise<Record<string, unknown>> {
  const config = parseAnalysisConfig({
    inputs: { cohort: ["t*.json"] },
    analysis,
    output: { report: "r.json" },
  });
  loadPolicy.minBytes = 0;
  const one = await errorOf(runAnalysis(config, { baseDir: at, threads: 1 }));
  expect(await errorOf(runAnalysis(config, { baseDir: at, threads: 2 }))).toEqual(one);
  return one;
}

async function errorOf(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    const x = e as Error & Record<string, unknown>;
    return {
      class: x.constructor.name,
      code: x.code,
      path: x.path,
      hint: x.hint,
      kind: x.kind,
      message: x.message,
    };
  }
  throw new Error("expected the run to fail");
}

describe("cohort trials loaded on worker threads", () => {
  it("gives the report of one thread: gait cycles, joint names, missing frames, notes, figures", async () => {
    const at = cohort("gait", 4, (doc, k) => {
      // trial 2 loses the subject for a few frames (interpolated: a note and a missing_frames record)
      if (k === 2)
        for (const f of [40, 41, 42]) doc.frames[`frame_${String(f).padStart(6, "0")}`]!.poses3d = [];
      return doc;
    });
    const config = parseAnalysisConfig({
      inputs: { cohort: ["t*.json"] },
      segmentation: { kind: "gait_cycles", joint: "right_heel" },
      analysis: ANGLES,
      output: { report: "r.json" },
    });
    const ctx = createRunContext(await planAnalysis(config, { baseDir: at }), { baseDir: at, threads: 2 });
    loadPolicy.minBytes = 0;
    expect(await loadThreads(ctx, ["t0.json", "t1.json"])).toBe(2);
    const { one, two } = await both(config, { baseDir: at });
    expect(two.report.results).toEqual(one.report.results);
    expect(two.figures).toEqual(one.figures);
    const r1 = one.report as unknown as Record<string, unknown>;
    const r2 = two.report as unknown as Record<string, unknown>;
    for (const key of ["trials", "warnings", "cohort"]) expect(r2[key]).toEqual(r1[key]);
    const prov = (r: Record<string, unknown>) => (r.analysis_provenance as Record<string, unknown>).inputs;
    expect(prov(r2)).toEqual(prov(r1));
    expect((one.report.results as { notes: string[] }).notes.join(" ")).toMatch(/linear interpolation/);
    expect((one.report.results as { matrix: number[][] }).matrix[0]![1]).toBeGreaterThan(0);
  });

  it("converts every trial to the first trial's unit, as one thread does", async () => {
    const at = cohort("units", 3, (doc, k) => {
      if (k === 0) return doc;
      // later trials in millimetres
      for (const f of Object.values(doc.frames))
        f.poses3d = f.poses3d.map((p) => p.map((j) => j.map((v) => v * 1000)));
      return { ...doc, metadata: { ...doc.metadata, poses3d_unit: "mm" } };
    });
    const config = parseAnalysisConfig({
      inputs: { cohort: ["t*.json"] },
      analysis: { kind: "dtw", align: "none" },
      output: { report: "r.json" },
    });
    const { one, two } = await both(config, { baseDir: at });
    expect(two.report.results).toEqual(one.report.results);
    expect((one.report.results as { distance_unit: string }).distance_unit).toBe("m");
  });

  it("a malformed trial gives the same error object on 2 threads as on 1 (also as the first trial)", async () => {
    // With 2 threads every trial loads on a worker: the failure is loaded again on the calling thread for its error.
    for (const bad of [0, 1]) {
      const at = cohort(`bad${bad}`, 3, (doc, k) => {
        if (k === bad) (doc.frames.frame_000010!.poses3d[0]![3] as unknown[])[1] = "oops";
        return doc;
      });
      const one = await sameError(ANGLES, at);
      expect(one).toMatchObject({ code: "E_SCHEMA" });
      expect(String(one.message)).toContain(`t${bad}.json`);
    }
  });

  it("with joint names, an unreadable trial is reported before an earlier trial that cannot be prepared", async () => {
    const at = cohort("order", 4, (doc, k) => {
      if (k === 1) for (const f of Object.values(doc.frames)) f.poses3d = []; // nobody, ever: E_ALL_ABSENT
      if (k === 3) return "{ not json";
      return doc;
    });
    expect(String((await sameError(ANGLES, at)).message)).toContain("t3.json");
    // Without joint names the first trial in order fails first.
    expect(await sameError({ kind: "dtw", align: "none" }, at)).toMatchObject({ code: "E_ALL_ABSENT" });
  });
});
