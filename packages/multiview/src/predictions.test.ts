// Per-camera documents → one 3D document; time offsets; the bone-length model — on a synthetic walk seen by
// four distorted cameras (portrait and landscape), where the truth is known.
import type { FramePrediction, VideoPredictions } from "@neuropose/io";
import { VideoPredictionsSchema } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../config/random.js";
import { body, detect, PAIRS, rig } from "./_testing.js";
import { constrainBones, estimateBoneLengths } from "./bones.js";
import type { Camera } from "./camera.js";
import { triangulatePredictions } from "./predictions.js";
import { estimateOffsets } from "./sync.js";

const FRAMES = 60;
const cams = rig(4, 11, true);

/** The truth at frame f: one person walking along x with swinging arms and legs (knees, ankles, wrists). */
function walker(f: number): number[][] {
  // walking speed that varies (no period within the clip), so the keypoints' speed carries timing
  const pts = body(-0.8 + 0.025 * f + 0.1 * Math.sin(f / 5) + 0.08 * Math.sin(f / 3.3), 0.2, 0.05);
  const swing = 0.25 * Math.sin((2 * Math.PI * f) / 40);
  for (const [k, s] of [
    [25, 1],
    [27, 1.6],
    [26, -1],
    [28, -1.6],
    [15, -1],
    [16, 1],
  ] as const)
    (pts[k] as number[])[0]! += s * swing;
  return pts;
}

/** Camera i's document: the walker's projection with ±1 px noise, its first `late` frames missing. */
function cameraDoc(cam: Camera, late: number, seed: number): VideoPredictions {
  const rnd = mulberry32(seed);
  const frames: Record<string, FramePrediction> = {};
  for (let f = 0; f < FRAMES - late; f++) {
    const d = detect(cam, walker(f + late), () => (rnd() - 0.5) * 2, false);
    const uv = Array.from({ length: 33 }, (_, k) => [d.uv[2 * k] as number, d.uv[2 * k + 1] as number]);
    frames[`frame_${String(f).padStart(6, "0")}`] = {
      boxes: [[0, 0, 100, 400, 0.9]],
      poses3d: [uv.map(() => [0, 0, 0])],
      poses2d: [uv],
      visibility: [uv.map(() => 0.9)],
      person_ids: [0],
    };
  }
  return {
    schema_version: 3,
    metadata: {
      frame_count: FRAMES - late,
      fps: 60,
      width: cam.size[0],
      height: cam.size[1],
      skeleton: "blazepose_33",
      poses3d_unit: "mm",
      poses3d_frame: "hip_centered",
    },
    frames,
    segmentations: {},
    provenance: null,
  };
}

const framesOf = (d: VideoPredictions) =>
  Object.keys(d.frames)
    .sort()
    .map((k) => d.frames[k] as FramePrediction);

describe("estimateOffsets", () => {
  it.each([0, 4, 9])("finds a camera that started %i frames late, from geometry and from motion", (late) => {
    const docs = cams.map((c, i) => cameraDoc(c, i === 2 ? late : 0, 10 + i));
    const geo = estimateOffsets(docs.map(framesOf), { cameras: cams, sidePairs: PAIRS });
    expect(geo.method).toBe("epipolar");
    expect(geo.offsets).toEqual([0, 0, late, 0]);
    expect(geo.scores[2]).toBeLessThan(3);
    // without calibration: keypoint speed cross-correlated (the swing repeats every 40 frames: search ±15)
    const motion = estimateOffsets(docs.map(framesOf), { maxLag: 15 });
    expect(motion.method).toBe("motion");
    expect(Math.abs((motion.offsets[2] as number) - late)).toBeLessThanOrEqual(1); // the weaker fallback
  });
});

describe("triangulatePredictions", () => {
  it("aligns the late camera by its offset and writes a valid 3D document in the world frame", () => {
    const docs = cams.map((c, i) => cameraDoc(c, i === 1 ? 6 : 0, 20 + i));
    const r = triangulatePredictions(cams, docs, {
      offsets: [0, 6, 0, 0],
      sidePairs: PAIRS,
      lowpass: { cutoffHz: 6 },
      provenance: { calibration_file: "synthetic" },
    });
    const doc = VideoPredictionsSchema.parse(r.predictions);
    expect(doc.metadata).toMatchObject({ poses3d_unit: "m", poses3d_frame: "world", frame_count: FRAMES });
    expect(r.people).toBe(1);
    for (const e of r.medianErrorPx) expect(e).toBeLessThan(2);
    expect(doc.provenance?.filters?.[0]).toMatchObject({ filter: "butterworth_filtfilt", cutoff_hz: 6 });
    expect(doc.provenance?.multiview).toMatchObject({
      offsets_frames: [0, 6, 0, 0],
      calibration_file: "synthetic",
    });
    // camera 2 is only aligned from frame 6 on; every frame has 3+ views and the truth within 2 cm
    for (const [f, key] of Object.keys(doc.frames).sort().entries()) {
      const frame = doc.frames[key] as FramePrediction;
      const X = frame.poses3d[0] as number[][];
      const truth = walker(f);
      for (const k of [0, 11, 23, 25, 27]) {
        const d = Math.hypot(...[0, 1, 2].map((i) => (X[k]![i] as number) - (truth[k]![i] as number)));
        expect(d, `frame ${f} joint ${k}`).toBeLessThan(0.02);
      }
      expect(frame.views?.[0]?.[0]).toBe(f >= 6 ? 0b1111 : 0b1101);
    }
  });

  it("leaves a keypoint fewer than two views see NaN, with views 0", () => {
    const docs = cams.map((c, i) => cameraDoc(c, 0, 30 + i));
    for (const d of docs.slice(1)) for (const f of Object.values(d.frames)) f.visibility![0]![5] = 0.1;
    const r = triangulatePredictions(cams, docs, { minConfidence: 0.5 });
    const f0 = r.predictions.frames.frame_000000 as FramePrediction;
    expect(f0.poses3d[0]?.[5]?.every(Number.isNaN)).toBe(true);
    expect(f0.views?.[0]?.[5]).toBe(0);
    expect(f0.reprojection_error?.[0]?.[5]).toBeNaN();
  });
});

