import type { Device } from "@neuropose/io";
import {
  DETECTOR_SIZE,
  type Detection,
  decodeDetections,
  decodeLandmarks,
  detectorAnchors,
  HEATMAP_SIZE,
  iou,
  LANDMARK_SIZE,
  type Landmarks,
  letterboxTensor,
  NUM_KEYPOINTS,
  NUM_LANDMARK_ROWS,
  OneEuroVector,
  type Roi,
  roiFromDetection,
  roiFromLandmarks,
  roiTensor,
} from "./_bpmath.js";
import type { ModelProvenanceEntry, PersonPose, PoseModelAdapter, StageTimes } from "./adapter.js";
import { InferError } from "./errors.js";
import { type BlazePoseVariant, ensureModel, type TfliteConverter } from "./models.js";
import { createRunner, type Logger, providerOrder, runtimeVersions, type TensorRunner } from "./runtime.js";
import type { VideoFrame } from "./video.js";

/** Options of {@link createBlazePose}. */
export interface BlazePoseOptions {
  /** Landmark model: "lite", "full" (default, as MediaPipe) or "heavy". */
  variant?: BlazePoseVariant | undefined;
  /** Model cache folder (settings.modelCacheDir). Required unless `runners` are given. */
  cacheDir?: string | undefined;
  device?: Device | undefined;
  threads?: number | undefined;
  logger?: Logger | undefined;
  /** People tracked at once (default 1), each with a stable id. */
  maxPeople?: number | undefined;
  /** One Euro smoothing of landmarks (MediaPipe's filter settings). Off by default: raw model output. */
  smoothing?: boolean | undefined;
  /** Detector score threshold (default 0.5). */
  minDetectionConfidence?: number | undefined;
  /** Pose-flag threshold below which tracking is lost and the detector runs again (default 0.5). */
  minTrackingConfidence?: number | undefined;
  /**
   * Pose-presence threshold (the landmark model's pose flag, a probability): below it the person is absent in
   * that frame (not returned, not counted as a detection) and the detector runs again. Default 0.5
   * (`minTrackingConfidence` when that is given).
   */
  minPresence?: number | undefined;
  /** Seconds a lost person's id is kept for re-identification before the track is retired (default 2). */
  trackTimeoutSeconds?: number | undefined;
  /** Run the landmark model once for all tracked people of a frame (a batch; default true). */
  batchLandmarks?: boolean | undefined;
  /** Use the heatmap to refine landmarks (default true, as MediaPipe). */
  refineWithHeatmap?: boolean | undefined;
  /** Converter override for the model cache (tests). */
  converter?: TfliteConverter | undefined;
  /** Version of `converter` (part of the model cache key; default "custom" with a converter override). */
  converterVersion?: string | undefined;
  /** Ready-made runners (e.g. a TFLite WASM runner in benchmarks); skips the model cache. */
  runners?: { detector: TensorRunner; landmark: TensorRunner; models?: ModelProvenanceEntry[] } | undefined;
}

interface Track {
  id: number;
  roi: Roi;
  lastFrame: number;
  filters?: { image: OneEuroVector; world: OneEuroVector; vis: Float64Array | undefined };
}

const LANDMARK_OUTPUTS = ["Identity", "Identity_1", "Identity_3", "Identity_4"] as const;

function now(): number {
  return performance.now();
}

/**
 * The BlazePose GHUM 3D pipeline as a {@link PoseModelAdapter}: person detector (SSD anchors, weighted NMS)
 * → rotated ROI → landmark model → heatmap refinement → projection to the frame; world landmarks in mm;
 * tracking from the auxiliary landmarks, re-detecting when the pose flag drops; optional One Euro smoothing;
 * up to `maxPeople` people with stable ids. Models are converted from @mediapipe/pose on first use.
 *
 * @example
 * ```ts
 * import { createBlazePose } from "@neuropose/infer";
 * const pose = await createBlazePose({ variant: "lite", cacheDir: "/tmp/neuropose-models", device: "cpu" });
 * console.log(pose.name, pose.provider);
 * await pose.dispose();
 * ```
 */
