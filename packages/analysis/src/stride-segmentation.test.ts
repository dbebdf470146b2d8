// gait_cycles / gait_cycles_bilateral with `method: stride_zeni_v1`, and the note on valley_to_valley_v1's
// short cycles (see @neuropose/segment's README).
import { AnalysisReportSchema, stringifyJson } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { virtualIo as io } from "./_testing.js";
import { parseAnalysisConfig } from "./config.js";
import { runAnalysis } from "./run.js";
import { synthesizeGaitPredictions } from "./synthesize.js";

// 240 frames at 30 fps, cadence 100 steps/min: strides of 1.2 s = 36 frames.
const FILES = {
  "bp.json": synthesizeGaitPredictions({
    seed: 3,
    frames: 240,
    fps: 30,
    cadence: 100,
    skeleton: "blazepose_33",
  }),
  "mhad.json": synthesizeGaitPredictions({ seed: 4, frames: 240, fps: 30, cadence: 100 }),
};

describe("segmentation method in the analysis YAML", () => {
  it("keeps the parsed config as written (method absent unless given)", () => {
    const plain = parseAnalysisConfig({
      inputs: { primary: "bp.json" },
      segmentation: { kind: "gait_cycles_bilateral" },
      analysis: { kind: "none" },
      output: { report: "r.json" },
    });
    expect(plain.segmentation).not.toHaveProperty("method");
    expect(() =>
      parseAnalysisConfig({
        inputs: { primary: "bp.json" },
        segmentation: { kind: "gait_cycles", method: "v3" },
        analysis: { kind: "none" },
        output: { report: "r.json" },
      }),
    ).toThrow(/stride_zeni_v1/);
  });

  for (const [file, joint] of [
    ["bp.json", "right_heel"],
    ["mhad.json", "rhee"],
  ] as const) {
    it(`stride_zeni_v1 gives one segment per stride (${file})`, async () => {
      const config = parseAnalysisConfig({
        inputs: { primary: file },
        segmentation: { kind: "gait_cycles", joint, method: "stride_zeni_v1" },
        analysis: { kind: "stats", extractor: { kind: "joint_speed", joint: 0 } },
        output: { report: "r.json" },
      });
      const { report } = await runAnalysis(config, io(FILES));
      AnalysisReportSchema.parse(JSON.parse(stringifyJson(report)));
      const seg = report.segmentations[`${joint}_cycles`];
      expect(seg.config.method).toBe("stride_zeni_v1");
      expect(seg.segments.length).toBeGreaterThanOrEqual(5);
      for (const s of seg.segments) expect(Math.abs(s.end - 1 - s.start - 36)).toBeLessThanOrEqual(1);
      const results = report.results as { statistics: unknown[]; notes?: string[] };
      expect(results.statistics).toHaveLength(seg.segments.length);
      expect(results.notes).toBeUndefined();
    });
  }

  it("notes when valley_to_valley_v1 cycles are shorter than min_cycle_seconds", async () => {
    const config = parseAnalysisConfig({
      inputs: { primary: "bp.json" },
      segmentation: { kind: "gait_cycles_bilateral" },
      analysis: { kind: "none" },
      output: { report: "r.json" },
    });
    const { report } = await runAnalysis(config, io(FILES));
    const all = Object.values(report.segmentations).flatMap((s) => s.segments);
    const short = all.filter((s) => (s.end - 1 - s.start) / 30 < 0.4).length;
    // The synthetic heel height has small ripples beside each strike: v1 cuts short segments there.
    expect(short).toBeGreaterThan(0);
    const notes = (report.results as { notes?: string[] }).notes ?? [];
    expect(notes).toEqual([
      expect.stringContaining(
        `bp.json: ${short} of ${all.length} gait cycle(s) are shorter than min_cycle_seconds (0.4 s)`,
      ),
    ]);
    expect(notes[0]).toMatch(/not full strides.*stride_zeni_v1/);
    // With the stride method there is nothing to note.
    const v2 = parseAnalysisConfig({
      ...config,
      segmentation: { kind: "gait_cycles_bilateral", method: "stride_zeni_v1" },
    });
    const r2 = await runAnalysis(v2, io(FILES));
    expect((r2.report.results as { notes?: string[] }).notes).toBeUndefined();
  });
});
