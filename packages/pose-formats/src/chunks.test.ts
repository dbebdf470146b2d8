// Reading pose in row ranges (openPoseChunks) and writing it chunk by chunk (openPoseParquet, poseChunksToNwb)
// give the same numbers as the whole-file readers and writers.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBInstance as DuckDB } from "@duckdb/node-api";
import { readNwb, writeNwb } from "@neuropose/nwb";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import {
  openPoseChunks,
  openPoseParquet,
  poseChunksToNwb,
  poseToNwb,
  readDlc,
  slicePose,
  writePoseParquet,
} from "./index.js";
import type { HarmonisedPose } from "./types.js";

const MADLC = ["dlc", "deepof_madlc", "testDLC_h5_table_madlc.h5"];
const tempDir = () => mkdtempSync(join(tmpdir(), "pose-chunks-"));

/** The chunks' arrays one after another (test sizes: plain flatMap is enough). */
const concat = (parts: Float64Array[]): Float64Array =>
  Float64Array.from(parts.flatMap((p) => Array.from(p)));

async function nwbFile(out: string, objs: ReturnType<typeof poseToNwb>) {
  await writeNwb(
    out,
    {
      sessionDescription: "chunked pose",
      sessionStartTime: "2025-01-01T10:00:00+00:00",
      processing: [
        {
          name: "behavior",
          description: "pose",
          dataInterfaces: [objs.skeletons, ...objs.poseEstimations],
        },
      ],
    },
    { chunkRows: 16 },
  );
  return readNwb(out);
}

for (const rel of [
  MADLC,
  ["dlc", "deepof_single", "testDLC_h5_table.h5"],
  ["dlc", "single_openfield", "m3v1mp4DLC_resnet50_openfieldOct30shuffle1_1000.h5"], // pandas "table" format
  ["w2t-session", "Session-000001", "pose_sample.h5"],
]) {
  fixtureSuite(`openPoseChunks on ${rel.at(-1)}`, rel, () => {
    it("reads the rows in ranges from the file (streamed), equal to readDlc, stats complete after the last row", async () => {
      const path = fixturePath(...rel);
      const whole = await readDlc(path);
      const r = await openPoseChunks(path);
      try {
        expect(r.streamed).toBe(true);
        expect(r.header.nFrames).toBe(whole.nFrames);
        expect(r.header.coords.length).toBe(0);
        expect([r.header.keypoints, r.header.individuals, r.header.software, r.header.source]).toEqual([
          whole.keypoints,
          whole.individuals,
          whole.software,
          whole.source,
        ]);
        const chunks: HarmonisedPose[] = [];
        const step = Math.max(7, Math.ceil(whole.nFrames / 20));
        for (let s = 0; s < whole.nFrames; s += step) chunks.push(await r.read(s, s + step));
        expect(concat(chunks.map((c) => c.coords))).toEqual(whole.coords);
        expect(concat(chunks.map((c) => c.confidence))).toEqual(whole.confidence);
        expect(concat(chunks.map((c) => c.frameIndex))).toEqual(whole.frameIndex);
        expect(r.header.stats).toEqual(whole.stats);
        expect(r.header.warnings).toEqual(whole.warnings);
      } finally {
        r.close();
      }
    });
  });
}

fixtureSuite("chunked writers", MADLC, () => {
  it("openPoseParquet, fed in chunks, writes the rows and sidecar writePoseParquet writes", async () => {
    const pose = await readDlc(fixturePath(...MADLC));
    const dir = tempDir();
    const ts = Float64Array.from(pose.frameIndex, (f) => 10 + f / 25);
    const whole = await writePoseParquet(pose, join(dir, "whole.pose.parquet"), { timestamps: ts });
    const w = await openPoseParquet(pose, join(dir, "chunked.pose.parquet"), { timestamps: true });
    for (let s = 0; s < pose.nFrames; s += 5)
      await w.write(slicePose(pose, s, s + 5), ts.subarray(s, Math.min(pose.nFrames, s + 5)));
    const chunked = await w.finish(pose);
    expect(chunked.rows).toBe(whole.rows);
    const a = JSON.parse(readFileSync(whole.sidecar, "utf8"));
    const b = JSON.parse(readFileSync(chunked.sidecar, "utf8"));
    expect({ ...b, parquet: "" }).toEqual({ ...a, parquet: "" });
    // An independent reader (DuckDB) sees the same rows in the same order in both files.
    let con: Awaited<ReturnType<Awaited<ReturnType<typeof DuckDB.create>>["connect"]>>;
    try {
      con = await (await (await import("@duckdb/node-api")).DuckDBInstance.create(":memory:")).connect();
    } catch (e) {
      console.warn(`skipped the DuckDB read-back: ${(e as Error).message}`);
      return;
    }
    const rows = async (p: string) =>
      (await con.runAndReadAll(`SELECT * FROM read_parquet('${p}')`)).getRows().map((r) => r.map(String));
    const [ra, rb] = [await rows(whole.parquet), await rows(chunked.parquet)];
    expect(ra.length).toBe(whole.rows);
    expect(rb).toEqual(ra);
  });

  it("poseChunksToNwb writes the same series as poseToNwb, window by window", async () => {
    const path = fixturePath(...MADLC);
    const pose = await readDlc(path);
    const dir = tempDir();
    const ts = Float64Array.from(pose.frameIndex, (f) => f / 25);
    const a = await nwbFile(join(dir, "whole.nwb"), poseToNwb(pose, { timestamps: ts }));
    const r = await openPoseChunks(path);
    let reads = 0;
    const counted = {
      header: r.header,
      read: (s: number, e: number) => {
        reads++;
        return r.read(s, e);
      },
    };
    const b = await nwbFile(join(dir, "chunked.nwb"), poseChunksToNwb(counted, { timestamps: ts }));
    r.close();
    // one read per write window (16 rows), shared by every keypoint's data and confidence (and, as writeNwb
    // interleaves them, by both individuals' PoseEstimations)
    expect(reads).toBeGreaterThanOrEqual(Math.ceil(pose.nFrames / 16));
    expect(reads).toBeLessThanOrEqual(Math.ceil(pose.nFrames / 16) * pose.nIndividuals);
    expect(b.poseEstimations.map((p) => p.name)).toEqual(a.poseEstimations.map((p) => p.name));
    for (const [i, pe] of b.poseEstimations.entries())
      for (const s of pe.series) {
        const t = a.poseEstimations[i]?.series.find((x) => x.name === s.name);
        expect(s.data).toEqual(t?.data);
        expect(s.confidence).toEqual(t?.confidence);
      }
  });
});

describe("slicePose", () => {
  it("views frames start..end-1 and clamps the range", () => {
    const pose = {
      nFrames: 3,
      nIndividuals: 1,
      nKeypoints: 2,
      nDims: 2,
      frameIndex: Float64Array.of(5, 6, 7),
      coords: Float64Array.from({ length: 12 }, (_, i) => i),
      confidence: Float64Array.from({ length: 6 }, (_, i) => i / 10),
    } as unknown as HarmonisedPose;
    const s = slicePose(pose, 1, 9);
    expect([s.nFrames, Array.from(s.frameIndex), Array.from(s.coords), Array.from(s.confidence)]).toEqual([
      2,
      [6, 7],
      [4, 5, 6, 7, 8, 9, 10, 11],
      [0.2, 0.3, 0.4, 0.5],
    ]);
  });
});
