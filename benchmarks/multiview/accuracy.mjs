// The accuracy statement of NeuroPose's angles, measured on the four-camera calibrated trial in
// ../shared/fixtures/pose2sim_multiperson (two people, 4 portrait views, Qualisys calibration):
//   node benchmarks/multiview/accuracy.mjs PRED_DIR     (PRED_DIR holds cam01.json … cam04.json from
//   `neuropose-infer camNN.mp4 --max-people 2 -o PRED_DIR/camNN.json`)
// It associates people across views per frame (pairwise triangulation + reprojection, not detection index),
// triangulates them (@neuropose/multiview), follows them over time, and prints: median reprojection error per
// camera, bone-length CV per person (triangulated vs each view's monocular 3D), each view's monocular knee
// flexion against the triangulated one (bias, r, mean absolute difference), and leave-one-camera-out changes.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SKELETONS } from "@neuropose/io";
import { lowpassFilter } from "@neuropose/kinematics";
import {
  constrainBones,
  createMultiviewTracker,
  estimateBoneLengths,
  parseQualisysCalibration,
  projectPoint,
  sidePairs,
  triangulateFrame,
} from "@neuropose/multiview";

const predDir = resolve(process.argv[2] ?? "/tmp/mv");
const fixtures = resolve(new URL("../../../shared/fixtures/pose2sim_multiperson", import.meta.url).pathname);
const calib = parseQualisysCalibration(readFileSync(join(fixtures, "calibration", "Calib.qca.txt"), "utf8"));
const cams = calib.cameras;
const preds = cams.map((c) => JSON.parse(readFileSync(join(predDir, `${c.name}.json`), "utf8")));
const K = 33;
const arg = (name, dflt) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? dflt);
const MIN_CONF = arg("min-confidence", 0.5);
const MAX_ERR = arg("max-error", 20); // px, at 1088×1920
const SIDE_CHECK = !process.argv.includes("--no-side-check");
const frameKeys = Object.keys(preds[0].frames).sort();

const conf = (fr, p, k) => Math.min(fr.visibility?.[p]?.[k] ?? 1, fr.presence?.[p]?.[k] ?? 1);
const detections = (view, key) => {
  const fr = preds[view].frames[key];
  if (!fr) return [];
  return fr.poses2d.map((pts, p) => ({
    uv: Float64Array.from(pts.flat()),
    confidence: Float64Array.from(pts.map((_, k) => conf(fr, p, k))),
    mono3d: fr.poses3d[p],
  }));
};
const options = {
  minConfidence: MIN_CONF,
  maxReprojectionPx: MAX_ERR,
  sidePairs: SIDE_CHECK ? sidePairs(SKELETONS.blazepose_33.joints) : [],
};
const pairGain = process.argv.find((a) => a.startsWith("--pair-swap-gain="));
if (pairGain) options.pairSwapGainPx = Number(pairGain.split("=")[1]);

function triangulateSet(members, views = null) {
  const uv = cams.map(() => new Float64Array(2 * K).fill(Number.NaN));
  const c = cams.map(() => new Float64Array(K));
  for (const m of members) {
    if (views && !views.includes(m.view)) continue;
    uv[m.view] = m.uv;
    c[m.view] = m.conf;
  }
  const t = triangulateFrame(cams, uv, c, options);
  const X = Array.from({ length: K }, (_, k) => [...t.points.subarray(3 * k, 3 * k + 3)]);
  return { X, err: t.errorPx, used: t.views };
}

