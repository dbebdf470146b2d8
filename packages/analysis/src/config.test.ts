import { describe, expect, it } from "vitest";
import { parseAnalysisConfigText, validateAnalysisConfig } from "./config.js";
import { AnalysisConfigError, AnalysisYamlError } from "./errors.js";
import { YAML_LIMITS } from "./yaml-bounds.js";

const BASE = `config_version: 1
inputs:
  primary: a.json
  reference: b.json
analysis:
  kind: dtw
  method: dtw_all
output:
  report: out/r.json
`;

function fail(text: string, set?: string[]): AnalysisConfigError {
  try {
    parseAnalysisConfigText(text, { file: "exp.yaml", ...(set ? { set } : {}) });
  } catch (e) {
    if (e instanceof AnalysisConfigError) return e;
    throw e;
  }
  throw new Error("expected AnalysisConfigError");
}

describe("YAML errors point at the line and field", () => {
  it("a bad enum value names file:line, the field and the choices", () => {
    const e = fail(BASE.replace("method: dtw_all", "method: dtw_everything"));
    expect(e.oneLine()).toMatch(
      /^exp\.yaml:7 analysis\.method: expected one of 'dtw_all', 'dtw_per_joint', 'dtw_relation' \(got 'dtw_everything'\)/,
    );
    expect(e.issues[0]).toMatchObject({ line: 7, loc: ["analysis", "dtw", "method"], type: "literal_error" });
    expect(e.kind).toBe("user");
  });

  it("an unknown key is rejected at its own line", () => {
    const e = fail(`${BASE}notes: hello\n`);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ type: "extra_forbidden", field: ["notes"], line: 10 });
    const nested = fail(BASE.replace("  method: dtw_all", "  method: dtw_all\n  metod: x"));
    expect(nested.issues[0]).toMatchObject({
      field: ["analysis", "metod"],
      loc: ["analysis", "dtw", "metod"],
      line: 8,
    });
  });

  it("errors inside lists point at the item's line (pydantic loc with the variant tag)", () => {
    const text = BASE.replace(
      "  method: dtw_all\n",
      "  method: dtw_all\n  representation: angles\n  angle_triplets:\n    - [1, 2, 3]\n    - [4, 5]\n",
    );
    const e = fail(text);
    expect(e.issues[0]).toMatchObject({
      type: "missing",
      loc: ["analysis", "dtw", "angle_triplets", 1, 2],
      field: ["analysis", "angle_triplets", 1, 2],
      line: 11,
    });
  });

  it("a missing field points at its parent", () => {
    const e = fail("inputs:\n  reference: b.json\nanalysis: {kind: none}\noutput: {report: r.json}\n");
    expect(e.issues[0]).toMatchObject({ type: "missing", field: ["inputs", "primary"], line: 1 });
  });

  it("cross-field rules are reported (dtw needs a reference)", () => {
    const e = fail(BASE.replace("  reference: b.json\n", ""));
    expect(e.message).toMatch(/requires inputs.reference/);
  });

  it("YAML syntax errors carry line and column", () => {
    try {
      parseAnalysisConfigText("inputs:\n\tprimary: a.json\n", { file: "exp.yaml" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AnalysisYamlError);
      expect((e as AnalysisYamlError).oneLine()).toMatch(/^exp\.yaml:2:1: /);
    }
  });

  it("reads YAML as PyYAML does: `axis: y` is the letter y, yes/no are booleans", () => {
    const cfg = parseAnalysisConfigText(
      "inputs: {primary: a.json}\nsegmentation: {kind: gait_cycles, axis: y, invert: yes}\nanalysis: {kind: none}\noutput: {report: r.json}\n",
    );
    expect(cfg.segmentation).toMatchObject({ axis: "y", invert: true });
  });
});

describe("--set overrides", () => {
  it("sets nested values parsed as YAML scalars", () => {
    const cfg = parseAnalysisConfigText(BASE, {
      set: [
        "analysis.algorithm=fastdtw",
        "analysis.radius=2",
        "preprocessing.person_index=1",
        "inputs.references=[c.json, d.json]",
      ],
    });
    expect(cfg.analysis).toMatchObject({ kind: "dtw", algorithm: "fastdtw", radius: 2 });
    expect(cfg.preprocessing.person_index).toBe(1);
    expect(cfg.inputs.references).toEqual(["c.json", "d.json"]);
  });

  it("a bad override is blamed on the --set flag", () => {
    const e = fail(BASE, ["analysis.align=sideways"]);
    expect(e.oneLine()).toMatch(/^--set analysis\.align=sideways analysis\.align: expected one of/);
  });

  it("radius without fastdtw is an error", () => {
    expect(fail(BASE, ["analysis.radius=3"]).message).toMatch(/radius only applies/);
  });
});

