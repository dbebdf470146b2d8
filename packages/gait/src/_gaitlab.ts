// Test/script helper: gaitlab_input.mp4 as OpenPose BODY_25 keypoints (x, y pixels, z = 0; missing = NaN; the
// most confident person per frame) and as neuropose-infer predictions (generated once into a temp folder).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PoseSequence, poseSequence } from "@neuropose/kinematics";
import { readOpenPoseKeypoints } from "../../../config/openpose.js";

export function readOpenPoseFolder(dir: string): PoseSequence {
  const k = readOpenPoseKeypoints(dir);
  return poseSequence(k.frames, k.joints, k.data);
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