export async function createBlazePose(options: BlazePoseOptions = {}): Promise<PoseModelAdapter> {
  const variant = options.variant ?? "full";
  if (!["lite", "full", "heavy"].includes(variant)) {
    throw new InferError("E_MODEL_UNKNOWN", `unknown BlazePose model "${variant}"`, {
      hint: "use lite, full or heavy",
    });
  }
  let detector: TensorRunner;
  let landmark: TensorRunner;
  let models: ModelProvenanceEntry[];
  let runtime: { name: string; version: string };
  if (options.runners) {
    detector = options.runners.detector;
    landmark = options.runners.landmark;
    models = options.runners.models ?? [];
    runtime = { name: detector.provider, version: "unknown" };
  } else {
    if (!options.cacheDir) {
      throw new InferError("E_MODEL_CACHE", "no model cache folder given", { kind: "bug" });
    }
    providerOrder(options.device ?? "auto"); // reject an unsupported provider before converting anything
    const common = {
      cacheDir: options.cacheDir,
      logger: options.logger,
      converter: options.converter,
      converterVersion: options.converterVersion,
    };
    const det = await ensureModel("pose_detection", common);
    const lm = await ensureModel(`pose_landmark_${variant}`, common);
    const ro = { device: options.device, threads: options.threads, logger: options.logger };
    // from the bytes ensureModel hashed: each model file is read once, and what runs is what provenance names
    detector = await createRunner(det.onnx, { ...ro, label: det.name });
    landmark = await createRunner(lm.onnx, {
      ...ro,
      device: detector.provider as Device,
      label: lm.name,
    });
    models = (
      [
        ["detector", det],
        ["landmark", lm],
      ] as const
    ).map(([role, m]) => ({
      role,
      name: m.name,
      filename: `${m.name}.onnx`,
      sha256: m.onnxSha256,
      source_sha256: m.sourceSha256,
      source: m.source,
      converter_version: m.converterVersion,
    }));
    runtime = runtimeVersions();
  }
  return new BlazePoseAdapter(variant, detector, landmark, models, runtime, options);
}

class BlazePoseAdapter implements PoseModelAdapter {
  readonly skeleton = "blazepose_33";
  readonly numJoints = NUM_KEYPOINTS;
  /** BlazePose world landmarks: origin at the hip centre, axes parallel to the camera's (x right, y down, z away). */
  readonly coordinateFrame = "hip_centered" as const;
  readonly times: StageTimes & { detectorRuns: number; landmarkRuns: number } = {
    preprocess: 0,
    model: 0,
    postprocess: 0,
    modelRuns: 0,
    detectorRuns: 0,
    landmarkRuns: 0,
  };
  readonly name: string;
  private readonly anchors = detectorAnchors();
  private readonly detInput = new Float32Array(DETECTOR_SIZE * DETECTOR_SIZE * 3);
  private lmInput = new Float32Array(LANDMARK_SIZE * LANDMARK_SIZE * 3);
  private batchOk: boolean;
  private tracks: Track[] = [];
  private lost: Track[] = [];
  private nextId = 0;
  private frameNo = 0;
  private readonly maxPeople: number;
  private readonly minDet: number;
  private readonly minTrack: number;

  constructor(
    variant: string,
    private readonly detector: TensorRunner,
    private readonly landmark: TensorRunner,
    readonly models: ModelProvenanceEntry[],
    readonly runtime: { name: string; version: string },
    private readonly options: BlazePoseOptions,
  ) {
    this.name = `blazepose_${variant}`;
    this.maxPeople = Math.max(1, Math.floor(options.maxPeople ?? 1));
    this.minDet = options.minDetectionConfidence ?? 0.5;
    this.minTrack = options.minTrackingConfidence ?? 0.5;
    this.batchOk = options.batchLandmarks ?? true;
  }

  get provider(): string {
    return this.landmark.provider === this.detector.provider
      ? this.landmark.provider
      : `${this.detector.provider}+${this.landmark.provider}`;
  }

  reset(): void {
    this.tracks = [];
    this.lost = [];
    this.nextId = 0;
    this.frameNo = 0;
    this.times.preprocess = 0;
    this.times.model = 0;
    this.times.postprocess = 0;
    this.times.modelRuns = 0;
    this.times.detectorRuns = 0;
    this.times.landmarkRuns = 0;
  }

  async dispose(): Promise<void> {
    await this.detector.dispose();
    if (this.landmark !== this.detector) await this.landmark.dispose();
  }

