// Child of benchmarks/nwb/index.mjs: one export (or a baseline) in a fresh process, so its peak RSS is its own.
// `node export-child.mjs stream|whole|parse PREDICTIONS.json OUT.nwb` → prints {"seconds":…,"cpuSeconds":…,"maxRssMB":…}.
import { readFileSync } from "node:fs";
import { loadVideoPredictions } from "@neuropose/io";
import { predictionsFileToNwb, videoPredictionsToNwb } from "@neuropose/nwb";

const [mode, input, out] = process.argv.slice(2);
const opts = {
  sessionDescription: "benchmark",
  sessionStartTime: "2024-05-01T10:00:00Z",
  // complete metadata, so ../shared/tools/nwb-validator (--strict --dandi) judges the file, not missing fields
  subject: {
    subjectId: "B01",
    species: "Homo sapiens",
    age: "P30Y",
    sex: "F",
    description: "benchmark subject",
  },
  experimenter: ["Bench, Mark"],
  experimentDescription: "benchmark: one hour of BlazePose output",
  institution: "NeuroPose",
  keywords: ["pose", "benchmark"],
};
const t = performance.now();
if (mode === "stream") await predictionsFileToNwb(input, out, opts);
else if (mode === "whole") await videoPredictionsToNwb(await loadVideoPredictions(input), out, opts);
else JSON.parse(readFileSync(input, "utf8"));
const seconds = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(); // all threads of the process, since its start (module loading included)
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
