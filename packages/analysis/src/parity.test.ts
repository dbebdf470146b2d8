import type { AnalysisConfig } from "@neuropose/io";
import { stringifyJson } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import {
  compare,
  decode,
  isExpectedError as isError,
  loadCases,
  type ParityCase,
  paritySuite,
  thrown,
} from "../../../config/parity.js";
import { parseAnalysisConfig, parseAnalysisConfigText } from "./config.js";
import { AnalysisConfigError, AnalysisYamlError } from "./errors.js";
import { summarizeDistances } from "./summary.js";

const OPS = ["load_config", "run_analysis", "summarize_distances"] as const;

paritySuite("neuropose parity: analysis (load_config, run_analysis, summarize_distances)", () => {
  const cases = loadCases(OPS);
  const byOp = (op: string) => cases.filter((c) => c.op === op);

  it("has every case (22 load_config, 12 run_analysis, 7 summarize_distances)", () => {
    expect(byOp("load_config")).toHaveLength(22);
    expect(byOp("run_analysis")).toHaveLength(12);
    expect(byOp("summarize_distances")).toHaveLength(7);
  });

  describe("load_config", () => {
    it.each(byOp("load_config").map((c) => [c.id, c] as const))("%s", (_id, c: ParityCase) => {
      const load = () =>
        typeof c.args.yaml === "string"
          ? parseAnalysisConfigText(c.args.yaml)
          : parseAnalysisConfig(c.args.config);
      if (!isError(c.expected)) {
        // The parsed config dumps to exactly the original's model_dump (extensions absent unless written).
        expect(JSON.parse(stringifyJson(load()))).toEqual(c.expected);
        return;
      }
      const err = thrown(load);
      if (c.expected.error_type === "ValidationError") {
        expect(err).toBeInstanceOf(AnalysisConfigError);
        const issues = (err as AnalysisConfigError).issues.map((i) => ({ type: i.type, loc: i.loc }));
        expect(issues).toEqual((c.expected.errors ?? []).map((e) => ({ type: e.type, loc: e.loc })));
      } else {
        expect(err).toBeInstanceOf(AnalysisYamlError);
        expect((err as AnalysisYamlError).syntax).toBe(
          c.expected.error_type === "ScannerError" ? "scanner" : "parser",
        );
      }
    });
  });

  describe("summarize_distances", () => {
    it.each(byOp("summarize_distances").map((c) => [c.id, c] as const))("%s", (_id, c: ParityCase) => {
      const got = summarizeDistances(decode<number[]>(c.args.distances));
      expect(
        compare(decode(JSON.parse(stringifyJson(got))), decode(c.expected), { rel: 1e-9, abs: 0 }),
      ).toEqual([]);
    });
  });

  describe("run_analysis (analysis.algorithm: fastdtw, the original's DTW)", () => {
    it.each(byOp("run_analysis").map((c) => [c.id, c] as const))("%s", async (_id, c: ParityCase) => {
      const files = (c.args.files ?? {}) as Record<string, unknown>;
      const raw = structuredClone(c.args.config) as { analysis?: Record<string, unknown> };
      // The original always ran fastdtw (radius 1); this port defaults to exact DTW, so say so explicitly.
      if (raw.analysis?.kind === "dtw") raw.analysis.algorithm = "fastdtw";
      const expected = c.expected;
      const { runAnalysis } = await import("./run.js");
      if (isError(expected) && expected.error_type === "ValidationError") {
        const err = thrown(() => parseAnalysisConfig(raw));
        expect(err).toBeInstanceOf(AnalysisConfigError);
        expect((err as AnalysisConfigError).issues.map((i) => ({ type: i.type, loc: i.loc }))).toEqual(
          (expected.errors ?? []).map((e) => ({ type: e.type, loc: e.loc })),
        );
        return;
      }
      const config: AnalysisConfig = parseAnalysisConfig(raw);
      const readInput = async (_abs: string, written: string) => {
        if (!(written in files)) throw Object.assign(new Error("absent"), { code: "ENOENT" });
        return JSON.stringify(files[written]);
      };
      if (isError(expected)) {
        // The original fails when paired cycles differ in length (a defect): this port time-normalises them.
        expect(expected.error).toMatch(/requires matching frame counts/);
        const { report } = await runAnalysis(config, { readInput, baseDir: "/parity" });
        const results = report.results as { kind: string; time_normalized: unknown[]; distances: number[] };
        expect(results.kind).toBe("dtw");
        expect(results.time_normalized.length).toBeGreaterThan(0);
        expect(results.distances.every((d) => Number.isFinite(d))).toBe(true);
        // ...and with time_normalize: never it refuses like the original did.
        const strict = parseAnalysisConfig({
          ...raw,
          analysis: { ...raw.analysis, time_normalize: "never" },
        });
        await expect(runAnalysis(strict, { readInput, baseDir: "/parity" })).rejects.toThrow(/frame/);
        return;
      }
      const { report } = await runAnalysis(config, { readInput, baseDir: "/parity" });
      const ours = JSON.parse(stringifyJson(report));
      // Our report is a superset (extensions: algorithm, comparisons, analysis_provenance, ...).
      expect(compare(decode(ours), decode(expected), { rel: 1e-9, abs: 1e-9 }, { subset: true })).toEqual([]);
    });
  });
});
