// Cohorts and reference sets on worker threads (issue 11): the same report whatever the thread count.
import { describe, expect, it } from "vitest";
import { comparePairs, type PairTask, workerThreads } from "./_pairs.js";
import { virtualIo as io } from "./_testing.js";
import { parseAnalysisConfig } from "./config.js";
import { runAnalysis } from "./run.js";
import { synthesizeGaitPredictions } from "./synthesize.js";

const trial = (seed: number, frames: number, cadence: number) =>
  synthesizeGaitPredictions({ seed, frames, cadence, amplitude: 0.8 + 0.04 * seed });

describe("comparePairs on worker threads", () => {
  it("a Procrustes cohort gives the same matrix on 1 and 2 threads (bit for bit)", async () => {
    const files: Record<string, unknown> = {};
    for (let k = 0; k < 5; k++) files[`c${k}.json`] = trial(k + 1, 200 + 10 * k, 100 + 4 * k);
    const config = parseAnalysisConfig({
      inputs: { cohort: ["c*.json"] },
      analysis: { kind: "dtw", align: "procrustes_per_sequence", time_normalize: 240 },
      output: { report: "r.json" },
    });
    const one = await runAnalysis(config, { ...io(files), threads: 1 });
    const two = await runAnalysis(config, { ...io(files), threads: 2 });
    expect(two.report.results).toEqual(one.report.results);
    const m = (one.report.results as { matrix: number[][] }).matrix;
    expect(m[0]![1]).toBeGreaterThan(0);
  });

  it("a reference set (pairs, paths, reference range) is the same on 1 and 2 threads", async () => {
    const files: Record<string, unknown> = { "p.json": trial(1, 420, 110) };
    for (let k = 0; k < 3; k++) files[`refs/r${k}.json`] = trial(k + 2, 420 + 20 * k, 104 + 5 * k);
    const config = parseAnalysisConfig({
      inputs: { primary: "p.json", references: ["refs/*.json"] },
      analysis: { kind: "dtw", align: "procrustes_per_sequence" },
      output: { report: "r.json" },
    });
    const one = await runAnalysis(config, { ...io(files), threads: 1 });
    const two = await runAnalysis(config, { ...io(files), threads: 2 });
    expect(two.report.results).toEqual(one.report.results);
    expect(two.figures).toEqual(one.figures);
    const r = one.report.results as { comparisons: { paths: unknown[][] }[]; reference_range?: unknown };
    expect(r.comparisons).toHaveLength(3);
    expect(r.comparisons[0]!.paths[0]!.length).toBeGreaterThan(400);
    expect(r.reference_range).toBeDefined();
  });

  it("these batches are big enough to run on workers; a failing pair reports comparePair's own error", async () => {
    const seq = (frames: number, v = 1) => ({
      frames,
      joints: 43,
      data: new Float64Array(frames * 43 * 3).map((_, i) => Math.sin(i * v)),
    });
    const a = seq(300);
    const b = seq(300, 1.1);
    const tasks: PairTask[] = Array.from({ length: 6 }, (_, k) => ({
      a,
      b: k === 3 ? seq(0) : b,
      path: false,
    }));
    expect(workerThreads(tasks, 2)).toBe(2);
    expect(workerThreads(tasks, 1)).toBe(0);
    const choice = {
      method: "dtw_all" as const,
      align: "procrustes_per_sequence" as const,
      representation: "coords" as const,
      angleTriplets: null,
      jointI: null,
      jointJ: null,
      nanPolicy: "propagate" as const,
      algorithm: "exact" as const,
      radius: 1,
    };
    const [on1, on2] = [
      await comparePairs(tasks, choice, { threads: 1 }),
      await comparePairs(tasks, choice, { threads: 2 }),
    ];
    expect(on2.map((o) => o.ok)).toEqual([true, true, true, false, true, true]);
    expect(on2.filter((o) => o.ok)).toEqual(on1.filter((o) => o.ok));
    const e1 = on1[3] as { ok: false; error: Error & { code?: string } };
    const e2 = on2[3] as { ok: false; error: Error & { code?: string } };
    expect(e2.error.message).toBe(e1.error.message);
    expect(e2.error.code).toBe(e1.error.code);
  });
});
