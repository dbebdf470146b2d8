import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { rig } from "./_testing.js";
import {
  formatCalibrationJson,
  formatCalibrationToml,
  parseCalibrationJson,
  parseCalibrationToml,
  parseQualisysCalibration,
} from "./calibration.js";
import {
  type Camera,
  cameraCenter,
  matrixToRodrigues,
  projectPoint,
  rodriguesToMatrix,
  undistortPixel,
} from "./camera.js";
import { triangulateFrame, triangulatePoint } from "./triangulate.js";

describe("camera model", () => {
  it("Rodrigues round-trips, including angles near π", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.double({ min: -1, max: 1, noNaN: true }),
          fc.double({ min: -1, max: 1, noNaN: true }),
          fc.double({ min: -1, max: 1, noNaN: true }),
        ),
        fc.double({ min: 0, max: Math.PI - 1e-9, noNaN: true }),
        (axis, angle) => {
          const n = Math.hypot(...axis);
          fc.pre(n > 1e-3);
          const r = axis.map((v) => (v / n) * angle);
          const R = rodriguesToMatrix(r);
          const back = rodriguesToMatrix(matrixToRodrigues(R));
          for (let i = 0; i < 9; i++) expect(back[i]).toBeCloseTo(R[i] as number, 6);
        },
      ),
    );
  });

  it("undistortPixel inverts the distortion", () => {
    const cam = rig(1, 7, true)[0] as Camera;
    fc.assert(
      fc.property(
        fc.double({ min: -0.4, max: 0.4, noNaN: true }),
        fc.double({ min: -0.6, max: 0.6, noNaN: true }),
        (x, y) => {
          const X = [0, 0, 0].map(
            (_, i) =>
              (cameraCenter(cam)[i] as number) +
              (cam.R[6 + i] as number) * 2 +
              (cam.R[i] as number) * x * 2 +
              (cam.R[3 + i] as number) * y * 2,
          );
          const [u, v] = projectPoint(cam, X);
          const [xn, yn] = undistortPixel(cam, u, v);
          expect(xn).toBeCloseTo(x, 9);
          expect(yn).toBeCloseTo(y, 9);
        },
      ),
    );
  });
});

describe("triangulation on synthetic scenes", () => {
  it("recovers 3D exactly without noise and within the noise with it (2–6 cameras, portrait and distorted)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.boolean(),
        (n, seed, distorted) => {
          const cams = rig(n, seed, distorted);
          let s = seed;
          const rnd = () => {
            s = (s * 48271) % 2147483647;
            return s / 2147483647;
          };
          const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
          const K = 20;
          const truth = Array.from({ length: K }, () => [rnd() - 0.5, rnd() - 0.5, 0.2 + rnd() * 1.6]);
          for (const sigma of [0, 1]) {
            const uv = cams.map((c) => {
              const a = new Float64Array(2 * K);
              truth.forEach((X, k) => {
                const [u, v] = projectPoint(c, X);
                a[2 * k] = u + sigma * gauss();
                a[2 * k + 1] = v + sigma * gauss();
              });
              return a;
            });
            const f = triangulateFrame(
              cams,
              uv,
              cams.map(() => new Float64Array(K).fill(0.9)),
            );
            truth.forEach((X, k) => {
              const err = Math.hypot(...X.map((v, i) => v - (f.points[3 * k + i] as number)));
              // 1 px at ~3.5 m with f = 1400 px is 2.5 mm; allow 4 sigma over two views' geometry.
              expect(err).toBeLessThan(sigma === 0 ? 1e-7 : 0.03);
              expect(f.views[k]).toBe((1 << n) - 1);
            });
          }
        },
      ),
      { numRuns: 40, seed: 1234 },
    );
  });

  it("drops an outlier view, and gives NaN (never a guess) with fewer than two good views", () => {
    const cams = rig(4, 99, true);
    const X = [0.1, -0.2, 1.1];
    const uv = cams.map((c) => projectPoint(c, X));
    const u = uv.map((q) => q[0]);
    const v = uv.map((q) => q[1]);
    u[2] = (u[2] as number) + 120; // a mis-detection in camera 3
    const p = triangulatePoint(cams, u, v, [0.9, 0.9, 0.9, 0.9]);
    expect(p.views).toBe(0b1011);
    expect(Math.hypot(...X.map((x, i) => x - (p.X[i] as number)))).toBeLessThan(1e-7);
    const one = triangulatePoint(
      cams,
      [u[0] as number, Number.NaN, Number.NaN, Number.NaN],
      [v[0] as number, 0, 0, 0],
      [0.9, 0.9, 0.9, 0.9],
    );
    expect(one.X.every(Number.isNaN)).toBe(true);
    const lowConf = triangulatePoint(cams, u, v, [0.9, 0.1, 0.9, 0.1]);
    // Views 1 and 3 are below the confidence floor; 0 and 2 disagree (120 px): no point.
    expect(lowConf.X.every(Number.isNaN)).toBe(true);
  });
});

