// Test/script helper: gaitlab_input.mp4 as OpenPose BODY_25 keypoints (x, y pixels, z = 0; missing = NaN; the
// most confident person per frame) and as neuropose-infer predictions (generated once into a temp folder).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PoseSequence, poseSequence } from "@neuropose/kinematics";

export function readOpenPoseFolder(dir: string): PoseSequence {
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
  return poseSequence(files.length, 25, data);
}

/**
 * neuropose-infer's predictions of a video, cached in the temp folder (the first run infers: ~40 s on a
 * 2-core machine for gaitlab's 344 frames). Needs apps/neuropose-infer built.
 */
export function inferCached(repoRoot: string, video: string, name: string): string {
  const dir = join(tmpdir(), "neuropose-gait-fixtures");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.json`);
  if (!existsSync(out)) {
    execFileSync(process.execPath, [join(repoRoot, "apps/neuropose-infer/bin.js"), video, "-o", out], {
      stdio: "ignore",
      timeout: 240_000,
    });
  }
  return out;
}
