// The one camera model of NeuroPose's multi-view geometry: OpenCV's pinhole with radial (k1, k2, k3) and
// tangential (p1, p2) distortion, world → camera rotation and translation in metres. Every calibration format
// is read into this and written from it.

/** A calibrated camera (OpenCV conventions: x right, y down, z forward; world → camera). */
export interface Camera {
  name: string;
  /** Image width and height in pixels, as the video is decoded (upright). */
  size: [number, number];
  /** Focal lengths and principal point, pixels. */
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  /** OpenCV distortion coefficients [k1, k2, p1, p2, k3]. */
  dist: [number, number, number, number, number];
  /** World → camera rotation, row-major 3×3. */
  R: number[];
  /** World → camera translation, metres. */
  t: [number, number, number];
}

/**
 * Rotation matrix (row-major) from a Rodrigues vector (axis × angle, radians), as cv2.Rodrigues.
 *
 * @example
 * ```ts
 * import { rodriguesToMatrix } from "@neuropose/multiview";
 * console.log(rodriguesToMatrix([0, 0, Math.PI / 2]).map((v) => Math.round(v))); // [0, -1, 0, 1, 0, 0, 0, 0, 1]
 * ```
 */
export function rodriguesToMatrix(r: readonly number[]): number[] {
  const [x = 0, y = 0, z = 0] = r;
  const th = Math.hypot(x, y, z);
  if (th < 1e-15) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const kx = x / th;
  const ky = y / th;
  const kz = z / th;
  const c = Math.cos(th);
  const s = Math.sin(th);
  const v = 1 - c;
  return [
    c + kx * kx * v,
    kx * ky * v - kz * s,
    kx * kz * v + ky * s,
    ky * kx * v + kz * s,
    c + ky * ky * v,
    ky * kz * v - kx * s,
    kz * kx * v - ky * s,
    kz * ky * v + kx * s,
    c + kz * kz * v,
  ];
}

/**
 * Rodrigues vector of a rotation matrix (row-major), as cv2.Rodrigues (angles near π handled).
 *
 * @example
 * ```ts
 * import { matrixToRodrigues, rodriguesToMatrix } from "@neuropose/multiview";
 * console.log(matrixToRodrigues(rodriguesToMatrix([0.1, -0.2, 0.3])).map((v) => +v.toFixed(6))); // [0.1, -0.2, 0.3]
 * ```
 */
export function matrixToRodrigues(R: readonly number[]): [number, number, number] {
  const [r00 = 1, r01 = 0, r02 = 0, r10 = 0, r11 = 1, r12 = 0, r20 = 0, r21 = 0, r22 = 1] = R;
  const rx = r21 - r12;
  const ry = r02 - r20;
  const rz = r10 - r01;
  const s = Math.hypot(rx, ry, rz) / 2;
  const c = Math.max(-1, Math.min(1, (r00 + r11 + r22 - 1) / 2));
  if (s < 1e-12 && c > 0) return [0, 0, 0];
  const th = Math.atan2(s, c);
  if (c < 0) {
    // Past π/2 the antisymmetric part (2 sin θ k) loses precision; take the axis from the symmetric part,
    // (R + Rᵀ)/2 = cos θ I + (1 − cos θ) k kᵀ, by its largest diagonal, with the sign of the antisymmetric part.
    const S = [
      r00,
      (r01 + r10) / 2,
      (r02 + r20) / 2,
      (r01 + r10) / 2,
      r11,
      (r12 + r21) / 2,
      (r02 + r20) / 2,
      (r12 + r21) / 2,
      r22,
    ];
    const d = [r00 - c, r11 - c, r22 - c];
    const i = d[0]! >= d[1]! && d[0]! >= d[2]! ? 0 : d[1]! >= d[2]! ? 1 : 2;
    const ki = Math.sqrt(Math.max(0, d[i]! / (1 - c)));
    const k = [0, 1, 2].map((j) => (j === i ? ki : S[3 * i + j]! / ((1 - c) * ki)));
    const sign = k[0]! * rx + k[1]! * ry + k[2]! * rz < 0 ? -1 : 1;
    const n = Math.hypot(k[0]!, k[1]!, k[2]!);
    return [(sign * k[0]! * th) / n, (sign * k[1]! * th) / n, (sign * k[2]! * th) / n];
  }
  const f = th / (2 * s);
  return [rx * f, ry * f, rz * f];
}

