import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { mulberry32 } from "../../../config/random.js";
import { sagittalAngles2d } from "./sagittal.js";
import { poseSequence } from "./sequence.js";
import { classifyView, viewQuality } from "./view.js";

const D = Math.PI / 180;
// blazepose_33 indices
const SH = [11, 12];
const HIP = [23, 24];
const KNEE = [25, 26];
const ANKLE = [27, 28];
const HEEL = [29, 30];
const TOE = [31, 32];

/**
 * One blazepose_33 frame in the image (x right, y down) facing +x, built from known angles (degrees, the
 * documented convention): trunk lean, hip flexion, knee flexion, ankle dorsiflexion per side.
 */
function sideFrame(lean: number, hip: [number, number], knee: [number, number], ankle: [number, number]) {
  const p = Array.from({ length: 33 }, () => [Number.NaN, Number.NaN, 0]);
  // "theta": segment direction from pointing down, + towards forward. In the image: (sin θ, cos θ) (y down).
  const dir = (th: number) => [Math.sin(th * D), Math.cos(th * D)];
  const hipC = [500, 400];
  const trunkTheta = -lean; // hip − shoulder points down and back when leaning forward
  const t = dir(trunkTheta);
  for (const s of SH) p[s] = [hipC[0] - 250 * t[0], hipC[1] - 250 * t[1], 0];
  for (let s = 0; s < 2; s++) {
    p[HIP[s]] = [hipC[0], hipC[1], 0];
    const thigh = trunkTheta + hip[s];
    const shank = thigh - knee[s];
    const foot = ankle[s] + shank + 90;
    const k = dir(thigh);
    p[KNEE[s]] = [hipC[0] + 200 * k[0], hipC[1] + 200 * k[1], 0];
    const a = dir(shank);
    p[ANKLE[s]] = [p[KNEE[s]][0] + 200 * a[0], p[KNEE[s]][1] + 200 * a[1], 0];
    const f = dir(foot);
    p[HEEL[s]] = [p[ANKLE[s]][0] - 20 * f[0], p[ANKLE[s]][1] - 20 * f[1], 0];
    p[TOE[s]] = [p[HEEL[s]][0] + 120 * f[0], p[HEEL[s]][1] + 120 * f[1], 0];
  }
  return p;
}

function toSeq(frames: number[][][]) {
  const J = frames[0].length;
  const data = new Float64Array(frames.length * J * 3);
  frames.forEach((fr, f) => {
    fr.forEach((p, j) => {
      data.set(p, (f * J + j) * 3);
    });
  });
  return poseSequence(frames.length, J, data);
}

describe("sagittalAngles2d", () => {
  it("recovers known hip, knee, ankle and trunk angles, and walking left gives the same angles", () => {
    const rnd = mulberry32(16);
    const truth: number[][] = [];
    const right: number[][][] = [];
    const left: number[][][] = [];
    for (let f = 0; f < 50; f++) {
      const v = [
        -10 + 30 * rnd(),
        -20 + 60 * rnd(),
        -20 + 60 * rnd(),
        -5 + 70 * rnd(),
        -5 + 70 * rnd(),
        -25 + 40 * rnd(),
        -25 + 40 * rnd(),
      ];
      truth.push(v);
      const fr = sideFrame(v[0], [v[1], v[2]], [v[3], v[4]], [v[5], v[6]]);
      right.push(fr);
      left.push(fr.map(([x, y, z]) => [2000 - x, y, z])); // mirrored: walking towards −x
    }
    for (const frames of [right, left]) {
      const a = sagittalAngles2d(toSeq(frames), { skeleton: "blazepose_33" });
      expect(Array.from(a.facing)).toEqual(frames === right ? Array(50).fill(1) : Array(50).fill(-1));
      truth.forEach((v, f) => {
        expect(a.trunkInclination[f]).toBeCloseTo(v[0], 9);
        for (let s = 0; s < 2; s++) {
          expect(a.hip[s][f]).toBeCloseTo(v[1 + s], 9);
          expect(a.knee[s][f]).toBeCloseTo(v[3 + s], 9);
          expect(a.ankle[s][f]).toBeCloseTo(v[5 + s], 9);
        }
      });
    }
  });

  it("gives Sports2D's segment angles (counter-clockwise from the forward horizontal, y up)", () => {
    // Standing upright facing right: thigh and shank −90°, foot 0°, trunk 90°; knee bent 90° with the thigh
    // horizontal: thigh 0°, shank −90°.
    const stand = sideFrame(0, [0, 90], [0, 90], [0, 0]);
    const a = sagittalAngles2d(toSeq([stand]), { skeleton: "blazepose_33" });
    expect(a.segments.thigh[0][0]).toBeCloseTo(-90, 9);
    expect(a.segments.shank[0][0]).toBeCloseTo(-90, 9);
    expect(a.segments.foot[0][0]).toBeCloseTo(0, 9);
    expect(a.segments.trunk[0]).toBeCloseTo(90, 9);
    expect(a.segments.thigh[1][0]).toBeCloseTo(0, 9);
    expect(a.segments.shank[1][0]).toBeCloseTo(-90, 9);
    // Sports2D: segment angle = atan2(−dy, dx) of (distal − proximal) in the image, x mirrored when facing left.
    const lean = sideFrame(20, [30, -10], [10, 40], [5, -15]);
    const b = sagittalAngles2d(toSeq([lean]), { skeleton: "blazepose_33" });
    const sports2d = (from: number, to: number) =>
      Math.atan2(-(lean[to][1] - lean[from][1]), lean[to][0] - lean[from][0]) / D;
    expect(b.segments.thigh[0][0]).toBeCloseTo(sports2d(23, 25), 9);
    expect(b.segments.shank[1][0]).toBeCloseTo(sports2d(26, 28), 9);
    expect(b.segments.foot[1][0]).toBeCloseTo(sports2d(30, 32), 9);
    expect(b.segments.trunk[0]).toBeCloseTo(70, 9); // upright 90° minus 20° forward lean
  });

  it("gives NaN for missing keypoints and for the ankle of a skeleton without feet", () => {
    const fr = sideFrame(0, [10, 10], [10, 10], [0, 0]);
    fr[25] = [Number.NaN, Number.NaN, 0];
    const a = sagittalAngles2d(toSeq([fr, fr]), { skeleton: "blazepose_33" });
    expect(a.knee[0][0]).toBeNaN();
    expect(a.knee[1][0]).toBeCloseTo(10, 9);
    const coco = Array.from({ length: 17 }, () => [0, 0, 0]);
    coco[5] = coco[6] = [0, -50, 0];
    coco[13] = coco[14] = [0, 40, 0];
    coco[15] = coco[16] = [0, 80, 0];
    const c = sagittalAngles2d(toSeq([coco]), { skeleton: "coco_17" });
    expect(c.knee[0][0]).toBeCloseTo(0, 9);
    expect(c.ankle[0][0]).toBeNaN();
  });

  it("refuses a skeleton without legs in its table", () => {
    expect(() =>
      sagittalAngles2d(toSeq([[[0, 0, 0]]]), { skeleton: { name: "x", joints: ["a"], edges: [] } as never }),
    ).toThrow(/no entry/);
  });
});

