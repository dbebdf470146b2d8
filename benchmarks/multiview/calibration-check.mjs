// Is the reprojection error of the four-camera pose2sim trial a calibration convention error? (The multiview
// README's "Where the error comes from".) A synthetic round trip through our own projection cannot tell, so this
// looks at the real residuals:
//   node benchmarks/multiview/calibration-check.mjs DIR     (DIR: the 2D of `neuropose-infer --cameras … --save-2d DIR`)
// It prints the median reprojection error per camera with the Qualisys distortion read as Pose2Sim reads it (/64),
// undivided, and without distortion; per camera the mean and median signed residual and a radial fit of the
// residuals (a k1-equivalent: a wrong distortion sign or scale gives one sign on every camera); the error with each
// camera shifted by ±1 frame; and the error by the number of views a keypoint was triangulated from.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SKELETONS } from "@neuropose/io";
import {
  createMultiviewTracker,
  parseQualisysCalibration,
  projectPoint,
  sidePairs,
  triangulatePredictions,
} from "@neuropose/multiview";
import { dir2dArg } from "./_dir2d.mjs";

const dir2d = dir2dArg("calibration-check.mjs");
const fixtures = resolve(new URL("../../../shared/fixtures/pose2sim_multiperson", import.meta.url).pathname);
const base = parseQualisysCalibration(
  readFileSync(join(fixtures, "calibration", "Calib.qca.txt"), "utf8"),
).cameras;
const docs = base.map((c) => JSON.parse(readFileSync(join(dir2d, `${c.name}.json`), "utf8")));
const keys = Object.keys(docs[0].frames).sort();
const pairs = sidePairs(SKELETONS.blazepose_33.joints);
const OPTIONS = { minConfidence: 0.5, maxReprojectionPx: 20, sidePairs: pairs }; // the CLI's defaults
const conf = (fr, p, k) => Math.min(fr.visibility?.[p]?.[k] ?? 1, fr.presence?.[p]?.[k] ?? 1);
const median = (a) => {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  return s.length ? s[s.length >> 1] : Number.NaN;
};
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const popcount = (x) => {
  let c = 0;
  for (let y = x; y; y &= y - 1) c++;
  return c;
};

/** Signed residuals (detected − reprojected) of every keypoint a view contributed, through the tracker. */
function residuals(cams) {
  const tracker = createMultiviewTracker(cams, OPTIONS);
  const out = [];
  for (const key of keys) {
    const dets = cams.map((_, v) =>
      (docs[v].frames[key]?.poses2d ?? []).map((pts, p) => ({
        uv: Float64Array.from(pts.flat()),
        confidence: Float64Array.from(pts.map((_, k) => conf(docs[v].frames[key], p, k))),
      })),
    );
    for (const person of tracker.step(dets))
      for (let v = 0; v < cams.length; v++) {
        const det = dets[v][person.detections[v]];
        if (!det) continue;
        for (let k = 0; k < 33; k++) {
          if (!(person.views[k] & (1 << v))) continue;
          let kk = k; // the detection's keypoint after the view's side swaps
          pairs.forEach(([l, r], j) => {
            if (person.swapped[v] & (1 << j)) kk = k === l ? r : k === r ? l : kk;
          });
          const [pu, pv] = projectPoint(cams[v], [...person.points.subarray(3 * k, 3 * k + 3)]);
          const u = det.uv[2 * kk];
          const w = det.uv[2 * kk + 1];
          out.push({ view: v, du: u - pu, dv: w - pv, u, v: w, views: popcount(person.views[k]) });
        }
      }
  }
  return out;
}
const perCamera = (res) =>
  base.map((_, v) => median(res.filter((r) => r.view === v).map((r) => Math.hypot(r.du, r.dv))).toFixed(2));

const withDist = (f) => base.map((c) => ({ ...c, dist: c.dist.map((d) => d * f) }));
const res = residuals(base);
console.log("Median reprojection error per camera (px):");
console.log(`  distortion /64 as Pose2Sim reads it: ${perCamera(res).join(" / ")}`);
console.log(`  distortion not divided by 64:        ${perCamera(residuals(withDist(64))).join(" / ")}`);
console.log(`  no distortion:                       ${perCamera(residuals(withDist(0))).join(" / ")}`);

console.log("\nSigned residuals per camera (detected − reprojected, px) and a radial fit (k1-equivalent):");
for (const [v, c] of base.entries()) {
  const a = res.filter((r) => r.view === v);
  // least squares of the radial residual on r³·f (what a k1 error would add), in normalised coordinates
  let sxy = 0;
  let sxx = 0;
  for (const r of a) {
    const x = (r.u - c.cx) / c.fx;
    const y = (r.v - c.cy) / c.fy;
    const rn = Math.hypot(x, y) || 1;
    const f = rn ** 3 * c.fx;
    sxy += ((r.du * x + r.dv * y) / rn) * f;
    sxx += f * f;
  }
  console.log(
    `  ${c.name}: mean (${mean(a.map((r) => r.du)).toFixed(2)}, ${mean(a.map((r) => r.dv)).toFixed(2)}), median (${median(a.map((r) => r.du)).toFixed(2)}, ${median(a.map((r) => r.dv)).toFixed(2)}), k1-equivalent ${(sxy / sxx).toFixed(4)}`,
  );
}

console.log("\nOne camera shifted by a frame (median px per camera):");
for (let v = 0; v < base.length; v++)
  for (const s of [-1, 1]) {
    const offsets = base.map((_, i) => (i === v ? s : 0));
    const r = triangulatePredictions(base, docs, { ...OPTIONS, offsets });
    console.log(
      `  ${base[v].name} ${s > 0 ? "+" : ""}${s}: ${r.medianErrorPx.map((e) => e.toFixed(2)).join(" / ")}`,
    );
  }

console.log(
  `\nMedian error by views used: ${[2, 3, 4].map((n) => `${n} views ${median(res.filter((r) => r.views === n).map((r) => Math.hypot(r.du, r.dv))).toFixed(2)} px (n = ${res.filter((r) => r.views === n).length})`).join(", ")}`,
);
