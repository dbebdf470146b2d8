// Synthetic camera rigs for the tests (not exported from the package).
import { SKELETONS } from "@neuropose/io";
import { type Detection2D, sidePairs } from "./associate.js";
import { type Camera, projectPoint } from "./camera.js";

/** A camera at `center` looking at `target` (world z up), OpenCV axes. */
export function lookAt(
  name: string,
  center: number[],
  target: number[],
  portrait: boolean,
  dist: Camera["dist"],
): Camera {
  const f = target.map((v, i) => v - (center[i] as number));
  const fn = Math.hypot(...f);
  const z = f.map((v) => v / fn);
  const up = [0, 0, 1];
  let x = [
    (z[1] as number) * (up[2] as number) - (z[2] as number) * (up[1] as number),
    (z[2] as number) * (up[0] as number) - (z[0] as number) * (up[2] as number),
    (z[0] as number) * (up[1] as number) - (z[1] as number) * (up[0] as number),
  ];
  const xn = Math.hypot(...x);
  x = x.map((v) => v / xn);
  const y = [
    (z[1] as number) * (x[2] as number) - (z[2] as number) * (x[1] as number),
    (z[2] as number) * (x[0] as number) - (z[0] as number) * (x[2] as number),
    (z[0] as number) * (x[1] as number) - (z[1] as number) * (x[0] as number),
  ];
  const R = [...x, ...y, ...z];
  const t = [0, 1, 2].map(
    (r) =>
      -(
        (R[3 * r] as number) * (center[0] as number) +
        (R[3 * r + 1] as number) * (center[1] as number) +
        (R[3 * r + 2] as number) * (center[2] as number)
      ),
  );
  const size: [number, number] = portrait ? [1088, 1920] : [1920, 1080];
  return {
    name,
    size,
    fx: 1400,
    fy: 1400,
    cx: size[0] / 2,
    cy: size[1] / 2,
    dist,
    R,
    t: t as [number, number, number],
  };
}

export function rig(n: number, seed: number, distorted: boolean): Camera[] {
  let s = seed;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  return Array.from({ length: n }, (_, i) => {
    // Two cameras at right angles (opposite cameras cannot place a point on the line between them).
    const a = (n === 2 ? (Math.PI / 2) * i : (2 * Math.PI * i) / n) + rnd() * 0.3;
    const r = 3 + rnd();
    const d: Camera["dist"] = distorted
      ? [-0.12 + rnd() * 0.05, 0.05 * rnd(), 0.001 * rnd(), -0.001 * rnd(), 0]
      : [0, 0, 0, 0, 0];
    return lookAt(
      `cam${i + 1}`,
      [r * Math.cos(a), r * Math.sin(a), 1 + rnd() * 0.8],
      [0, 0, 1],
      i % 2 === 0,
      d,
    );
  });
}

export const JOINTS = SKELETONS.blazepose_33.joints;
export const PAIRS = sidePairs(JOINTS);

/** A standing body (33 BlazePose joints, metres, z up) at (x, y), left side towards +x rotated by `yaw`. */
export function body(x: number, y: number, yaw: number): number[][] {
  return JOINTS.map((name, k) => {
    const side = /(^|_)left(_|$)/.test(name) ? 1 : /(^|_)right(_|$)/.test(name) ? -1 : 0;
    const w = side * (0.12 + 0.01 * (k % 5));
    const f = 0.03 * ((k * 7) % 5) - 0.06;
    const z = Math.max(0.05, 1.75 - 0.052 * (k - (side < 0 ? 1 : 0)));
    return [x + w * Math.cos(yaw) - f * Math.sin(yaw), y + w * Math.sin(yaw) + f * Math.cos(yaw), z];
  });
}

export function detect(
  cam: Parameters<typeof projectPoint>[0],
  pts: number[][],
  noise: () => number,
  flip: boolean,
): Detection2D {
  const uv = new Float64Array(2 * pts.length);
  pts.forEach((X, k) => {
    const [u, v] = projectPoint(cam, X);
    uv[2 * k] = u + noise();
    uv[2 * k + 1] = v + noise();
  });
  if (flip)
    for (const [l, r] of PAIRS)
      for (const i of [0, 1]) {
        const t = uv[2 * l + i] as number;
        uv[2 * l + i] = uv[2 * r + i] as number;
        uv[2 * r + i] = t;
      }
  return { uv, confidence: new Float64Array(pts.length).fill(0.9) };
}
