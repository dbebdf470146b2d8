// `neuropose-infer VIDEO --bone-model`: the bone model in-process on a made-up document, and the built CLI on a
// fixture clip with and without the flag (CV drops, provenance records it, only constrained joints move), and
// bad values of its parameter (exit 2, one error line).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FramePrediction, parseJson, type VideoPredictions } from "@neuropose/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, runBin, tempDir } from "../../../config/cli-process.js";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { blazeposeMetadata } from "../../../config/predictions.js";
import { applyBoneModel, SINGLE_CAMERA_BONES } from "./bone-model.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin.js");
const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("error:"));
/** Joints the model moves: every bone's child. */
const MOVED = new Set(SINGLE_CAMERA_BONES.map(([, c]) => c));

/** Per bone, CV (population SD / mean, %) of its length over the frames of person index 0. */
function boneCv(doc: VideoPredictions): number[] {
  const poses = Object.values(doc.frames)
    .map((f) => f.poses3d[0])
    .filter((p): p is number[][] => p !== undefined);
  return SINGLE_CAMERA_BONES.map(([a, b]) => {
    const l = poses.map((p) => Math.hypot(...[0, 1, 2].map((k) => (p[b]?.[k] ?? 0) - (p[a]?.[k] ?? 0))));
    const m = l.reduce((x, y) => x + y, 0) / l.length;
    return (100 * Math.sqrt(l.reduce((x, y) => x + (y - m) ** 2, 0) / l.length)) / m;
  });
}

describe("applyBoneModel", () => {
  it("per person id: lengths from confident frames only, CV to 0, unconstrained joints untouched", () => {
    // person 7: the left thigh is 400 mm, except in two frames where the knee is unsure and the thigh 600 mm
    const frames: Record<string, FramePrediction> = {};
    for (let f = 0; f < 6; f++) {
      const unsure = f < 2;
      const pose = Array.from({ length: 33 }, (_, j) => [j * 10, f, 0]);
      pose[23] = [0, 0, 0];
      pose[25] = [0, unsure ? 600 : 400 + f, 0];
      frames[`frame_00000${f}`] = {
        boxes: [[0, 0, 1, 1, 1]],
        poses3d: [pose],
        poses2d: [pose.map(([x, y]) => [x as number, y as number])],
        person_ids: [7],
        visibility: [Array.from({ length: 33 }, (_, j) => (unsure && j === 25 ? 0.2 : 0.9))],
      };
    }
    const doc = {
      schema_version: 3,
      metadata: { ...blazeposeMetadata(6), width: 64, height: 48 },
      frames,
      segmentations: {},
      provenance: {
        model_sha256: "",
        model_filename: "",
        runtime: "x",
        runtime_version: "1",
        execution_provider: "cpu",
        neuropose_version: "0",
        seed: null,
        deterministic: false,
        analysis_config: null,
        filters: [{ filter: "one_euro", applied_to: "poses2d and poses3d" }],
      },
    } as VideoPredictions;
    const { predictions, people, filter } = applyBoneModel(doc, { minConfidence: 0.5 });
    expect(people).toHaveLength(1);
    expect(people[0]?.person_id).toBe(7);
    // median of the confident frames (402..405 → 403.5), not of all six
    expect(people[0]?.length["left_hip-left_knee"]).toBe(403.5);
    expect(people[0]?.cv_before_pct["left_hip-left_knee"]).toBeGreaterThan(10);
    expect(people[0]?.cv_after_pct["left_hip-left_knee"]).toBe(0);
    expect(predictions.provenance?.filters?.map((f) => f.filter)).toEqual(["one_euro", "bone_length_model"]);
    expect(filter).toMatchObject({ applied_to: "poses3d", bones: 18, min_confidence: 0.5 });
    for (const [k, f] of Object.entries(predictions.frames)) {
      const before = doc.frames[k] as FramePrediction;
      expect(f.poses2d).toEqual(before.poses2d);
      for (let j = 0; j < 33; j++)
        if (!MOVED.has(j)) expect(f.poses3d[0]?.[j]).toEqual(before.poses3d[0]?.[j]);
    }
    // the input document is left as it was
    expect(doc.frames.frame_000000?.poses3d[0]?.[25]).toEqual([0, 600, 0]);
  });
});

