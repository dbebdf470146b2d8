// Reading inputs (issue 11): files are hashed and parsed frame by frame as they are read; bytes handed in by
// `readInput` go the same way. Both give the same report, the file's own SHA-256, and for a malformed file the
// error the whole-document path always gave.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex, stringifyJson } from "@neuropose/io";
import { afterAll, describe, expect, it } from "vitest";
import { parseAnalysisConfig } from "./config.js";
import { runAnalysis } from "./run.js";
import { synthesizeGaitPredictions } from "./synthesize.js";

const dir = mkdtempSync(join(tmpdir(), "np-analysis-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const a = stringifyJson(synthesizeGaitPredictions({ seed: 1, frames: 120 }));
const b = stringifyJson(synthesizeGaitPredictions({ seed: 2, frames: 120, cadence: 100 }), { indent: 0 });
writeFileSync(join(dir, "a.json"), a);
writeFileSync(join(dir, "b.json"), b);
writeFileSync(join(dir, "cut.json"), b.slice(0, Math.floor(b.length / 2)));
const doc = JSON.parse(b);
doc.frames.frame_000007.poses3d[0][3] = [1, "x", 3];
writeFileSync(join(dir, "bad.json"), JSON.stringify(doc));
mkdirSync(join(dir, "folder.json"));

const config = (reference: string) =>
  parseAnalysisConfig({
    inputs: { primary: "a.json", reference },
    segmentation: { kind: "gait_cycles" },
    analysis: { kind: "dtw", align: "procrustes_per_sequence" },
    output: { report: "r.json" },
  });
const fromBytes = { baseDir: dir, readInput: async (abs: string) => readFileSync(abs) };
const message = (p: Promise<unknown>) =>
  p.then(
    () => "no error",
    (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
  );

describe("reading inputs", () => {
  it("files read in chunks give the report of bytes read whole, and each file's own SHA-256", async () => {
    const files = await runAnalysis(config("b.json"), { baseDir: dir });
    const bytes = await runAnalysis(config("b.json"), fromBytes);
    expect(files.report.results).toEqual(bytes.report.results);
    expect(files.report.analysis_provenance?.inputs).toEqual(bytes.report.analysis_provenance?.inputs);
    expect(files.report.analysis_provenance?.inputs.map((i) => [i.sha256, i.bytes])).toEqual([
      [sha256Hex(a), Buffer.byteLength(a)],
      [sha256Hex(b), Buffer.byteLength(b)],
    ]);
  });

  it("a truncated file, a bad number and a folder give the same errors either way", async () => {
    for (const ref of ["cut.json", "bad.json", "folder.json", "none.json"]) {
      const viaFile = await message(runAnalysis(config(ref), { baseDir: dir }));
      expect(viaFile).not.toBe("no error");
      expect(viaFile).toBe(await message(runAnalysis(config(ref), fromBytes)));
    }
    expect(await message(runAnalysis(config("bad.json"), { baseDir: dir }))).toMatch(
      /^E_SCHEMA: bad\.json: frames\.frame_000007\.poses3d\[0\]\[3\]\[1\]: expected number/,
    );
  });
});
