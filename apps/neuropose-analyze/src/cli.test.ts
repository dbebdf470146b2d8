import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { synthesizeGaitPredictions } from "@neuropose/analysis";
import { AnalysisReportSchema, parseJson, stringifyJson } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../../../config/cli-process.js";
// The size from which cohort trials load on worker threads, lowered so that small trials do (same module as the CLI's).
import { loadPolicy } from "../../../packages/analysis/src/_cohort-load.js";
import { main } from "./cli.js";

const repo = resolve(import.meta.dirname, "../../..");

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    streams: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: Object.assign(
        { write: (s: string) => err.push(s) },
        { isTTY: false },
      ) as unknown as NodeJS.WritableStream,
    },
  };
}

let dir: string;
const YAML = `config_version: 1
inputs:
  primary: data/a.json
  reference: data/b.json
segmentation:
  kind: gait_cycles
analysis:
  kind: dtw
  method: dtw_all
  align: procrustes_per_sequence
output:
  report: out/report.json
`;

beforeAll(() => {
  dir = tempDir("neuropose-analyze-");
  mkdirSync(join(dir, "exp", "data"), { recursive: true });
  writeFileSync(
    join(dir, "exp", "data", "a.json"),
    stringifyJson(synthesizeGaitPredictions({ seed: 1, frames: 90 })),
  );
  writeFileSync(
    join(dir, "exp", "data", "b.json"),
    stringifyJson(synthesizeGaitPredictions({ seed: 2, frames: 90, cadence: 98 })),
  );
  writeFileSync(join(dir, "exp", "exp.yaml"), YAML);
});
afterAll(() => removeDir(dir));

async function run(args: string[]) {
  const c = capture();
  const code = await main(args, c.streams as never);
  return { code, stdout: c.out.join(""), stderr: c.err.join("") };
}

