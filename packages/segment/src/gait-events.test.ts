import { type Segmentation, SegmentationSchema } from "@neuropose/io";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { readOpenPoseKeypoints } from "../../../config/openpose.js";
import { mulberry32 } from "../../../config/random.js";
import {
  detectGaitEvents,
  type SegmentablePredictions,
  segmentationConfidence,
  segmentGaitCycles,
  segmentGaitCyclesBilateral,
  strideConfidence,
  strideSegments,
} from "./index.js";

type Vec = [number, number, number];

interface WalkOptions {
  fps?: number;
  frames?: number;
  strideSeconds?: number;
  /** Frames [start, end) in which the walker turns around on the spot (shuffling, facing rotates). */
  turn?: [number, number];
  noiseMm?: number;
  /** Emulate a pose model that labels the leading foot "left" on every frame. */
  swapLabels?: boolean;
  /** Image coordinates (x right, y down, z = 0), OpenPose BODY_25, instead of BlazePose world mm. */
  image?: boolean;
  seed?: number;
}

/**
 * A walker in a hip-centred frame, sagittal to the camera: facing −x, then (after an optional turn) +x. Each
 * heel moves along the walking direction as A·cos(phase) relative to the pelvis (heel strike at the maximum),
 * the toe 180 mm ahead of the heel; left and right are half a stride apart.
 */
function walk(options: WalkOptions = {}): SegmentablePredictions {
  const fps = options.fps ?? 30;
  const n = options.frames ?? 300;
  const stride = options.strideSeconds ?? 1.1;
  const rnd = mulberry32(options.seed ?? 7);
  const noise = () => (options.noiseMm ?? 8) * (rnd() + rnd() + rnd() - 1.5);
  const frames: Record<string, { poses3d: number[][][] }> = {};
  for (let f = 0; f < n; f++) {
    let facing = Math.PI; // angle of the walking direction in the x-z plane: pi = towards -x
    let amp = 300;
    if (options.turn) {
      const [a, b] = options.turn;
      if (f >= b) facing = 0;
      else if (f >= a) {
        facing = Math.PI * (1 - (f - a) / (b - a));
        amp = 30;
      }
    }
    const fwd: Vec = [Math.cos(facing), 0, Math.sin(facing)];
    const lat: Vec = [-Math.sin(facing), 0, Math.cos(facing)];
    const at = (along: number, side: number, height: number): Vec => [
      along * fwd[0] + side * lat[0] + noise(),
      height + noise(),
      along * fwd[2] + side * lat[2] + noise(),
    ];
    const phase = (2 * Math.PI * f) / (stride * fps);
    const feet = [0, 1].map((s) => {
      const a = amp * Math.cos(phase + s * Math.PI);
      const side = s === 0 ? -90 : 90;
      return { heel: at(a, side, 820), toe: at(a + 180, side, 840) };
    });
    if (options.swapLabels && feet[1].heel[0] * fwd[0] + feet[1].heel[2] * fwd[2] > 0) {
      const frontIsRight = feet[1].heel[0] * fwd[0] + feet[1].heel[2] * fwd[2];
      const backIsLeft = feet[0].heel[0] * fwd[0] + feet[0].heel[2] * fwd[2];
      if (frontIsRight > backIsLeft) feet.reverse();
    }
    const hips = [at(0, -90, 0), at(0, 90, 0)];
    let pose: Vec[];
    if (options.image) {
      // OpenPose BODY_25: LHip 12, RHip 9, LBigToe 19, LHeel 21, RBigToe 22, RHeel 24; pixels, y down, z = 0.
      pose = Array.from({ length: 25 }, () => [Number.NaN, Number.NaN, 0] as Vec);
      const px = (v: Vec): Vec => [160 + v[0] / 4, 250 + v[1] / 4, 0];
      pose[12] = px(hips[0]);
      pose[9] = px(hips[1]);
      pose[21] = px(feet[0].heel);
      pose[19] = px(feet[0].toe);
      pose[24] = px(feet[1].heel);
      pose[22] = px(feet[1].toe);
    } else {
      pose = Array.from({ length: 33 }, () => [0, 0, 0] as Vec);
      pose[23] = hips[0];
      pose[24] = hips[1];
      pose[29] = feet[0].heel;
      pose[31] = feet[0].toe;
      pose[30] = feet[1].heel;
      pose[32] = feet[1].toe;
    }
    frames[`frame_${String(f).padStart(6, "0")}`] = { poses3d: [pose] };
  }
  return { metadata: { fps, skeleton: options.image ? "openpose_body_25" : "blazepose_33" }, frames };
}

