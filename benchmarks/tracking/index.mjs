// benchmarks/tracking: multi-person identity on real footage. Runs @neuropose/infer's processVideo with
// --max-people 3 on ../shared/fixtures/videos/sports2d_demo.mp4 (two people crossing a street scene; or
// NEUROPOSE_BENCH_VIDEO) and counts the symptoms of id errors (no ground truth ids exist for the clip):
//   duplicates: frames where two ids sit on one person (boxes IoU > 0.5 or torsos within 0.15 body size)
//   jumps:      an id whose box centre moves more than 0.6 body size between consecutive frames (drift to a neighbour)
//   far links:  an id that reappears after a gap more than 1 body size from where it was last seen
// NEUROPOSE_BENCH_MODELS (default "lite,full"), NEUROPOSE_BENCH_FRAMES (default all).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPipeline, processVideo } from "@neuropose/infer";
import { loadSettings } from "@neuropose/io";

const here = dirname(fileURLToPath(import.meta.url));
const video =
  process.env.NEUROPOSE_BENCH_VIDEO ??
  join(here, "..", "..", "..", "shared", "fixtures", "videos", "sports2d_demo.mp4");
if (!existsSync(video)) {
  console.log(`skipped: ${video} is absent`);
  process.exit(0);
}
const maxFrames = process.env.NEUROPOSE_BENCH_FRAMES ? Number(process.env.NEUROPOSE_BENCH_FRAMES) : undefined;
const settings = loadSettings();
const cacheDir = join(tmpdir(), "neuropose-bench-models");
const size = (b) => Math.max(1, Math.sqrt(b[2] * b[3]));
const centre = (b) => [b[0] + b[2] / 2, b[1] + b[3] / 2];
function iou(a, b) {
  const w = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const i = w * h;
  return i / (a[2] * a[3] + b[2] * b[3] - i);
}
function torso(a, b, s) {
  let d = 0;
  for (const j of [11, 12, 23, 24]) d += Math.hypot(a[j][0] - b[j][0], a[j][1] - b[j][1]);
  return d / 4 / s;
}
const dir = mkdtempSync(join(tmpdir(), "np-bench-track-"));
try {
  for (const model of (process.env.NEUROPOSE_BENCH_MODELS ?? "lite,full").split(",")) {
    const pipeline = await loadPipeline({
      model,
      cacheDir,
      device: "cpu",
      threads: settings.threads,
      maxPeople: 3,
    });
    const { predictions } = await processVideo({ video, pipeline, maxFrames, returnPredictions: true });
    await pipeline.dispose();
    let duplicates = 0;
    let jumps = 0;
    let farLinks = 0;
    const last = new Map(); // id -> { frame, box }
    const frames = Object.values(predictions.frames);
    const ids = new Set();
    frames.forEach((f, n) => {
      const people = f.person_ids.map((id, p) => ({ id, box: f.boxes[p], kp: f.poses2d[p] }));
      for (let i = 0; i < people.length; i++)
        for (let j = i + 1; j < people.length; j++) {
          const a = people[i];
          const b = people[j];
          if (iou(a.box, b.box) > 0.5 || torso(a.kp, b.kp, size(a.box)) < 0.15) duplicates++;
        }
      for (const p of people) {
        ids.add(p.id);
        const prev = last.get(p.id);
        if (prev) {
          const [x0, y0] = centre(prev.box);
          const [x1, y1] = centre(p.box);
          const d = Math.hypot(x1 - x0, y1 - y0) / size(prev.box);
          if (prev.frame === n - 1 && d > 0.6) jumps++;
          if (prev.frame < n - 1 && d > 1) farLinks++;
        }
        last.set(p.id, { frame: n, box: p.box });
      }
    });
    const withPeople = frames.filter((f) => f.poses2d.length > 0).length;
    const perFrame = frames.reduce((s, f) => s + f.poses2d.length, 0) / frames.length;
    console.log(
      `${model}: ${frames.length} frames, ${perFrame.toFixed(2)} people/frame, ${withPeople} frames with someone, ` +
        `${ids.size} ids; duplicates ${duplicates}, jumps ${jumps}, far links ${farLinks}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