describe("neuropose-analyze", () => {
  it("runs from another working directory: inputs and report resolve against the YAML file", async () => {
    const r = await run([join(dir, "exp", "exp.yaml"), "--json", "--html", join(dir, "page.html")]);
    expect(r.stderr).not.toMatch(/^(error|warn)/m);
    expect(r.stderr).toMatch(/^info: report written/m);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ ok: true, kind: "dtw", algorithm: "exact" });
    expect(summary.report).toBe(join(dir, "exp", "out", "report.json"));
    const report = parseJson(readFileSync(summary.report, "utf8"));
    expect(AnalysisReportSchema.safeParse(report).success).toBe(true);
    // Valid JSON: JSON.parse reads it as is.
    expect(() => JSON.parse(readFileSync(summary.report, "utf8"))).not.toThrow();
    expect(readFileSync(join(dir, "page.html"), "utf8")).toMatch(/^<!doctype html>/);
    // No temp files left beside the outputs.
    expect(readdirSync(join(dir, "exp", "out"))).toEqual(["report.json"]);
  });

  it("analysis: gait writes the gait results and prints the differences in sentences", async () => {
    writeFileSync(
      join(dir, "exp", "gait.yaml"),
      "inputs: {primary: data/a.json, reference: data/b.json}\nanalysis: {kind: gait, height: 1.7}\noutput: {report: out/gait.json}\n",
    );
    const r = await run([join(dir, "exp", "gait.yaml"), "--json"]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ ok: true, kind: "gait" });
    expect(summary.statements[0]).toMatch(
      /^Cadence: [\d.]+ steps\/min vs [\d.]+ steps\/min in the reference/,
    );
    const report = parseJson(readFileSync(summary.report, "utf8")) as { results: { trials: unknown[] } };
    expect(AnalysisReportSchema.safeParse(report).success).toBe(true);
    expect(report.results.trials).toHaveLength(2);
  });

  it("--set overrides and --dry-run prints the resolved config without running", async () => {
    const r = await run([
      "--set",
      "preprocessing.person_index=0",
      join(dir, "exp", "exp.yaml"),
      "--dry-run",
      "--json",
      "--set",
      "analysis.algorithm=fastdtw",
      "-o",
      join(dir, "dry.json"),
    ]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.config.analysis).toMatchObject({ algorithm: "fastdtw", radius: 1, time_normalize: "auto" });
    expect(plan.inputs.map((i: { absolute: string }) => i.absolute)).toEqual([
      join(dir, "exp", "data", "a.json"),
      join(dir, "exp", "data", "b.json"),
    ]);
    expect(existsSync(join(dir, "dry.json"))).toBe(false);
    const human = await run([join(dir, "exp", "exp.yaml"), "--dry-run"]);
    expect(human.stdout).toMatch(/algorithm: exact/);
  });

  it("a config error is one `error:` line with file:line and field, exit 2", async () => {
    writeFileSync(join(dir, "exp", "bad.yaml"), YAML.replace("method: dtw_all", "method: dtw_some"));
    const r = await run([join(dir, "exp", "bad.yaml")]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: .*bad\.yaml:9 analysis\.method: expected one of 'dtw_all', 'dtw_per_joint', 'dtw_relation'/,
    );
  });

  it("an unknown key, a missing input and a bad flag are user errors (exit 2)", async () => {
    writeFileSync(join(dir, "exp", "extra.yaml"), `${YAML}colour: blue\n`);
    const extra = await run([join(dir, "exp", "extra.yaml")]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/extra\.yaml:13 colour: unknown key/);
    writeFileSync(join(dir, "exp", "missing.yaml"), YAML.replace("data/b.json", "data/nope.json"));
    const missing = await run([join(dir, "exp", "missing.yaml"), "--json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: .*nope\.json/);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      ok: false,
      error: { code: "E_INPUT_MISSING", kind: "user" },
    });
    const flag = await run([join(dir, "exp", "exp.yaml"), "--frobnicate"]);
    expect(flag.code).toBe(2);
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: name the analysis YAML file/);
  });

  it("joints by name: same numbers as by index, one-line error for an unknown name, dry-run shows the names", async () => {
    const bp = (seed: number, cadence: number) =>
      stringifyJson(synthesizeGaitPredictions({ seed, frames: 90, cadence, skeleton: "blazepose_33" }));
    writeFileSync(join(dir, "exp", "data", "bp_a.json"), bp(1, 110));
    writeFileSync(join(dir, "exp", "data", "bp_b.json"), bp(2, 100));
    const yaml = (triplets: string, report: string) =>
      YAML.replace("data/a.json", "data/bp_a.json")
        .replace("data/b.json", "data/bp_b.json")
        .replace("segmentation:\n  kind: gait_cycles\n", "segmentation:\n  kind: gait_cycles_bilateral\n")
        .replace(
          "align: procrustes_per_sequence\n",
          `align: procrustes_per_sequence\n  representation: angles\n  angle_triplets:\n${triplets}`,
        )
        .replace("out/report.json", report);
    writeFileSync(
      join(dir, "exp", "names.yaml"),
      yaml(
        "    - [left_hip, left_knee, left_ankle]\n    - [right_hip, right_knee, right_ankle]\n",
        "out/names.json",
      ),
    );
    writeFileSync(
      join(dir, "exp", "indices.yaml"),
      yaml("    - [23, 25, 27]\n    - [24, 26, 28]\n", "out/indices.json"),
    );
    const named = await run([join(dir, "exp", "names.yaml"), "--json", "--quiet"]);
    const indexed = await run([join(dir, "exp", "indices.yaml"), "--json", "--quiet"]);
    expect(named.stderr).toBe("");
    expect(named.code).toBe(0);
    expect(indexed.code).toBe(0);
    const sn = JSON.parse(named.stdout);
    expect(sn.distances.length).toBeGreaterThan(0);
    expect(sn.distances).toEqual(JSON.parse(indexed.stdout).distances);
    // Indices or names, the angles are named as a clinician reads them, and the unit is stated.
    for (const out of [sn, JSON.parse(indexed.stdout)]) {
      expect(out.angle_names).toEqual(["left knee flexion", "right knee flexion"]);
      expect(out.distance_unit).toBe("rad");
    }
    const report = parseJson(readFileSync(sn.report, "utf8")) as {
      config: { analysis: { angle_triplets: unknown[] } };
      resolved_joints: unknown;
    };
    expect(report.config.analysis.angle_triplets[0]).toEqual(["left_hip", "left_knee", "left_ankle"]);
    expect(report.resolved_joints).toEqual({
      inputs: { "data/bp_a.json": "blazepose_33", "data/bp_b.json": "blazepose_33" },
      analysis: {
        angle_triplets: [
          [23, 25, 27],
          [24, 26, 28],
        ],
      },
    });
    expect(AnalysisReportSchema.safeParse(report).success).toBe(true);

    const dry = await run([join(dir, "exp", "names.yaml"), "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/- left_hip\n\s+- left_knee\n\s+- left_ankle/);

    writeFileSync(
      join(dir, "exp", "typo.yaml"),
      yaml("    - [left_hip, left_kne, left_ankle]\n", "out/typo.json"),
    );
    const typo = await run([join(dir, "exp", "typo.yaml")]);
    expect(typo.code).toBe(2);
    const lines = typo.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: .*typo\.yaml analysis\.angle_triplets\.0\.1: unknown joint 'left_kne' for skeleton blazepose_33 of data\/bp_a\.json; did you mean 'left_knee'\?$/,
    );
    expect(existsSync(join(dir, "exp", "out", "typo.json"))).toBe(false);
    const typoJson = await run([join(dir, "exp", "typo.yaml"), "--json"]);
    expect(JSON.parse(typoJson.stdout)).toMatchObject({
      ok: false,
      error: { code: "E_JOINT_UNKNOWN", kind: "user" },
    });
  });

  it("threads come from --threads, else NEUROPOSE_THREADS (io's settings); bad values are one error line", async () => {
    const saved = process.env.NEUROPOSE_THREADS;
    try {
      process.env.NEUROPOSE_THREADS = "0";
      const bad = await run([join(dir, "exp", "exp.yaml"), "--json"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^error: NEUROPOSE_THREADS: expected a whole number >= 1/);
      process.env.NEUROPOSE_THREADS = "1";
      // the flag wins over the variable
      const flag = await run([join(dir, "exp", "exp.yaml"), "--threads", "2", "--json"]);
      expect(flag.code).toBe(0);
      const env = await run([join(dir, "exp", "exp.yaml"), "--json"]);
      expect(env.code).toBe(0);
      expect(JSON.parse(env.stdout).distances).toEqual(JSON.parse(flag.stdout).distances);
    } finally {
      if (saved === undefined) delete process.env.NEUROPOSE_THREADS;
      else process.env.NEUROPOSE_THREADS = saved;
    }
  });

  it("a malformed cohort trial is one error line and exit 2, on 2 load threads as on 1", async () => {
    const saved = loadPolicy.minBytes;
    loadPolicy.minBytes = 0;
    try {
      mkdirSync(join(dir, "exp", "cohort"), { recursive: true });
      // every trial loads on a worker (c1.json is malformed); the calling thread loads it again for its error
      for (let k = 0; k < 3; k++) {
        const doc = synthesizeGaitPredictions({ seed: k + 1, frames: 90 });
        if (k === 1) (doc.frames.frame_000007!.poses3d[0]![2] as unknown[])[0] = "oops";
        writeFileSync(join(dir, "exp", "cohort", `c${k}.json`), stringifyJson(doc));
      }
      writeFileSync(
        join(dir, "exp", "cohort.yaml"),
        "inputs: {cohort: [cohort/*.json]}\nanalysis: {kind: dtw, align: none}\noutput: {report: out/cohort.json}\n",
      );
      const one = await run([join(dir, "exp", "cohort.yaml"), "--threads", "1"]);
      const two = await run([join(dir, "exp", "cohort.yaml"), "--threads", "2"]);
      for (const r of [one, two]) {
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).toBe(
          "error: cohort/c1.json: frames.frame_000007.poses3d[0][2][0]: expected number\n",
        );
      }
      expect(two.stderr).toBe(one.stderr);
      expect(existsSync(join(dir, "exp", "out", "cohort.json"))).toBe(false);
    } finally {
      loadPolicy.minBytes = saved;
    }
  });

  it("a missing YAML file is a user error", async () => {
    const r = await run([join(dir, "nope.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*nope\.yaml/);
  });
});

describe("the shipped examples run unchanged (on the generated example trials)", () => {
  const examples = join(repo, "examples", "analysis");
  const names = readdirSync(examples)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  let work: string;
  beforeAll(() => {
    // A copy of examples/analysis with its data generated from trials.json (what make-data.mjs writes).
    work = join(dir, "examples");
    mkdirSync(work, { recursive: true });
    for (const n of names) writeFileSync(join(work, n), readFileSync(join(examples, n)));
    const trials = JSON.parse(readFileSync(join(examples, "trials.json"), "utf8")) as Record<string, object>;
    for (const [path, opts] of Object.entries(trials)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(
        join(work, path),
        stringifyJson(synthesizeGaitPredictions({ frames: 90, fps: 30, ...opts })),
      );
    }
  });

  it("ships the three upstream configs and the extension examples", () => {
    expect(names).toEqual(
      expect.arrayContaining([
        "minimal.yaml",
        "per_joint_debug.yaml",
        "paper_c_headline.yaml",
        "multi_reference.yaml",
        "cohort.yaml",
      ]),
    );
  });

  it.each(names)("%s", async (name) => {
    const r = await run([join(work, name), "--json", "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.report.startsWith(join(work, "out"))).toBe(true);
    const report = parseJson(readFileSync(summary.report, "utf8"));
    expect(AnalysisReportSchema.safeParse(report).success).toBe(true);
    if (summary.kind === "dtw")
      expect(summary.distances.every((d: number) => Number.isFinite(d) && d >= 0)).toBe(true);
  });
});
