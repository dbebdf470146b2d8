import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getSkeleton, loadVideoPredictions } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../config/vitest.js";
import { synthPredictions, trackedPair } from "../test/_synth.js";
import { listDir, tempDir } from "../test/_util.js";
import {
  NwbInputError,
  type NwbReadImageSeries,
  readNwb,
  validateNwb,
  videoPredictionsToNwb,
  writeNwb,
} from "./index.js";

const base = {
  sessionDescription: "gait lab walk",
  sessionStartTime: "2024-05-01T10:00:00+02:00",
};

describe("videoPredictionsToNwb", () => {
  it("writes one 2D and one 3D PoseEstimation per tracked person, values intact", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "clip.mp4"), "not really a video");
    const preds = trackedPair(40, 4);
    const out = join(dir, "out.nwb");
    const summary = await videoPredictionsToNwb(preds, out, {
      ...base,
      subject: { subjectId: "S01", species: "Homo sapiens", age: "P30Y", sex: "F" },
      videoPath: join(dir, "clip.mp4"),
      inputHashes: { "clip.mp4": "sha256:00" },
    });
    expect(summary.persons).toEqual([7, 8]);
    expect(summary.timing).toBe("rate");
    expect(summary.poseEstimations).toEqual([
      "/processing/behavior/pose2d_person7",
      "/processing/behavior/pose3d_person7",
      "/processing/behavior/pose2d_person8",
      "/processing/behavior/pose3d_person8",
    ]);
    const r = await readNwb(out);
    const joints = getSkeleton("blazepose_33").joints;
    const p3 = r.poseEstimations.find((p) => p.name === "pose3d_person8");
    expect(p3?.skeleton).toBe("blazepose_33");
    expect(p3?.resolvedSkeleton?.nodes).toEqual([...joints]);
    expect(p3?.resolvedSkeleton?.linkSubject).toBe(true);
    expect(p3?.devices).toEqual(["camera"]);
    expect(p3?.originalVideos).toEqual(["clip.mp4"]);
    expect(p3?.sourceVideo).toBe("video");
    expect(p3?.timing).toEqual({ rate: 30, startingTime: 0 });
    const keys = Object.keys(preds.frames);
    for (const [j, name] of joints.entries()) {
      const s3 = p3?.series.find((s) => s.name === name);
      expect(s3?.unit).toBe("millimeters");
      expect(s3?.referenceFrame).toMatch(/camera frame/);
      for (const i of [0, 1, 39]) {
        const fr = preds.frames[keys[i] as string];
        const idx = fr?.person_ids?.indexOf(8) ?? -1;
        const want = idx >= 0 ? fr?.poses3d[idx]?.[j] : [Number.NaN, Number.NaN, Number.NaN];
        expect(Array.from(s3?.data.slice(i * 3, i * 3 + 3) ?? [])).toEqual(
          Array.from(Float32Array.from(want ?? [])),
        );
        const got = s3?.confidence?.[i] as number;
        if (idx >= 0) expect(got).toBeCloseTo(fr?.visibility?.[idx]?.[j] as number, 6);
        else expect(got).toBeNaN();
      }
    }
    const p2 = r.poseEstimations.find((p) => p.name === "pose2d_person7");
    const nose = p2?.series.find((s) => s.name === "nose");
    expect(nose?.unit).toBe("pixels");
    expect(nose?.dims).toBe(2);
    expect(Array.from(nose?.data.slice(2, 4) ?? [])).toEqual(
      Array.from(Float32Array.from(preds.frames[keys[1] as string]?.poses2d[0]?.[0] ?? [])),
    );
    expect(nose?.confidenceDefinition).toMatch(/visibility/);
    const video = r.acquisition[0] as NwbReadImageSeries;
    expect(video.externalFile).toEqual(["clip.mp4"]);
    expect(video.device).toBe("camera");
    expect(r.subject?.subjectId).toBe("S01");
    expect(r.provenance?.input_hashes).toEqual({ "clip.mp4": "sha256:00" });
    expect(r.provenance?.provenance).toMatchObject({ model_sha256: "ab".repeat(32) });
    const v = await validateNwb(out);
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
  });

  it("irregular per-frame timestamps are written once per PoseEstimation and soft-linked", async () => {
    const dir = tempDir();
    const ts = Array.from({ length: 20 }, (_, i) => i / 30 + (i % 3) * 0.002);
    const out = join(dir, "vfr.nwb");
    const s = await videoPredictionsToNwb(synthPredictions({ frames: 20, timestamps: ts }), out, {
      ...base,
      videoStartTime: 5,
    });
    expect(s.timing).toBe("timestamps");
    const r = await readNwb(out);
    const pe = r.poseEstimations[0];
    expect(pe?.series[1]?.timestampsLink).toBe(`${pe?.path}/nose/timestamps`);
    const t = pe?.timing as { timestamps: Float64Array };
    expect(Array.from(t.timestamps)).toEqual(ts.map((x) => x + 5));
    // no per-keypoint confidence in the input: the person's box score is used and said so
    expect(pe?.series[0]?.confidence?.[0]).toBeCloseTo(0.9, 6);
    expect(pe?.series[0]?.confidenceDefinition).toMatch(/detection score/);
  });

  it("regular per-frame timestamps become starting_time + rate (nwbinspector's rule)", async () => {
    const dir = tempDir();
    const ts = Array.from({ length: 10 }, (_, i) => 2 + i * 0.04);
    const out = join(dir, "cfr.nwb");
    const s = await videoPredictionsToNwb(synthPredictions({ frames: 10, timestamps: ts }), out, base);
    expect(s.timing).toBe("rate");
    const r = await readNwb(out);
    const t = r.poseEstimations[0]?.timing as { rate: number; startingTime: number };
    expect(t.startingTime).toBe(2);
    expect(t.rate).toBeCloseTo(25, 9);
  });

  it("segmentations become TimeIntervals tables", async () => {
    const dir = tempDir();
    const preds = synthPredictions({ frames: 30 });
    preds.segmentations = {
      rhee_cycles: {
        config: {} as never,
        segments: [
          { start: 0, end: 10, peak: 5 },
          { start: 10, end: 30, peak: 20 },
        ],
      },
    } as never;
    const out = join(dir, "seg.nwb");
    await videoPredictionsToNwb(preds, out, base);
    const r = await readNwb(out);
    const t = r.intervals.find((x) => x.name === "segmentation_rhee_cycles");
    expect(Array.from(t?.startTime ?? [])).toEqual([0, 10 / 30]);
    expect(Array.from(t?.stopTime ?? [])).toEqual([10 / 30, 1]);
    expect(t?.columns.map((c) => c.name)).toEqual(["peak_time", "start_frame", "end_frame"]);
  });

  it("stores segmentation frame indices as integers (issue 9 item 11)", async () => {
    const dir = tempDir();
    const preds = synthPredictions({ frames: 30 });
    preds.segmentations = { squat: { segments: [{ start: 2, end: 12, peak: 7 }] } } as never;
    const out = join(dir, "seg.nwb");
    await videoPredictionsToNwb(preds, out, base);
    const t = (await readNwb(out)).intervals[0];
    const start = t?.columns.find((c) => c.name === "start_frame")?.data;
    const end = t?.columns.find((c) => c.name === "end_frame")?.data;
    expect(start).toBeInstanceOf(Int32Array);
    expect(Array.from(start as Int32Array)).toEqual([2]);
    expect(Array.from(end as Int32Array)).toEqual([12]);
  });

  const bad: [string, () => Parameters<typeof videoPredictionsToNwb>, RegExp][] = [
    [
      "no fps and no timestamps",
      () => [synthPredictions({ fps: 0 }), "", base],
      /metadata.fps: 0 and no metadata.timestamps: the frames cannot be placed in time/,
    ],
    [
      "an unknown skeleton",
      () => [synthPredictions({ skeleton: "my_rig" }), "", base],
      /metadata.skeleton: "my_rig" is not a known skeleton/,
    ],
    [
      "a joint count that does not match the skeleton",
      () => [synthPredictions({ joints: 17 }), "", base],
      /"blazepose_33" has 33 joints but the frames have 17/,
    ],
    [
      "a session start without timezone",
      () => [synthPredictions(), "", { ...base, sessionStartTime: "2024-05-01 10:00" }],
      /session_start_time: "2024-05-01 10:00" is not an ISO-8601 date-time with a timezone/,
    ],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects ${what}, naming the field, before writing`, async () => {
      const dir = tempDir();
      const [preds, , options] = args();
      const err = await videoPredictionsToNwb(preds, join(dir, "x.nwb"), options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NwbInputError);
      expect((err as NwbInputError).issues.join("\n")).toMatch(message);
      expect(listDir(dir)).toEqual([]);
    });
  }

  it("exports a file written by the original Python NeuroPose (v1, bare NaN) after io's migration", async () => {
    const dir = tempDir();
    const J = 43;
    const frame = (i: number) =>
      `{"boxes": [[10.0, 20.0, 100.0, 300.0, 0.9]], "poses3d": [[${Array.from({ length: J }, (_, j) => (j === 5 ? "[NaN, NaN, NaN]" : `[${j}.5, ${i}.0, 3000.0]`)).join(", ")}]], "poses2d": [[${Array.from({ length: J }, (_, j) => `[${j}.0, ${i}.0]`).join(", ")}]]}`;
    writeFileSync(
      join(dir, "v1.json"),
      `{"metadata": {"frame_count": 3, "fps": 25.0, "width": 640, "height": 480}, "frames": {${[0, 1, 2]
        .map((i) => `"frame_00000${i}": ${frame(i)}`)
        .join(", ")}}}`,
    );
    const preds = await loadVideoPredictions(join(dir, "v1.json"));
    const out = join(dir, "v1.nwb");
    await videoPredictionsToNwb(preds, out, base);
    const r = await readNwb(out);
    const p3 = r.poseEstimations.find((p) => p.name === "pose3d_person0");
    expect(p3?.resolvedSkeleton?.name).toBe("berkeley_mhad_43");
    expect(p3?.series).toHaveLength(43);
    const rhee = p3?.series.find((s) => s.name === "rhee");
    expect(rhee?.unit).toBe("millimeters");
    expect(rhee?.referenceFrame).toMatch(/MeTRAbs/);
    expect(Array.from(rhee?.data.slice(3, 6) ?? [])).toEqual([41.5, 1, 3000]);
    const j5 = p3?.series.find((s) => s.name === getSkeleton("berkeley_mhad_43").joints[5]);
    expect(Array.from(j5?.data.slice(0, 3) ?? []).every(Number.isNaN)).toBe(true);
    expect(rhee?.confidenceDefinition).toMatch(/detection score/);
    expect((await validateNwb(out)).errors).toEqual([]);
  });

  it("rejects a person id that appears twice in one frame, even when writing 2D only", async () => {
    const preds = synthPredictions({ frames: 5, persons: 2, withIds: true });
    const f = preds.frames.frame_000003;
    if (f?.person_ids) f.person_ids = [7, 7];
    const dir = tempDir();
    const err = await videoPredictionsToNwb(preds, join(dir, "dup.nwb"), {
      ...base,
      include: { image2d: true, world3d: false },
    }).catch((e: unknown) => e);
    expect((err as NwbInputError).issues).toContain(
      "frames.frame_000003.person_ids[1]: id 7 appears twice in the frame",
    );
    expect(listDir(dir)).toEqual([]);
  });

  it("accepts a skeleton given in the options for an unregistered name", async () => {
    const dir = tempDir();
    const out = join(dir, "custom.nwb");
    await videoPredictionsToNwb(synthPredictions({ skeleton: "rig3", joints: 3 }), out, {
      ...base,
      skeleton: {
        name: "rig3",
        joints: ["a", "b", "c"],
        edges: [
          [0, 1],
          [1, 2],
        ],
      },
    });
    const r = await readNwb(out);
    expect(r.poseEstimations[0]?.resolvedSkeleton).toEqual({
      name: "rig3",
      nodes: ["a", "b", "c"],
      edges: [
        [0, 1],
        [1, 2],
      ],
    });
  });
});

// The pynwb + nwbinspector stack is a developer-machine tool (see ../shared/tools/nwb-validator); CI does not have it.
const VALIDATOR = join(repoRoot, "..", "shared", "tools", "nwb-validator", "validate.sh");
const haveValidator =
  existsSync("/tmp/nwb-validator/pynwb-2.3.1") && existsSync("/usr/bin/python3") && existsSync(VALIDATOR);
describe.runIf(haveValidator)("pynwb / nwbinspector (developer machines)", () => {
  it("the export passes validate.sh with no CRITICAL or BEST_PRACTICE_VIOLATION finding", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "clip.mp4"), "x");
    for (const [name, preds] of [
      ["cfr.nwb", trackedPair(30, 3)],
      [
        "vfr.nwb",
        synthPredictions({
          frames: 30,
          timestamps: Array.from({ length: 30 }, (_, i) => i / 30 + (i % 2) * 0.003),
        }),
      ],
    ] as const) {
      const out = join(dir, name);
      await videoPredictionsToNwb(preds, out, {
        ...base,
        subject: {
          subjectId: "S01",
          species: "Homo sapiens",
          age: "P30Y",
          sex: "F",
          description: "healthy adult",
        },
        videoPath: "clip.mp4",
        experimenter: ["Doe, Jane"],
        lab: "Gait lab",
        institution: "University",
        keywords: ["gait"],
        experimentDescription: "overground walking",
      });
      const r = spawnSync(VALIDATOR, [out, "--strict"], { encoding: "utf8", timeout: 120_000 });
      expect(r.stdout, r.stdout + r.stderr).toMatch(/RESULT: PASS \(exit 0\)/);
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/^\s+(CRITICAL|BEST_PRACTICE_VIOLATION)\s|SCHEMA ERROR|READ ERROR/m);
      expect(r.stdout).toMatch(/0 CRITICAL\/ERROR/);
    }
  }, 240_000);

  it("a file with every supported type passes validate.sh", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "v.mp4"), "x");
    const out = join(dir, "full.nwb");
    await writeNwb(out, {
      sessionDescription: "all types",
      sessionStartTime: "2024-05-01T10:00:00+02:00",
      experimenter: ["Doe, Jane"],
      lab: "L",
      institution: "I",
      keywords: ["k"],
      experimentDescription: "e",
      sessionId: "s1",
      notes: "n",
      subject: {
        subjectId: "S1",
        species: "Mus musculus",
        age: "P90D",
        sex: "M",
        description: "a mouse",
        strain: "C57BL/6J",
        genotype: "wt",
        weight: "0.02 kg",
        dateOfBirth: "2024-01-01T00:00:00+00:00",
      },
      devices: [{ name: "cam", description: "camera", manufacturer: "Acme" }],
      acquisition: [
        {
          kind: "ImageSeries",
          name: "video",
          description: "v",
          externalFile: ["v.mp4"],
          timing: { timestamps: [0, 0.03, 0.07, 0.1] },
          device: "cam",
        },
        {
          kind: "TimeSeries",
          name: "lick",
          description: "lick sensor",
          unit: "V",
          data: [0, 1, 0, 1, 1, 0],
          width: 2,
          timing: { timestamps: [0, 0.5, 1.2] },
        },
      ],
      processing: [
        {
          name: "behavior",
          description: "b",
          dataInterfaces: [
            {
              kind: "BehavioralEvents",
              name: "BehavioralEvents",
              timeSeries: [
                {
                  kind: "TimeSeries",
                  name: "rewards",
                  description: "reward volume",
                  unit: "mL",
                  data: [0.1, 0.2],
                  timing: { timestamps: [1, 5] },
                },
              ],
            },
            {
              kind: "TimeSeries",
              name: "speed",
              description: "speed",
              unit: "m/s",
              data: Float32Array.from([1, 2, 3]),
              dtype: "float32",
              timing: { rate: 10, startingTime: 1 },
            },
            {
              kind: "Skeletons",
              skeletons: [{ name: "mouse", nodes: ["snout", "tail"], edges: [[0, 1]], linkSubject: true }],
            },
            {
              kind: "PoseEstimation",
              name: "PoseEstimation",
              description: "p",
              scorer: "dlc",
              sourceSoftware: "DeepLabCut",
              sourceSoftwareVersion: "2.3",
              skeleton: "mouse",
              devices: ["cam"],
              originalVideos: ["v.mp4"],
              sourceVideo: "video",
              timing: { timestamps: [0, 0.03, 0.07, 0.1] },
              series: [
                {
                  name: "snout",
                  data: [1, 2, 3, 4, 5, 6, 7, 8],
                  dims: 2,
                  unit: "pixels",
                  referenceFrame: "top-left",
                  confidence: [0.9, 0.8, 0.7, 0.6],
                  confidenceDefinition: "softmax",
                },
                {
                  name: "tail",
                  data: [1, 2, 3, 4, 5, 6, 7, 8],
                  dims: 2,
                  unit: "pixels",
                  referenceFrame: "top-left",
                },
              ],
            },
            {
              kind: "TimeIntervals",
              name: "bouts",
              description: "running bouts",
              startTime: [0, 2],
              stopTime: [1, 3],
              columns: [{ name: "speed", description: "mean speed", data: [1.5, 2.5] }],
            },
          ],
        },
      ],
      trials: {
        kind: "TimeIntervals",
        name: "trials",
        description: "trials",
        startTime: [0, 10],
        stopTime: [8, 18],
        columns: [
          { name: "outcome", description: "o", data: ["hit", "miss"] },
          { name: "n", description: "count", data: Int32Array.from([3, 4]) },
        ],
      },
      intervals: [
        { kind: "TimeIntervals", name: "epochs", description: "epochs", startTime: [0], stopTime: [20] },
      ],
      provenance: { neuropose_version: "0.1.0" },
    });
    const r = spawnSync(VALIDATOR, [out, "--strict"], { encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cached namespaces: \{'core'/);
    expect(r.stdout).not.toMatch(/^\s+(CRITICAL|BEST_PRACTICE_VIOLATION)\s|SCHEMA ERROR|READ ERROR/m);
  }, 120_000);
});
if (!haveValidator)
  console.warn(
    "skipped pynwb/nwbinspector check: /tmp/nwb-validator is not set up (see ../shared/tools/nwb-validator/README.md)",
  );
