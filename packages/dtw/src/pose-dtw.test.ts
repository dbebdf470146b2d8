import type { PoseSequence } from "@neuropose/kinematics";
import { describe, expect, it } from "vitest";
import { errorCode } from "./_testing.js";
import { dtw } from "./dtw.js";
import { applyNanPolicy, dtwAll, dtwPerJoint, dtwRelation } from "./pose-dtw.js";

let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
};

function randomPose(frames: number, joints: number): PoseSequence {
  // smooth-ish random walk per coordinate
  const data = new Float64Array(frames * joints * 3);
  for (let k = 0; k < joints * 3; k++) {
    let v = rnd() * 10;
    for (let f = 0; f < frames; f++) {
      v += rnd();
      data[f * joints * 3 + k] = v;
    }
  }
  return { frames, joints, data };
}

/** Rotates (about an arbitrary axis) and translates every frame. */
function rigid(p: PoseSequence, angle: number, t: [number, number, number]): PoseSequence {
  const [ux, uy, uz] = [0.48, -0.6, 0.64];
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const C = 1 - c;
  const R = [
    [c + ux * ux * C, ux * uy * C - uz * s, ux * uz * C + uy * s],
    [uy * ux * C + uz * s, c + uy * uy * C, uy * uz * C - ux * s],
    [uz * ux * C - uy * s, uz * uy * C + ux * s, c + uz * uz * C],
  ];
  const out = new Float64Array(p.data.length);
  for (let q = 0; q < p.data.length; q += 3) {
    const x = p.data[q] as number;
    const y = p.data[q + 1] as number;
    const z = p.data[q + 2] as number;
    for (let r = 0; r < 3; r++) {
      const row = R[r] as number[];
      out[q + r] = (row[0] as number) * x + (row[1] as number) * y + (row[2] as number) * z + t[r];
    }
  }
  return { frames: p.frames, joints: p.joints, data: out };
}

const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a));

describe("entry points: invariances", () => {
  const a = randomPose(40, 6);
  const b = randomPose(33, 6);
  const triplets = [
    [0, 1, 2],
    [3, 4, 5],
    [1, 3, 5],
  ] as const;

  it("angles representation is unchanged by a rigid motion of either sequence", () => {
    const base = dtwAll(a, b, { representation: "angles", angleTriplets: triplets }).distance;
    const moved = dtwAll(rigid(a, 1.1, [100, -20, 5]), rigid(b, -2.3, [1, 2, 3]), {
      representation: "angles",
      angleTriplets: triplets,
    }).distance;
    expect(base).toBeGreaterThan(0);
    expect(close(moved, base)).toBe(true);
    const pj = dtwPerJoint(a, b, { representation: "angles", angleTriplets: triplets });
    const pjMoved = dtwPerJoint(rigid(a, 0.4, [0, 0, 9]), b, {
      representation: "angles",
      angleTriplets: triplets,
    });
    expect(pj).toHaveLength(3);
    for (const [k, r] of pj.entries()) {
      expect(close((pjMoved[k] as { distance: number }).distance, r.distance)).toBe(true);
    }
  });

  it("relation DTW is unchanged by translating either sequence (and coords DTW is not)", () => {
    const base = dtwRelation(a, b, 0, 4).distance;
    const ta = rigid(a, 0, [50, -7, 12]);
    expect(close(dtwRelation(ta, b, 0, 4).distance, base)).toBe(true);
    expect(
      close(
        dtwRelation(a, rigid(b, 0, [-3, 3, 3]), 0, 4, { method: "fastdtw" }).distance,
        dtwRelation(a, b, 0, 4, { method: "fastdtw" }).distance,
      ),
    ).toBe(true);
    expect(dtwAll(ta, b).distance).toBeGreaterThan(dtwAll(a, b).distance);
  });

  it("procrustes alignment removes a rigid motion of a (equal frame counts)", () => {
    const c = randomPose(40, 6);
    const d0 = dtwAll(a, c, { align: "procrustes_per_sequence" }).distance;
    const d1 = dtwAll(rigid(a, 0.9, [4, 5, 6]), c, { align: "procrustes_per_sequence" }).distance;
    expect(close(d0, d1, 1e-7)).toBe(true);
    expect(dtwAll(rigid(c, 0.7, [1, 1, 1]), c, { align: "procrustes_per_frame" }).distance).toBeLessThan(
      1e-9,
    );
  });

  it("exact is the default, never above fastdtw, and per-joint units are the joints' trajectories", () => {
    const exact = dtwAll(a, b);
    const fast = dtwAll(a, b, { method: "fastdtw", path: true });
    expect(dtwAll(a, b, { method: "fastdtw" })).toEqual({ distance: fast.distance });
    expect(exact.path).toBeUndefined();
    expect(exact.distance).toBeLessThanOrEqual(fast.distance);
    expect(fast.path?.[0]).toEqual([0, 0]);
    expect(fast.path?.at(-1)).toEqual([39, 32]);
    const pj = dtwPerJoint(a, b, { path: true });
    expect(pj).toHaveLength(6);
    const joint2 = (p: PoseSequence) =>
      Array.from({ length: p.frames }, (_, f) =>
        Array.from(p.data.subarray((f * 6 + 2) * 3, (f * 6 + 3) * 3)),
      );
    expect(pj[2]).toEqual(dtw(joint2(a), joint2(b), { path: true }));
  });
});

describe("entry points: NaN policies and errors", () => {
  it("interpolate fills linearly and holds the ends; drop removes frames", () => {
    const m = {
      rows: 5,
      cols: 2,
      data: new Float64Array([Number.NaN, 1, 2, Number.NaN, Number.NaN, 3, 6, 4, Number.NaN, 5]),
    };
    expect(Array.from(applyNanPolicy(m, "interpolate").data)).toEqual([2, 1, 2, 2, 4, 3, 6, 4, 6, 5]);
    const d = applyNanPolicy(m, "drop");
    expect(d.rows).toBe(1);
    expect(Array.from(d.data)).toEqual([6, 4]);
    expect(applyNanPolicy(m, "propagate")).toBe(m);
  });

  it("raises coded errors", () => {
    const code = errorCode;
    const a = randomPose(5, 3);
    const b = randomPose(6, 3);
    const nan = { ...a, data: Float64Array.from(a.data, (v, i) => (i === 4 ? Number.NaN : v)) };
    expect(code(() => dtwAll(nan, b))).toBe("E_DTW_NONFINITE");
    expect(code(() => dtwAll(nan, b, { nanPolicy: "drop" }))).toBe("no error");
    expect(code(() => dtwAll(a, b, { align: "procrustes_per_frame" }))).toBe("E_DTW_ALIGN_FRAMES");
    expect(code(() => dtwAll(a, randomPose(5, 4)))).toBe("E_DTW_SHAPE");
    expect(code(() => dtwAll(a, b, { representation: "angles" }))).toBe("E_DTW_OPTION");
    expect(code(() => dtwAll(a, b, { method: "fastdtw", window: 3 }))).toBe("E_DTW_OPTION");
    expect(code(() => dtwRelation(a, b, 0, 3))).toBe("E_JOINT_RANGE");
    expect(code(() => dtwAll(a, b, { nanPolicy: "zero" as "drop" }))).toBe("E_DTW_OPTION");
  });

  it("joints by skeleton name", () => {
    const a = randomPose(8, 33);
    const b = randomPose(9, 33);
    expect(dtwRelation(a, b, "left_hip", "left_heel").distance).toBe(dtwRelation(a, b, 23, 29).distance);
  });
});
