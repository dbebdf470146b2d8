import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { det3, svd3 } from "./_svd3.js";
import {
  extractFeatureStatistics,
  extractJointAngles,
  extractSignal,
  fromNested,
  KinematicsError,
  normalizePoseSequence,
  padSequences,
  poseSequence,
  predictionsToSequence,
  procrustesAlign,
  resolveJoint,
  rotationMagnitudeDeg,
  toNested,
} from "./index.js";
import { pairwiseSum } from "./sum.js";

/** Rotation matrix (row-major) from a unit quaternion. */
function quatToMatrix(w: number, x: number, y: number, z: number): Float64Array {
  const n = Math.hypot(w, x, y, z);
  [w, x, y, z] = [w / n, x / n, y / n, z / n];
  return new Float64Array([
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  ]);
}

function transform(data: Float64Array, r: Float64Array, s: number, t: number[]): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i += 3) {
    const [x, y, z] = [data[i], data[i + 1], data[i + 2]];
    for (let k = 0; k < 3; k++) out[i + k] = s * (r[k * 3] * x + r[k * 3 + 1] * y + r[k * 3 + 2] * z) + t[k];
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const coord = fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true });
const quat = fc
  .tuple(
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
  )
  .filter(([w, x, y, z]) => Math.hypot(w, x, y, z) > 0.1);

/** A random similarity transform x -> s R x + t: rotation `r` (row-major), translation `t`, scale `s` in [min, max]. */
const similarity = (minScale: number, maxScale: number) =>
  fc.record({
    r: quat.map(([w, x, y, z]) => quatToMatrix(w, x, y, z)),
    t: fc.tuple(coord, coord, coord),
    s: fc.double({ min: minScale, max: maxScale, noNaN: true }),
  });

/** Singular values of the centred point cloud's 3x3 scatter matrix (descending). */
function spread(d: Float64Array): Float64Array {
  const n = d.length / 3;
  const c = [0, 0, 0];
  for (let i = 0; i < d.length; i++) c[i % 3] += d[i] / n;
  const m = new Float64Array(9);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 3; r++)
      for (let k = 0; k < 3; k++) m[r * 3 + k] += (d[i * 3 + r] - c[r]) * (d[i * 3 + k] - c[k]);
  }
  return svd3(m)!.s;
}

/** A random well-spread (not collinear or coplanar) point cloud: frames x joints. */
const cloud = (frames: number, joints: number) =>
  fc
    .array(fc.integer({ min: -100000, max: 100000 }), {
      minLength: frames * joints * 3,
      maxLength: frames * joints * 3,
    })
    .map((v) => poseSequence(frames, joints, new Float64Array(v.map((x) => x / 100))))
    .filter((seq) => {
      const s = spread(seq.data);
      return s[2] > 1e-3 * s[0] && s[0] > 1;
    });

describe("svd3", () => {
  it("reconstructs A = U S Vᵀ with orthogonal factors (random matrices)", () => {
    fc.assert(
      fc.property(fc.array(coord, { minLength: 9, maxLength: 9 }), (a) => {
        const r = svd3(a)!;
        const scale = Math.max(1, ...a.map(Math.abs));
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            let v = 0;
            let uu = 0;
            let vv = 0;
            for (let k = 0; k < 3; k++) {
              v += r.u[i * 3 + k] * r.s[k] * r.v[j * 3 + k];
              uu += r.u[k * 3 + i] * r.u[k * 3 + j];
              vv += r.v[k * 3 + i] * r.v[k * 3 + j];
            }
            expect(Math.abs(v - a[i * 3 + j])).toBeLessThan(1e-12 * scale);
            expect(Math.abs(uu - (i === j ? 1 : 0))).toBeLessThan(1e-12);
            expect(Math.abs(vv - (i === j ? 1 : 0))).toBeLessThan(1e-12);
          }
        }
        expect(r.s[0]).toBeGreaterThanOrEqual(r.s[1]);
        expect(r.s[1]).toBeGreaterThanOrEqual(r.s[2]);
      }),
      { numRuns: 300 },
    );
  });

  it("completes the basis of rank-deficient matrices and refuses non-finite input", () => {
    for (const a of [
      [1, 2, 3, 2, 4, 6, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, 0],
      [1, 0, 0, 0, 1, 0, 0, 0, 0],
    ]) {
      const r = svd3(a)!;
      expect(Math.abs(Math.abs(det3(r.u)) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(Math.abs(det3(r.v)) - 1)).toBeLessThan(1e-12);
    }
    expect(svd3([1, 2, 3, 4, Number.NaN, 6, 7, 8, 9])).toBeUndefined();
    expect(svd3([1, 2, 3, 4, Number.POSITIVE_INFINITY, 6, 7, 8, 9])).toBeUndefined();
  });
});

