// Per-camera 2D predictions (one VideoPredictions document per calibrated camera) → one 3D VideoPredictions
// document in the calibration's world frame: people associated across views and followed over time
// (associate.ts), triangulated with per-keypoint reprojection error and the views used, optionally low-passed
// (zero-lag Butterworth, parameters recorded in provenance). What every analysis reads as it reads a monocular run.
import type { FilterProvenance, FramePrediction, Poses3dUp, VideoPredictions } from "@neuropose/io";
import { lowpassFilter } from "@neuropose/kinematics";
import { hampelFilter } from "./_hampel.js";
import { type AssociateOptions, createMultiviewTracker, type Detection2D } from "./associate.js";
import { type BoneLengthOptions, constrainBones, estimateBoneLengths } from "./bones.js";
import { type Camera, projectPoint } from "./camera.js";

/** Options of {@link triangulatePredictions}. */
export interface TriangulatePredictionsOptions extends AssociateOptions {
  /** Per camera, frames (see `estimateOffsets`): camera i's frame f is the first camera's frame f + offsets[i]. */
  offsets?: readonly number[] | undefined;
  /**
   * Outlier rejection on each person's 3D trajectories before any other filter, as Pose2Sim's `reject_outliers`
   * (Hampel filter per coordinate: window 7 frames, a sample beyond 2 robust SDs of the window's median is
   * replaced by that median); recorded in provenance.filters; off when absent.
   */
  rejectOutliers?: { windowSize?: number; nSigma?: number } | undefined;
  /** Zero-lag Butterworth low-pass of each person's 3D trajectories (gait: 6 Hz); off when absent. */
  lowpass?: { cutoffHz?: number; order?: number; maxGap?: number } | undefined;
  /**
   * Per-subject bone-length model: each person's bone lengths (over `bones`, e.g. the skeleton's edges) from
   * their confident frames, every frame pulled onto them (recorded in provenance.filters); off when absent.
   */
  boneModel?: (BoneLengthOptions & { bones: readonly (readonly [number, number])[] }) | undefined;
  /**
   * Direction of "up" in the calibration's world frame, written as `metadata.poses3d_up` (gait and analysis
   * read the vertical from it); absent: not declared (the world's axes are the calibration's own).
   */
  up?: Poses3dUp | undefined;
  /** Recorded in provenance.multiview (e.g. calibration file name and hash, source videos, offset source). */
  provenance?: Record<string, unknown> | undefined;
  /** Version string recorded in provenance. */
  neuroposeVersion?: string | undefined;
  /** Called after each frame. */
  onProgress?: ((p: { done: number; total: number }) => void) | undefined;
}

/** Result of {@link triangulatePredictions}. */
export interface TriangulatePredictionsResult {
  predictions: VideoPredictions;
  /** Per camera, the median reprojection error (pixels) over the keypoints it contributed to. */
  medianErrorPx: number[];
  /** Per camera and keypoint, the median reprojection error (pixels; NaN where the camera never contributed). */
  medianErrorPxByKeypoint: number[][];
  /**
   * Per camera, the mean signed residual [du, dv] (detected minus reprojected, pixels): a calibration convention
   * error (principal point, distortion sign, rotation) shows as a bias in one image direction; detection noise
   * averages out.
   */
  meanResidualPx: [number, number][];
  /** Frames with at least one triangulated person. */
  framesWithPerson: number;
  /** Distinct people followed. */
  people: number;
}

const r6 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : Number.NaN);
const r3 = (v: number) => (Number.isFinite(v) ? Math.round(v * 1e3) / 1e3 : Number.NaN);

