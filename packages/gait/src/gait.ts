import type { Skeleton } from "@neuropose/io";
import {
  inferSkeleton,
  type PoseSequence,
  type PredictionsLike,
  predictionsToSequence,
  resolveAxis,
} from "@neuropose/kinematics";
import { anterior, bodyFrame, type LegJoints, legJoints, meanPoints, upAxis } from "./_frame.js";
import {
  ANGLE_CONVENTION,
  type GaitCurve,
  gaitCurves,
  type SagittalAngles,
  sagittalAngles,
} from "./curves.js";
import { GaitError } from "./errors.js";
import { detectGaitEvents, type GaitEventMethod, type GaitEventSet } from "./events.js";
import { type ScaleInfo, type SpatiotemporalParameters, spatiotemporalParameters } from "./parameters.js";
import type { UpDirection } from "./up.js";
import {
  GAIT_WARNING_DEFAULTS,
  type GaitWarning,
  type GaitWarningOptions,
  gaitWarnings,
} from "./warnings.js";

/** Leg length (hip joint centre → knee → ankle joint centre) as a fraction of stature (Winter 2009: thigh 0.245 H + shank 0.246 H). */
export const LEG_LENGTH_PER_HEIGHT = 0.491;

export interface GaitOptions extends GaitWarningOptions {
  fps: number;
  skeleton?: Skeleton | string | undefined;
  /** Event detection method (default "zeni"). */
  method?: GaitEventMethod;
  /** Units of the coordinates: "mm" or "m" for metric 3D, "px" (or undefined) for image/unknown units. */
  unit?: "mm" | "m" | "px" | undefined;
  /** Subject's leg length (hip joint centre to ankle joint centre through the knee), metres: sets the scale. */
  legLength?: number | undefined;
  /** Subject's height (stature), metres: sets the scale through LEG_LENGTH_PER_HEIGHT when no leg length is given. */
  height?: number | undefined;
  /** Vertical axis (default "y"); "up" along it is found from the data (hips above heels). See `up`. */
  verticalAxis?: "x" | "y" | "z" | number;
  /**
   * The declared direction of "up" (a document's `poses3d_up`, see `declaredUp`): sets the vertical axis and
   * its sign, over `verticalAxis`; a declaration the data contradict (hips below the heels) gets
   * `W_GAIT_UP_MISMATCH`.
   */
  up?: UpDirection | undefined;
  minCycleSeconds?: number;
  maxCycleSeconds?: number;
  /** Strides below this confidence are left out of the curves (default 0: all). */
  minCurveConfidence?: number;
}

/** Every gait measure of one person. */
export interface GaitAnalysis {
  events: GaitEventSet;
  parameters: SpatiotemporalParameters;
  curves: GaitCurve[];
  angles: SagittalAngles;
  conventions: typeof ANGLE_CONVENTION & {
    scale: string;
    cadence: string;
    asymmetry: string;
    variability: string;
    vertical: string;
  };
  /** What a reader must know before trusting the numbers (few strides, unsure heel strikes); see `gaitWarnings`. */
  warnings: GaitWarning[];
}

function scaleFor(seq: PoseSequence, legs: LegJoints, options: GaitOptions): ScaleInfo | null {
  const given =
    options.legLength ?? (options.height !== undefined ? options.height * LEG_LENGTH_PER_HEIGHT : undefined);
  if (given !== undefined) {
    if (!(given > 0) || !Number.isFinite(given)) {
      throw new GaitError(
        "E_GAIT_SCALE",
        `leg length / height must be a positive number of metres; got ${given}`,
        {
          hint: "give height or legLength in metres (e.g. 1.72)",
        },
      );
    }
    // Model leg length per frame (both legs), smoothed over ±0.5 s: perspective changes it as the walker
    // approaches or leaves the camera, so the scale is local.
    const n = seq.frames;
    const J = seq.joints;
    const d = seq.data;
    const leg = new Float64Array(n);
    const ok = new Float64Array(n);
    const hips = [meanPoints(seq, legs.hip[0]), meanPoints(seq, legs.hip[1])];
    for (let f = 0; f < n; f++) {
      let sum = 0;
      let cnt = 0;
      for (let s = 0; s < 2; s++) {
        const h = hips[s] as Float64Array;
        const k = (f * J + legs.knee[s]) * 3;
        const a = (f * J + legs.ankle[s]) * 3;
        const tx = d[k] - h[3 * f];
        const ty = d[k + 1] - h[3 * f + 1];
        const tz = d[k + 2] - h[3 * f + 2];
        const sx = d[a] - d[k];
        const sy = d[a + 1] - d[k + 1];
        const sz = d[a + 2] - d[k + 2];
        const l = Math.sqrt(tx * tx + ty * ty + tz * tz) + Math.sqrt(sx * sx + sy * sy + sz * sz);
        if (Number.isFinite(l) && l > 0) {
          sum += l;
          cnt++;
        }
      }
      if (cnt > 0) {
        leg[f] = sum / cnt;
        ok[f] = 1;
      }
    }
    const half = Math.max(1, Math.round(options.fps / 2));
    const cs = new Float64Array(n + 1);
    const cc = new Float64Array(n + 1);
    for (let f = 0; f < n; f++) {
      cs[f + 1] = cs[f] + leg[f];
      cc[f + 1] = cc[f] + ok[f];
    }
    const source = options.legLength !== undefined ? "leg_length" : "height";
    return {
      source,
      lengthUnit: "m",
      assumption:
        source === "leg_length"
          ? `lengths scaled so that the model's leg (hip → knee → ankle, mean of both legs over ±0.5 s) is the given ${given} m`
          : `lengths scaled so that the model's leg (hip → knee → ankle, mean of both legs over ±0.5 s) is ${LEG_LENGTH_PER_HEIGHT} × the given height ${options.height} m (Winter 2009 segment proportions)`,
      factor: (f: number) => {
        const lo = Math.max(0, f - half);
        const hi = Math.min(n, f + half + 1);
        const c = cc[hi] - cc[lo];
        return c > 0 ? given / ((cs[hi] - cs[lo]) / c) : Number.NaN;
      },
    };
  }
  if (options.unit === "mm" || options.unit === "m") {
    const k = options.unit === "mm" ? 0.001 : 1;
    return {
      source: "metric_3d",
      lengthUnit: "m",
      assumption: `lengths from the model's metric 3D coordinates (${options.unit}); their absolute scale is the pose model's estimate (BlazePose assumes an average body size) — give height or legLength for the subject's own scale`,
      factor: () => k,
    };
  }
  return null;
}