describe("procrustesAlign", () => {
  it("recovers a known rotation, translation and scale to 1e-9 (per_sequence)", () => {
    fc.assert(
      fc.property(cloud(3, 5), similarity(0.2, 5), (target, { r, t, s }) => {
        // source = inverse transform of target: target = s R source + t
        const rt = new Float64Array([r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]]);
        const shifted = target.data.map((v, i) => v - t[i % 3]);
        const source = poseSequence(target.frames, target.joints, transform(shifted, rt, 1 / s, [0, 0, 0]));
        const mag = Math.max(...Array.from(target.data, Math.abs), 1);
        const res = procrustesAlign(source, target, { scale: true });
        expect(maxAbsDiff(res.aligned.data, target.data)).toBeLessThan(1e-9 * mag);
        expect(Math.abs(res.diagnostics.scale - s)).toBeLessThan(1e-9 * s);
        const angle = rotationMagnitudeDeg(r);
        // arccos is ill-conditioned near 0 and 180 degrees
        const tol = Math.min(angle, 180 - angle) < 1 ? 1e-5 : 1e-9 * 180;
        expect(Math.abs(res.diagnostics.rotation_deg - angle)).toBeLessThan(tol);
        // Without scale the rigid part is still recovered when s = 1.
        const rigidSource = poseSequence(target.frames, target.joints, transform(shifted, rt, 1, [0, 0, 0]));
        const rigid = procrustesAlign(rigidSource, target);
        expect(maxAbsDiff(rigid.aligned.data, target.data)).toBeLessThan(1e-9 * mag);
        expect(rigid.diagnostics.scale).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  /** Four joints spanning 3D (no rotation maps them onto themselves): the pose of the alignment cases. */
  const TETRA = [
    [0, 0, 0],
    [1, 0, 0],
    [0, 2, 0],
    [0, 0, 3],
  ];

  it("fits one transform per frame in per_frame mode and reports means and maxima", () => {
    const target = fromNested([TETRA, TETRA.map((p) => p.map((v) => v + 1))]);
    const rz = quatToMatrix(Math.cos(Math.PI / 4), 0, 0, Math.sin(Math.PI / 4)); // 90° about z
    const f0 = transform(target.data.subarray(0, 12), rz, 1, [5, 0, 0]);
    const f1 = target.data.slice(12).map((v) => v + 2); // pure translation by (2, 2, 2)
    const source = poseSequence(2, 4, new Float64Array([...f0, ...f1]));
    const { aligned, diagnostics } = procrustesAlign(source, target, { mode: "per_frame" });
    expect(maxAbsDiff(aligned.data, target.data)).toBeLessThan(1e-12);
    expect(diagnostics.mode).toBe("per_frame");
    expect(diagnostics.rotation_deg_max).toBeCloseTo(90, 9);
    expect(diagnostics.rotation_deg).toBeCloseTo(45, 9);
    expect(diagnostics.translation_max).toBeGreaterThan(diagnostics.translation);
  });

  it("never reflects: a mirrored target gives a proper rotation, not a perfect fit", () => {
    const target = fromNested([TETRA]);
    const mirrored = poseSequence(
      1,
      4,
      target.data.map((v, i) => (i % 3 === 0 ? -v : v)),
    );
    const { aligned } = procrustesAlign(mirrored, target);
    expect(maxAbsDiff(aligned.data, target.data)).toBeGreaterThan(0.1);
  });

  it("fails like numpy's LinAlgError on NaN, and on mismatched shapes or modes", () => {
    const a = fromNested([
      [
        [0, 0, 0],
        [1, Number.NaN, 0],
        [0, 1, 0],
      ],
    ]);
    const b = fromNested([
      [
        [0, 0, 0],
        [1, 0, 0],
        [0, 1, 0],
      ],
    ]);
    expect(() => procrustesAlign(a, b)).toThrowError(expect.objectContaining({ code: "E_SVD_NONFINITE" }));
    expect(() => procrustesAlign(b, poseSequence(2, 3))).toThrowError(
      expect.objectContaining({ code: "E_SHAPE_MISMATCH" }),
    );
    expect(() => procrustesAlign(b, b, { mode: "per_joint" as "per_frame" })).toThrowError(
      expect.objectContaining({ code: "E_PROCRUSTES_MODE" }),
    );
  });

  it("handles empty sequences in per_frame mode", () => {
    const e = poseSequence(0, 3);
    expect(procrustesAlign(e, e, { mode: "per_frame" }).diagnostics).toMatchObject({
      rotation_deg: 0,
      scale: 1,
    });
  });
});

describe("sequences", () => {
  it("round-trips nested arrays and rejects other shapes with the original's message", () => {
    const nested = [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ];
    expect(toNested(fromNested(nested))).toEqual(nested);
    expect(() => fromNested([[[1, 2]]] as unknown as number[][][])).toThrowError(
      "expected (frames, joints, 3); got shape (1, 1, 2)",
    );
    expect(() => fromNested([] as number[][][])).toThrowError(KinematicsError);
    expect(() => poseSequence(1, 2, new Float64Array(5))).toThrowError(/expected frames\*joints\*3/);
  });

  it("extracts a person from predictions in frame insertion order", () => {
    const preds = {
      frames: {
        frame_b: { poses3d: [[[1, 1, 1]], [[2, 2, 2]]] },
        frame_a: { poses3d: [[[3, 3, 3]], [[4, 4, 4]]] },
      },
    };
    expect(toNested(predictionsToSequence(preds, { personIndex: 1 }))).toEqual([[[2, 2, 2]], [[4, 4, 4]]]);
    expect(() => predictionsToSequence(preds, { personIndex: 2 })).toThrowError(
      "frame frame_b has 2 detections; person_index=2 is out of range",
    );
    expect(() => predictionsToSequence({ frames: {} })).toThrowError(
      expect.objectContaining({ code: "E_NO_FRAMES" }),
    );
  });
});

describe("angles and signals", () => {
  const seq = fromNested([
    [
      [1, 0, 0],
      [0, 0, 0],
      [0, 1, 0],
    ],
    [
      [0, 0, 0],
      [0, 0, 0],
      [0, 1, 0],
    ],
  ]);

  it("computes angles in radians with NaN for a zero-length limb", () => {
    const m = extractJointAngles(seq, [
      [0, 1, 2],
      [2, 1, 2],
    ]);
    expect([m.rows, m.cols]).toEqual([2, 2]);
    expect(m.data[0]).toBe(Math.PI / 2);
    expect(m.data[1]).toBe(0);
    expect(m.data[2]).toBeNaN();
    expect(() => extractJointAngles(seq, [])).toThrowError(
      expect.objectContaining({ code: "E_NO_TRIPLETS" }),
    );
    expect(() => extractJointAngles(seq, [[0, 1, 3]])).toThrowError("joint index 3 out of range [0, 3)");
  });

  it("angles are invariant under rotation, translation and uniform scaling", () => {
    fc.assert(
      fc.property(cloud(4, 6), similarity(0.1, 10), (seq, { r, t, s }) => {
        const moved = poseSequence(seq.frames, seq.joints, transform(seq.data, r, s, t));
        const triplets: [number, number, number][] = [
          [0, 1, 2],
          [3, 4, 5],
          [5, 0, 3],
        ];
        const before = extractJointAngles(seq, triplets).data;
        const after = extractJointAngles(moved, triplets).data;
        // acos is ill-conditioned near 0 and pi: compare cosines there, angles elsewhere
        for (let k = 0; k < before.length; k++)
          expect(Math.abs(Math.cos(before[k]) - Math.cos(after[k]))).toBeLessThan(1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it("resolves joint names in the right skeleton", () => {
    expect(resolveJoint("rhee")).toBe(41);
    expect(resolveJoint("left_heel", undefined, 33)).toBe(29);
    expect(resolveJoint("right_heel", "blazepose_33")).toBe(30);
    expect(() => resolveJoint("rheel")).toThrowError(expect.objectContaining({ code: "E_JOINT_UNKNOWN" }));
    const bp = poseSequence(2, 33);
    bp.data[(33 + 29) * 3 + 1] = 7; // frame 1, left_heel, y
    expect(Array.from(extractSignal(bp, { kind: "joint_axis", joint: "left_heel", axis: "y" }))).toEqual([
      0, 7,
    ]);
    expect(Array.from(extractSignal(bp, { kind: "joint_axis", joint: 29, axis: 1, invert: true }))).toEqual([
      -0, -7,
    ]);
  });

  it("implements the four extractors", () => {
    expect(Array.from(extractSignal(seq, { kind: "joint_pair_distance", joints: [0, 2] }))).toEqual([
      Math.SQRT2,
      1,
    ]);
    expect(Array.from(extractSignal(seq, { kind: "joint_speed", joint: 0 }))).toEqual([0, 1]);
    expect(Array.from(extractSignal(seq, { kind: "joint_angle", triplet: [0, 1, 2] }))[0]).toBe(Math.PI / 2);
    expect(() => extractSignal(poseSequence(1, 1), { kind: "joint_speed", joint: 0 })).toThrowError(
      "joint_speed requires at least two frames",
    );
    expect(() => extractSignal(seq, { kind: "joint_axis", joint: 0, axis: "w" as "x" })).toThrowError(
      expect.objectContaining({ code: "E_BAD_AXIS" }),
    );
  });
});

describe("normalisation, padding, statistics", () => {
  it("normalises into the unit cube, uniformly or per axis", () => {
    const s = fromNested([
      [
        [0, 0, 5],
        [4, 2, 5],
      ],
    ]);
    expect(toNested(normalizePoseSequence(s))).toEqual([
      [
        [0, 0, 0],
        [1, 0.5, 0],
      ],
    ]);
    expect(toNested(normalizePoseSequence(s, { axisWise: true }))).toEqual([
      [
        [0, 0, 0],
        [1, 1, 0],
      ],
    ]);
    expect(() => normalizePoseSequence(fromNested([[[1, 1, 1]]]))).toThrowError(
      expect.objectContaining({ code: "E_DEGENERATE" }),
    );
  });

  it("pads by repeating the last frame and truncates", () => {
    const a = fromNested([[[1, 1, 1]], [[2, 2, 2]]]);
    const b = fromNested([[[3, 3, 3]]]);
    const [pa, pb] = padSequences([a, b]);
    expect(toNested(pb)).toEqual([[[3, 3, 3]], [[3, 3, 3]]]);
    expect(pa.data).not.toBe(a.data);
    expect(toNested(padSequences([a], { targetLength: 1 })[0])).toEqual([[[1, 1, 1]]]);
    expect(padSequences([], { targetLength: 3 })).toEqual([]);
    expect(() => padSequences([])).toThrowError(expect.objectContaining({ code: "E_EMPTY" }));
    expect(() => padSequences([a, poseSequence(1, 2)])).toThrowError(
      "sequence 1 has trailing shape (2, 3); expected (1, 3)",
    );
  });

  it("computes population statistics like numpy, with NaN propagation", () => {
    const st = extractFeatureStatistics([1, 2, 3, 4]);
    expect(st).toEqual({ mean: 2.5, std: Math.sqrt(1.25), min: 1, max: 4, range: 3 });
    const withNan = extractFeatureStatistics([1, Number.NaN, 3]);
    expect(withNan.mean).toBeNaN();
    expect(withNan.max).toBeNaN();
    expect(() => extractFeatureStatistics([])).toThrowError(expect.objectContaining({ code: "E_EMPTY" }));
    expect(() => extractFeatureStatistics([[1, 2]] as unknown as number[])).toThrowError(
      expect.objectContaining({ code: "E_NOT_1D" }),
    );
  });

  it("sums pairwise exactly for integers and close to an exact sum for floats", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 600 }), (xs) => {
        expect(pairwiseSum(xs)).toBe(xs.reduce((s, v) => s + v, 0));
      }),
    );
    // 0.1 * 1000 summed naively drifts; pairwise stays within a few ulps of 100.
    const tenths = new Array(1000).fill(0.1);
    expect(Math.abs(pairwiseSum(tenths) - 100)).toBeLessThan(1e-13);
  });
});