describe("calibration formats", () => {
  it("TOML and JSON round-trip every camera parameter", () => {
    const cams = rig(3, 5, true);
    for (const back of [
      parseCalibrationToml(formatCalibrationToml(cams)).cameras,
      parseCalibrationJson(formatCalibrationJson(cams)).cameras,
    ]) {
      back.forEach((c, i) => {
        const o = cams[i] as Camera;
        expect(c.name).toBe(o.name);
        expect(c.size).toEqual(o.size);
        expect([c.fx, c.fy, c.cx, c.cy]).toEqual([o.fx, o.fy, o.cx, o.cy]);
        expect(c.dist).toEqual(o.dist);
        for (let k = 0; k < 9; k++) expect(c.R[k]).toBeCloseTo(o.R[k] as number, 12);
        for (let k = 0; k < 3; k++) expect(c.t[k]).toBeCloseTo(o.t[k] as number, 12);
      });
    }
  });

  it("bad files are one error naming the file and the field", () => {
    expect(() => parseCalibrationToml("[cam1]\nsize = [1, 2]\n", { file: "c.toml" })).toThrow(
      /c\.toml: \[cam1\] matrix/,
    );
    expect(() =>
      parseQualisysCalibration("<calibration><cameras></cameras></calibration>", { file: "x.qca.txt" }),
    ).toThrow(/x\.qca\.txt: no <calibration>/);
    expect(() => parseQualisysCalibration("not xml <", { file: "y.qca.txt" })).toThrow(/y\.qca\.txt/);
    expect(() => parseCalibrationJson('{"schema_version": 1, "cameras": []}', { file: "z.json" })).toThrow(
      /z\.json: cameras/,
    );
  });
});

fixtureSuite(
  "Qualisys calibration of the four-camera trial",
  ["pose2sim_multiperson", "calibration", "Calib.qca.txt"],
  () => {
    const ref = JSON.parse(
      readFileSync(new URL("../references/qca_pose2sim_multiperson.json", import.meta.url), "utf8"),
    ) as {
      cameras: {
        name: string;
        size: number[];
        fx: number;
        fy: number;
        cx: number;
        cy: number;
        dist: number[];
        R: number[];
        rodrigues: number[];
        t: number[];
      }[];
    };
    const calib = parseQualisysCalibration(
      readFileSync(fixturePath("pose2sim_multiperson", "calibration", "Calib.qca.txt"), "utf8"),
    );

    it("reads the four cameras as Pose2Sim converts them (Python reference)", () => {
      expect(calib.cameras.map((c) => c.name)).toEqual(ref.cameras.map((c) => c.name));
      calib.cameras.forEach((c, i) => {
        const r = ref.cameras[i] as (typeof ref.cameras)[number];
        expect(c.size).toEqual(r.size);
        expect([c.fx, c.fy, c.cx, c.cy]).toEqual([r.fx, r.fy, r.cx, r.cy]);
        expect(c.dist.slice(0, 4)).toEqual(r.dist);
        for (let k = 0; k < 9; k++) expect(c.R[k]).toBeCloseTo(r.R[k] as number, 14);
        for (let k = 0; k < 3; k++) expect(c.t[k]).toBeCloseTo(r.t[k] as number, 12);
        for (const [k, v] of matrixToRodrigues(c.R).entries())
          expect(v).toBeCloseTo(r.rodrigues[k] as number, 9);
      });
    });

    it("puts every camera 2–5 m from the lab origin, looking at it (portrait 1088×1920)", () => {
      for (const c of calib.cameras) {
        const d = Math.hypot(...cameraCenter(c));
        expect(d).toBeGreaterThan(2);
        expect(d).toBeLessThan(5);
        const [u, v] = projectPoint(c, [0, 0, 0.9]);
        expect(u).toBeGreaterThan(0);
        expect(u).toBeLessThan(c.size[0]);
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(c.size[1]);
      }
    });
  },
);