  private async detect(frame: VideoFrame): Promise<Detection[]> {
    let t = now();
    const lb = letterboxTensor(frame.data, frame.width, frame.height, DETECTOR_SIZE, this.detInput);
    this.times.preprocess += now() - t;
    t = now();
    const out = await this.detector.run(
      {
        [this.detector.inputNames[0] ?? "input_1"]: {
          data: this.detInput,
          dims: [1, DETECTOR_SIZE, DETECTOR_SIZE, 3],
        },
      },
      ["Identity", "Identity_1"],
    );
    this.times.model += now() - t;
    this.times.detectorRuns++;
    this.times.modelRuns!++;
    t = now();
    const dets = decodeDetections(out.Identity!, out.Identity_1!, this.anchors, lb, this.minDet);
    this.times.postprocess += now() - t;
    return dets;
  }

  private async landmarks(frame: VideoFrame, roi: Roi): Promise<Landmarks> {
    return (await this.landmarksBatch(frame, [roi]))[0]!;
  }

  /**
   * Landmarks for several ROIs of one frame: one batched model run when the runner accepts a batch (the
   * converted ONNX models have a symbolic batch dimension), else one run per ROI.
   */
  private async landmarksBatch(frame: VideoFrame, rois: Roi[]): Promise<Landmarks[]> {
    const per = LANDMARK_SIZE * LANDMARK_SIZE * 3;
    const batched = rois.length > 1 && this.batchOk;
    const groups = batched ? [rois] : rois.map((r) => [r]);
    const result: Landmarks[] = [];
    for (const group of groups) {
      const n = group.length;
      if (this.lmInput.length < n * per) this.lmInput = new Float32Array(n * per);
      let t = now();
      group.forEach((roi, i) => {
        roiTensor(frame.data, frame.width, frame.height, roi, LANDMARK_SIZE, this.lmInput, i * per);
      });
      this.times.preprocess += now() - t;
      t = now();
      let out: Record<string, Float32Array>;
      try {
        out = await this.landmark.run(
          {
            [this.landmark.inputNames[0] ?? "input_1"]: {
              data: this.lmInput.subarray(0, n * per),
              dims: [n, LANDMARK_SIZE, LANDMARK_SIZE, 3],
            },
          },
          LANDMARK_OUTPUTS,
        );
      } catch (e) {
        if (n === 1) throw e;
        // This runner cannot batch: remember, and run one ROI at a time from now on.
        this.batchOk = false;
        this.options.logger?.debug(`landmark model does not accept a batch; running one person at a time`);
        this.times.model += now() - t;
        for (const roi of group) result.push(await this.landmarks(frame, roi));
        continue;
      }
      this.times.model += now() - t;
      this.times.landmarkRuns++;
      this.times.modelRuns!++;
      t = now();
      const heat = this.options.refineWithHeatmap === false ? undefined : out.Identity_3;
      group.forEach((roi, i) => {
        result.push(
          decodeLandmarks(out.Identity!, out.Identity_1![i]!, heat, out.Identity_4!, roi, {
            raw: i * NUM_LANDMARK_ROWS * 5,
            heatmap: i * HEATMAP_SIZE * HEATMAP_SIZE * NUM_LANDMARK_ROWS,
            world: i * NUM_LANDMARK_ROWS * 3,
          }),
        );
      });
      this.times.postprocess += now() - t;
    }
    return result;
  }

  private toPerson(track: Track, lm: Landmarks, time: number): PersonPose {
    let image = lm.image;
    let world = lm.world;
    let vis = lm.visibility;
    if (this.options.smoothing) {
      track.filters ??= {
        image: new OneEuroVector(0.05, 80, 1),
        world: new OneEuroVector(0.1, 40, 1),
        vis: undefined,
      };
      image = track.filters.image.apply(image, time, 1 / Math.max(1e-6, track.roi.size));
      world = track.filters.world.apply(world, time);
      const prev = track.filters.vis;
      vis = prev ? vis.map((v, i) => 0.1 * v + 0.9 * prev[i]!) : Float64Array.from(vis);
      track.filters.vis = vis;
    }
    const k2: number[][] = [];
    const k3: number[][] = [];
    let x0 = Number.POSITIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < NUM_KEYPOINTS; j++) {
      const x = image[j * 3]!;
      const y = image[j * 3 + 1]!;
      k2.push([x, y]);
      k3.push([world[j * 3]! * 1000, world[j * 3 + 1]! * 1000, world[j * 3 + 2]! * 1000]);
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    return {
      id: track.id,
      score: lm.flag,
      box: [x0, y0, x1 - x0, y1 - y0, lm.flag],
      keypoints2d: k2,
      keypoints3d: k3,
      visibility: Array.from(vis.subarray(0, NUM_KEYPOINTS)),
      presence: Array.from(lm.presence.subarray(0, NUM_KEYPOINTS)),
    };
  }

