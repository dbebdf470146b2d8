// `pose.source = "neuropose"`: a camera's pose from our own BlazePose (@neuropose/infer), the model loaded once per
// build and run over each of the camera's files in order. The predictions documents are kept in the interim pose
// folder (the stage's outputs, so a cached stage reads them back) and are read back window by window (flat in
// memory) as one harmonised pose: one person (the
// most present one per frame), the skeleton's 33 keypoints in pixels, BlazePose's per-keypoint visibility as the
// confidence; frame numbers run on across the camera's files, so the camera's timestamps time them.
import { statSync } from "node:fs";
import { type FramePrediction, getSkeleton, readVideoPredictionsStream, sha256File } from "@neuropose/io";
import type { HarmonisedPose, PoseChunkReader } from "@neuropose/pose-formats";

/** What `confidence` holds for poses from our BlazePose. */
export const NEUROPOSE_CONFIDENCE =
  "BlazePose landmark visibility: the model's probability (0-1) that the keypoint is visible (not occluded); NaN when no person was found in the frame.";

type Row = { coords: Float64Array; conf: Float64Array };

/** One predictions frame → the most present person's keypoints (pixels) and visibilities; NaN when none. */
function rowOf(f: FramePrediction, K: number): Row {
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
  return { coords, conf };
}

/**
 * The frames of the camera's predictions files, in order, pulled a window at a time: io's push reader
 * (readVideoPredictionsStream) is paused in its async onFrame once `HIGH` rows wait, so memory stays flat in the
 * recording's length. Reading again from an earlier row starts a new pass over the files.
 */
class FrameCursor {
  private buffer: Row[] = [];
  private done = false;
  private failed: unknown;
  private wake: (() => void) | undefined;
  private resume: (() => void) | undefined;
  private stopped = false;
  /** Row number of buffer[0]. */
  pos = 0;
  static readonly HIGH = 2048;

  constructor(files: readonly string[], K: number) {
    void (async () => {
      try {
        for (const file of files)
          await readVideoPredictionsStream(file, {
            keepFrames: false,
            onFrame: async (f) => {
              if (this.stopped) throw new Error("stopped");
              this.buffer.push(rowOf(f, K));
              this.wake?.();
              if (this.buffer.length >= FrameCursor.HIGH)
                await new Promise<void>((r) => {
                  this.resume = r;
                });
            },
          });
      } catch (e) {
        if (!this.stopped) this.failed = e;
      }
      this.done = true;
      this.wake?.();
    })();
  }

  /** The next `n` rows (fewer at the end of the files). */
  async take(n: number): Promise<Row[]> {
    const out: Row[] = [];
    while (out.length < n) {
      if (this.buffer.length === 0) {
        if (this.failed) throw this.failed;
        if (this.done) break;
        const r = this.resume;
        this.resume = undefined;
        await new Promise<void>((w) => {
          this.wake = w;
          r?.();
        });
        this.wake = undefined;
        continue;
      }
      const k = Math.min(n - out.length, this.buffer.length);
      out.push(...this.buffer.splice(0, k));
      this.pos += k;
      if (this.buffer.length === 0) {
        const r = this.resume;
        this.resume = undefined;
        r?.();
      }
    }
    return out;
  }

  stop(): void {
    this.stopped = true;
    const r = this.resume;
    this.resume = undefined;
    r?.();
  }
}

/**
 * The predictions files of one camera → one harmonised pose, read in windows without holding the recording: a
 * first pass counts the frames and reads the metadata; `read(start, end)` then streams the files forward (see
 * FrameCursor), so importing and the NWB stage are flat in memory however long the session.
 */
export async function neuroposeChunks(files: readonly string[], cameraId: string): Promise<PoseChunkReader> {
  const docs: {
    skeleton: string;
    version: string | undefined;
    width: number;
    height: number;
    fps: number;
  }[] = [];
  let n = 0;
  let skeletonName = "";
  for (const file of files) {
    const doc = await readVideoPredictionsStream(file, {
      keepFrames: false,
      onFrame: () => {
        n++;
      },
    });
    skeletonName ||= doc.metadata.skeleton;
    docs.push({
      skeleton: doc.metadata.skeleton,
      version: doc.provenance?.neuropose_version ?? undefined,
      width: doc.metadata.width,
      height: doc.metadata.height,
      fps: doc.metadata.fps,
    });
  }
  const skeleton = getSkeleton(skeletonName || "blazepose_33");
  const K = skeleton.joints.length;
  const first = docs[0];
  const header: HarmonisedPose = {
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
    frameIndex: new Float64Array(0),
    keypoints: [...skeleton.joints],
    edges: skeleton.edges.map(([a, b]) => [a, b] as [number, number]),
    individuals: ["person_0"],
    coords: new Float64Array(0),
    confidence: new Float64Array(0),
    confidenceDefinition: NEUROPOSE_CONFIDENCE,
    ...(first
      ? { video: { path: `camera ${cameraId}`, width: first.width, height: first.height, fps: first.fps } }
      : {}),
    warnings: [],
    // counted as rows are read (complete once every row was read, as for the other streamed readers)
    stats: { missingPoints: 0, zeroAsMissing: 0 },
  };
  let cursor: FrameCursor | undefined;
  let counted = 0;
  return {
    header,
    streamed: true,
    read: async (start, end) => {
      const s = Math.max(0, Math.min(start, n));
      const e = Math.max(s, Math.min(end, n));
      if (!cursor || cursor.pos > s) {
        cursor?.stop();
        cursor = new FrameCursor(files, K);
      }
      if (cursor.pos < s) await cursor.take(s - cursor.pos);
      const rows = await cursor.take(e - s);
      const coords = new Float64Array(rows.length * K * 2);
      const confidence = new Float64Array(rows.length * K);
      rows.forEach((r, i) => {
        coords.set(r.coords, i * K * 2);
        confidence.set(r.conf, i * K);
        if (s + i >= counted) {
          for (let k = 0; k < K; k++)
            if (Number.isNaN(r.coords[k * 2] as number)) header.stats.missingPoints++;
          counted = s + i + 1;
        }
      });
      return {
        ...header,
        nFrames: rows.length,
        frameIndex: Float64Array.from({ length: rows.length }, (_, i) => s + i),
        coords,
        confidence,
      };
    },
    close: () => {
      cursor?.stop();
      cursor = undefined;
    },
  };
}
