// The accuracy statement of NeuroPose's multi-camera angles, measured on the four-camera calibrated trial in
// ../shared/fixtures/pose2sim_multiperson (two people, 4 portrait views 1088×1920, 60 fps, Qualisys calibration).
// It measures what users get: every number comes from @neuropose/infer's processCameras, the function
// `neuropose-infer --cameras` calls, run on the per-camera 2D predictions that CLI wrote:
//
//   F=../shared/fixtures/pose2sim_multiperson
//   neuropose-infer --cameras $F/videos/cam0{1,2,3,4}.mp4 --calibration $F/calibration/Calib.qca.txt \
//     --max-people 2 --save-2d DIR -o trial.3d.json
//   node benchmarks/multiview/accuracy.mjs DIR [--min-confidence=0.5] [--max-error=20] [--cutoff=6]
//
// (processCameras with `from2d: DIR` is `neuropose-infer --cameras … --from-2d DIR`: the same triangulation
// without running the model again.) It prints: where the reprojection error comes from (per camera and keypoint
// group, the mean signed residual per camera, per person), the median reprojection error per camera, bone-length
// CV per person on the raw 3D and filtered as Pose2Sim filters (`--reject-outliers --lowpass 6`: Hampel, then the
// zero-lag Butterworth, gaps ≤ 6 frames filled; the bone-length model is not used), the monocular-vs-triangulated knee table and leave-one-camera-out changes.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { processCameras } from "@neuropose/infer";
import { projectPoint, readCalibration } from "@neuropose/multiview";
import { dir2dArg } from "./_dir2d.mjs";

const dir2d = dir2dArg("accuracy.mjs");
const fixtures = resolve(new URL("../../../shared/fixtures/pose2sim_multiperson", import.meta.url).pathname);
const calibration = join(fixtures, "calibration", "Calib.qca.txt");
const { cameras: cams } = await readCalibration(calibration);
const videos = cams.map((c) => join(fixtures, "videos", `${c.name}.mp4`));
const arg = (name, dflt) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? dflt);
const MIN_CONF = arg("min-confidence", 0.5);
const MAX_ERR = arg("max-error", 20); // px, at 1088×1920 (the CLI's defaults)
const CUTOFF = arg("cutoff", 6); // Hz, order 4 (gait practice, as Pose2Sim filters)
const MAX_GAP = 6; // frames filled before filtering (0.1 s at 60 fps)

const run = (vids, extra = {}) =>
  processCameras({
    videos: vids,
    calibration,
    from2d: dir2d,
    pipeline: {},
    minConfidence: MIN_CONF,
    maxReprojectionPx: MAX_ERR,
    ...extra,
  });
const raw = await run(videos);
// Pose2Sim's filtering (its demo's Config.toml): outliers rejected (Hampel), then the zero-lag Butterworth.
const FILTERS = { rejectOutliers: true, lowpass: { cutoffHz: CUTOFF, order: 4, maxGap: MAX_GAP } };
const filtered = await run(videos, FILTERS);
const mono = cams.map((c) => JSON.parse(readFileSync(join(dir2d, `${c.name}.json`), "utf8")));

