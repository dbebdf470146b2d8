// `pose.source = "neuropose"`: a camera's pose from our own BlazePose (@neuropose/infer), the model loaded once per
// build and run over each of the camera's files in order. The predictions documents are kept in the interim pose
// folder (the stage's outputs, so a cached stage reads them back) and become one harmonised pose: one person (the
// most present one per frame), the skeleton's 33 keypoints in pixels, BlazePose's per-keypoint visibility as the
// confidence; frame numbers run on across the camera's files, so the camera's timestamps time them.
import { statSync } from "node:fs";
import { getSkeleton, readVideoPredictionsStream, sha256File } from "@neuropose/io";
import type { HarmonisedPose, PoseChunkReader } from "@neuropose/pose-formats";
import { slicePose } from "@neuropose/pose-formats";

/** What `confidence` holds for poses from our BlazePose. */
export const NEUROPOSE_CONFIDENCE =
  "BlazePose landmark visibility: the model's probability (0-1) that the keypoint is visible (not occluded); NaN when no person was found in the frame.";

/** The predictions files of one camera → one harmonised pose, read in slices (see the file comment). */
export async function neuroposeChunks(files: readonly string[], cameraId: string): Promise<PoseChunkReader> {
  const docs: {
    frames: number;
    skeleton: string;
    version: string | undefined;
    width: number;
    height: number;
    fps: number;
  }[] = [];
  const frames: { coords: Float64Array; conf: Float64Array }[] = [];
  let skeletonName = "";
  for (const file of files) {
    const doc = await readVideoPredictionsStream(file, {
      keepFrames: false,
      onFrame: (f) => {
        const K = getSkeleton(skeletonName || "blazepose_33").joints.length;
        const coords = new Float64Array(K * 2).fill(Number.NaN);
        const conf = new Float64Array(K).fill(Number.NaN);
        // the most present person of the frame (BlazePose finds at most one per call; a tracker may list more)
        let best = -1;
        let bestP = -1;
        f.poses2d.forEach((_, p) => {
          const pp = f.pose_presence?.[p] ?? 1;
          if (pp > bestP) [best, bestP] = [p, pp];
        });
        if (best >= 0) {
          const pts = f.poses2d[best] as number[][];
          for (let k = 0; k < K; k++) {
            coords[k * 2] = pts[k]?.[0] ?? Number.NaN;
            coords[k * 2 + 1] = pts[k]?.[1] ?? Number.NaN;
            conf[k] = f.visibility?.[best]?.[k] ?? Number.NaN;
          }
        }
        frames.push({ coords, conf });
      },
    });
    skeletonName ||= doc.metadata.skeleton;
    docs.push({
      frames: doc.metadata.frame_count,
      skeleton: doc.metadata.skeleton,
      version: doc.provenance?.neuropose_version ?? undefined,
      width: doc.metadata.width,
      height: doc.metadata.height,
      fps: doc.metadata.fps,
    });
  }
  const skeleton = getSkeleton(skeletonName || "blazepose_33");
  const K = skeleton.joints.length;
  const n = frames.length;
  const coords = new Float64Array(n * K * 2);
  const confidence = new Float64Array(n * K);
  let missing = 0;
  frames.forEach((f, i) => {
    coords.set(f.coords, i * K * 2);
    confidence.set(f.conf, i * K);
    for (let k = 0; k < K; k++) if (Number.isNaN(f.coords[k * 2] as number)) missing++;
  });
  const first = docs[0];
  const pose: HarmonisedPose = {
    schemaVersion: 1,
    format: "neuropose-predictions",
    software: {
      name: "NeuroPose",
      ...(first?.version ? { version: first.version } : {}),
      scorer: `BlazePose (${skeleton.name})`,
    },
    source: {
      path: files[0] ?? "",
      sha256: files[0] ? await sha256File(files[0]) : "",
      bytes: files[0] ? statSync(files[0]).size : 0,
      files: files.length,
    },
    nFrames: n,
    nIndividuals: 1,
    nKeypoints: K,
    nDims: 2,
    frameIndex: Float64Array.from({ length: n }, (_, i) => i),
    keypoints: [...skeleton.joints],
    edges: skeleton.edges.map(([a, b]) => [a, b] as [number, number]),
    individuals: ["person_0"],
    coords,
    confidence,
    confidenceDefinition: NEUROPOSE_CONFIDENCE,
    ...(first
      ? { video: { path: `camera ${cameraId}`, width: first.width, height: first.height, fps: first.fps } }
      : {}),
    warnings: [],
    stats: { missingPoints: missing, zeroAsMissing: 0 },
  };
  const header: HarmonisedPose = {
    ...pose,
    frameIndex: new Float64Array(0),
    coords: new Float64Array(0),
    confidence: new Float64Array(0),
  };
  return { header, streamed: false, read: async (s, e) => slicePose(pose, s, e), close: () => {} };
}
