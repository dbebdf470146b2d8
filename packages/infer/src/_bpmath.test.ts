import { describe, expect, it } from "vitest";
import {
  decodeDetections,
  decodeLandmarks,
  detectorAnchors,
  keypointBox,
  letterboxFor,
  letterboxTensor,
  NUM_ANCHORS,
  OneEuroVector,
  roiFromPoints,
  roiTensor,
  weightedNms,
} from "./_bpmath.js";

describe("detector anchors", () => {
  it("has MediaPipe's 2254 anchors: 28x28x2, 14x14x2, 7x7x6", () => {
    const a = detectorAnchors();
    expect(a).toHaveLength(NUM_ANCHORS);
    expect(a[0]).toEqual({ x: 0.5 / 28, y: 0.5 / 28, w: 1, h: 1 });
    expect(a[1]).toEqual(a[0]);
    expect(a[1568]).toEqual({ x: 0.5 / 14, y: 0.5 / 14, w: 1, h: 1 });
    expect(a[1568 + 392]).toEqual({ x: 0.5 / 7, y: 0.5 / 7, w: 1, h: 1 });
    expect(a[1568 + 392 + 5]).toEqual(a[1568 + 392]);
    expect(a[1568 + 392 + 6]!.x).toBeCloseTo(1.5 / 7, 12);
    expect(a.at(-1)).toEqual({ x: 6.5 / 7, y: 6.5 / 7, w: 1, h: 1 });
  });
});

describe("decodeDetections", () => {
  it("decodes box and keypoints relative to the anchor, thresholds scores, removes the letterbox", () => {
    const anchors = detectorAnchors();
    const boxes = new Float32Array(NUM_ANCHORS * 12);
    const scores = new Float32Array(NUM_ANCHORS).fill(-10);
    const i = 100; // anchor at cell (x=22, y=3) of the 28x28 layer -> (22.5/28, 3.5/28) ... i/2 = 50 -> y=1, x=22
    scores[i] = 3; // sigmoid(3) = 0.953
    const o = i * 12;
    boxes.set([22.4, -11.2, 44.8, 67.2, 0, 0, 22.4, 0, 0, 0, 0, 0], o);
    // a 448x224 frame: letterboxed vertically, content occupies rows 56..168 of 224
    const lb = letterboxFor(448, 224, 224);
    expect(lb.padY).toBeCloseTo(0.25, 12);
    const dets = decodeDetections(boxes, scores, anchors, lb, 0.5);
    expect(dets).toHaveLength(1);
    const d = dets[0]!;
    const a = anchors[i]!;
    expect(d.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    const cx = a.x + 0.1;
    const cy = (a.y - 0.05 - 0.25) / 0.5;
    expect(d.w).toBeCloseTo(0.2, 6);
    expect(d.h).toBeCloseTo(0.3 / 0.5, 6);
    expect(d.xmin + d.w / 2).toBeCloseTo(cx, 6);
    expect(d.ymin + d.h / 2).toBeCloseTo(cy, 6);
    expect(d.kp[0]).toBeCloseTo(a.x, 6);
    expect(d.kp[1]).toBeCloseTo((a.y - 0.25) / 0.5, 6);
    expect(d.kp[2]).toBeCloseTo(a.x + 0.1, 6);
  });

  it("clips score logits to +-100 and drops everything under the threshold", () => {
    const scores = new Float32Array(NUM_ANCHORS).fill(-1e9);
    const dets = decodeDetections(
      new Float32Array(NUM_ANCHORS * 12),
      scores,
      detectorAnchors(),
      letterboxFor(1, 1, 224),
    );
    expect(dets).toEqual([]);
  });
});

describe("weightedNms", () => {
  it("merges overlapping boxes by score weight and keeps separate ones", () => {
    const mk = (score: number, x: number) => ({ score, xmin: x, ymin: 0, w: 1, h: 1, kp: [x, 0] });
    const out = weightedNms([mk(0.6, 0.1), mk(0.9, 0), mk(0.8, 5)], 0.3);
    expect(out).toHaveLength(2);
    expect(out[0]!.score).toBe(0.9);
    expect(out[0]!.xmin).toBeCloseTo((0.9 * 0 + 0.6 * 0.1) / 1.5, 12);
    expect(out[0]!.kp[0]).toBeCloseTo((0.9 * 0 + 0.6 * 0.1) / 1.5, 12);
    expect(out[1]!.xmin).toBe(5);
  });
});

describe("ROI", () => {
  it("upright person: hip centre below shoulders gives rotation 0 and size 2.5 x distance", () => {
    const r = roiFromPoints(100, 200, 100, 120);
    expect(r.rotation).toBeCloseTo(0, 12);
    expect(r.size).toBeCloseTo(2 * 80 * 1.25, 12);
    expect([r.cx, r.cy]).toEqual([100, 200]);
  });

  it("person lying to the right (head at +x) is rotated by -90 degrees", () => {
    const r = roiFromPoints(100, 200, 180, 200);
    expect(r.rotation).toBeCloseTo(Math.PI / 2, 12);
  });

  it("rotated crop samples the source through the ROI; landmark projection inverts it", () => {
    // a 64x64 gradient image: R = x*4, G = y*4
    const W = 64;
    const rgb = new Uint8Array(W * W * 3);
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) rgb.set([x * 4, y * 4, 0], (y * W + x) * 3);
    const roi = { cx: 32, cy: 30, size: 20, rotation: Math.PI / 2 };
    const out = new Float32Array(16 * 16 * 3);
    roiTensor(rgb, W, W, roi, 16, out);
    // output pixel (u, v) maps to centre + R(rot) * (u*k - 10, v*k - 10), k = 20/16
    for (const [u, v] of [
      [0, 0],
      [8, 8],
      [15, 3],
    ] as const) {
      const a = u * 1.25 - 10;
      const b = v * 1.25 - 10;
      const sx = 32 + Math.cos(roi.rotation) * a - Math.sin(roi.rotation) * b;
      const sy = 30 + Math.sin(roi.rotation) * a + Math.cos(roi.rotation) * b;
      expect(out[(v * 16 + u) * 3]! * 255).toBeCloseTo(sx * 4, 2);
      expect(out[(v * 16 + u) * 3 + 1]! * 255).toBeCloseTo(sy * 4, 2);
    }
    // a landmark at crop (64, 192) of 256 projects to the same place the crop sampled (up to the corner convention)
    const raw = new Float32Array(39 * 5);
    raw.set([64, 192, 10, 0, 0], 0);
    const lm = decodeLandmarks(raw, 1, undefined, new Float32Array(39 * 3), roi);
    const dx = 64 / 256 - 0.5;
    const dy = 192 / 256 - 0.5;
    expect(lm.image[0]).toBeCloseTo(32 - 20 * dy, 9); // cos=0, sin=1: x = cx - dy*size
    expect(lm.image[1]).toBeCloseTo(30 + 20 * dx, 9);
    expect(lm.image[2]).toBeCloseTo((10 / 256) * 20, 9);
    expect(lm.visibility[0]).toBeCloseTo(0.5, 12);
  });

  it("replicates the border outside the frame", () => {
    const rgb = new Uint8Array(4 * 4 * 3).fill(200);
    const out = new Float32Array(8 * 8 * 3);
    roiTensor(rgb, 4, 4, { cx: 0, cy: 0, size: 40, rotation: 0.3 }, 8, out);
    for (const v of out) expect(v).toBeCloseTo(200 / 255, 6);
  });

  it("letterbox tensor is in [-1, 1] with a black border", () => {
    const rgb = new Uint8Array(20 * 10 * 3).fill(255);
    const out = new Float32Array(8 * 8 * 3);
    const lb = letterboxTensor(rgb, 20, 10, 8, out);
    expect(lb.padY).toBeCloseTo(0.25, 12);
    expect(out[0]).toBe(-1); // top rows are padding
    expect(out[(4 * 8 + 4) * 3]).toBeCloseTo(1, 6); // centre is white
  });
});

