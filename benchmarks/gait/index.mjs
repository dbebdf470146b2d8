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

// Best of `reps` runs, wall time and this process's CPU time (user + system): on a shared, loaded machine the
// CPU time is what the code costs, the wall time what a user waits.
function time(fn, reps = 3) {
  fn();
  let best = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  return { best, cpu: bestCpu };
}

let result;
const gait = time(() => {
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
const base = time(() => extractJointAngles(seq, triplets));
console.log(
  `analyzeGait, ${seconds / 60} min at 30 fps (${seq.frames} frames x 33 joints): ${gait.best.toFixed(0)} ms wall, ` +
    `${gait.cpu.toFixed(0)} ms CPU (${result.events.heelStrikes.length} heel strikes, ${result.parameters.strides.length} strides, ` +
    `cadence ${result.parameters.overall.cadence.toFixed(1)}); baseline extractJointAngles (6 triplets): ` +
    `${base.best.toFixed(0)} ms wall, ${base.cpu.toFixed(0)} ms CPU; ratio ${(gait.best / base.best).toFixed(2)}x wall, ` +
    `${(gait.cpu / base.cpu).toFixed(2)}x CPU`,
);
// The target (issue 18): under 1 s for one hour. On a loaded machine compare the ratio or the CPU time: the
// baseline took ~47 ms unloaded on the 2-core CI machine (December 2026), so a ratio under ~20x meets it.
if (!quick)
  console.log(
    gait.best <= 1000 ? "target met: < 1 s" : `over 1 s wall here (machine load: compare CPU time and ratio)`,
  );
