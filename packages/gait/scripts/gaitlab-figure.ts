// Renders the README figure: knee flexion over the normalised gait cycle on gaitlab_input.mp4, OpenPose BODY_25
// keypoints (2D) vs neuropose-infer (BlazePose world 3D), mean ± SD per side, and prints the numbers quoted in
// the README. Run from the repo root (needs ../shared/fixtures and a built neuropose-infer):
//   npx esbuild packages/gait/scripts/gaitlab-figure.ts --bundle --platform=node --format=esm \
//     --outfile=/tmp/gaitlab-figure.mjs && node /tmp/gaitlab-figure.mjs
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { writeFileAtomicSync } from "../../io/src/index.js";
import { inferCached, readOpenPoseFolder } from "../src/_gaitlab.js";
import { analyzeGait, analyzePredictions, type GaitCurve } from "../src/index.js";

const root = process.cwd();
const fixtures = resolve(root, "..", "shared", "fixtures");
const op = analyzeGait(readOpenPoseFolder(resolve(fixtures, "openpose/mobile-gaitlab_input_keypoints")), {
  fps: 29.97,
  skeleton: "openpose_body_25",
});
const bp = analyzePredictions(
  JSON.parse(
    readFileSync(inferCached(root, resolve(fixtures, "videos/gaitlab_input.mp4"), "gaitlab_input"), "utf8"),
  ),
);
const W = 720;
const H = 318;
const panel = (x0: number, title: string, curves: GaitCurve[]) => {
  const w = 330;
  const h = 220;
  const y0 = 40;
  const X = (p: number) => x0 + 40 + (p / 100) * (w - 50);
  const Y = (v: number) => y0 + h - ((v + 10) / 90) * h;
  let s = `<text x="${x0 + 40}" y="24" font-size="13" font-weight="bold">${title}</text>`;
  for (const v of [0, 20, 40, 60, 80]) {
    s += `<line x1="${X(0)}" x2="${X(100)}" y1="${Y(v)}" y2="${Y(v)}" stroke="#ddd"/><text x="${x0 + 34}" y="${Y(v) + 4}" font-size="10" text-anchor="end">${v}°</text>`;
  }
  for (const p of [0, 20, 40, 60, 80, 100])
    s += `<text x="${X(p)}" y="${y0 + h + 14}" font-size="10" text-anchor="middle">${p}%</text>`;
  const colors = { left: "#c0392b", right: "#2471a3" };
  for (const c of curves) {
    const m = c.mean as number[];
    const sd = c.sd.map((v) => v ?? 0);
    const band = [
      ...m.map((v, i) => `${X(i)},${Y(v + sd[i])}`),
      ...m.map((v, i) => `${X(i)},${Y(v - sd[i])}`).reverse(),
    ].join(" ");
    s += `<polygon points="${band}" fill="${colors[c.side]}" opacity="0.15"/>`;
    s += `<polyline points="${m.map((v, i) => `${X(i)},${Y(v)}`).join(" ")}" fill="none" stroke="${colors[c.side]}" stroke-width="2"/>`;
    if (c.toeOffPct !== null)
      s += `<line x1="${X(c.toeOffPct)}" x2="${X(c.toeOffPct)}" y1="${y0}" y2="${y0 + h}" stroke="${colors[c.side]}" stroke-dasharray="3,3"/>`;
  }
  s += `<text x="${X(50)}" y="${y0 + h + 28}" font-size="11" text-anchor="middle">% of stride (heel strike to heel strike); dashed: toe off</text>`;
  return s;
};
const knees = (g: typeof op) => g.curves.filter((c) => c.joint === "knee");
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<title>Knee flexion over the gait cycle, gaitlab_input.mp4</title>
<rect width="100%" height="100%" fill="white"/>
${panel(
  0,
  `OpenPose 2D: knee flexion (n = ${knees(op)
    .map((c) => c.strides)
    .join(" / ")})`,
  knees(op),
)}
${panel(
  360,
  `neuropose-infer 3D (n = ${knees(bp)
    .map((c) => c.strides)
    .join(" / ")})`,
  knees(bp),
)}
<text x="${W - 10}" y="${H - 6}" font-size="10" text-anchor="end">red: left, blue: right; mean ± SD; 0° = straight knee, flexion +</text>
</svg>
`;
writeFileAtomicSync(resolve(root, "packages/gait/docs/gaitlab-knee.svg"), svg);
for (const [name, g] of [
  ["OpenPose", op],
  ["BlazePose", bp],
] as const) {
  const p = g.parameters.overall;
  const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? "—" : v.toFixed(d));
  console.log(
    `${name}: strikes ${g.events.heelStrikes.length}, strides ${p.left.strides}/${p.right.strides}, cadence ${f(p.cadence)}, ` +
      `stride time ${f(p.left.strideTime.mean, 3)}/${f(p.right.strideTime.mean, 3)} s, stance ${f(p.left.stancePct.mean)}/${f(p.right.stancePct.mean)} %, ` +
      `DS ${f(p.left.doubleSupportPct.mean)}/${f(p.right.doubleSupportPct.mean)} %, stride length ${f(p.left.strideLength.mean, 2)}/${f(p.right.strideLength.mean, 2)} m, ` +
      `SI step time ${f(p.asymmetry.stepTime.symmetryIndex)} %`,
  );
  for (const c of knees(g))
    console.log(
      `  knee ${c.side}: loading peak ${f(c.loadingMax?.value)}° at ${c.loadingMax?.pct}%, swing peak ${f(c.swingMax?.value)}° at ${c.swingMax?.pct}%, ROM ${f(c.rom)}°`,
    );
}
