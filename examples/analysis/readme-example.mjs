// The example of packages/analysis/README.md (run after `pnpm build`): node examples/analysis/readme-example.mjs
import {
  parseAnalysisConfigText,
  renderReportHtml,
  runAnalysis,
  synthesizeGaitPredictions,
} from "@neuropose/analysis";
import { stringifyJson } from "@neuropose/io";

// Two synthetic walking trials (deterministic): a slower, smaller-stepping subject and a reference.
const files = {
  "subject.json": synthesizeGaitPredictions({ seed: 3, frames: 120, cadence: 100, amplitude: 0.8 }),
  "reference.json": synthesizeGaitPredictions({ seed: 4, frames: 120, cadence: 112 }),
};

const config = parseAnalysisConfigText(`
inputs: {primary: subject.json, reference: reference.json}
segmentation: {kind: gait_cycles, joint: rhee}
analysis:
  kind: dtw
  align: procrustes_per_sequence
  representation: angles
  angle_triplets: [[rhipb, rkne, rank]]   # right knee (joint names of berkeley_mhad_43, or indices [35, 39, 40])
  nan_policy: interpolate
output: {report: out/report.json}
`);

// Files come from disk by default (relative to the YAML's folder); here from memory.
const run = await runAnalysis(config, { readInput: async (_abs, path) => stringifyJson(files[path]) });
const r = run.report.results;
console.log(r.algorithm, r.segment_labels);
console.log(r.distances.map((d) => d.toFixed(3)));
console.log(
  r.time_normalized.map((t) => `${t.label}: ${t.primary_frames} vs ${t.reference_frames} -> ${t.frames}`),
);
console.log(renderReportHtml(run).length > 1000);
