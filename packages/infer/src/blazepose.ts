import type { Device, FilterProvenance } from "@neuropose/io";
import {
  DETECTOR_SIZE,
  type Detection,
  decodeDetections,
  decodeLandmarks,
  detectorAnchors,
  HEATMAP_SIZE,
  iou,
  keypointBox,
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
import { PoseTracker, type TrackPose } from "./_track.js";
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
  /**
   * Fraction of the 33 keypoints that must lie inside the frame for the person to be present (default 0.2). The
   * landmark models keep a high pose flag for a person who has walked out of the picture (measured: 0.6-1.0 with
   * 0 of 33 keypoints inside the frame), so the flag alone does not say "absent".
   */
  minInFrame?: number | undefined;
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

interface Filters {
  image: OneEuroVector;
  world: OneEuroVector;
  vis: Float64Array | undefined;
}

/** A candidate pose of this frame: the tracker's view of it plus what the adapter needs to output it. */
interface Candidate extends TrackPose {
  lm: Landmarks;
  roi: Roi;
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
  /** With `smoothing`: MediaPipe's One Euro settings, as toPerson applies them. */
  get outputFilters(): FilterProvenance[] {
    if (!this.options.smoothing) return [];
    return [
      {
        filter: "one_euro",
        applied_to: "poses2d",
        min_cutoff: 0.05,
        beta: 80,
        d_cutoff: 1,
        value_scale: "1/ROI size",
      },
      { filter: "one_euro", applied_to: "poses3d", min_cutoff: 0.1, beta: 40, d_cutoff: 1 },
      { filter: "exponential", applied_to: "visibility", alpha: 0.1 },
    ];
  }
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
  /** ROIs of the people followed in the previous frame, by id. */
  private rois: { id: number; roi: Roi }[] = [];
  private smoothers = new Map<number, Filters>();
  private readonly tracker: PoseTracker;
  private readonly maxPeople: number;
  private readonly minDet: number;
  private readonly minPresence: number;
  private readonly minInFrame: number;
  get presenceThreshold(): number {
    return this.minPresence;
  }
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
    this.minPresence = options.minPresence ?? options.minTrackingConfidence ?? 0.5;
    this.minInFrame = options.minInFrame ?? 0.2;
    this.batchOk = options.batchLandmarks ?? true;
    this.tracker = new PoseTracker({
      maxPeople: this.maxPeople,
      timeoutSeconds: options.trackTimeoutSeconds ?? 2,
    });
  }

  get provider(): string {
    return this.landmark.provider === this.detector.provider
      ? this.landmark.provider
      : `${this.detector.provider}+${this.landmark.provider}`;
  }

  reset(): void {
    this.rois = [];
    this.smoothers.clear();
    this.tracker.reset();
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

  private toPerson(id: number, roi: Roi, lm: Landmarks, time: number): PersonPose {
    let image = lm.image;
    let world = lm.world;
    let vis = lm.visibility;
    if (this.options.smoothing) {
      let filters = this.smoothers.get(id);
      if (!filters) {
        filters = {
          image: new OneEuroVector(0.05, 80, 1),
          world: new OneEuroVector(0.1, 40, 1),
          vis: undefined,
        };
        this.smoothers.set(id, filters);
      }
      image = filters.image.apply(image, time, 1 / Math.max(1e-6, roi.size));
      world = filters.world.apply(world, time);
      const prev = filters.vis;
      vis = prev ? vis.map((v, i) => 0.1 * v + 0.9 * prev[i]!) : Float64Array.from(vis);
      filters.vis = vis;
    }
    const { keypoints, box } = keypointBox(image);
    const k3: number[][] = [];
    for (let j = 0; j < NUM_KEYPOINTS; j++)
      k3.push([world[j * 3]! * 1000, world[j * 3 + 1]! * 1000, world[j * 3 + 2]! * 1000]);
    return {
      id,
      score: lm.flag,
      box: [...box, lm.flag],
      keypoints2d: keypoints,
      keypoints3d: k3,
      visibility: Array.from(vis.subarray(0, NUM_KEYPOINTS)),
      presence: Array.from(lm.presence.subarray(0, NUM_KEYPOINTS)),
    };
  }

  /** The tracker's view of one landmark result: keypoint box, 2D keypoints, visibility, presence score. */
  private candidate(lm: Landmarks, roi: Roi, fromTrack: number | undefined): Candidate {
    const { keypoints, box } = keypointBox(lm.image);
    return {
      box,
      keypoints,
      visibility: Array.from(lm.visibility.subarray(0, NUM_KEYPOINTS)),
      score: lm.flag,
      fromTrack,
      lm,
      roi,
    };
  }

  /** The absence rule: pose presence below the threshold, or too few keypoints inside the frame. */
  private present(lm: Landmarks, frame: VideoFrame): boolean {
    if (!(lm.flag >= this.minPresence)) return false;
    let inside = 0;
    for (let j = 0; j < NUM_KEYPOINTS; j++) {
      const x = lm.image[j * 3]!;
      const y = lm.image[j * 3 + 1]!;
      if (x >= 0 && y >= 0 && x < frame.width && y < frame.height) inside++;
    }
    return inside >= this.minInFrame * NUM_KEYPOINTS;
  }

  async processFrame(frame: VideoFrame): Promise<PersonPose[]> {
    // 1. Follow the people of the previous frame from their auxiliary landmarks (one batched model run). A pose
    //    whose presence is below the threshold is absent in this frame (not returned, not counted).
    const cands: Candidate[] = [];
    const tracked = await this.landmarksBatch(
      frame,
      this.rois.map((r) => r.roi),
    );
    for (const [k, { id, roi }] of this.rois.entries()) {
      const lm = tracked[k]!;
      if (this.present(lm, frame)) cands.push(this.candidate(lm, roi, id));
    }
    let kept = this.tracker.dedupe(cands);
    // 2. Detect when fewer people are followed than wanted (re-detection on the same frame).
    if (kept.length < this.maxPeople) {
      const dets = await this.detect(frame);
      const rois: Roi[] = [];
      for (const d of dets) {
        if (rois.length >= this.maxPeople) break;
        const dbox = {
          xmin: d.xmin * frame.width,
          ymin: d.ymin * frame.height,
          w: d.w * frame.width,
          h: d.h * frame.height,
        };
        const seen = kept.some(
          (p) => overlap(dbox, { xmin: p.box[0], ymin: p.box[1], w: p.box[2], h: p.box[3] }) > 0.5,
        );
        if (!seen) rois.push(roiFromDetection(d, frame.width, frame.height));
      }
      const found = await this.landmarksBatch(frame, rois);
      for (const [k, roi] of rois.entries()) {
        const lm = found[k]!;
        if (this.present(lm, frame)) cands.push(this.candidate(lm, roi, undefined));
      }
      kept = this.tracker.dedupe(cands);
    }
    // 3. One global assignment of this frame's poses to the known people (one id per person per frame).
    const ids = this.tracker.update(kept, frame.time);
    const people: PersonPose[] = [];
    this.rois = [];
    for (const [i, c] of kept.entries()) {
      const id = ids[i];
      if (id === undefined) continue;
      people.push(this.toPerson(id, c.roi, c.lm, frame.time));
      this.rois.push({ id, roi: roiFromLandmarks(c.lm) });
    }
    if (this.smoothers.size > 0) {
      const known = new Set(this.tracker.knownIds);
      for (const id of this.smoothers.keys()) if (!known.has(id)) this.smoothers.delete(id);
    }
    people.sort((a, b) => a.id - b.id);
    return people;
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