/**
 * Every gait measure of one pose sequence: events (per foot, with confidence, in walking bouts), strides and
 * spatiotemporal parameters (overall and per bout, per foot, with asymmetry; lengths and speed only with a
 * scale), sagittal joint angles per frame and gait curves over the normalised cycle, and the conventions
 * used, in words.
 *
 * @example
 * ```ts
 * import { analyzeGait, synthesizeWalker } from "@neuropose/gait";
 * const w = synthesizeWalker({ seconds: 10, strideSeconds: 1, speed: 1.2 });
 * const g = analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33", unit: "mm" });
 * console.log(g.parameters.overall.cadence, g.parameters.overall.left.strideLength.mean); // 120 1.2 (metres, up to rounding)
 * ```
 */
export function analyzeGait(seq: PoseSequence, options: GaitOptions): GaitAnalysis {
  if (!(options.fps > 0)) {
    throw new GaitError("E_GAIT_FPS", `fps must be > 0; got ${options.fps}`, { hint: "set metadata.fps" });
  }
  const legs = legJoints(options.skeleton, seq.joints);
  const declared = options.up === undefined ? undefined : upAxis(options.up);
  const vertical = declared?.axis ?? resolveAxis(options.verticalAxis ?? "y");
  const bf = bodyFrame(seq, legs, options.fps, vertical, 1.0, declared?.sign);
  const heelA: [Float64Array, Float64Array] = [
    anterior(seq, bf, legs.heel[0]),
    anterior(seq, bf, legs.heel[1]),
  ];
  const events = detectGaitEvents(seq, {
    fps: options.fps,
    method: options.method ?? "zeni",
    minCycleSeconds: options.minCycleSeconds ?? 0.4,
    maxCycleSeconds: options.maxCycleSeconds ?? 2.5,
    _frame: { legs, bf, heelA },
  });
  const scale = scaleFor(seq, legs, options);
  const minStrides = options.minStrides ?? GAIT_WARNING_DEFAULTS.minStrides;
  const parameters = spatiotemporalParameters(events, { scale, heelAnterior: heelA, minStrides });
  const angles = sagittalAngles(seq, bf, legs);
  const curves = gaitCurves(angles, parameters.strides, events, {
    minConfidence: options.minCurveConfidence ?? 0,
  });
  return {
    events,
    parameters,
    curves,
    angles,
    warnings: [
      ...(options.up !== undefined && bf.hipsAbove < 0.5
        ? [
            {
              code: "W_GAIT_UP_MISMATCH" as const,
              message: `the declared up direction (${options.up}) puts the hips below the heels in ${Math.round(100 * (1 - bf.hipsAbove))} % of the frames: the document's vertical (metadata.poses3d_up / poses3d_frame) looks wrong, and so would every measure`,
              side: null,
              frame: null,
              value: bf.hipsAbove,
              threshold: 0.5,
            },
          ]
        : []),
      ...gaitWarnings(events, parameters, { ...options, minStrides }),
    ],
    conventions: {
      ...ANGLE_CONVENTION,
      scale:
        scale === null
          ? "no spatial scale (image or unknown units, no height or leg length given): stride length and speed are not reported"
          : scale.assumption,
      cadence:
        "steps per minute: steps inside walking bouts over the bouts' duration (first to last heel strike)",
      asymmetry: "symmetry index = 100·(L − R)/(½(L + R)) %, > 0 when left is larger; ratio = L/R",
      variability: `SD (n − 1) and CV = 100·SD/|mean| per side only from ${minStrides} strides on (fewer: null, with a warning)`,
      vertical:
        options.up !== undefined
          ? `up = ${options.up} of the coordinates, as the document declares`
          : `vertical axis ${"xyz"[vertical]}, up = ${bf.up > 0 ? "+" : "−"}${"xyz"[vertical]} (the side of the hips relative to the heels)`,
    },
  };
}

