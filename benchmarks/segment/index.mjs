// Segmentation and kinematics speed: @neuropose/segment's findPeaks / segmentByPeaks and @neuropose/kinematics'
// extractJointAngles / procrustesAlign (built packages) beside textbook JavaScript versions run in the same
// process. `node benchmarks/segment/index.mjs [--quick]`.
import { extractJointAngles, poseSequence, procrustesAlign } from "@neuropose/kinematics";
import { findPeaks, segmentByPeaks } from "@neuropose/segment";

const quick = process.argv.includes("--quick");
let seed = 7;
function rnd() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648 - 0.5;
}

/** A heel-height-like trace: 1 s strides at 30 fps with noise. */
function gaitSignal(n) {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 100 * Math.sin((2 * Math.PI * i) / 30) + 5 * rnd();
  return x;
}

/** Textbook peak finding: strict local maxima (plateaus ignored), greedy distance by height, prominence walk. */
function textbookPeaks(x, distance, prominence) {
  let peaks = [];
  for (let i = 1; i < x.length - 1; i++) if (x[i - 1] < x[i] && x[i] > x[i + 1]) peaks.push(i);
  const byHeight = [...peaks].sort((a, b) => x[b] - x[a]);
  const kept = new Set();
  const removed = new Set();
  for (const p of byHeight) {
    if (removed.has(p)) continue;
    kept.add(p);
    for (const q of peaks) if (q !== p && Math.abs(q - p) < distance) removed.add(q);
  }
  peaks = peaks.filter((p) => kept.has(p) && !removed.has(p));
  return peaks.filter((p) => {
    let l = p;
    let lmin = x[p];
    while (l >= 0 && x[l] <= x[p]) lmin = Math.min(lmin, x[l--]);
    let r = p;
    let rmin = x[p];
    while (r < x.length && x[r] <= x[p]) rmin = Math.min(rmin, x[r++]);
    return x[p] - Math.max(lmin, rmin) >= prominence;
  });
}

function time(fn, minMs = 300) {
  fn();
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    reps++;
    t = performance.now();
  }
  return (t - t0) / reps;
}

console.log("findPeaks (distance 12, prominence 50) on a noisy 30 fps gait trace");
for (const n of quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]) {
  const x = gaitSignal(n);
  const ours = time(() => findPeaks(x, { distance: 12, prominence: 50 }));
  const base = n <= 100_000 ? time(() => textbookPeaks(x, 12, 50)) : Number.NaN;
  const seg = time(() => segmentByPeaks(x, { minDistance: 12, minProminence: 50 }));
  console.log(
    `  n=${n}: findPeaks ${ours.toFixed(2)} ms (${((ours / n) * 1e6).toFixed(0)} ns/sample), textbook ${
      Number.isNaN(base) ? "skipped" : `${base.toFixed(2)} ms`
    }, ratio textbook/ours ${Number.isNaN(base) ? "-" : (base / ours).toFixed(2)}; segmentByPeaks ${seg.toFixed(2)} ms`,
  );
}

const F = quick ? 2000 : 10_000;
const J = 33;
const a = poseSequence(F, J, Float64Array.from({ length: F * J * 3 }, rnd));
const b = poseSequence(F, J, Float64Array.from({ length: F * J * 3 }, rnd));
const triplets = Array.from({ length: 8 }, (_, i) => [i, i + 1, i + 2]);
const nested = Array.from({ length: F }, (_, f) =>
  Array.from({ length: J }, (_, j) => Array.from(a.data.subarray((f * J + j) * 3, (f * J + j + 1) * 3))),
);
function textbookAngles(seq, trips) {
  return seq.map((frame) =>
    trips.map(([p, q, r]) => {
      const v1 = frame[p].map((v, k) => v - frame[q][k]);
      const v2 = frame[r].map((v, k) => v - frame[q][k]);
      const dot = v1.reduce((s, v, k) => s + v * v2[k], 0);
      const n1 = Math.hypot(...v1);
      const n2 = Math.hypot(...v2);
      return Math.acos(Math.min(1, Math.max(-1, dot / (n1 * n2))));
    }),
  );
}
const angOurs = time(() => extractJointAngles(a, triplets));
const angBase = time(() => textbookAngles(nested, triplets));
console.log(
  `extractJointAngles ${F} frames x 8 triplets: ${angOurs.toFixed(2)} ms, textbook (nested arrays) ${angBase.toFixed(2)} ms, ratio ${(angBase / angOurs).toFixed(2)}`,
);
const pf = time(() => procrustesAlign(a, b, { mode: "per_frame" }), 500);
const ps = time(() => procrustesAlign(a, b, { mode: "per_sequence" }), 500);
console.log(
  `procrustesAlign ${F} frames x ${J} joints: per_frame ${pf.toFixed(1)} ms (${((pf / F) * 1000).toFixed(2)} us/frame), per_sequence ${ps.toFixed(1)} ms; ratio per_frame/per_sequence ${(pf / ps).toFixed(1)}`,
);