describe("triangulatePredictions: where the error comes from, outliers", () => {
  it("reports the error per camera and keypoint, and a calibration error as a bias in one image direction", () => {
    const docs = cams.map((c, i) => cameraDoc(c, 0, 40 + i));
    const clean = triangulatePredictions(cams, docs, { sidePairs: PAIRS });
    expect(clean.medianErrorPxByKeypoint.map((byK) => byK.length)).toEqual([33, 33, 33, 33]);
    for (const byK of clean.medianErrorPxByKeypoint) for (const e of byK) expect(e).toBeLessThan(2);
    for (const [du, dv] of clean.meanResidualPx) expect(Math.hypot(du, dv)).toBeLessThan(0.3);
    // camera 0's principal point off by 8 px in u (a convention error): its residual is biased in u only
    const wrong = cams.map((c, i) => (i === 0 ? { ...c, cx: c.cx + 8 } : c));
    const biased = triangulatePredictions(wrong, docs, { sidePairs: PAIRS });
    const [du, dv] = biased.meanResidualPx[0] as [number, number];
    expect(du).toBeLessThan(-2);
    expect(Math.abs(dv)).toBeLessThan(1);
  });

  it("rejects a short run of wrong 3D points (Pose2Sim's Hampel) before the low-pass and records it", () => {
    // frames 30–31: every camera puts the left ankle 25 cm off (a consistent mis-detection triangulates fine)
    const wrongAnkle = (f: number) => {
      const pts = walker(f);
      if (f === 30 || f === 31) (pts[27] as number[])[2]! += 0.25;
      return pts;
    };
    const docs = cams.map((c, i) => {
      const d = cameraDoc(c, 0, 50 + i);
      for (const f of [30, 31]) {
        const det = detect(c, wrongAnkle(f), () => 0, false);
        const frame = d.frames[`frame_${String(f).padStart(6, "0")}`] as FramePrediction;
        (frame.poses2d[0] as number[][])[27] = [det.uv[54] as number, det.uv[55] as number];
      }
      return d;
    });
    const off = (r: ReturnType<typeof triangulatePredictions>, f: number) => {
      const X = (r.predictions.frames[`frame_${String(f).padStart(6, "0")}`] as FramePrediction)
        .poses3d[0]?.[27];
      const t = walker(f)[27] as number[];
      return Math.hypot(...[0, 1, 2].map((i) => (X?.[i] as number) - (t[i] as number)));
    };
    const raw = triangulatePredictions(cams, docs, { sidePairs: PAIRS });
    expect(off(raw, 30)).toBeGreaterThan(0.2);
    const robust = triangulatePredictions(cams, docs, {
      sidePairs: PAIRS,
      rejectOutliers: {},
      lowpass: { cutoffHz: 6, maxGap: 6 },
    });
    expect(off(robust, 30)).toBeLessThan(0.03);
    expect(off(robust, 31)).toBeLessThan(0.03);
    const filters = robust.predictions.provenance?.filters ?? [];
    expect(filters.map((f) => f.filter)).toEqual(["hampel", "butterworth_filtfilt"]);
    expect(filters[0]).toMatchObject({ window_size: 7, n_sigma: 2 });
    expect(filters[0]?.replaced).toBeGreaterThanOrEqual(2);
  });
});

describe("bone-length model", () => {
  it("estimates lengths from confident frames only and pulls noisy frames onto them", () => {
    const rnd = mulberry32(3);
    const bones = [
      [0, 1],
      [1, 2],
    ] as const;
    const frames = Array.from({ length: 40 }, (_, f) => {
      const n = () => (rnd() - 0.5) * 0.04;
      const points = new Float64Array([0, 0, 1, 0.4 + n(), 0, 1, 0.4 + n(), 0.35 + n(), 1]);
      // every 4th frame is badly triangulated (its lengths way off): not used for the model
      if (f % 4 === 0) points[3] = 0.7;
      return { points, errorPx: [3, f % 4 === 0 ? 30 : 3, 3], views: [7, 7, 7] };
    });
    const L = estimateBoneLengths(frames, bones);
    expect(L[0]).toBeCloseTo(0.4, 1);
    expect(L[1]).toBeCloseTo(0.35, 1);
    const cv = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) / m;
    };
    const len = (p: Float64Array, a: number, b: number) =>
      Math.hypot(p[3 * a]! - p[3 * b]!, p[3 * a + 1]! - p[3 * b + 1]!, p[3 * a + 2]! - p[3 * b + 2]!);
    const before = frames.map((f) => len(f.points, 1, 2));
    const after = frames.map((f) => len(constrainBones(f.points, f.errorPx, bones, L), 1, 2));
    expect(cv(before)).toBeGreaterThan(0.03);
    expect(cv(after)).toBeLessThan(0.001);
    // the badly seen joint moved, the well seen root stayed (almost) put
    const c = constrainBones(frames[0]!.points, frames[0]!.errorPx, bones, L);
    expect(Math.abs(c[0]!)).toBeLessThan(0.01);
    expect(estimateBoneLengths(frames.slice(0, 5), bones)[0]).toBeNaN();
  });
});