const lengths = (segs: readonly { start: number; end: number }[]) => segs.map((s) => s.end - 1 - s.start);

/**
 * The strides of one side of `walk({ turn })` (1.1 s = 33 frames): none across the turn, at least 4 full
 * strides of 33 ± 1 frames, and the partial ones cut by the turn's start or end score below every full one.
 */
function expectStrides(preds: SegmentablePredictions, seg: Segmentation, turn: [number, number]): void {
  for (const s of seg.segments) expect(s.end <= turn[0] + 1 || s.start >= turn[1] - 1).toBe(true);
  const conf = segmentationConfidence(preds, seg).map((c) => c.confidence);
  const full = lengths(seg.segments).map((len) => Math.abs(len - 33) <= 1);
  expect(full.filter(Boolean).length).toBeGreaterThanOrEqual(4);
  const fullConf = conf.filter((_, i) => full[i]);
  const partialConf = conf.filter((_, i) => !full[i]);
  expect(Math.min(...fullConf)).toBeGreaterThan(0.9);
  if (partialConf.length > 0) expect(Math.max(...partialConf)).toBeLessThan(Math.min(...fullConf));
}

describe("stride_zeni_v1 on a synthetic walker", () => {
  const turn: [number, number] = [130, 170];

  it("gives one segment per stride (heel strike to heel strike) on both sides, none across the turn", () => {
    const preds = walk({ turn });
    const both = segmentGaitCyclesBilateral(preds, { method: "stride_zeni_v1" });
    for (const seg of [both.left_heel_strikes, both.right_heel_strikes]) {
      expect(seg.config.method).toBe("stride_zeni_v1");
      expectStrides(preds, seg, turn);
      for (const s of seg.segments) expect(s.peak).toBe(s.start);
    }
    // One gait-event detection for both feet gives what each foot's own call gives.
    expect(both.left_heel_strikes).toEqual(
      segmentGaitCycles(preds, { method: "stride_zeni_v1", joint: "left_heel" }),
    );
    expect(both.right_heel_strikes).toEqual(segmentGaitCycles(preds, { method: "stride_zeni_v1" }));
    // Strides of a foot follow each other, sharing the heel-strike frame.
    const left = both.left_heel_strikes.segments;
    expect(left[1].start).toBe(left[0].end - 1);
    // The events: the left heel strikes where the left heel is furthest forward (cos peaks every 33 frames).
    const events = detectGaitEvents(preds);
    expect(events.labelAgreement).toBe(1);
    const leftStrikes = events.heelStrikes.filter((h) => h.side === "left" && h.frame < turn[0] - 10);
    expect(leftStrikes.length).toBeGreaterThanOrEqual(3);
    for (const h of leftStrikes) expect(Math.min(h.frame % 33, 33 - (h.frame % 33))).toBeLessThanOrEqual(1);
  });

  it("is immune to left/right label swaps of the pose model (strides unchanged, agreement drops)", () => {
    const plain = segmentGaitCyclesBilateral(walk({ turn }), { method: "stride_zeni_v1" });
    const swapped = walk({ turn, swapLabels: true });
    const both = segmentGaitCyclesBilateral(swapped, { method: "stride_zeni_v1" });
    const all = (b: typeof plain) =>
      [...b.left_heel_strikes.segments, ...b.right_heel_strikes.segments].sort((p, q) => p.start - q.start);
    expect(all(both)).toEqual(all(plain));
    expect(detectGaitEvents(swapped).labelAgreement).toBeLessThan(0.7);
    // valley_to_valley_v1 on the swapped heel height sees no strides at all (the heel height is constant).
  });

  it("works on 2D image coordinates (z = 0, OpenPose BODY_25)", () => {
    const preds = walk({ turn, image: true, noiseMm: 4 });
    const both = segmentGaitCyclesBilateral(preds, { method: "stride_zeni_v1" });
    for (const seg of [both.left_heel_strikes, both.right_heel_strikes]) expectStrides(preds, seg, turn);
  });

  it("scores strides by prominence, regularity and direction steadiness", () => {
    const preds = walk({ turn });
    const seg = segmentGaitCycles(preds, { method: "stride_zeni_v1", joint: "left_heel" });
    const conf = segmentationConfidence(preds, seg);
    expect(conf).toHaveLength(seg.segments.length);
    for (const c of conf) {
      expect(c.confidence).toBeGreaterThan(0.3);
      expect(c.confidence).toBeLessThanOrEqual(1);
      expect(c.steadinessScore).toBeGreaterThan(0.9);
    }
    const median = [...conf.map((c) => c.confidence)].sort((p, q) => p - q)[conf.length >> 1];
    expect(median).toBeGreaterThan(0.9);
    // A stride twice the usual length (a missed strike) scores low.
    const events = detectGaitEvents(preds);
    const strikes = events.heelStrikes.filter((h) => h.side === "left").map((h) => h.frame);
    const long = { start: strikes[0], end: strikes[2] + 1, peak: strikes[0] };
    const scored = strideConfidence(events, [...seg.segments, long]);
    expect(scored.at(-1)?.regularityScore).toBeLessThan(0.2);
  });

  it("returns no strides for a standing subject", () => {
    const preds = walk({ frames: 90 });
    for (const f of Object.values(preds.frames)) {
      const pose = f.poses3d[0] as Vec[];
      pose[29] = [0, 820, -90];
      pose[30] = [0, 820, 90];
      pose[31] = [-180, 840, -90];
      pose[32] = [-180, 840, 90];
    }
    expect(segmentGaitCycles(preds, { method: "stride_zeni_v1" }).segments).toEqual([]);
  });

  it("records a valid config; valley_to_valley_v1 stays the default", () => {
    const preds = walk();
    const v2 = segmentGaitCycles(preds, { method: "stride_zeni_v1" });
    expect(SegmentationSchema.parse(v2).config).toMatchObject({
      method: "stride_zeni_v1",
      extractor: { kind: "joint_axis", joint: 30, axis: 0 },
      min_distance_seconds: 0.4,
    });
    const v1 = segmentGaitCycles(preds);
    expect(v1.config.method).toBe("valley_to_valley_v1");
    expect(v1).toEqual(segmentGaitCycles(preds, { method: "valley_to_valley_v1" }));
  });

  it("rejects skeletons without heels and toes, non-heel joints and a missing frame rate", () => {
    const preds = walk({ frames: 40 });
    expect(() => segmentGaitCycles(preds, { method: "stride_zeni_v1", skeleton: "coco_17" })).toThrow(
      expect.objectContaining({ code: "E_STRIDE_SKELETON" }),
    );
    expect(() => segmentGaitCycles(preds, { method: "stride_zeni_v1", joint: "left_knee" })).toThrow(
      expect.objectContaining({ code: "E_STRIDE_SKELETON" }),
    );
    const noFps = { ...preds, metadata: { ...preds.metadata, fps: 0 } };
    expect(() => segmentGaitCycles(noFps, { method: "stride_zeni_v1" })).toThrow(
      expect.objectContaining({ code: "E_FPS_ZERO" }),
    );
  });

  it("takes the vertical the document declares; a lab frame that declares none is refused, never guessed", () => {
    const preds = walk({ frames: 120 });
    const declared = {
      ...preds,
      metadata: { ...preds.metadata, poses3d_frame: "hip_centered", poses3d_up: "-y" },
    };
    expect(segmentGaitCycles(declared, { method: "stride_zeni_v1" })).toEqual(
      segmentGaitCycles(preds, { method: "stride_zeni_v1" }),
    );
    for (const metadata of [
      { ...preds.metadata, poses3d_frame: "world" },
      { ...preds.metadata, poses3d_up: "up" },
    ]) {
      expect(() => segmentGaitCycles({ ...preds, metadata }, { method: "stride_zeni_v1" })).toThrow(
        expect.objectContaining({ code: "E_STRIDE_VERTICAL" }),
      );
    }
    // The caller's axis overrides a document that declares nothing.
    const world = { ...preds, metadata: { ...preds.metadata, poses3d_frame: "world" } };
    expect(segmentGaitCycles(world, { method: "stride_zeni_v1", stride: { verticalAxis: "y" } })).toEqual(
      segmentGaitCycles(preds, { method: "stride_zeni_v1" }),
    );
  });

  it("strideSegments pairs every other strike of a bout only", () => {
    const hs = (frame: number, side: "left" | "right", bout: number) => ({
      frame,
      side,
      labelSide: side,
      prominence: 1,
      bout,
    });
    const events = {
      heelStrikes: [
        hs(0, "left", 0),
        hs(15, "right", 0),
        hs(30, "left", 0),
        hs(80, "right", 1),
        hs(95, "left", 1),
      ],
    };
    expect(strideSegments(events, "left")).toEqual([{ start: 0, end: 31, peak: 0 }]);
    expect(strideSegments(events, "right")).toEqual([]);
  });
});

