import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { minimalSpec, tempDir } from "../test/_util.js";
import { NwbReadError, readNwb, validateNwb, writeNwb } from "./index.js";

fixtureSuite("reads every NWB fixture", ["nwb"], () => {
  it("reads and structurally validates every file in fixtures/nwb", async () => {
    const files = readdirSync(fixturePath("nwb")).filter((f) => f.endsWith(".nwb"));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const r = await readNwb(fixturePath("nwb", f));
      expect(r.nwbVersion, f).toMatch(/^2\.\d+\.\d+$/);
      expect(r.identifier, f).not.toBe("");
      expect(r.sessionStartTime, f).toMatch(/^\d{4}-\d{2}-\d{2}T.*[+-]\d{2}:\d{2}$/);
      expect(r.poseEstimations.length, f).toBeGreaterThan(0);
      const v = await validateNwb(fixturePath("nwb", f));
      expect(v.errors, f).toEqual([]);
    }
  });

  it("DLC2NWB file (NWB 2.4, ndx-pose 0.1 layout): keypoints, data, confidence, timestamps", async () => {
    const r = await readNwb(fixturePath("nwb", "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb"));
    expect(r.nwbVersion).toBe("2.4.0");
    expect(r.sessionDescription).toBe("openfield");
    expect(r.experimenter).toEqual(["Pranav"]);
    const pe = r.poseEstimations[0];
    expect(pe?.path).toBe("/processing/behavior/PoseEstimation");
    expect(pe?.layout).toBe("0.1");
    expect(pe?.scorer).toBe("DLC_resnet50_openfieldAug20shuffle1");
    expect(pe?.sourceSoftware).toBe("DeepLabCut");
    expect(pe?.sourceSoftwareVersion).toBe("2.2.0.2");
    expect(pe?.resolvedSkeleton?.nodes).toEqual([
      "ind1_snout",
      "ind1_leftear",
      "ind1_rightear",
      "ind1_tailbase",
    ]);
    expect(pe?.series.map((s) => s.name).sort()).toEqual(
      ["ind1_leftear", "ind1_rightear", "ind1_snout", "ind1_tailbase"].sort(),
    );
    const ear = pe?.series.find((s) => s.name === "ind1_leftear");
    expect(ear?.dims).toBe(2);
    expect(ear?.unit).toBe("pixels");
    expect(ear?.data.length).toBe(2330 * 2);
    expect(ear?.data[0]).toBeCloseTo(71.736145, 4);
    expect(ear?.confidence?.length).toBe(2330);
    expect(ear?.confidence?.[0]).toBeCloseTo(0.998528, 5);
    expect(ear?.confidenceDefinition).toBe("Softmax output of the deep neural network.");
    expect(ear?.referenceFrame).toMatch(/bottom left corner/);
    const t = ear?.timing as { timestamps: Float64Array };
    expect(t.timestamps.length).toBe(2330);
    expect(Array.from(t.timestamps.slice(0, 3))).toEqual([0, 1, 2]);
  });

  it("ndx-pose 0.3.0 file (NWB 2.9): linked skeleton and device, soft-linked timestamps", async () => {
    const r = await readNwb(fixturePath("nwb", "ndx-pose_0.3.0_poseestimation_one_camera.nwb"));
    expect(r.nwbVersion).toBe("2.9.0");
    expect(r.devices.map((d) => d.name)).toEqual(["camera1"]);
    const sk = r.processing[0]?.dataInterfaces.find((d) => d.kind === "Skeletons");
    expect(sk && "skeletons" in sk ? sk.skeletons.map((s) => s.name) : []).toEqual(["subject"]);
    const pe = r.poseEstimations[0];
    expect(pe?.layout).toBe("0.2+");
    expect(pe?.skeleton).toBe("subject");
    expect(pe?.devices).toEqual(["camera1"]);
    expect(pe?.resolvedSkeleton?.nodes.length).toBe(2);
    expect(pe?.resolvedSkeleton?.edges).toEqual([[0, 1]]);
    const right = pe?.series.find((s) => s.name === "front_right_paw");
    expect(right?.timestampsLink).toBe("/processing/behavior/PoseEstimation/front_left_paw/timestamps");
    expect(right?.timing).toEqual(pe?.series.find((s) => s.name === "front_left_paw")?.timing);
    expect(right?.data.length).toBe(20);
    expect(pe?.originalVideos).toBeDefined();
  });

  it("ndx-pose 0.1.1 file (NWB 2.7): metadata without series, overflowed uint8 dimensions as stored", async () => {
    const r = await readNwb(fixturePath("nwb", "ndx-pose_0.1.1_poseestimation_no_cameras.nwb"));
    expect(r.nwbVersion).toBe("2.7.0");
    const pe = r.poseEstimations[0];
    expect(pe?.series).toEqual([]);
    expect(pe?.originalVideos).toEqual(["camera1.mp4", "camera2.mp4"]);
    expect(pe?.labeledVideos).toEqual(["camera1_labeled.mp4", "camera2_labeled.mp4"]);
    expect(pe?.dimensions?.length).toBe(2);
  });
});

fixtureSuite("reads a non-pose NWB file (neuroconv TTL)", ["ttl", "neuroconv_mock_ttl_examples.nwb"], () => {
  it("lists its time series", async () => {
    const r = await readNwb(fixturePath("ttl", "neuroconv_mock_ttl_examples.nwb"));
    expect(r.poseEstimations).toEqual([]);
    expect(r.acquisition.length).toBeGreaterThan(0);
    for (const a of r.acquisition) {
      if (a.kind === "TimeSeries") expect(a.data.length).toBeGreaterThan(0);
    }
  });
});

describe("readNwb errors", () => {
  it("a missing file and a truncated HDF5 file are user errors, not crashes", async () => {
    const dir = tempDir();
    await expect(readNwb(join(dir, "nope.nwb"))).rejects.toThrow(/file not found/);
    const whole = join(dir, "whole.nwb");
    await writeNwb(whole, minimalSpec());
    const cut = join(dir, "cut.nwb");
    writeFileSync(cut, readFileSync(whole).subarray(0, 2048));
    const err = await readNwb(cut).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NwbReadError);
    expect((err as NwbReadError).message).toMatch(/^cannot open the HDF5 file: truncated file: eof = 2048/);
    const v = await validateNwb(cut);
    expect(v.ok).toBe(false);
  });

  it("rejects a file that is not HDF5", async () => {
    const p = join(tempDir(), "x.nwb");
    writeFileSync(p, "hello");
    await expect(readNwb(p)).rejects.toBeInstanceOf(NwbReadError);
    const v = await validateNwb(p);
    expect(v.ok).toBe(false);
    expect(v.errors[0]?.message).toMatch(/not an HDF5 file/);
  });
});