function confidenceOf(f: FramePrediction, p: number, k: number): number {
  const v = f.visibility?.[p]?.[k];
  const q = f.presence?.[p]?.[k];
  if (v === undefined && q === undefined) return f.boxes[p]?.[4] ?? 1;
  return Math.min(v ?? 1, q ?? 1);
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

type Person = { id: number; points: Float64Array };

/**
 * Each person's trajectory of each coordinate (NaN in frames without them) through `filter`; the filtered values
 * replace the triangulated ones, but a frame the person was not triangulated in keeps no invented pose.
 */
function eachTrajectory(out: Person[][], K: number, filter: (x: number[]) => ArrayLike<number>): void {
  const ids = new Set(out.flatMap((ps) => ps.map((p) => p.id)));
  for (const id of ids) {
    const rows = out.map((ps) => ps.find((p) => p.id === id));
    for (let c = 0; c < 3 * K; c++) {
      const y = filter(rows.map((p) => (p ? (p.points[c] as number) : Number.NaN)));
      rows.forEach((p, t) => {
        if (p && Number.isFinite(p.points[c])) p.points[c] = y[t] as number;
      });
    }
  }
}

/**
 * Triangulates the people of several calibrated cameras' 2D predictions into one VideoPredictions document in
 * the calibration's world frame (metres): `poses3d` in the lab frame, `poses2d` the reprojection into the first
 * camera, per-keypoint `reprojection_error` and `views` (bit mask over `metadata.cameras`). A keypoint fewer
 * than two good views see is NaN. Frames are the first camera's; `offsets` align the others.
 *
 * @example
 * ```ts
 * import { projectPoint, triangulatePredictions } from "@neuropose/multiview";
 * const cam = (x: number) => ({ name: `c${x}`, size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [x, 0, 4] as [number, number, number] });
 * const cams = [cam(0.5), cam(-0.5)];
 * const body = Array.from({ length: 10 }, (_, k) => [0.05 * k, 0.1 * (k % 3), 0.02 * k]);
 * const doc = (c: ReturnType<typeof cam>) => ({ schema_version: 3 as const, metadata: { frame_count: 1, fps: 30, width: 640, height: 480, skeleton: "custom", poses3d_unit: "mm" as const, poses3d_frame: "hip_centered" as const }, frames: { frame_000000: { boxes: [[0, 0, 1, 1, 1]], poses3d: [body], poses2d: [body.map((X) => projectPoint(c, X))] } }, segmentations: {}, provenance: null });
 * const { predictions } = triangulatePredictions(cams, cams.map(doc), { minKeypoints: 5 });
 * console.log(predictions.metadata.poses3d_frame, predictions.frames.frame_000000?.poses3d[0]?.[1]); // world [0.05, 0.1, 0.02]
 * ```
 */
export function triangulatePredictions(
  cameras: readonly Camera[],
  sources: readonly VideoPredictions[],
  options: TriangulatePredictionsOptions = {},
): TriangulatePredictionsResult {
  const n = cameras.length;
  if (sources.length !== n) throw new RangeError(`${n} cameras but ${sources.length} prediction documents`);
  const offsets = options.offsets ?? cameras.map(() => 0);
  const framesOf = sources.map((s) =>
    Object.keys(s.frames)
      .sort()
      .map((k) => s.frames[k] as FramePrediction),
  );
  const first = sources[0] as VideoPredictions;
  const total = (framesOf[0] as FramePrediction[]).length;
  const tracker = createMultiviewTracker(cameras, options);
  const errs: number[][][] = cameras.map(() => []);
  const bias = cameras.map(() => [0, 0, 0]); // sum du, sum dv, count
  // per frame: people (id, points, error, views)
  const out: { id: number; points: Float64Array; errorPx: Float64Array; views: Uint32Array }[][] = [];
  let K = 0;
  for (let r = 0; r < total; r++) {
    const dets: Detection2D[][] = cameras.map((_, i) => {
      const f = (framesOf[i] as FramePrediction[])[r - (offsets[i] ?? 0)];
      if (!f) return [];
      return f.poses2d.map((pts, p) => ({
        uv: Float64Array.from(pts.flatMap((q) => [q[0] as number, q[1] as number])),
        confidence: Float64Array.from(pts.map((_, k) => confidenceOf(f, p, k))),
      }));
    });
    const people = tracker.step(dets);
    const partner = (k: number, bits: number): number => {
      for (const [j, [l, rr]] of (options.sidePairs ?? []).entries())
        if (bits & (1 << j) && (k === l || k === rr)) return k === l ? rr : l;
      return k;
    };
    for (const person of people) {
      K = person.errorPx.length;
      for (let i = 0; i < n; i++) {
        const d = person.detections[i] as number;
        if (d < 0) continue;
        const det = (dets[i] as Detection2D[])[d] as Detection2D;
        for (let k = 0; k < K; k++) {
          if (!((person.views[k] as number) & (1 << i))) continue;
          const kk = partner(k, person.swapped[i] as number);
          const X = [person.points[3 * k], person.points[3 * k + 1], person.points[3 * k + 2]] as number[];
          const [u, v] = projectPoint(cameras[i] as Camera, X);
          const du = (det.uv[2 * kk] as number) - u;
          const dv = (det.uv[2 * kk + 1] as number) - v;
          const byK = errs[i] as number[][];
          byK[k] ??= [];
          (byK[k] as number[]).push(Math.hypot(du, dv));
          const b = bias[i] as number[];
          b[0] += du;
          b[1] += dv;
          b[2]++;
        }
      }
    }
    out.push(people);
    options.onProgress?.({ done: r + 1, total });
  }
  const filters: FilterProvenance[] = [];
  if (options.rejectOutliers) {
    const { windowSize = 7, nSigma = 2 } = options.rejectOutliers;
    let replaced = 0;
    eachTrajectory(out, K, (x) => {
      const r = hampelFilter(x, windowSize, nSigma);
      replaced += r.replaced;
      return r.values;
    });
    filters.push({
      filter: "hampel",
      applied_to: "poses3d",
      window_size: windowSize,
      n_sigma: nSigma,
      replaced,
    });
  }
  if (options.boneModel) {
    const { bones, ...bopts } = options.boneModel;
    for (const id of new Set(out.flatMap((ps) => ps.map((p) => p.id)))) {
      const rows = out.flatMap((ps) => ps.filter((p) => p.id === id));
      const lengths = estimateBoneLengths(rows, bones, bopts);
      for (const p of rows) p.points = constrainBones(p.points, p.errorPx, bones, lengths);
    }
    filters.push({
      filter: "bone_length_model",
      applied_to: "poses3d",
      bones: bones.length,
      max_error_px: bopts.maxErrorPx ?? 10,
      min_views: bopts.minViews ?? 2,
      min_frames: bopts.minFrames ?? 10,
    });
  }
  if (options.lowpass) {
    const fs = first.metadata.fps;
    let params: Record<string, unknown> = {};
    eachTrajectory(out, K, (x) => {
      const res = lowpassFilter(x, { fsHz: fs, ...options.lowpass });
      params = res.params;
      return res.values;
    });
    filters.push({ ...params, filter: "butterworth_filtfilt", applied_to: "poses3d" });
  }
  const medianErrorPx = errs.map((byK) => median(byK.flatMap((e) => e ?? [])));
  const ref = cameras[0] as Camera;
  const frames: Record<string, FramePrediction> = {};
  let withPerson = 0;
  out.forEach((people, r) => {
    if (people.length > 0) withPerson++;
    const poses3d: number[][][] = [];
    const poses2d: number[][][] = [];
    const boxes: number[][] = [];
    for (const p of people) {
      const X = Array.from({ length: K }, (_, k) => [
        r6(p.points[3 * k] as number),
        r6(p.points[3 * k + 1] as number),
        r6(p.points[3 * k + 2] as number),
      ]);
      const uv = X.map((x) =>
        Number.isFinite(x[0]) ? projectPoint(ref, x).map(r3) : [Number.NaN, Number.NaN],
      );
      const us = uv.map((q) => q[0] as number).filter(Number.isFinite);
      const vs = uv.map((q) => q[1] as number).filter(Number.isFinite);
      const x0 = Math.min(...us);
      const y0 = Math.min(...vs);
      boxes.push([r3(x0), r3(y0), r3(Math.max(...us) - x0), r3(Math.max(...vs) - y0), r3(us.length / K)]);
      poses3d.push(X);
      poses2d.push(uv);
    }
    frames[`frame_${String(r).padStart(6, "0")}`] = {
      boxes,
      poses3d,
      poses2d,
      person_ids: people.map((p) => p.id),
      reprojection_error: people.map((p) => Array.from(p.errorPx, (e) => Math.round(e * 100) / 100)),
      views: people.map((p) => Array.from(p.views)),
    };
  });
  const predictions: VideoPredictions = {
    schema_version: 3,
    metadata: {
      frame_count: total,
      fps: first.metadata.fps,
      width: ref.size[0],
      height: ref.size[1],
      skeleton: first.metadata.skeleton,
      poses3d_unit: "m",
      poses3d_frame: "world",
      ...(options.up ? { poses3d_up: options.up } : {}),
      cameras: cameras.map((c) => c.name),
      ...(first.metadata.timestamps ? { timestamps: first.metadata.timestamps } : {}),
    },
    frames,
    segmentations: {},
    provenance: {
      ...(first.provenance ?? {
        model_sha256: "",
        model_filename: "",
        runtime: "unknown",
        runtime_version: "unknown",
        execution_provider: null,
        seed: null,
        deterministic: false,
        analysis_config: null,
      }),
      neuropose_version: options.neuroposeVersion ?? first.provenance?.neuropose_version ?? "unknown",
      ...(filters.length ? { filters: [...(first.provenance?.filters ?? []), ...filters] } : {}),
      multiview: {
        ...options.provenance,
        cameras: cameras.map((c) => c.name),
        offsets_frames: [...offsets],
        min_confidence: options.minConfidence ?? 0.3,
        max_reprojection_px: options.maxReprojectionPx ?? 15,
        side_pairs: (options.sidePairs ?? []).length,
        median_reprojection_px: medianErrorPx.map((e) => Math.round(e * 100) / 100),
      },
    },
  };
  return {
    predictions,
    medianErrorPx,
    medianErrorPxByKeypoint: errs.map((byK) => Array.from({ length: K }, (_, k) => median(byK[k] ?? []))),
    meanResidualPx: bias.map(([su = 0, sv = 0, c = 0]) => [su / c, sv / c]),
    framesWithPerson: withPerson,
    people: new Set(out.flatMap((ps) => ps.map((p) => p.id))).size,
  };
}
