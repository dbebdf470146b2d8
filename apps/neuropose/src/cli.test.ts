import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJson } from "@neuropose/io";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "./cli.js";

let out: string[];
let err: string[];
let dir: string;

beforeEach(() => {
  out = [];
  err = [];
  dir = mkdtempSync(join(tmpdir(), "neuropose-cli-"));
  vi.spyOn(process.stdout, "write").mockImplementation((c) => out.push(String(c)) > 0);
  vi.spyOn(process.stderr, "write").mockImplementation((c) => err.push(String(c)) > 0);
  process.exitCode = undefined;
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

describe("neuropose", () => {
  it("demo runs the analysis chain on built-in data and writes report, HTML and YAML", async () => {
    await main(["demo", "--out", dir]);
    expect(process.exitCode ?? 0).toBe(0);
    for (const f of [
      "report.json",
      "report.html",
      "demo.yaml",
      "data/subject.json",
      "data/refs/ref_03.json",
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const report = parseJson(readFileSync(join(dir, "report.json"), "utf8")) as {
      results: { reference_summary: { per_reference_mean: { reference: string; mean: number }[] } };
    };
    const rows = report.results.reference_summary.per_reference_mean;
    expect(rows.map((r) => r.reference)).toEqual([
      "data/refs/ref_01.json",
      "data/refs/ref_02.json",
      "data/refs/ref_03.json",
    ]);
    for (const r of rows) expect(r.mean).toBeGreaterThan(0);
    // the summary printed for a person names every reference with its mean distance
    const text = out.join("");
    for (const r of rows)
      expect(text).toContain(`${r.reference.padEnd(24)} ${((r.mean * 180) / Math.PI).toFixed(1)} degrees`);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toMatch(/<svg/);
  });

  it("demo is deterministic: the same report numbers on a second run", async () => {
    await main(["demo", "--out", dir]);
    const first = readFileSync(join(dir, "report.json"), "utf8");
    await main(["demo", "--out", dir]);
    const second = readFileSync(join(dir, "report.json"), "utf8");
    const results = (t: string) => JSON.stringify((parseJson(t) as { results: unknown }).results);
    expect(results(second)).toBe(results(first));
  });

  it("rejects an unknown command with one error line and exit 2", async () => {
    const code = await main(["bogus"]);
    expect(code).toBe(2);
    const lines = err.join("").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: Unknown command: bogus/);
  });

  it("asks for a command when none is given (exit 2)", async () => {
    expect(await main([])).toBe(2);
    expect(err.join("")).toMatch(/^error: name a command/);
  });

  it("delegates `analyze` to neuropose-analyze (a missing YAML is a user error)", async () => {
    const code = await main(["analyze", join(dir, "missing.yaml")]);
    expect(code).toBe(2);
    expect(err.join("")).toMatch(/^error: .*missing\.yaml/);
  });

  it("delegates `session` to neuropose-session (a folder that was never built is a user error)", async () => {
    const code = await main(["session", "qc", join(dir, "no-interim")]);
    expect(code).toBe(2);
    expect(err.join("")).toMatch(/^error: cannot read .*no-interim\/qc_input\.json/);
  });

  it("honours NEUROPOSE_LOG_FORMAT=json for the delegated programs' logs", async () => {
    await main(["demo", "--out", dir]);
    err.length = 0;
    const before = process.env.NEUROPOSE_LOG_FORMAT;
    process.env.NEUROPOSE_LOG_FORMAT = "json";
    try {
      expect(await main(["analyze", join(dir, "demo.yaml")])).toBe(0);
    } finally {
      if (before === undefined) delete process.env.NEUROPOSE_LOG_FORMAT;
      else process.env.NEUROPOSE_LOG_FORMAT = before;
    }
    const lines = err.join("").trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty("msg");
  });
});
