import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { saveVideoPredictions } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { synthPredictions, trackedPair } from "../test/_synth.js";
import { listDir, tempDir } from "../test/_util.js";
import { NwbInputError, predictionsFileToNwb, readNwb, videoPredictionsToNwb } from "./index.js";

const base = { sessionDescription: "walk", sessionStartTime: "2024-05-01T10:00:00+02:00", identifier: "x" };

function strip(r: Awaited<ReturnType<typeof readNwb>>) {
  return r.poseEstimations.map((p) => ({
    name: p.name,
    timing: p.timing,
    series: p.series.map((s) => ({
      n: s.name,
      d: Array.from(s.data),
      c: Array.from(s.confidence ?? []),
      def: s.confidenceDefinition,
    })),
  }));
}

describe("predictionsFileToNwb", () => {
  for (const [label, o] of [
    [
      "two tracked people with visibility",
      { frames: 50, persons: 2, withIds: true, withVisibility: true, dropSecond: (i: number) => i % 4 === 0 },
    ],
    [
      "people by index, irregular timestamps",
      {
        frames: 41,
        persons: 2,
        timestamps: Array.from({ length: 41 }, (_, i) => i / 30 + (i % 3) * 1e-3),
        dropSecond: (i: number) => i % 5 === 0,
      },
    ],
  ] as const) {
    it(`writes the same pose as the in-memory export (${label}), in small windows`, async () => {
      const dir = tempDir();
      const preds = synthPredictions(o);
      await saveVideoPredictions(join(dir, "p.json"), preds);
      const a = await videoPredictionsToNwb(preds, join(dir, "a.nwb"), base);
      const b = await predictionsFileToNwb(join(dir, "p.json"), join(dir, "b.nwb"), {
        ...base,
        chunkRows: 7,
      });
      expect(b.persons).toEqual(a.persons);
      expect(b.poseEstimations).toEqual(a.poseEstimations);
      expect(b.timing).toEqual(a.timing);
      const ra = await readNwb(join(dir, "a.nwb"));
      const rb = await readNwb(join(dir, "b.nwb"));
      expect(strip(rb)).toEqual(strip(ra));
      expect((rb.provenance?.input_hashes as Record<string, string> | undefined)?.["p.json"]).toMatch(
        /^sha256:[0-9a-f]{64}$/,
      );
      expect(listDir(dir)).toEqual(["a.nwb", "b.nwb", "p.json"]);
    });
  }

  it("exports what neuropose-infer writes (pose_presence and presence per frame) like the in-memory export", async () => {
    const dir = tempDir();
    const preds = synthPredictions({ frames: 12, persons: 1, withIds: true, withVisibility: true });
    for (const f of Object.values(preds.frames)) {
      f.presence = f.poses3d.map((p) => p.map(() => 0.75));
      f.pose_presence = f.poses3d.map(() => 0.9);
    }
    await saveVideoPredictions(join(dir, "p.json"), preds);
    await videoPredictionsToNwb(preds, join(dir, "a.nwb"), base);
    await predictionsFileToNwb(join(dir, "p.json"), join(dir, "b.nwb"), base);
    expect(strip(await readNwb(join(dir, "b.nwb")))).toEqual(strip(await readNwb(join(dir, "a.nwb"))));
  });

  it("writes view_quality as a TimeSeries per person beside the poses, in both exports (NaN where absent)", async () => {
    const dir = tempDir();
    const preds = trackedPair(20, 3);
    const want = new Map<number, number[]>([
      [7, []],
      [8, []],
    ]);
    Object.values(preds.frames).forEach((f, i) => {
      f.view_quality = f.poses3d.map((_, p) => ((i * 7 + p * 3) % 10) / 10 + 0.012);
      for (const id of [7, 8]) {
        const p = (f.person_ids ?? []).indexOf(id);
        (want.get(id) as number[]).push(p < 0 ? Number.NaN : Math.fround(f.view_quality[p] as number));
      }
    });
    await saveVideoPredictions(join(dir, "p.json"), preds);
    await videoPredictionsToNwb(preds, join(dir, "a.nwb"), base);
    await predictionsFileToNwb(join(dir, "p.json"), join(dir, "b.nwb"), { ...base, chunkRows: 6 });
    for (const file of ["a.nwb", "b.nwb"]) {
      const r = await readNwb(join(dir, file));
      const module = r.processing.find((m) => m.name === "behavior");
      const series = (module?.dataInterfaces ?? []).filter((d) => d.kind === "TimeSeries");
      expect(series.map((d) => d.name)).toEqual(["view_quality_person7", "view_quality_person8"]);
      for (const d of series) {
        if (d.kind !== "TimeSeries") continue;
        expect(Array.from(d.data)).toEqual(want.get(Number(d.name.replace("view_quality_person", ""))));
        expect(d.unit).toMatch(/score 0\.\.1/);
        expect(d.description).toMatch(/side-view/);
        expect(d.timing).toEqual({ rate: 30, startingTime: 0 });
      }
    }
  });

  it("checks every frame before writing and names the frame", async () => {
    const dir = tempDir();
    const preds = synthPredictions({ frames: 30 });
    const text = JSON.stringify(preds).replace(
      '"frame_000017":{"boxes":[[10,20,100,200,0.9]],"poses3d":[[[',
      '"frame_000017":{"boxes":[[10,20,100,200,0.9]],"poses3d":[[["x",',
    );
    writeFileSync(join(dir, "p.json"), text);
    const err = await predictionsFileToNwb(join(dir, "p.json"), join(dir, "o.nwb"), base).catch((e) => e);
    expect(err).toBeInstanceOf(NwbInputError);
    expect(String(err.message)).toMatch(/frames\.frame_000017\.poses3d\[0\]/);
    expect(listDir(dir)).toEqual(["p.json"]);
  });

  it("a frame key that is not valid JSON is the input's fault (E_INPUT_INVALID), not a crash", async () => {
    const dir = tempDir();
    const text = JSON.stringify(synthPredictions({ frames: 5 })).replace('"frame_000003":', '"frame_\\q":');
    writeFileSync(join(dir, "p.json"), text);
    const err = await predictionsFileToNwb(join(dir, "p.json"), join(dir, "o.nwb"), base).catch((e) => e);
    expect(err).toMatchObject({ code: "E_INPUT_INVALID", path: join(dir, "p.json"), kind: "user" });
    expect(listDir(dir)).toEqual(["p.json"]);
  });

  it("loads an older schema version whole, through io's migration", async () => {
    const dir = tempDir();
    const preds = synthPredictions({ frames: 12 });
    const { schema_version: _v, segmentations: _s, provenance: _p, ...v1 } = preds;
    writeFileSync(join(dir, "v1.json"), JSON.stringify(v1));
    const s = await predictionsFileToNwb(join(dir, "v1.json"), join(dir, "o.nwb"), base);
    expect(s.frames).toBe(12);
  });
});
