// Harmonised pose → ndx-pose NWB (read back by @neuropose/nwb, validated by our validator and, on developer
// machines, pynwb + nwbinspector) and → Parquet (read back by DuckDB, an independent reader).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readNwb, validateNwb, writeNwb } from "@neuropose/nwb";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { repoRoot } from "../../../config/vitest.js";
import { PoseSidecarSchema, poseToNwb, readDlc, readSleap, writePoseParquet } from "./index.js";
import type { HarmonisedPose } from "./types.js";

const SLP = ["sleap", "dance.mp4.labels.slp"];
const VALIDATOR = join(repoRoot, "..", "shared", "tools", "nwb-validator", "validate.sh");
const haveValidator =
  existsSync("/tmp/nwb-validator/pynwb-2.3.1") && existsSync("/usr/bin/python3") && existsSync(VALIDATOR);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "pose-formats-"));
}

async function writePoseNwb(pose: HarmonisedPose, out: string, fps: number) {
  const { skeletons, poseEstimations } = poseToNwb(pose, { fps, devices: ["camera0"] });
  await writeNwb(out, {
    sessionDescription: "pose import test",
    sessionStartTime: "2025-01-01T10:00:00+00:00",
    identifier: "pose-formats-test",
    subject: { subjectId: "S01", species: "Homo sapiens", age: "P30Y", sex: "F", description: "dancer" },
    devices: [{ name: "camera0", description: "front camera", manufacturer: "unknown" }],
    experimenter: ["Doe, Jane"],
    lab: "Test lab",
    institution: "Test institution",
    keywords: ["pose"],
    experimentDescription: "SLEAP predictions imported by @neuropose/pose-formats",
    processing: [
      { name: "behavior", description: "pose estimates", dataInterfaces: [skeletons, ...poseEstimations] },
    ],
  });
}

fixtureSuite("SLEAP .slp → harmonised → ndx-pose NWB", SLP, () => {
  it("writes a file our validator accepts and reads back the same numbers", async () => {
    const pose = await readSleap(fixturePath(...SLP));
    const out = join(tempDir(), "dance.nwb");
    await writePoseNwb(pose, out, 30);
    const v = await validateNwb(out);
    expect(v.errors, JSON.stringify(v.errors)).toEqual([]);
    const back = await readNwb(out);
    const pe = back.poseEstimations[0];
    expect(pe?.sourceSoftware).toBe("SLEAP");
    expect(pe?.resolvedSkeleton?.nodes).toEqual(pose.keypoints);
    expect(pe?.resolvedSkeleton?.edges).toEqual(pose.edges);
    // HDF5 lists the series by name
    expect(pe?.series.map((s) => s.name).sort()).toEqual([...pose.keypoints].sort());
    const nose = pe?.series.find((s) => s.name === pose.keypoints[0]);
    expect(nose?.data.length).toBe(pose.nFrames * 2);
    for (let f = 0; f < pose.nFrames; f++) {
      const x = pose.coords[f * pose.nKeypoints * 2] as number;
      const got = nose?.data[f * 2] as number;
      if (Number.isNaN(x)) expect(got).toBeNaN();
      else expect(got).toBe(Math.fround(x));
    }
    expect(nose?.confidenceDefinition).toMatch(/SLEAP point score/);
  });

  it.runIf(haveValidator)(
    "passes pynwb validation and nwbinspector (developer machines)",
    async () => {
      const pose = await readSleap(fixturePath(...SLP));
      const out = join(tempDir(), "dance.nwb");
      await writePoseNwb(pose, out, 30);
      const r = spawnSync(VALIDATOR, [out, "--strict"], { encoding: "utf8", timeout: 180_000 });
      expect(r.stdout, r.stdout + r.stderr).toMatch(/RESULT: PASS \(exit 0\)/);
      expect(r.stdout).not.toMatch(/^\s+(CRITICAL|BEST_PRACTICE_VIOLATION)\s|SCHEMA ERROR|READ ERROR/m);
    },
    240_000,
  );
});