/** gaitlab_input.mp4's OpenPose BODY_25 keypoints as predictions: x, y in pixels, z = 0, missing = NaN. */
function openPosePredictions(dir: string): SegmentablePredictions {
  const { frames: n, data } = readOpenPoseKeypoints(dir);
  const frames: Record<string, { poses3d: number[][][] }> = {};
  for (let i = 0; i < n; i++) {
    const pose = Array.from({ length: 25 }, (_, j) =>
      Array.from(data.subarray((i * 25 + j) * 3, (i * 25 + j) * 3 + 3)),
    );
    frames[`frame_${String(i).padStart(6, "0")}`] = { poses3d: [pose] };
  }
  return { metadata: { fps: 29.97, skeleton: "openpose_body_25" }, frames };
}

fixtureSuite("stride_zeni_v1 on gaitlab_input.mp4 (OpenPose BODY_25 keypoints)", ["openpose"], () => {
  const dir = fixturePath("openpose", "mobile-gaitlab_input_keypoints");
  const preds = openPosePredictions(dir);
  const fps = 29.97;

  it("finds ~1 s strides on both sides while the boy walks, none across the turn (frames ~155-190)", () => {
    const both = segmentGaitCyclesBilateral(preds, { method: "stride_zeni_v1" });
    for (const seg of [both.left_heel_strikes, both.right_heel_strikes]) {
      expect(seg.segments.length).toBeGreaterThanOrEqual(7);
      for (const len of lengths(seg.segments)) {
        expect(len / fps).toBeGreaterThanOrEqual(0.9);
        expect(len / fps).toBeLessThanOrEqual(1.1);
      }
      for (const s of seg.segments) expect(s.end <= 160 || s.start >= 185).toBe(true);
    }
    const events = detectGaitEvents(preds);
    // Heel strikes (both feet), as measured when this method was written; OpenPose keeps left/right apart.
    expect(events.heelStrikes.map((h) => h.frame)).toEqual([
      18, 31, 47, 61, 76, 90, 106, 121, 135, 151, 191, 209, 223, 238, 252, 267, 282, 297, 311, 326,
    ]);
    expect(events.labelAgreement).toBeGreaterThan(0.9);
    expect(events.heelStrikes.filter((h) => h.frame < 150).map((h) => h.side[0])).toEqual(
      "lrlrlrlrl".split(""),
    );
  });

  it("is what valley_to_valley_v1 on the image heel height is not (its cycles are a few frames long)", () => {
    const v1 = segmentGaitCyclesBilateral(preds);
    const all = [...v1.left_heel_strikes.segments, ...v1.right_heel_strikes.segments];
    const strideLike = all.filter((s) => (s.end - 1 - s.start) / fps >= 0.8).length;
    expect(strideLike).toBeLessThanOrEqual(2);
    expect(all.length).toBeGreaterThan(20);
  });
});
