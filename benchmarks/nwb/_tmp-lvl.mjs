import { statSync } from "node:fs";
import { predictionsFileToNwb } from "@neuropose/nwb";

const [input, level, chunkRows] = process.argv.slice(2);
const u0 = process.cpuUsage();
await predictionsFileToNwb(input, "/tmp/nwbprof/lvl.nwb", {
  sessionDescription: "b",
  sessionStartTime: "2024-05-01T10:00:00Z",
  compressionLevel: Number(level),
  ...(chunkRows ? { chunkRows: Number(chunkRows) } : {}),
});
const u = process.cpuUsage(u0);
console.log(
  `level ${level} chunkRows ${chunkRows ?? "-"}: cpu ${((u.user + u.system) / 1e6).toFixed(2)} s, ${(statSync("/tmp/nwbprof/lvl.nwb").size / 1e6).toFixed(2)} MB, maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