/** Predictions with the metadata the gait measures use. */
export type GaitPredictions = PredictionsLike & {
  readonly metadata: {
    readonly fps: number;
    readonly skeleton?: string | null | undefined;
    readonly poses3d_unit?: string | undefined;
    readonly poses3d_frame?: string | undefined;
    readonly poses3d_up?: string | undefined;
  };
};

/**
 * The direction of "up" a predictions document declares: `poses3d_up`, else `-y` for the `camera` and
 * `hip_centered` frames (y down by their definition); null when nothing says (a `world` frame without
 * `poses3d_up`: the calibration's own axes; or no frame at all). Never guessed from the data.
 *
 * @example
 * ```ts
 * import { declaredUp } from "@neuropose/gait";
 * console.log(declaredUp({ poses3d_frame: "hip_centered" }), declaredUp({ poses3d_frame: "world", poses3d_up: "+z" })); // "-y" "+z"
 * console.log(declaredUp({ poses3d_frame: "world" })); // null
 * ```
 */
export function declaredUp(metadata: {
  readonly poses3d_frame?: string | undefined;
  readonly poses3d_up?: string | undefined;
}): UpDirection | null {
  const up = metadata.poses3d_up;
  if (up !== undefined) {
    if (!/^[+-][xyz]$/.test(up))
      throw new GaitError("E_GAIT_FRAME", `metadata.poses3d_up must be one of +x -x +y -y +z -z; got ${up}`, {
        hint: "fix the document's poses3d_up",
      });
    return up as UpDirection;
  }
  return metadata.poses3d_frame === "camera" || metadata.poses3d_frame === "hip_centered" ? "-y" : null;
}

/**
 * The vertical of one document for the gait measures: the caller's `up` or `verticalAxis` when given, else the
 * document's declaration (`declaredUp`); a `world` frame that declares nothing is an `E_GAIT_FRAME` error (its
 * axes are the calibration's own: guessing would be silent); no frame at all keeps the default ("y", up from
 * the data).
 *
 * @example
 * ```ts
 * import { verticalFor } from "@neuropose/gait";
 * console.log(verticalFor({ poses3d_frame: "world", poses3d_up: "+z" }, {})); // { up: "+z" }
 * console.log(verticalFor({ poses3d_frame: "world" }, { verticalAxis: "z" })); // { verticalAxis: "z" }
 * ```
 */
export function verticalFor(
  metadata: Parameters<typeof declaredUp>[0],
  given: { up?: UpDirection | undefined; verticalAxis?: GaitOptions["verticalAxis"] | undefined },
): { up?: UpDirection; verticalAxis?: GaitOptions["verticalAxis"] } {
  if (given.up !== undefined) return { up: given.up };
  if (given.verticalAxis !== undefined) return { verticalAxis: given.verticalAxis };
  const up = declaredUp(metadata);
  if (up !== null) return { up };
  if (metadata.poses3d_frame === "world") {
    throw new GaitError(
      "E_GAIT_FRAME",
      "the poses are in a 'world' (lab) frame that does not declare which way is up (metadata.poses3d_up)",
      {
        hint: "give the vertical axis (analysis: vertical_axis: z; library: up: '+z'), or re-run neuropose-infer --cameras, which declares it",
      },
    );
  }
  return {};
}

/**
 * `analyzeGait` on one person of a predictions document: fps, skeleton and unit from its metadata.
 *
 * @example
 * ```ts
 * import { analyzePredictions, synthesizeWalker } from "@neuropose/gait";
 * const { frames: n, joints: J, data } = synthesizeWalker({ seconds: 5 }).sequence;
 * const frames = {};
 * for (let f = 0; f < n; f++) {
 *   const pose = Array.from({ length: J }, (_, j) => Array.from(data.subarray((f * J + j) * 3, (f * J + j) * 3 + 3)));
 *   frames[`frame_${f}`] = { poses3d: [pose] };
 * }
 * const g = analyzePredictions({ metadata: { fps: 30, skeleton: "blazepose_33", poses3d_unit: "mm" }, frames });
 * console.log(g.parameters.overall.cadence); // 120
 * ```
 */
export function analyzePredictions(
  preds: GaitPredictions,
  options: Partial<GaitOptions> & { personIndex?: number } = {},
): GaitAnalysis {
  const seq = predictionsToSequence(preds, { personIndex: options.personIndex ?? 0 });
  const own = preds.metadata.skeleton;
  const skeleton = options.skeleton ?? (typeof own === "string" ? inferSkeleton(own).name : undefined);
  const unit = preds.metadata.poses3d_unit;
  return analyzeGait(seq, {
    ...options,
    ...verticalFor(preds.metadata, options),
    fps: options.fps ?? preds.metadata.fps,
    skeleton,
    unit: options.unit ?? (unit === "mm" || unit === "m" ? unit : undefined),
  });
}