// Per frame: people associated across views and side-checked by @neuropose/multiview's tracker, which also
// keeps their identities over time.
const tracker = createMultiviewTracker(cams, options);
const byId = new Map();
const perCamErr = cams.map(() => []);
let swaps = 0;
for (const [fi, key] of frameKeys.entries()) {
  const dets = cams.map((_, view) => detections(view, key));
  for (const person of tracker.step(dets)) {
    const members = [];
    for (let view = 0; view < cams.length; view++) {
      const d = person.detections[view];
      if (d < 0) continue;
      const det = dets[view][d];
      const uv = Float64Array.from(det.uv);
      const cf = Float64Array.from(det.confidence);
      options.sidePairs.forEach(([l, r], j) => {
        if (!(person.swapped[view] & (1 << j))) return;
        swaps++;
        for (const [a, b] of [
          [l, r],
          [r, l],
        ]) {
          uv[2 * a] = det.uv[2 * b];
          uv[2 * a + 1] = det.uv[2 * b + 1];
          cf[a] = det.confidence[b];
        }
      });
      members.push({ view, uv, conf: cf, mono3d: det.mono3d });
    }
    const X = Array.from({ length: K }, (_, k) => [...person.points.subarray(3 * k, 3 * k + 3)]);
    for (let k = 0; k < K; k++)
      for (const m of members)
        if (person.views[k] & (1 << m.view)) {
          const [pu, pv] = projectPoint(cams[m.view], X[k]);
          perCamErr[m.view].push(Math.hypot(pu - m.uv[2 * k], pv - m.uv[2 * k + 1]));
        }
    if (!byId.has(person.id)) byId.set(person.id, { track: [] });
    byId.get(person.id).track.push({ frame: fi, X, members, person });
  }
}
const people = [...byId.values()];

const median = (a) => {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  return s.length ? s[s.length >> 1] : Number.NaN;
};
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const sd = (a) => Math.sqrt(mean(a.map((x) => (x - mean(a)) ** 2)));
const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const angle = (a, b, c) => {
  const u = [0, 1, 2].map((i) => a[i] - b[i]);
  const v = [0, 1, 2].map((i) => c[i] - b[i]);
  const cos = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (Math.hypot(...u) * Math.hypot(...v));
  return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
};
const kneeFlexion = (X, side) =>
  side === "left" ? 180 - angle(X[23], X[25], X[27]) : 180 - angle(X[24], X[26], X[28]);
const pearson = (a, b) => {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
};

console.log(
  `frames: ${frameKeys.length}; people followed: ${people.length} (tracks of ${people.map((p) => p.track.length).join(", ")} frames); side pairs swapped in a view: ${swaps}`,
);
console.log("\nMedian reprojection error per camera (px, 1088×1920):");
console.log(
  `| ${cams.map((c) => c.name).join(" | ")} |\n|${cams.map(() => "---").join("|")}|\n| ${perCamErr.map((e) => median(e).toFixed(2)).join(" | ")} |`,
);

