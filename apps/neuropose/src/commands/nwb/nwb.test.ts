import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { saveVideoPredictions } from "@neuropose/io";
import { readNwb } from "@neuropose/nwb";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SUBJECT, SUBJECT_FLAGS } from "../../../../../config/cli-process.js";
import { blazeposeMetadata } from "../../../../../config/predictions.js";
import { main } from "../../cli.js";

let dir: string;
let out: string[];
let err: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "neuropose-cli-nwb-"));
  const J = 33;
  const frames: Record<string, unknown> = {};
  for (let i = 0; i < 12; i++) {
    frames[`frame_${String(i).padStart(6, "0")}`] = {
      boxes: [[1, 2, 3, 4, 0.8]],
      poses3d: [Array.from({ length: J }, (_, j) => [j, i, 1000 + j])],
      poses2d: [Array.from({ length: J }, (_, j) => [j * 2, i * 3])],
    };
  }
  await saveVideoPredictions(join(dir, "clip.json"), {
    metadata: blazeposeMetadata(12, "m"),
    frames: frames as never,
  });
  writeFileSync(join(dir, "clip.mp4"), "video bytes");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): void {
  out = [];
  err = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
}
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** `neuropose nwb export <dir>/clip.json -o <output> ...flags`. */
function exportClip(output: string, ...flags: string[]): Promise<number> {
  return main(["nwb", "export", join(dir, "clip.json"), "-o", output, ...flags]);
}

describe("neuropose nwb", () => {
  it("export writes a valid NWB file with subject, video link and provenance; validate passes", async () => {
    capture();
    const nwb = join(dir, "out", "clip.nwb");
    const code = await exportClip(
      nwb,
      "--video",
      join(dir, "clip.mp4"),
      ...SUBJECT_FLAGS,
      "--session-start",
      "2024-05-01T10:00:00+02:00",
      "--experimenter",
      "Doe, Jane",
      "--json",
      "--log-level",
      "silent",
    );
    expect(err.join("")).toBe("");
    expect(code).toBe(0);
    const summary = JSON.parse(out.join(""));
    expect(summary.frames).toBe(12);
    expect(summary.poseEstimations).toHaveLength(2);
    const r = await readNwb(nwb);
    expect(r.subject).toMatchObject({ ...SUBJECT, species: "Homo sapiens" });
    expect(r.experimenter).toEqual(["Doe, Jane"]);
    expect(r.acquisition[0]).toMatchObject({ kind: "ImageSeries", externalFile: ["../clip.mp4"] });
    expect(Object.keys((r.provenance?.input_hashes as object) ?? {}).sort()).toEqual([
      "clip.json",
      "clip.mp4",
    ]);
    const unit = r.poseEstimations.find((p) => p.name === "pose3d_person0")?.series[0]?.unit;
    expect(unit).toBe("meters");

    capture();
    expect(await main(["nwb", "validate", nwb])).toBe(0);
    expect(out.join("")).toMatch(/clip\.nwb: ok \(NWB 2\.6\.0/);
  });

  it("refuses to replace an existing output without --force (exit 2)", async () => {
    capture();
    const nwb = join(dir, "exists.nwb");
    writeFileSync(nwb, "keep me");
    const code = await exportClip(nwb, "--session-start", "2024-05-01T10:00:00Z");
    expect(code).toBe(2);
    expect(err.join("")).toMatch(/^error: .*already exists \(hint: pass --force/);
  });

  it("a session start without timezone is a user error and writes nothing (exit 2)", async () => {
    capture();
    const nwb = join(dir, "tz.nwb");
    const code = await exportClip(nwb, "--session-start", "2024-05-01T10:00:00", "--log-level", "silent");
    expect(code).toBe(2);
    expect(err.join("")).toMatch(
      /error: .*session_start_time: "2024-05-01T10:00:00" is not an ISO-8601 date-time with a timezone/,
    );
    expect(existsSync(nwb)).toBe(false);
  });

  it("without --session-start: the video's modification time, or a usage error when there is no video", async () => {
    capture();
    const nwb = join(dir, "mtime.nwb");
    const code = await exportClip(nwb, "--video", join(dir, "clip.mp4"), "--log-level", "warn", "--json");
    expect(code).toBe(0);
    expect(err.join("")).toMatch(
      /warn: no --session-start and the video records no creation time: using the file's modification time, .*which is the time of the last copy/,
    );
    const r = await readNwb(nwb);
    expect(Date.parse(r.sessionStartTime)).toBe(statSync(join(dir, "clip.mp4")).mtime.getTime());
    capture();
    expect(await exportClip(join(dir, "none.nwb"))).toBe(2);
    expect(err.join("")).toMatch(
      /error: --session-start is required \(there is no --video to take it from\)/,
    );
  });

  it("validate fails (exit 2) on a file that is not NWB, listing the findings", async () => {
    capture();
    const bad = join(dir, "bad.nwb");
    writeFileSync(bad, "not hdf5");
    const code = await main(["nwb", "validate", bad]);
    expect(code).toBe(2);
    expect(out.join("")).toMatch(/bad\.nwb: FAIL/);
    expect(out.join("")).toMatch(/error: \/: not an HDF5 file/);
    expect(err.join("")).toMatch(/error: 1 of 1 file\(s\) failed validation/);
  });
});
