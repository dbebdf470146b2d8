// Multi-camera 3D export: every camera a device and an external ImageSeries, the PoseEstimation linking them all.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { VideoPredictions } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../config/vitest.js";
import { synthPredictions } from "../test/_synth.js";
import { tempDir } from "../test/_util.js";
import { videoPredictionsToNwb } from "./export.js";
import { readNwb } from "./reader.js";

const base = { sessionDescription: "four-camera walk", sessionStartTime: "2024-05-01T10:00:00+02:00" };

/** A triangulated document as @neuropose/multiview writes it (world frame, metres, cameras named). */
function worldPredictions(): VideoPredictions {
  const p = synthPredictions({ frames: 30, persons: 2, withIds: true, fps: 60 });
  return {
    ...p,
    metadata: {
      ...p.metadata,
      poses3d_unit: "m",
      poses3d_frame: "world",
      cameras: ["cam01", "cam02", "cam03", "cam04"],
    },
  };
}

const cameras = ["cam01", "cam02", "cam03", "cam04"].map((name, i) => ({
  name,
  videoPath: `videos/${name}.mp4`,
  description: `Calibrated camera ${name}.`,
  offsetSeconds: i === 1 ? 5 / 60 : 0,
}));

describe("videoPredictionsToNwb with cameras", () => {
  it("writes every camera as a device and an ImageSeries, linked from the 3D PoseEstimations", async () => {
    const dir = tempDir();
    const out = join(dir, "trial.nwb");
    const s = await videoPredictionsToNwb(worldPredictions(), out, {
      ...base,
      cameras,
      include: { image2d: false, world3d: true },
    });
    expect(s.poseEstimations).toEqual([
      "/processing/behavior/pose3d_person7",
      "/processing/behavior/pose3d_person8",
    ]);
    const nwb = await readNwb(out);
    expect(nwb.devices.map((d) => d.name).sort()).toEqual(["cam01", "cam02", "cam03", "cam04"]);
    const series = nwb.acquisition.filter((a) => a.kind === "ImageSeries");
    expect(series.map((a) => a.name).sort()).toEqual([
      "video_cam01",
      "video_cam02",
      "video_cam03",
      "video_cam04",
    ]);
    const cam2 = series.find((a) => a.name === "video_cam02") as {
      externalFile: string[];
      timing: unknown;
      device?: string;
    };
    expect(cam2.externalFile).toEqual(["videos/cam02.mp4"]);
    expect(cam2.device).toBe("cam02");
    expect(cam2.timing).toEqual({ rate: 60, startingTime: expect.closeTo(5 / 60, 6) });
    const pe = nwb.poseEstimations[0];
    expect(pe?.devices).toEqual(["cam01", "cam02", "cam03", "cam04"]);
    expect(pe?.originalVideos).toEqual(cameras.map((c) => c.videoPath));
    expect(pe?.series[0]?.unit).toBe("meters");
    expect(pe?.series[0]?.referenceFrame).toMatch(/world \(lab\) frame of the camera calibration/);
  });

  it("refuses videoPath and cameras together, and a camera named twice", async () => {
    const out = join(tempDir(), "bad.nwb");
    const err = await videoPredictionsToNwb(worldPredictions(), out, {
      ...base,
      videoPath: "a.mp4",
      cameras: [cameras[0]!, { ...cameras[1]!, name: "cam01" }],
    }).catch((e: unknown) => e as { issues: string[] });
    expect((err as { issues: string[] }).issues).toEqual([
      "options.cameras: give either videoPath (one camera) or cameras (several), not both",
      'options.cameras[1].name: "cam01" appears twice',
    ]);
    expect(existsSync(out)).toBe(false);
  });

  // The pynwb + nwbinspector stack is a developer-machine tool (see ../shared/tools/nwb-validator); CI lacks it.
  const VALIDATOR = join(repoRoot, "..", "shared", "tools", "nwb-validator", "validate.sh");
  const haveValidator =
    existsSync("/tmp/nwb-validator/pynwb-2.3.1") && existsSync("/usr/bin/python3") && existsSync(VALIDATOR);
  it.runIf(haveValidator)(
    "passes validate.sh --strict --dandi (developer machines)",
    async () => {
      const dir = tempDir();
      const out = join(dir, "trial.nwb");
      for (const c of cameras) writeFileSync(join(dir, `${c.name}.mp4`), "x");
      await videoPredictionsToNwb(worldPredictions(), out, {
        ...base,
        cameras: cameras.map((c) => ({ ...c, videoPath: `${c.name}.mp4` })),
        include: { image2d: false, world3d: true },
        subject: { subjectId: "S01", species: "Homo sapiens", age: "P30Y", sex: "F" },
        experimenter: ["Doe, Jane"],
        lab: "Gait lab",
        institution: "University",
        keywords: ["gait"],
        experimentDescription: "overground walking filmed by four calibrated cameras",
      });
      const r = spawnSync(VALIDATOR, [out, "--strict", "--dandi"], { encoding: "utf8", timeout: 120_000 });
      expect(r.stdout, r.stdout + r.stderr).toMatch(/RESULT: PASS \(exit 0\)/);
      expect(r.stdout).not.toMatch(/^\s+(CRITICAL|BEST_PRACTICE_VIOLATION)\s|SCHEMA ERROR|READ ERROR/m);
    },
    180_000,
  );
});
