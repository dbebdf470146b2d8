// The gait block's warnings (few strides, unsure heel strikes: codes and numbers in the JSON, lines on the page)
// and its vertical (the lab frame of `neuropose-infer --cameras`, z up), on synthetic walkers and on the real
// chain: neuropose-infer on the sports2d clip, then the gait analysis.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AnalysisReportSchema, type GaitResults, type GaitTrialResult, parseJson } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { removeDir, runBin, tempDir } from "../../../config/cli-process.js";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { walkerPredictions } from "./_gait-testing.js";
import { virtualIo } from "./_testing.js";
import { parseAnalysisConfig } from "./config.js";
import { renderReportHtml } from "./html.js";
import { runAnalysis } from "./run.js";

async function gait(files: Record<string, unknown>, analysis: Record<string, unknown> = {}) {
  const config = parseAnalysisConfig({
    inputs: { primary: "p.json", ...(files["r.json"] ? { reference: "r.json" } : {}) },
    analysis: { kind: "gait", ...analysis },
    output: { report: "r.json", html: "r.html" },
  });
  const run = await runAnalysis(config, virtualIo(files));
  expect(AnalysisReportSchema.safeParse(run.report).success).toBe(true);
  return { run, trials: (run.report.results as GaitResults).trials as GaitTrialResult[] };
}

describe("gait warnings in the analysis report", () => {
  it("a short walk: 2 strides per side → null CV, W_GAIT_FEW_STRIDES in the trial, the report and the page", async () => {
    const { run, trials } = await gait({ "p.json": walkerPredictions({ seconds: 3.6 }).doc });
    const t = trials[0] as GaitTrialResult;
    expect(t.parameters.overall.left.strides).toBe(2);
    expect(t.parameters.overall.left.stride_time_s).toMatchObject({ sd: null, cv_pct: null, n: 2 });
    expect(t.warnings?.map((w) => [w.code, w.side, w.value, w.threshold])).toEqual([
      ["W_GAIT_FEW_STRIDES", "left", 2, 3],
      ["W_GAIT_FEW_STRIDES", "right", 2, 3],
    ]);
    expect(run.report.warnings).toContain(
      "p.json: only 2 strides on the left side (≥ 3 recommended for cadence/variability): its SD and CV are not reported and its means rest on few strides [W_GAIT_FEW_STRIDES]",
    );
    const html = renderReportHtml(run);
    expect(html).toContain("<h3>Warnings (2)</h3>");
    expect(html).toContain("only 2 strides on the right side");
  });

  it("thresholds are config options: min_strides and min_strike_confidence", async () => {
    const files = { "p.json": walkerPredictions({ seconds: 10 }).doc };
    expect((await gait(files)).trials[0]?.warnings).toEqual([]);
    const { trials } = await gait(files, { min_strides: 12, min_strike_confidence: 1 });
    const codes = trials[0]?.warnings?.map((w) => w.code) ?? [];
    expect(codes.filter((c) => c === "W_GAIT_FEW_STRIDES")).toHaveLength(2);
    // confidence ≤ 1, so every strike at the edge of a bout (prominence below its foot's median) is listed
    const low = trials[0]?.warnings?.filter((w) => w.code === "W_GAIT_LOW_CONFIDENCE_STRIKE") ?? [];
    expect(low.length).toBeGreaterThan(0);
    for (const w of low) {
      expect(w.value).toBeLessThan(1);
      expect(w.time_s).toBeCloseTo((w.frame as number) / 30, 9);
      expect(w.message).toMatch(
        /^heel strike \((left|right)\) at \d+\.\d\d s \(frame \d+\) has confidence 0\.\d+ < 1$/,
      );
    }
  });
});

describe("the z-up lab frame of --cameras through the gait block", () => {
  const opts = { strideSeconds: 1.1, stance: { left: 0.62, right: 0.6 }, heading: 2.2 };
  it("same events, parameters and curves as the y-down camera frame", async () => {
    const cam = (await gait({ "p.json": walkerPredictions(opts).doc }, { model_scale: true })).trials[0];
    const lab = (await gait({ "p.json": walkerPredictions(opts, { up: "+z" }).doc }, { model_scale: true }))
      .trials[0];
    expect(lab?.events.heel_strikes.map((e) => [e.frame, e.side])).toEqual(
      cam?.events.heel_strikes.map((e) => [e.frame, e.side]),
    );
    expect(lab?.parameters.overall.cadence_steps_per_min).toBeCloseTo(
      cam?.parameters.overall.cadence_steps_per_min as number,
      9,
    );
    expect(lab?.parameters.overall.left.stride_length_m.mean).toBeCloseTo(
      cam?.parameters.overall.left.stride_length_m.mean as number,
      9,
    );
    const knee = (t: typeof cam) => t?.curves.find((c) => c.joint === "knee" && c.side === "right");
    for (let i = 0; i <= 100; i += 5)
      expect(knee(lab)?.mean_deg[i]).toBeCloseTo(knee(cam)?.mean_deg[i] as number, 9);
    expect(lab?.vertical).toBe("up = +z of the coordinates, as the document declares");
    expect(cam?.vertical).toBe("up = -y of the coordinates, as the document declares");
  });

  it("a world frame that declares no up: one user error naming the input and the fix; vertical_axis answers it", async () => {
    const files = { "p.json": walkerPredictions(opts, { up: null }).doc };
    await expect(gait(files)).rejects.toMatchObject({
      kind: "user",
      message: expect.stringMatching(/p\.json.*does not declare which way is up/),
    });
    const { trials } = await gait(files, { vertical_axis: "z" });
    expect(trials[0]?.vertical).toBe("vertical axis z, up = +z (the side of the hips relative to the heels)");
    expect(trials[0]?.parameters.overall.left.strides).toBeGreaterThan(8);
  });
});