const median = (a) => {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  if (!s.length) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const sd = (a) => Math.sqrt(mean(a.map((x) => (x - mean(a)) ** 2)));
const cv = (a) => (100 * sd(a)) / mean(a);
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
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");

/** Per person id: frame index → { X (K×3), err (K), views (K) }. */
function tracks(doc) {
  const byId = new Map();
  for (const [key, fr] of Object.entries(doc.frames)) {
    const f = Number(key.slice(6));
    (fr.person_ids ?? []).forEach((id, p) => {
      if (!byId.has(id)) byId.set(id, new Map());
      byId.get(id).set(f, { X: fr.poses3d[p], err: fr.reprojection_error[p], views: fr.views[p] });
    });
  }
  return byId;
}
const rawTracks = tracks(raw.predictions);
const filtTracks = tracks(filtered.predictions);
const ids = [...rawTracks.keys()].filter((id) => rawTracks.get(id).size >= 20).sort((a, b) => a - b);
const keypointsFound = (t) => {
  let n = 0;
  let found = 0;
  for (const e of t.values())
    for (const X of e.X) {
      n++;
      if (Number.isFinite(X[0])) found++;
    }
  return `${((100 * found) / n).toFixed(0)} %`;
};
console.log(
  `frames: ${raw.predictions.metadata.frame_count}; people followed: ${rawTracks.size} (${[...rawTracks.values()].map((t) => `${t.size} frames, ${keypointsFound(t)} of keypoints triangulated`).join("; ")}); min confidence ${MIN_CONF}, view rejection beyond ${MAX_ERR} px`,
);

// 1. Where the reprojection error comes from.
const GROUPS = {
  face: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  shoulders: [11, 12],
  elbows: [13, 14],
  wrists: [15, 16],
  hands: [17, 18, 19, 20, 21, 22],
  hips: [23, 24],
  knees: [25, 26],
  ankles: [27, 28],
  heels: [29, 30],
  "foot index": [31, 32],
};
console.log("\nWhere the error comes from: median reprojection error (px) per keypoint group and camera");
console.log(`| group | ${cams.map((c) => c.name).join(" | ")} |\n|---|${cams.map(() => "---").join("|")}|`);
for (const [g, ks] of Object.entries(GROUPS))
  console.log(
    `| ${g} | ${raw.medianErrorPxByKeypoint.map((byK) => f1(median(ks.map((k) => byK[k])))).join(" | ")} |`,
  );
console.log(
  `\nMean signed residual per camera (detected − reprojected, px; a calibration convention error would show here as a bias in one direction): ${raw.meanResidualPx.map(([du, dv], i) => `${cams[i].name} (${du.toFixed(2)}, ${dv.toFixed(2)})`).join(", ")}`,
);
console.log("Per person, median RMS reprojection error over the views used (px), by group:");
for (const id of ids) {
  const t = rawTracks.get(id);
  const cells = Object.entries(GROUPS).map(
    ([g, ks]) => `${g} ${f1(median([...t.values()].flatMap((e) => ks.map((k) => e.err[k]))))}`,
  );
  console.log(`  person ${id + 1}: ${cells.join(", ")}`);
}

// 2. The targets.
console.log("\nMedian reprojection error per camera (px, 1088×1920; raw 3D):");
console.log(
  `| ${cams.map((c) => c.name).join(" | ")} |\n|${cams.map(() => "---").join("|")}|\n| ${raw.medianErrorPx.map((e) => e.toFixed(2)).join(" | ")} |`,
);

const BONES = {
  "left thigh": [23, 25],
  "right thigh": [24, 26],
  "left shank": [25, 27],
  "right shank": [26, 28],
  "left upper arm": [11, 13],
  "right upper arm": [12, 14],
};
console.log(
  `\nBone-length CV per person: raw 3D / filtered (Hampel outlier rejection, then the ${CUTOFF} Hz Butterworth, order 4, zero lag, gaps ≤ ${MAX_GAP} frames filled; no bone-length model) [monocular world landmarks per view]:`,
);
// Each view's monocular detection of a triangulated person: the one nearest the person's reprojection.
function monoOf(view, f, X) {
  const fr = mono[view].frames[`frame_${String(f).padStart(6, "0")}`];
  if (!fr) return undefined;
  let best;
  let bestD = 40;
  fr.poses2d.forEach((pts, p) => {
    const d = median(
      pts.map((q, k) => {
        if (!Number.isFinite(X[k][0])) return Number.NaN;
        const [u, v] = projectPoint(cams[view], X[k]);
        return Math.hypot(u - q[0], v - q[1]);
      }),
    );
    if (d < bestD) {
      bestD = d;
      best = fr.poses3d[p];
    }
  });
  return best;
}
for (const id of ids) {
  const t = rawTracks.get(id);
  const ft = filtTracks.get(id) ?? new Map();
  const cells = Object.entries(BONES).map(([name, [a, b]]) => {
    const len = (m) => [...m.values()].map((e) => dist(e.X[a], e.X[b])).filter(Number.isFinite);
    const r = len(t);
    const monoCv = cams.map((_, view) => {
      const v = [...t.entries()]
        .filter(([, e]) => e.views[a] & (1 << view))
        .map(([f, e]) => monoOf(view, f, e.X))
        .filter(Boolean)
        .map((m) => dist(m[a], m[b]));
      return v.length > 5 ? cv(v).toFixed(1) : "–";
    });
    return `${name} ${cv(r).toFixed(1)} / ${cv(len(ft)).toFixed(1)} % (${(mean(r) * 100).toFixed(1)} cm) [${monoCv.join("/")}]`;
  });
  console.log(`person ${id + 1}: ${cells.join("; ")}`);
}

console.log(
  "\nMonocular knee flexion (each view's BlazePose world landmarks, as a single-camera run gives it) vs triangulated (all views, raw):",
);
console.log(
  "| person | side | camera | n | bias (°) | r | mean abs diff (°) |\n|---|---|---|---|---|---|---|",
);
for (const id of ids)
  for (const side of ["left", "right"])
    for (let view = 0; view < cams.length; view++) {
      const tri = [];
      const mo = [];
      for (const [f, e] of rawTracks.get(id)) {
        const t = kneeFlexion(e.X, side);
        if (!Number.isFinite(t)) continue;
        const m = monoOf(view, f, e.X);
        const mm = m ? kneeFlexion(m, side) : Number.NaN;
        if (!Number.isFinite(mm)) continue;
        tri.push(t);
        mo.push(mm);
      }
      if (tri.length < 10) continue;
      const d = mo.map((x, k) => x - tri[k]);
      console.log(
        `| ${id + 1} | ${side} | ${cams[view].name} | ${tri.length} | ${mean(d).toFixed(1)} | ${pearson(mo, tri).toFixed(2)} | ${mean(d.map(Math.abs)).toFixed(1)} |`,
      );
    }

console.log(
  "\nLeave one camera out (knee flexion from the other 3 views vs all 4, same person by nearest 3D; median |change| in °, raw / filtered):",
);
const loo = [];
for (let out = 0; out < cams.length; out++) {
  const three = videos.filter((_, i) => i !== out);
  const changes = [];
  for (const [full, extra] of [
    [rawTracks, {}],
    [filtTracks, FILTERS],
  ]) {
    const r3 = tracks((await run(three, extra)).predictions);
    const ch = [];
    for (const id of ids)
      for (const [f, e] of full.get(id) ?? []) {
        let best;
        let bestD = 0.3;
        for (const t of r3.values()) {
          const o = t.get(f);
          if (!o) continue;
          const d = median(e.X.map((X, k) => dist(X, o.X[k])));
          if (d < bestD) {
            bestD = d;
            best = o;
          }
        }
        if (!best) continue;
        for (const side of ["left", "right"]) {
          const a = kneeFlexion(e.X, side);
          const b = kneeFlexion(best.X, side);
          if (Number.isFinite(a) && Number.isFinite(b)) ch.push(Math.abs(a - b));
        }
      }
    changes.push(`${median(ch).toFixed(2)}°`);
    if (full === rawTracks) changes.push(`(n = ${ch.length})`);
  }
  loo.push(`without ${cams[out].name}: ${changes.join(" ")}`);
}
console.log(loo.join("; "));