  async processFrame(frame: VideoFrame): Promise<PersonPose[]> {
    const f = this.frameNo++;
    const people: PersonPose[] = [];
    const kept: Track[] = [];
    // 1. Track people from the previous frame's auxiliary landmarks.
    const tracked = await this.landmarksBatch(
      frame,
      this.tracks.map((t) => t.roi),
    );
    for (const [k, track] of this.tracks.entries()) {
      const lm = tracked[k]!;
      if (lm.flag < this.minTrack) {
        track.lastFrame = f - 1;
        this.lost.push(track);
        continue;
      }
      const person = this.toPerson(track, lm, frame.time);
      // Two tracks converged on one person: keep the older one.
      if (people.some((p) => boxIou(p.box, person.box) > 0.6)) continue;
      track.roi = roiFromLandmarks(lm);
      track.lastFrame = f;
      kept.push(track);
      people.push(person);
    }
    this.tracks = kept;
    // 2. Detect when fewer people are tracked than wanted (re-detection on the same frame).
    if (this.tracks.length < this.maxPeople) {
      const dets = await this.detect(frame);
      for (const d of dets) {
        if (this.tracks.length >= this.maxPeople) break;
        const dbox = {
          xmin: d.xmin * frame.width,
          ymin: d.ymin * frame.height,
          w: d.w * frame.width,
          h: d.h * frame.height,
        };
        const seen = people.some(
          (p) => overlap(dbox, { xmin: p.box[0], ymin: p.box[1], w: p.box[2], h: p.box[3] }) > 0.5,
        );
        if (seen) continue;
        const roi = roiFromDetection(d, frame.width, frame.height);
        const lm = await this.landmarks(frame, roi);
        if (lm.flag < this.minTrack) continue;
        const track: Track = { id: -1, roi, lastFrame: f };
        const person = this.toPerson(track, lm, frame.time);
        if (people.some((p) => boxIou(p.box, person.box) > 0.6)) continue;
        track.id = this.reuseId(roi, f);
        person.id = track.id;
        track.roi = roiFromLandmarks(lm);
        this.tracks.push(track);
        people.push(person);
      }
    }
    this.lost = this.lost.filter((t) => f - t.lastFrame < 60);
    people.sort((a, b) => a.id - b.id);
    return people;
  }

  /** A person lost recently near this ROI keeps their id; otherwise a new id. */
  private reuseId(roi: Roi, f: number): number {
    let best: Track | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (const t of this.lost) {
      if (this.tracks.some((k) => k.id === t.id)) continue;
      const d = Math.hypot(t.roi.cx - roi.cx, t.roi.cy - roi.cy);
      if (d < Math.max(t.roi.size, roi.size) && d < bestD && f - t.lastFrame < 60) {
        best = t;
        bestD = d;
      }
    }
    if (best) {
      this.lost = this.lost.filter((t) => t !== best);
      return best.id;
    }
    return this.nextId++;
  }
}

type Box = { xmin: number; ymin: number; w: number; h: number };

/** Intersection over the smaller box's area (1 when one box lies inside the other), or IoU if larger. */
function overlap(a: Box, b: Box): number {
  const x0 = Math.max(a.xmin, b.xmin);
  const y0 = Math.max(a.ymin, b.ymin);
  const x1 = Math.min(a.xmin + a.w, b.xmin + b.w);
  const y1 = Math.min(a.ymin + a.h, b.ymin + b.h);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const small = Math.min(a.w * a.h, b.w * b.h);
  return Math.max(small > 0 ? inter / small : 0, iou(a, b));
}

/** Two poses are the same person when their keypoint boxes overlap mostly (one inside the other). */
function boxIou(a: PersonPose["box"], b: PersonPose["box"]): number {
  return overlap({ xmin: a[0], ymin: a[1], w: a[2], h: a[3] }, { xmin: b[0], ymin: b[1], w: b[2], h: b[3] });
}
