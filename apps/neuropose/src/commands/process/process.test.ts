// `process` and `ingest` through the built binary.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveFfmpeg } from "@neuropose/infer";
import { loadJobResults, loadVideoPredictions } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTestPattern } from "../../../../../config/test-videos.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bin.js");
const built = existsSync(join(dirname(bin), "dist", "index.js"));
let dir: string;
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      NEUROPOSE_MODEL_CACHE_DIR: join(tmpdir(), "neuropose-infer-test-models"),
      NEUROPOSE_CONFIG: "",
    },
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "np-process-"));
  const ff = resolveFfmpeg({}).ffmpeg;
  writeTestPattern(ff, join(dir, "a.mp4"), { size: "96x72", rate: 10, frames: 5 });
  writeTestPattern(ff, join(dir, "b.mp4"), { size: "96x72", rate: 10, frames: 4 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)("neuropose process / ingest (built binary)", () => {
  it("process writes one VideoPredictions per video, or one JobResults with -o", async () => {
    const one = run(["process", "a.mp4", "--model", "lite"]);
    expect(one.status, one.stderr).toBe(0);
    expect((await loadVideoPredictions(join(dir, "a.poses.json"))).metadata.frame_count).toBe(5);
    const both = run(["process", "a.mp4", "b.mp4", "--model", "lite", "-o", "job.json"]);
    expect(both.status, both.stderr).toBe(0);
    const results = await loadJobResults(join(dir, "job.json"));
    expect(Object.keys(results)).toEqual(["a.mp4", "b.mp4"]);
    expect(results["b.mp4"]?.metadata.frame_count).toBe(4);
    expect(readdirSync(dir).filter((f) => f.includes(".part.") || f.endsWith(".tmp"))).toEqual([]);
  }, 120_000);

  it("ingest of a truncated archive is one error line, exit 2, nothing ingested", () => {
    writeFileSync(join(dir, "cut.zip"), Buffer.from("PK\u0003\u0004 this archive was cut short"));
    const r = run(["ingest", "cut.zip", "--data-dir", join(dir, "data")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^error: cut\.zip: not a readable zip archive .*\(hint: the file may be truncated/,
    );
    expect(readdirSync(join(dir, "data", "in"))).toEqual([]);
  });
});