describe("extensions stay out of the dump unless written", () => {
  it("original configs parse to the original's keys only", () => {
    const r = validateAnalysisConfig({
      inputs: { primary: "a", reference: "b" },
      analysis: { kind: "dtw" },
      output: { report: "r" },
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.keys(r.config.analysis)).not.toContain("algorithm");
      expect(Object.keys(r.config.inputs)).toEqual(["primary", "reference"]);
    }
  });

  it("cohort replaces primary and needs dtw", () => {
    expect(
      validateAnalysisConfig({
        inputs: { cohort: ["a", "b"] },
        analysis: { kind: "dtw" },
        output: { report: "r" },
      }).ok,
    ).toBe(true);
    const bad = validateAnalysisConfig({
      inputs: { cohort: ["a", "b"], primary: "c" },
      analysis: { kind: "dtw" },
      output: { report: "r" },
    });
    expect(bad.ok).toBe(false);
    const stats = validateAnalysisConfig({
      inputs: { cohort: ["a", "b"] },
      analysis: { kind: "stats", extractor: { kind: "joint_speed", joint: 1 } },
      output: { report: "r" },
    });
    expect(stats.ok).toBe(false);
  });
});

describe("hostile YAML is refused before it is parsed (issue 9, item 13)", () => {
  const TAIL = "inputs: {primary: a.json}\nanalysis: {kind: none}\noutput: {report: r.json}\n";
  function refused(text: string): AnalysisYamlError {
    try {
      parseAnalysisConfigText(text, { file: "evil.yaml" });
    } catch (e) {
      if (e instanceof AnalysisYamlError) return e;
      throw e;
    }
    throw new Error("expected AnalysisYamlError");
  }
  function laughs(levels: number): string {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let k = 1; k < levels; k++) {
      const n = String.fromCharCode(97 + k);
      const p = String.fromCharCode(96 + k);
      lines.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(",")}]`);
    }
    return `${lines.join("\n")}\n${TAIL}`;
  }

  it("a billion-laughs alias bomb is a user error, not an unexpected ReferenceError", () => {
    const e = refused(laughs(9));
    expect(e.kind).toBe("user");
    expect(e.code).toBe("E_ANALYSIS_YAML_LIMIT");
    expect(e.oneLine()).toMatch(/^evil\.yaml: aliases expand to too many nodes/);
  });

  it("more aliases than the bound are refused by the pre-scan, before any node is built", () => {
    const text = `a: &a 1\nb: [${Array(YAML_LIMITS.maxAliases + 1)
      .fill("*a")
      .join(", ")}]\n${TAIL}`;
    expect(refused(text).message).toMatch(/more than 100 aliases/);
    // A few anchors and aliases are fine.
    const ok = parseAnalysisConfigText(
      "inputs: {primary: a.json, reference: b.json}\nanalysis: {kind: dtw, representation: angles, angle_triplets: [&t [left_hip, left_knee, left_ankle], *t]}\noutput: {report: r.json}\n",
    );
    expect(ok.analysis.kind).toBe("dtw");
  });

  it("size, key count and bracket depth are bounded", () => {
    expect(refused(`# ${"x".repeat(YAML_LIMITS.maxBytes)}\n${TAIL}`).message).toMatch(/limited to 1048576/);
    const keys = Array.from({ length: 80_000 }, (_, i) => `  k${i}: 1\n`).join("");
    expect(refused(`${TAIL}x:\n${keys}`).message).toMatch(/more than 10000 mapping keys/);
    const deep = `${"[".repeat(YAML_LIMITS.maxDepth + 1)}${"]".repeat(YAML_LIMITS.maxDepth + 1)}`;
    expect(refused(`${TAIL}x: ${deep}\n`).message).toMatch(/nested deeper than 64/);
  });

  it("duplicate keys are still refused at their line (checked with one set per mapping)", () => {
    const e = refused(`${TAIL}analysis: {kind: none}\n`);
    expect(e.code).toBe("E_ANALYSIS_YAML");
    expect(e.line).toBe(4);
    expect(e.message).toBe("Map keys must be unique");
    // Equal text but different types are different keys (as the YAML library compares them).
    expect(fail(`${TAIL}x: {1: a, "1": b}\n`).issues[0]?.field).toEqual(["x"]);
  });

  it("a mapping just under the key bound is read (and reported at its line)", () => {
    const keys = Array.from({ length: 9_990 }, (_, i) => `  k${i}: ${i}\n`).join("");
    const e = fail(`${TAIL}x:\n${keys}`);
    expect(e.issues[0]).toMatchObject({ field: ["x"], line: 4, type: "extra_forbidden" });
  });
});
