// Gait measures speed: @neuropose/gait's analyzeGait (events, bouts, strides, spatiotemporal parameters,
// sagittal angles, gait curves) on one hour of 30 fps BlazePose pose from the synthetic walker, beside a
// baseline run in the same process: @neuropose/kinematics' extractJointAngles of the six interior hip/knee/
// ankle angles (one pass over the same data). `node benchmarks/gait/index.mjs [--quick]`.
import { analyzeGait, synthesizeWalker } from "@neuropose/gait";
import { extractJointAngles } from "@neuropose/kinematics";

const quick = process.argv.includes("--quick");
const seconds = quick ? 600 : 3600;
const w = synthesizeWalker({ fps: 30, seconds, strideSeconds: 1.1, stance: { left: 0.62, right: 0.6 } });
const seq = w.sequence;

function time(fn, reps = 3) {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

let result;
const tGait = time(() => {
  result = analyzeGait(seq, { fps: 30, skeleton: "blazepose_33", unit: "mm", height: 1.75 });
});
const triplets = [
  [23, 25, 27],
  [24, 26, 28],
  [11, 23, 25],
  [12, 24, 26],
  [25, 27, 31],
  [26, 28, 32],
];
const tBase = time(() => extractJointAngles(seq, triplets));
console.log(
  `analyzeGait, ${seconds / 60} min at 30 fps (${seq.frames} frames x 33 joints): ${tGait.toFixed(0)} ms ` +
    `(${result.events.heelStrikes.length} heel strikes, ${result.parameters.strides.length} strides, ` +
    `cadence ${result.parameters.overall.cadence.toFixed(1)}); baseline extractJointAngles (6 triplets): ` +
    `${tBase.toFixed(0)} ms; ratio ${(tGait / tBase).toFixed(2)}x the baseline`,
);
// The target (issue 18): under 1 s for one hour. On a loaded machine compare the ratio: the baseline took
// ~130 ms unloaded (kinematics README), so a ratio under ~7x meets it.
if (!quick)
  console.log(tGait <= 1000 ? "target met: < 1 s" : `over 1 s here (machine load: compare the ratio)`);
