import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { behaviorSpec, listDir, tempDir } from "../test/_util.js";
import {
  type ChunkSource,
  type NwbFileSpec,
  NwbInputError,
  poseSourcesFromFrames,
  readNwb,
  validateNwb,
  writeNwb,
} from "./index.js";

const K = 4;
const value = (i: number, k: number, d: number) => i * 100 + k * 10 + d;

function poseSpec(src: ReturnType<typeof poseSourcesFromFrames>): NwbFileSpec {
  return behaviorSpec([
    {
      kind: "PoseEstimation",
      name: "pose",
      description: "streamed",
      timing: { rate: 30 },
      series: Array.from({ length: K }, (_, k) => ({
        name: `kp${k}`,
        data: src.data[k] as NonNullable<(typeof src.data)[number]>,
        dims: 3 as const,
        unit: "meters",
        referenceFrame: "world",
        ...(src.confidence ? { confidence: src.confidence[k], confidenceDefinition: "model score" } : {}),
      })),
    },
  ]);
}

describe("poseSourcesFromFrames", () => {
  it("appends a sequential async frame stream window by window, holding one window in memory", async () => {
    const n = 2500;
    let doneRows = 0; // rows read by the last source of each window (all series have that window by then)
    let maxAhead = 0;
    async function* frames() {
      for (let i = 0; i < n; i++) {
        maxAhead = Math.max(maxAhead, i + 1 - doneRows);
        yield {
          coords: Float32Array.from({ length: K * 3 }, (_, j) => value(i, Math.floor(j / 3), j % 3)),
          confidence: Float32Array.from({ length: K }, (_, k) => (k + 1) / 10),
        };
      }
    }
    const src = poseSourcesFromFrames(frames(), { length: n, keypoints: K, dims: 3, confidence: true });
    const last = src.confidence?.[K - 1] as ChunkSource;
    const lastRead = last.read.bind(last);
    (last as { read: ChunkSource["read"] }).read = async (a, b) => {
      const out = await lastRead(a, b);
      doneRows = b;
      return out;
    };
    const dir = tempDir();
    const out = join(dir, "s.nwb");
    await writeNwb(out, poseSpec(src), { chunkRows: 500 });
    expect(src.pulled).toBe(n);
    expect(maxAhead).toBeLessThanOrEqual(500); // never more than one window of frames ahead of what was written
    expect(maxAhead).toBeGreaterThan(0);
    const r = await readNwb(out);
    const pe = r.poseEstimations[0];
    for (let k = 0; k < K; k++) {
      const s = pe?.series.find((x) => x.name === `kp${k}`);
      expect(s?.data.length).toBe(n * 3);
      for (const i of [0, 499, 500, 2499]) {
        expect(Array.from(s?.data.slice(i * 3, i * 3 + 3) ?? [])).toEqual(
          [0, 1, 2].map((d) => value(i, k, d)),
        );
      }
      expect(s?.confidence?.[1234]).toBeCloseTo((k + 1) / 10, 6);
    }
    expect((await validateNwb(out)).ok).toBe(true);
  });

  it("a stream that ends early fails the write and leaves no file", async () => {
    function* frames() {
      for (let i = 0; i < 10; i++) yield { coords: new Float32Array(K * 3) };
    }
    const src = poseSourcesFromFrames(frames(), { length: 20, keypoints: K, dims: 3 });
    const dir = tempDir();
    const err = await writeNwb(join(dir, "short.nwb"), poseSpec(src), { chunkRows: 8 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NwbInputError);
    expect((err as NwbInputError).message).toMatch(/stream: ended after 10 frames, but length is 20/);
    expect(listDir(dir)).toEqual([]);
  });

  it("a frame with the wrong number of coordinates fails, naming the frame", async () => {
    function* frames() {
      for (let i = 0; i < 5; i++) yield { coords: new Float32Array(i === 3 ? 5 : K * 3) };
    }
    const src = poseSourcesFromFrames(frames(), { length: 5, keypoints: K, dims: 3 });
    const dir = tempDir();
    const err = await writeNwb(join(dir, "bad.nwb"), poseSpec(src)).catch((e: unknown) => e);
    expect((err as NwbInputError).issues).toEqual([`stream: frame 3: 5 coordinates, expected ${K * 3}`]);
    expect(listDir(dir)).toEqual([]);
  });
});