describe("neuropose-infer --bone-model: usage", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("np-infer-bones-");
  });
  afterAll(() => removeDir(dir));
  it.each([
    [
      ["clip.mp4", "--bone-model", "--bone-min-confidence", "2"],
      /--bone-min-confidence must be in \[0, 1\] \(got 2\)/,
    ],
    [
      ["clip.mp4", "--bone-model", "--bone-min-confidence", "x"],
      /--bone-min-confidence must be in \[0, 1\] \(got NaN\)/,
    ],
    [["clip.mp4", "--bone-min-confidence", "0.5"], /--bone-min-confidence goes with --bone-model/],
    [
      [
        "--cameras",
        "a.mp4",
        "b.mp4",
        "--calibration",
        "c.toml",
        "--bone-model",
        "--bone-min-confidence",
        "0.5",
      ],
      /--bone-min-confidence is for one video's --bone-model \(not --cameras\)/,
    ],
  ])("%j: exit 2, one error line", async (args, message) => {
    const r = await runBin(bin, args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

fixtureSuite("neuropose-infer --bone-model on a fixture clip", ["videos", "sports2d_demo.mp4"], () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("np-infer-bones-");
  });
  afterAll(() => removeDir(dir));

  it("with and without the flag: CV drops to ~0, provenance records it, only constrained joints move", async () => {
    const clip = fixturePath("videos", "sports2d_demo.mp4");
    const common = [clip, "--model", "lite", "--max-frames", "60"];
    const plain = await runBin(bin, [...common, "--quiet", "-o", "plain.json"], { cwd: dir });
    expect(plain.code, plain.stderr).toBe(0);
    const bones = await runBin(bin, [...common, "--bone-model", "-o", "bones.json", "--nwb", "bones.nwb"], {
      cwd: dir,
    });
    expect(bones.code, bones.stderr).toBe(0);
    expect(bones.stderr).toMatch(/bone-length model \(\d person\(s\)\): .* → 0\.00 % \(max 0\.00 %\)/);
    const a = parseJson(readFileSync(join(dir, "plain.json"), "utf8")) as VideoPredictions;
    const b = parseJson(readFileSync(join(dir, "bones.json"), "utf8")) as VideoPredictions;
    expect(a.provenance?.filters ?? []).toEqual([]);
    const f = b.provenance?.filters?.find((x) => x.filter === "bone_length_model") as Record<string, unknown>;
    expect(f).toMatchObject({ applied_to: "poses3d", bones: 18, min_confidence: 0.5 });
    const people = f.people as {
      cv_before_pct: Record<string, number>;
      cv_after_pct: Record<string, number>;
    }[];
    expect(people.length).toBeGreaterThan(0);
    // measured on the files (person index 0 over the clip): every bone's CV drops, to ~0 where one id holds
    const cvA = boneCv(a);
    const cvB = boneCv(b);
    console.log(
      `bone CV %, without → with --bone-model: ${SINGLE_CAMERA_BONES.slice(0, 4)
        .map((_, i) => `${cvA[i]?.toFixed(1)} → ${cvB[i]?.toFixed(2)}`)
        .join(", ")} …`,
    );
    for (const [i, cv] of cvA.entries()) expect(cvB[i]).toBeLessThan(cv);
    if (people.length === 1) for (const cv of cvB) expect(cv).toBeLessThan(1e-6);
    for (const p of people) for (const cv of Object.values(p.cv_after_pct)) expect(cv).toBeLessThan(1e-6);
    // only the bones' child joints move; 2D keypoints, ids and everything else are as inferred
    let moved = 0;
    for (const [k, fa] of Object.entries(a.frames)) {
      const fb = b.frames[k] as FramePrediction;
      expect(fb.poses2d).toEqual(fa.poses2d);
      expect(fb.person_ids).toEqual(fa.person_ids);
      for (const [p, pose] of fa.poses3d.entries())
        for (const [j, xyz] of pose.entries()) {
          const same = xyz.every((v, c) => Math.abs(v - (fb.poses3d[p]?.[j]?.[c] as number)) < 1e-9);
          if (!MOVED.has(j)) expect(same, `${k} person ${p} joint ${j}`).toBe(true);
          else if (!same) moved++;
        }
    }
    expect(moved).toBeGreaterThan(0);
  }, 300_000);
});