describe("decodeLandmarks", () => {
  it("refines from the heatmap (7x7 window, sigmoid-weighted, col/64) and rotates world landmarks", () => {
    const raw = new Float32Array(39 * 5);
    raw.set([100, 100, 0, 5, -5], 0);
    const heat = new Float32Array(64 * 64 * 39).fill(-20);
    // joint 0: a confident peak at (col 26, row 24)
    heat[(24 * 64 + 26) * 39] = 20;
    const world = new Float32Array(39 * 3);
    world.set([0.1, 0.2, 0.3], 0);
    const roi = { cx: 0, cy: 0, size: 256, rotation: Math.PI };
    const lm = decodeLandmarks(raw, 0.9, heat, world, roi);
    // refined to (26/64, 24/64) of the crop, then rotated by pi around the centre
    expect(lm.image[0]).toBeCloseTo(-(26 / 64 - 0.5) * 256, 3);
    expect(lm.image[1]).toBeCloseTo(-(24 / 64 - 0.5) * 256, 3);
    expect(lm.world[0]).toBeCloseTo(-0.1, 6);
    expect(lm.world[1]).toBeCloseTo(-0.2, 6);
    expect(lm.world[2]).toBeCloseTo(0.3, 6);
    expect(lm.visibility[0]).toBeGreaterThan(0.99);
    expect(lm.presence[0]).toBeLessThan(0.01);
    expect(lm.flag).toBe(0.9);
  });

  it("keeps the regressed position when the heatmap is not confident", () => {
    const raw = new Float32Array(39 * 5);
    raw.set([100, 100, 0, 0, 0], 0);
    const heat = new Float32Array(64 * 64 * 39).fill(-1);
    const lm = decodeLandmarks(raw, 1, heat, new Float32Array(117), {
      cx: 128,
      cy: 128,
      size: 256,
      rotation: 0,
    });
    expect(lm.image[0]).toBeCloseTo(100, 6);
    expect(lm.image[1]).toBeCloseTo(100, 6);
  });
});

describe("keypointBox", () => {
  it("gives the 33 (x, y) keypoints of a stride-3 landmark array and their box; NaN never widens it", () => {
    const image = new Float64Array(39 * 3);
    for (let j = 0; j < 33; j++) image.set([10 + (j % 5), 20 + j, 0.5], j * 3);
    image.set([1000, 1000, 0], 33 * 3); // auxiliary landmarks are not keypoints
    const { keypoints, box } = keypointBox(image);
    expect(keypoints).toHaveLength(33);
    expect(keypoints[7]).toEqual([12, 27]);
    expect(box).toEqual([10, 20, 4, 32]);
    image[0] = Number.NaN;
    expect(keypointBox(image).box).toEqual([10, 20, 4, 32]);
  });
});

describe("OneEuroVector", () => {
  it("passes the first sample, smooths jitter, follows a step", () => {
    const f = new OneEuroVector(1, 0, 1);
    expect(Array.from(f.apply(Float64Array.of(0), 0))).toEqual([0]);
    const y = f.apply(Float64Array.of(10), 1 / 30);
    expect(y[0]).toBeGreaterThan(0);
    expect(y[0]).toBeLessThan(10);
    let v = y[0]!;
    for (let i = 2; i < 300; i++) v = f.apply(Float64Array.of(10), i / 30)[0]!;
    expect(v).toBeCloseTo(10, 3);
  });
});
