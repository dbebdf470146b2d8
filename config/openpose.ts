// Test helper: a folder of OpenPose BODY_25 JSON files (one per frame, e.g. the gaitlab fixture's keypoints)
// as flat x, y (pixels), z = 0 per frame and joint, the most confident person per frame, missing = NaN.
// Shared by segment's and gait's fixture tests (one reader, one rule for "the person").
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Frames × 25 joints × 3 as one Float64Array (frame-major), in the files' sorted order. */
export function readOpenPoseKeypoints(dir: string): { frames: number; joints: 25; data: Float64Array } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  const data = new Float64Array(files.length * 25 * 3);
  files.forEach((file, i) => {
    const people: { pose_keypoints_2d: number[] }[] = JSON.parse(
      readFileSync(join(dir, file), "utf8"),
    ).people;
    let best: number[] | undefined;
    let bestScore = -1;
    for (const p of people) {
      let score = 0;
      for (let j = 0; j < 25; j++) score += p.pose_keypoints_2d[3 * j + 2];
      if (score > bestScore) [best, bestScore] = [p.pose_keypoints_2d, score];
    }
    for (let j = 0; j < 25; j++) {
      const ok = best !== undefined && best[3 * j + 2] > 0;
      const o = (i * 25 + j) * 3;
      data[o] = ok && best ? best[3 * j] : Number.NaN;
      data[o + 1] = ok && best ? best[3 * j + 1] : Number.NaN;
      data[o + 2] = 0;
    }
  });
  return { frames: files.length, joints: 25, data };
}