describe("the z-up lab frame through DTW's stride segmentation", () => {
  const opts = { strideSeconds: 1.1, heading: -0.6 };
  const run = async (p: unknown, method: string, axis?: string) => {
    const config = parseAnalysisConfig({
      inputs: { primary: "p.json", reference: "r.json" },
      segmentation: { kind: "gait_cycles_bilateral", method, ...(axis ? { axis } : {}) },
      analysis: {
        kind: "dtw",
        representation: "angles",
        angle_triplets: [
          [23, 25, 27],
          [24, 26, 28],
        ],
      },
      output: { report: "r.json" },
    });
    return (await runAnalysis(config, virtualIo({ "p.json": p, "r.json": walkerPredictions(opts).doc })))
      .report;
  };

  it("stride_zeni_v1 follows the declared vertical: the same strides as the y-down walker", async () => {
    const cam = await run(walkerPredictions(opts).doc, "stride_zeni_v1");
    const lab = await run(walkerPredictions(opts, { up: "+z" }).doc, "stride_zeni_v1");
    const strides = (r: typeof cam) =>
      r.segmentations.left_heel_strikes?.segments.map((x) => [x.start, x.end]);
    expect(strides(cam)?.length).toBeGreaterThan(8);
    expect(strides(lab)).toEqual(strides(cam));
    // joint angles do not depend on the frame: the same distances (to rounding)
    const d = (r: typeof cam) => (r.results as { distances: number[] }).distances;
    expect(d(lab)).toHaveLength(d(cam).length);
    for (const [i, x] of d(lab).entries()) expect(x).toBeCloseTo(d(cam)[i] as number, 9);
  });

  it("valley_to_valley_v1 on a z-up input: a note says which axis to set (the original's method reads y)", async () => {
    const lab = await run(walkerPredictions(opts, { up: "+z" }).doc, "valley_to_valley_v1");
    expect((lab.results as { notes?: string[] }).notes?.join(" ")).toMatch(
      /p\.json: its poses declare up = \+z .* set axis: z with invert: true, or use method: stride_zeni_v1/,
    );
  });
});

const infer = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "apps",
  "neuropose-infer",
  "bin.js",
);

fixtureSuite(
  "gait warnings on the real chain: neuropose-infer → gait",
  ["videos", "sports2d_demo.mp4"],
  () => {
    it("sports2d (lite model): 2 strides per side and unsure heel strikes are warned about, CV null", async () => {
      const dir = tempDir("np-gait-warn-");
      try {
        const r = await runBin(
          infer,
          [fixturePath("videos", "sports2d_demo.mp4"), "--model", "lite", "-o", "s.json", "--quiet"],
          { cwd: dir },
        );
        expect(r.code, r.stderr).toBe(0);
        const doc = parseJson(readFileSync(join(dir, "s.json"), "utf8"));
        const { run, trials } = await gait({ "p.json": doc }, { height: 1.7 });
        const t = trials[0] as GaitTrialResult;
        const o = t.parameters.overall;
        console.log(
          `sports2d lite: strides L ${o.left.strides} R ${o.right.strides}; heel strikes ${t.events.heel_strikes.map((e) => `${e.time_s.toFixed(2)}s ${e.confidence.toFixed(2)}`).join(", ")}`,
        );
        // What a user met before: exit 0, cadence and CVs from 2 strides, no warning.
        for (const side of ["left", "right"] as const) {
          if (o[side].strides >= 3) continue;
          expect(o[side].stride_time_s.cv_pct).toBeNull();
          expect(t.warnings?.some((w) => w.code === "W_GAIT_FEW_STRIDES" && w.side === side)).toBe(true);
        }
        expect(Math.min(o.left.strides, o.right.strides)).toBeLessThan(3);
        const unsure = t.events.heel_strikes.filter((e) => e.confidence < 0.5);
        expect(unsure.length).toBeGreaterThan(0);
        const listed = t.warnings?.filter((w) => w.code === "W_GAIT_LOW_CONFIDENCE_STRIKE") ?? [];
        expect(listed.map((w) => [w.frame, w.value])).toEqual(unsure.map((e) => [e.frame, e.confidence]));
        expect(run.report.warnings?.length).toBe(t.warnings?.length);
        expect(renderReportHtml(run)).toContain(`<h3>Warnings (${t.warnings?.length})</h3>`);
      } finally {
        removeDir(dir);
      }
    }, 240_000);
  },
);