/** A rigid standing body (shoulders 0.36 m, hips 0.2 m apart, torso 0.5 m) turned by `yaw` from a side view. */
function turnedBody(yawDeg: number, depth = 0, perspective = false) {
  const p = Array.from({ length: 33 }, () => [Number.NaN, Number.NaN, 0]);
  const c = Math.cos(yawDeg * D);
  const s = Math.sin(yawDeg * D);
  // Body frame: forward f, lateral l (left), up. yaw 0: forward = +x (side view), lateral along the optical axis.
  const put = (j: number, fwd: number, lat: number, up: number) => {
    const X = fwd * c - lat * s;
    const Z = 4 + depth + fwd * s + lat * c;
    const scale = perspective ? 1000 / Z : 250;
    p[j] = [960 + X * scale, 540 - up * scale, 0];
  };
  for (let side = 0; side < 2; side++) {
    const l = side === 0 ? 1 : -1;
    put(SH[side], 0, 0.18 * l, 1.4);
    put(HIP[side], 0, 0.1 * l, 0.9);
    put(KNEE[side], 0.02, 0.1 * l, 0.47);
    put(ANKLE[side], 0, 0.1 * l, 0.07);
    put(HEEL[side], -0.05, 0.1 * l, 0.02);
    put(TOE[side], 0.15, 0.1 * l, 0);
  }
  return p;
}

describe("classifyView", () => {
  it("labels synthetic projections by how far the body is turned from a side view", () => {
    const label = (yaw: number) => classifyView(toSeq([turnedBody(yaw)]), { skeleton: "blazepose_33" });
    for (const yaw of [0, 10, 20, -15, 180]) expect(label(yaw).clip.label).toBe("sagittal");
    for (const yaw of [40, 50, -45, 135]) expect(label(yaw).clip.label).toBe("oblique");
    for (const yaw of [80, 90, -90, 270]) expect(label(yaw).clip.label).toBe("frontal");
    // The estimate follows the true turn (body width ratio 0.56 here vs the 0.6 constant).
    for (const yaw of [0, 15, 30, 45, 60]) {
      const est = label(yaw).angleDeg[0];
      expect(Math.abs(est - yaw)).toBeLessThan(7);
    }
    expect(label(0).warnings).toEqual([]);
    expect(label(45).warnings[0]).toMatch(/oblique view/);
  });

  it("labels every frame and warns when a side-view clip has many oblique frames", () => {
    const frames = [...Array(14)].map(() => turnedBody(5)).concat([...Array(6)].map(() => turnedBody(50)));
    const v = classifyView(toSeq(frames), { skeleton: "blazepose_33" });
    expect(v.clip.label).toBe("sagittal");
    expect(v.labels.filter((l) => l === "oblique").length).toBe(6);
    expect(v.clip.fractions.oblique).toBeCloseTo(0.3, 12);
    expect(v.warnings[0]).toMatch(/30% of the frames are not side views/);
  });

  it("warns when the person walks towards the camera (apparent size grows)", () => {
    // Side-on posture but moving towards the camera from 6 m to 2 m: perspective grows the body 3×.
    const frames = [...Array(20)].map((_, f) => turnedBody(0, 4 - (f * 4) / 19 - 2, true));
    const v = classifyView(toSeq(frames), { skeleton: "blazepose_33" });
    expect(v.travel.sizeRatio).toBeGreaterThan(2);
    expect(v.warnings.some((w) => /apparent size changes/.test(w))).toBe(true);
  });
});