/**
 * The camera's centre in world coordinates (−Rᵀ t), metres.
 *
 * @example
 * ```ts
 * import { cameraCenter } from "@neuropose/multiview";
 * const cam = { name: "c", size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 2] as [number, number, number] };
 * console.log(cameraCenter(cam).map((v) => v + 0)); // [0, 0, -2]
 * ```
 */
export function cameraCenter(cam: Camera): [number, number, number] {
  const R = cam.R;
  const [tx, ty, tz] = cam.t;
  return [
    -((R[0] as number) * tx + (R[3] as number) * ty + (R[6] as number) * tz),
    -((R[1] as number) * tx + (R[4] as number) * ty + (R[7] as number) * tz),
    -((R[2] as number) * tx + (R[5] as number) * ty + (R[8] as number) * tz),
  ];
}

/** Apply OpenCV's distortion to normalised coordinates. */
export function distortNormalized(cam: Camera, x: number, y: number): [number, number] {
  const [k1, k2, p1, p2, k3] = cam.dist;
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3));
  return [
    x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x),
    y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y,
  ];
}

/**
 * Project a world point (metres) to pixels, with distortion; NaN when the point is behind the camera.
 *
 * @example
 * ```ts
 * import { projectPoint } from "@neuropose/multiview";
 * const cam = { name: "c", size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 2] as [number, number, number] };
 * console.log(projectPoint(cam, [0.2, 0, 0])); // [370, 240]
 * ```
 */
export function projectPoint(cam: Camera, X: readonly number[]): [number, number] {
  const R = cam.R;
  const x0 = X[0] as number;
  const x1 = X[1] as number;
  const x2 = X[2] as number;
  const xc = (R[0] as number) * x0 + (R[1] as number) * x1 + (R[2] as number) * x2 + cam.t[0];
  const yc = (R[3] as number) * x0 + (R[4] as number) * x1 + (R[5] as number) * x2 + cam.t[1];
  const zc = (R[6] as number) * x0 + (R[7] as number) * x1 + (R[8] as number) * x2 + cam.t[2];
  if (!(zc > 0)) return [Number.NaN, Number.NaN];
  const [xd, yd] = distortNormalized(cam, xc / zc, yc / zc);
  return [cam.fx * xd + cam.cx, cam.fy * yd + cam.cy];
}

/**
 * Pixel → normalised, undistorted image coordinates (the inverse of the distortion, by fixed-point iteration as
 * OpenCV's undistortPoints, run to convergence).
 *
 * @example
 * ```ts
 * import { undistortPixel } from "@neuropose/multiview";
 * const cam = { name: "c", size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 2] as [number, number, number] };
 * console.log(undistortPixel(cam, 370, 240)); // [0.1, 0]
 * ```
 */
export function undistortPixel(cam: Camera, u: number, v: number): [number, number] {
  const xd = (u - cam.cx) / cam.fx;
  const yd = (v - cam.cy) / cam.fy;
  const [k1, k2, p1, p2, k3] = cam.dist;
  if (k1 === 0 && k2 === 0 && p1 === 0 && p2 === 0 && k3 === 0) return [xd, yd];
  let x = xd;
  let y = yd;
  for (let it = 0; it < 50; it++) {
    const r2 = x * x + y * y;
    const radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3));
    const dx = 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
    const dy = p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
    const nx = (xd - dx) / radial;
    const ny = (yd - dy) / radial;
    const done = Math.abs(nx - x) < 1e-14 && Math.abs(ny - y) < 1e-14;
    x = nx;
    y = ny;
    if (done) break;
  }
  return [x, y];
}