fixtureSuite(
  "multi-animal DLC → one PoseEstimation per individual",
  ["dlc", "deepof_madlc", "testDLC_h5_table_madlc.h5"],
  () => {
    it("names the PoseEstimations after the individuals and keeps the scorer", async () => {
      const pose = await readDlc(fixturePath("dlc", "deepof_madlc", "testDLC_h5_table_madlc.h5"));
      const { skeletons, poseEstimations } = poseToNwb(pose, { fps: 25 });
      expect(skeletons.skeletons[0]?.nodes).toHaveLength(14);
      expect(poseEstimations.map((p) => p.name)).toEqual([
        "PoseEstimation_mouse_black_tail",
        "PoseEstimation_mouse_white_tail",
      ]);
      expect(poseEstimations[0]?.scorer).toMatch(/^DLC_dlcrnetms5/);
      expect(poseEstimations[0]?.sourceSoftware).toBe("DeepLabCut");
      expect(() => poseToNwb(pose)).toThrow(/no time base/);
    });
  },
);

async function duckdb() {
  try {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    return await db.connect();
  } catch (e) {
    return `DuckDB's npm package could not load here: ${(e as Error).message}`;
  }
}

fixtureSuite("Parquet export read back by DuckDB", SLP, () => {
  it("writes the long table and a valid sidecar; DuckDB reads the same rows", async (ctx) => {
    const con = await duckdb();
    if (typeof con === "string") {
      console.warn(`skipped: ${con}`);
      ctx.skip();
      return;
    }
    const pose = await readSleap(fixturePath(...SLP));
    const dir = tempDir();
    const out = join(dir, "dance.pose.parquet");
    const r = await writePoseParquet(pose, out, { fps: 30 });
    expect(r.rows).toBe(pose.nFrames * pose.nIndividuals * pose.nKeypoints);
    const sidecar = PoseSidecarSchema.parse(JSON.parse(readFileSync(r.sidecar, "utf8")));
    expect(sidecar.source.sha256).toBe(pose.source.sha256);
    expect(sidecar.keypoints).toEqual(pose.keypoints);
    const q = await con.runAndReadAll(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT keypoint)::INTEGER AS k, sum(CASE WHEN isnan(x_px) THEN 1 ELSE 0 END)::INTEGER AS missing,
              max(time) AS tmax FROM read_parquet('${out}')`,
    );
    const [row] = q.getRowObjects();
    expect(row?.n).toBe(r.rows);
    expect(row?.k).toBe(pose.nKeypoints);
    expect(row?.missing).toBe(pose.stats.missingPoints);
    expect(row?.tmax).toBeCloseTo((pose.nFrames - 1) / 30, 12);
    const first = await con.runAndReadAll(
      `SELECT time, frame, keypoint, x_px, y_px, confidence FROM read_parquet('${out}') WHERE frame = 10 ORDER BY keypoint LIMIT 3`,
    );
    for (const rr of first.getRowObjects()) {
      const k = pose.keypoints.indexOf(rr.keypoint as string);
      const p = 10 * pose.nKeypoints + k;
      expect(rr.x_px).toBe(pose.coords[p * 2]);
      expect(rr.y_px).toBe(pose.coords[p * 2 + 1]);
      expect(rr.confidence).toBe(pose.confidence[p]);
    }
    const cols = await con.runAndReadAll(
      `SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${out}'))`,
    );
    expect(cols.getRowObjects().map((c) => c.column_name)).toEqual([
      "time",
      "frame",
      "keypoint",
      "x_px",
      "y_px",
      "confidence",
    ]);
  });
});

describe("Parquet export: bad options", () => {
  it("refuses a name without .parquet and timestamps of the wrong length", async () => {
    const pose = await readDlc(
      new TextEncoder().encode("scorer,s,s,s\nbodyparts,a,a,a\ncoords,x,y,likelihood\n0,1,2,0.5\n"),
    );
    await expect(writePoseParquet(pose, join(tempDir(), "x.csv"))).rejects.toMatchObject({
      code: "E_POSE_OPTION",
    });
    await expect(
      writePoseParquet(pose, join(tempDir(), "x.parquet"), { timestamps: [0, 1] }),
    ).rejects.toMatchObject({ code: "E_POSE_OPTION" });
  });
});
