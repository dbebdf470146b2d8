// The whole chain from a video file: decode → BlazePose 3D poses → VideoPredictions JSON → NWB file → a look at
// the numbers (how often a person was found, right knee flexion range).
//
//   pnpm turbo run build && node examples/infer/video-to-poses.mjs [clip.mp4] [out-dir]
//
// Without a clip it uses ../shared/fixtures/videos/gaitlab_input.mp4 (a clinical gait clip) when present.
// The models are converted from the installed @mediapipe/pose on first use into a cache (nothing is downloaded).
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createBlazePose, inferVideo, probeVideo, resolveFfmpeg } from "@neuropose/infer";
import { getSkeleton, loadSettings, saveVideoPredictions } from "@neuropose/io";
import { angleAt } from "@neuropose/kinematics";
import { videoPredictionsToNwb } from "@neuropose/nwb";

const here = dirname(fileURLToPath(import.meta.url));

const video = resolve(
  process.argv[2] ?? join(here, "..", "..", "..", "shared", "fixtures", "videos", "gaitlab_input.mp4"),
);
if (!existsSync(video)) {
  console.error(`usage: node examples/infer/video-to-poses.mjs <clip.mp4> [out-dir]  (${video} not found)`);
  process.exit(2);
}
const out = resolve(process.argv[3] ?? join(tmpdir(), "neuropose-example-infer"));
mkdirSync(out, { recursive: true });

// 1. Settings (model cache folder, ffmpeg paths, device) and tools.
const settings = loadSettings();
const tools = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath });
const info = await probeVideo(video, tools);
console.log(`${video}: ${info.width}x${info.height}, ${info.fps.toFixed(2)} fps, ${info.frameCount} frames`);

// 2. Poses. `full` is MediaPipe's default; `lite` is ~3x faster, `heavy` most accurate.
const adapter = await createBlazePose({ variant: "full", cacheDir: settings.modelCacheDir, device: "cpu" });
const { predictions, stats } = await inferVideo(video, {
  adapter,
  tools,
  info,
  onProgress: (p) => p.done % 100 === 0 && console.log(`  ${p.done}/${p.total} frames`),
});
await adapter.dispose();
console.log(
  `poses: person in ${stats.framesWithPerson}/${stats.frames} frames, ${stats.fps.toFixed(1)} frames/s on ${predictions.provenance.execution_provider}`,
);

// 3. Files: the predictions (schema v3, validated, atomic) and an NWB file with the poses and the linked video.
const json = join(out, "poses.json");
await saveVideoPredictions(json, predictions);
const nwb = join(out, "poses.nwb");
await videoPredictionsToNwb(predictions, nwb, {
  sessionDescription: "example: video to poses",
  sessionStartTime: "2024-01-01T00:00:00Z",
  videoPath: video,
});
console.log(`wrote ${json} and ${nwb}`);

// 4. A look at the numbers: right knee flexion (180° - hip-knee-ankle angle) from the 3D world landmarks.
const sk = getSkeleton("blazepose_33");
const [hip, knee, ankle] = ["right_hip", "right_knee", "right_ankle"].map((n) => sk.joints.indexOf(n));
const flexion = [];
for (const f of Object.values(predictions.frames)) {
  const p = f.poses3d[0];
  if (!p) continue;
  const xyz = Float64Array.from(p.flat());
  flexion.push(180 - (angleAt(xyz, hip * 3, knee * 3, ankle * 3) * 180) / Math.PI);
}
flexion.sort((a, b) => a - b);
const q = (x) => flexion[Math.floor(x * (flexion.length - 1))].toFixed(1);
console.log(
  `right knee flexion (deg): 5th percentile ${q(0.05)}, median ${q(0.5)}, 95th percentile ${q(0.95)}`,
);
