// `neuropose demo`, the work: loaded only when the demo runs (analysis and its figures are not needed for --help or
// any other command).
import { readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { synthesizeGaitPredictions } from "@neuropose/analysis";
import { parseJson, stringifyJson, writeFileAtomic } from "@neuropose/io";
import { analyzeCli } from "@neuropose/neuropose-analyze";
import { demoFolder, recordDemoFiles } from "./_keep.js";

import type { DemoArgs } from "./index.js";

// The demo's analysis: a subject's gait cycles (both sides) compared with three reference walkers by exact DTW
// on knee and hip flexion angles after Procrustes alignment — the original's headline analysis, on the
// BlazePose skeleton that `neuropose-infer` writes.
const DEMO_YAML = `# Written by \`neuropose demo\`: edit and re-run with  neuropose-analyze demo.yaml
config_version: 1
inputs:
  primary: data/subject.json
  references:
    - data/refs/*.json
segmentation:
  kind: gait_cycles_bilateral
  method: stride_zeni_v1 # one segment per stride, heel strike to heel strike (valley_to_valley_v1: the original's)
  min_cycle_seconds: 0.4
analysis:
  kind: dtw
  method: dtw_all
  align: procrustes_per_sequence
  representation: angles
  angle_triplets: # joints by name of the trials' skeleton (or by index)
    - [left_hip, left_knee, left_ankle] # left knee flexion
    - [right_hip, right_knee, right_ankle] # right knee flexion
    - [left_shoulder, left_hip, left_knee] # left hip flexion
    - [right_shoulder, right_hip, right_knee] # right hip flexion
  nan_policy: interpolate
output:
  report: report.json
  html: report.html
`;

const TRIALS: Record<string, Parameters<typeof synthesizeGaitPredictions>[0]> = {
  "data/subject.json": { seed: 3, cadence: 100, amplitude: 0.8 },
  "data/refs/ref_01.json": { seed: 11, cadence: 108 },
  "data/refs/ref_02.json": { seed: 12, cadence: 114, amplitude: 1.05 },
  "data/refs/ref_03.json": { seed: 13, cadence: 110, scale: 0.95 },
};

/** Runs `neuropose demo` (see index.ts). */
export async function runDemo(args: DemoArgs): Promise<void> {
  const files = [...Object.keys(TRIALS), "demo.yaml", "report.json", "report.html"];
  const { folder: out, kept } = demoFolder(resolve(args.out), files, args.force);
  if (kept.length > 0) {
    (args.json ? process.stderr : process.stdout).write(
      `${args.out} has files you changed (${kept.join(", ")}); they are left as they are and this demo ` +
        `goes to ${relative(process.cwd(), out)}/ (--force writes over them)\n`,
    );
  }
  for (const [path, options] of Object.entries(TRIALS)) {
    const doc = synthesizeGaitPredictions({ frames: 150, fps: 30, skeleton: "blazepose_33", ...options });
    await writeFileAtomic(join(out, path), stringifyJson(doc, { indent: 0 }));
  }
  const yamlPath = join(out, "demo.yaml");
  await writeFileAtomic(yamlPath, DEMO_YAML);
  const code = await analyzeCli([yamlPath, ...(args.json ? ["--json"] : [])], {
    stdout: process.stdout,
    stderr: process.stderr,
  });
  if (!args.json && code === 0) {
    const rel = relative(process.cwd(), out) || ".";
    const report = parseJson(await readFile(join(out, "report.json"), "utf8")) as {
      results: { reference_summary?: { per_reference_mean: { reference: string; mean: number }[] } };
    };
    const rows = report.results.reference_summary?.per_reference_mean ?? [];
    process.stdout.write(
      [
        "",
        "mean DTW distance of the subject's gait cycles to each reference (knee and hip flexion; degrees summed over each pair's matched frames, lower = more similar; report.json has radians):",
        ...rows.map((r) => `  ${r.reference.padEnd(24)} ${((r.mean * 180) / Math.PI).toFixed(1)} degrees`),
        "",
        `demo written to ${rel}/: report.json, report.html (open it in a browser), demo.yaml, data/`,
        `next: 3D poses from your own video:   pnpm neuropose-infer your-clip.mp4 -o ${rel}/clip.json`,
        `      then analyse them:              set inputs.primary: clip.json in ${rel}/demo.yaml and run`,
        `                                      pnpm neuropose-analyze ${rel}/demo.yaml`,
        "",
      ].join("\n"),
    );
  }
  if (code === 0) await recordDemoFiles(out, files);
  process.exitCode = code;
}