/** OpenPose BODY_25 JSON (one file per frame) → sequence; the first person; missing (0, 0, 0) → NaN. */
function readOpenPoseFolder(dir: string) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith("_keypoints.json"))
    .sort();
  const frames = files.map((f) => {
    const people = JSON.parse(readFileSync(`${dir}/${f}`, "utf8")).people as {
      pose_keypoints_2d: number[];
    }[];
    const k = people[0]?.pose_keypoints_2d ?? [];
    return Array.from({ length: 25 }, (_, j) =>
      k[j * 3 + 2] > 0 ? [k[j * 3], k[j * 3 + 1], 0] : [Number.NaN, Number.NaN, 0],
    );
  });
  return toSeq(frames);
}

fixtureSuite(
  "real side-view clip (gaitlab_input.mp4, OpenPose BODY_25 keypoints)",
  ["openpose", "mobile-gaitlab_input_keypoints"],
  () => {
    const seq = readOpenPoseFolder(fixturePath("openpose", "mobile-gaitlab_input_keypoints"));

    it("is labelled sagittal; the turn in the middle (frames ~160-195) is the oblique part", () => {
      const v = classifyView(seq, { skeleton: "openpose_body_25" });
      expect(v.clip.label).toBe("sagittal");
      expect(v.clip.medianDeg).toBeLessThan(25);
      expect(v.clip.fractions.sagittal).toBeGreaterThan(0.8);
      expect(v.warnings).toEqual([]);
      // Walking across, there and back: side views nearly throughout.
      const walking = [...v.labels.slice(0, 150), ...v.labels.slice(250)].filter((l) => l !== null);
      expect(walking.filter((l) => l === "sagittal").length / walking.length).toBeGreaterThan(0.95);
      // Turning round: none of it is a side view.
      expect(v.labels.slice(163, 186).filter((l) => l === "sagittal")).toEqual([]);
    });

    it("gives knee flexion of a walk while walking across: near-straight in stance, 45–80° in swing", () => {
      const a = sagittalAngles2d(seq, { skeleton: "openpose_body_25" });
      for (let s = 0; s < 2; s++) {
        const k = Array.from(a.knee[s].subarray(0, 150))
          .filter(Number.isFinite)
          .sort((x, y) => x - y);
        const p = (q: number) => k[Math.floor(q * (k.length - 1))];
        expect(p(0.05)).toBeGreaterThan(-15);
        expect(p(0.05)).toBeLessThan(15);
        expect(p(0.95)).toBeGreaterThan(45);
        expect(p(0.95)).toBeLessThan(80);
      }
    });
  },
);

describe("viewQuality", () => {
  it("is the product of visibility, limb foreshortening and the side-view cosine", () => {
    const pose2d = (yaw: number) => turnedBody(yaw).map(([x, y]) => [x, y]);
    const side = viewQuality(pose2d(0), { skeleton: "blazepose_33" });
    expect(side.label).toBe("sagittal");
    expect(side.side).toBeCloseTo(1, 12);
    expect(side.visibility).toBe(1);
    expect(side.score).toBeCloseTo(side.limbs, 12);
    const front = viewQuality(pose2d(90), { skeleton: "blazepose_33" });
    expect(front.label).toBe("frontal");
    expect(front.score).toBeLessThan(0.5);
    expect(viewQuality(pose2d(45), { skeleton: "blazepose_33" }).score).toBeLessThan(side.score);
    // The far leg occluded (visibility 0.2 on the right side) lowers it.
    const vis = Array.from({ length: 33 }, (_, j) => (j % 2 === 0 && j >= 11 ? 0.2 : 1));
    const occluded = viewQuality(pose2d(0), { skeleton: "blazepose_33", visibility: vis });
    expect(occluded.visibility).toBeLessThan(0.7);
    expect(occluded.score).toBeCloseTo(occluded.visibility * occluded.limbs * occluded.side, 12);
    // A missing knee: 0, never NaN.
    const missing = pose2d(0);
    missing[25] = [Number.NaN, Number.NaN];
    expect(viewQuality(missing, { skeleton: "blazepose_33" }).score).toBe(0);
  });
});