const BONES = {
  "left thigh": [23, 25],
  "right thigh": [24, 26],
  "left shank": [25, 27],
  "right shank": [26, 28],
  "left upper arm": [11, 13],
  "right upper arm": [12, 14],
};
const main = people.filter((p) => p.track.length >= 20);
// The per-subject bone-length model (lengths from confident frames, each frame pulled onto them).
const EDGES = SKELETONS.blazepose_33.edges;
const boneErr = cams.map(() => []);
for (const person of main) {
  const lengths = estimateBoneLengths(
    person.track.map((e) => e.person),
    EDGES,
  );
  for (const e of person.track) {
    const c = constrainBones(e.person.points, e.person.errorPx, EDGES, lengths);
    e.bone = Array.from({ length: K }, (_, k) => [c[3 * k], c[3 * k + 1], c[3 * k + 2]]);
    for (let k = 0; k < K; k++)
      for (const m of e.members)
        if (e.person.views[k] & (1 << m.view)) {
          const [pu, pv] = projectPoint(cams[m.view], e.bone[k]);
          boneErr[m.view].push(Math.hypot(pu - m.uv[2 * k], pv - m.uv[2 * k + 1]));
        }
  }
}
// The same trajectories after the clinical zero-lag Butterworth low-pass (6 Hz, order 4, gaps ≤ 6 frames filled).
const fps = preds[0].metadata.fps;
for (const person of main) {
  const byFrame = new Map(person.track.map((e) => [e.frame, e]));
  person.filtered = new Map(person.track.map((e) => [e.frame, e.X.map(() => [0, 0, 0])]));
  for (let k = 0; k < K; k++)
    for (let i = 0; i < 3; i++) {
      const x = frameKeys.map((_, f) => byFrame.get(f)?.X[k][i] ?? Number.NaN);
      const y = lowpassFilter(x, { fsHz: fps, cutoffHz: 6, order: 4, maxGap: 6 }).values;
      for (const [f, X] of person.filtered) X[k][i] = y[f];
    }
}
console.log("\nBone-length CV per person (triangulated; monocular per view in brackets):");
for (const [i, person] of main.entries()) {
  const cells = [];
  for (const [name, [a, b]] of Object.entries(BONES)) {
    const tri = person.track.map((e) => dist(e.X[a], e.X[b])).filter(Number.isFinite);
    const filt = [...person.filtered.values()].map((X) => dist(X[a], X[b])).filter(Number.isFinite);
    const boned = person.track.map((e) => dist(e.bone[a], e.bone[b])).filter(Number.isFinite);
    const mono = cams.map((_, view) => {
      const v = person.track
        .map((e) => e.members.find((m) => m.view === view))
        .filter(Boolean)
        .map((m) => dist(m.mono3d[a], m.mono3d[b]));
      return v.length > 5 ? ((100 * sd(v)) / mean(v)).toFixed(1) : "–";
    });
    cells.push(
      `${name} ${((100 * sd(tri)) / mean(tri)).toFixed(1)} % (${(mean(tri) * 100).toFixed(1)} cm; 6 Hz: ${((100 * sd(filt)) / mean(filt)).toFixed(1)} %; bone model: ${((100 * sd(boned)) / mean(boned)).toFixed(1)} %) [${mono.join("/")}]`,
    );
  }
  console.log(`person ${i + 1}: ${cells.join("; ")}`);
}

console.log(
  `\nWith the bone-length model, median reprojection error per camera: ${boneErr.map((e) => median(e).toFixed(2)).join(" / ")} px`,
);
console.log("\nMonocular knee flexion (each view's BlazePose world landmarks) vs triangulated (4 views):");
console.log(
  "| person | side | camera | n | bias (°) | r | mean abs diff (°) |\n|---|---|---|---|---|---|---|",
);
for (const [i, person] of main.entries())
  for (const side of ["left", "right"])
    for (let view = 0; view < cams.length; view++) {
      const tri = [];
      const mono = [];
      for (const e of person.track) {
        const m = e.members.find((x) => x.view === view);
        const t = kneeFlexion(e.X, side);
        if (!m || !Number.isFinite(t)) continue;
        const mm = kneeFlexion(m.mono3d, side);
        if (!Number.isFinite(mm)) continue;
        tri.push(t);
        mono.push(mm);
      }
      if (tri.length < 10) continue;
      const d = mono.map((x, k) => x - tri[k]);
      console.log(
        `| ${i + 1} | ${side} | ${cams[view].name} | ${tri.length} | ${mean(d).toFixed(1)} | ${pearson(mono, tri).toFixed(2)} | ${mean(d.map(Math.abs)).toFixed(1)} |`,
      );
    }

console.log("\nLeave one camera out (knee flexion from the other 3 views vs all 4; median |change| in °):");
const loo = [];
for (let out = 0; out < cams.length; out++) {
  const ch = [];
  for (const person of main)
    for (const e of person.track) {
      const views = e.members.map((m) => m.view).filter((v) => v !== out);
      if (views.length < 2) continue;
      const t3 = triangulateSet(e.members, views);
      for (const side of ["left", "right"]) {
        const a = kneeFlexion(e.X, side);
        const b = kneeFlexion(t3.X, side);
        if (Number.isFinite(a) && Number.isFinite(b)) ch.push(Math.abs(a - b));
      }
    }
  loo.push(`without ${cams[out].name}: ${median(ch).toFixed(2)}° (n = ${ch.length})`);
}
console.log(loo.join("; "));
