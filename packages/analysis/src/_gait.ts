// analysis.kind "gait": @neuropose/gait on the primary and each reference (events, spatiotemporal parameters,
// gait curves), written in the report's gait layout (io's gait-analysis.ts: snake_case, units in the names,
// frames of the input file), and each reference compared with the primary: DTW of the mean gait curves
// (degrees) and the difference of every parameter, in sentences too.

import {
  ANGLE_CONVENTION,
  analyzeGait,
  type GaitAnalysis,
  type GaitCurve,
  type GaitEvent,
  type ParameterSet,
  type SideParameters,
  type Stat,
  verticalFor,
} from "@neuropose/gait";
import {
  GAIT_RESULTS_VERSION,
  GAIT_SIDE_PARAMETERS,
  GAIT_UNITS,
  type GaitAnalysisConfig,
  type GaitComparisonResult,
  type GaitResults,
  type GaitTrialResult,
  SKELETON_NAMES,
} from "@neuropose/io";
import type { RunContext } from "./_context.js";
import { checkAbort } from "./_deps.js";
import { type InputSummary, inputSummary, withContext } from "./_inputs.js";
import { dtwSeriesPath } from "./_pair.js";
import { loadTrial, sliceSequence, type Trial } from "./_trials.js";

type Side = "left" | "right";
const SIDES: readonly Side[] = ["left", "right"];
const JOINTS = ["hip", "knee", "ankle"] as const;

function gaitConfig(ctx: RunContext): GaitAnalysisConfig {
  const a = ctx.work.analysis;
  if (a.kind !== "gait") throw new Error("unreachable: gait results on a non-gait analysis");
  return a;
}

/** Height / leg length for one input: its `subjects` entry, else the block's own values. */
function subjectScale(an: GaitAnalysisConfig, path: string): { height?: number; legLength?: number } {
  const own = an.subjects?.[path];
  if (own && (own.height !== undefined || own.leg_length !== undefined)) {
    return { height: own.height, legLength: own.leg_length };
  }
  return { height: an.height, legLength: an.leg_length };
}

function statOut(s: Stat) {
  return { mean: s.mean, sd: s.sd, cv_pct: s.cv, n: s.n };
}

function sideOut(p: SideParameters) {
  return {
    strides: p.strides,
    stride_time_s: statOut(p.strideTime),
    step_time_s: statOut(p.stepTime),
    stance_pct: statOut(p.stancePct),
    swing_pct: statOut(p.swingPct),
    double_support_pct: statOut(p.doubleSupportPct),
    stride_length_m: statOut(p.strideLength),
    step_length_m: statOut(p.stepLength),
    speed_m_per_s: statOut(p.speed),
    cadence_steps_per_min: p.cadence,
  };
}

function setOut(p: ParameterSet) {
  const a = (k: keyof ParameterSet["asymmetry"]) => ({
    symmetry_index_pct: p.asymmetry[k].symmetryIndex,
    ratio: p.asymmetry[k].ratio,
  });
  return {
    cadence_steps_per_min: p.cadence,
    steps: p.steps,
    walking_s: p.walkingSeconds,
    left: sideOut(p.left),
    right: sideOut(p.right),
    asymmetry: {
      stride_time_s: a("strideTime"),
      step_time_s: a("stepTime"),
      stance_pct: a("stancePct"),
      swing_pct: a("swingPct"),
      double_support_pct: a("doubleSupportPct"),
      stride_length_m: a("strideLength"),
      step_length_m: a("stepLength"),
    },
  };
}

function peakOut(p: { value: number; pct: number } | null) {
  return p === null ? null : { value_deg: p.value, pct: p.pct };
}

function curveOut(c: GaitCurve) {
  return {
    joint: c.joint,
    side: c.side,
    strides: c.strides,
    mean_deg: c.mean,
    sd_deg: c.sd,
    rom_deg: c.rom,
    rom_per_stride_deg: c.romPerStride,
    max: peakOut(c.max),
    min: peakOut(c.min),
    loading_max: peakOut(c.loadingMax),
    swing_max: peakOut(c.swingMax),
    toe_off_pct: c.toeOffPct,
  };
}

/** The gait analysis of one trial in the report's layout; frames shifted by `offset` to the file's frames. */
export function trialOut(
  g: GaitAnalysis,
  role: "primary" | "reference",
  path: string,
  fps: number,
  frames: [number, number],
): GaitTrialResult {
  const offset = frames[0];
  const ev = (e: GaitEvent) => ({
    frame: e.frame + offset,
    time_s: (e.frame + offset) / fps,
    side: e.side,
    label_side: e.labelSide,
    bout: e.bout,
    confidence: e.confidence,
  });
  const p = g.parameters;
  return {
    role,
    path,
    fps,
    frames,
    scale:
      p.scale === null ? null : { source: p.scale.source, length_unit: "m", assumption: p.scale.assumption },
    events: {
      heel_strikes: g.events.heelStrikes.map(ev),
      toe_offs: g.events.toeOffs.map(ev),
      label_agreement: Number.isFinite(g.events.labelAgreement) ? g.events.labelAgreement : null,
    },
    bouts: g.events.bouts.map((b) => ({
      index: b.index,
      start_frame: b.start + offset,
      end_frame: b.end + offset,
      strikes: b.strikes,
    })),
    parameters: {
      overall: setOut(p.overall),
      bouts: p.bouts.map((b) => ({
        ...setOut(b),
        bout: b.bout,
        start_frame: b.start + offset,
        end_frame: b.end + offset,
      })),
    },
    strides: p.strides.map((s) => ({
      side: s.side,
      bout: s.bout,
      start_frame: s.start + offset,
      end_frame: s.end + offset,
      toe_off_frame: s.toeOff === null ? null : s.toeOff + offset,
      stride_time_s: s.strideTime,
      step_time_s: s.stepTime,
      stance_pct: s.stancePct,
      swing_pct: s.swingPct,
      double_support_pct: s.doubleSupportPct,
      stride_length_m: s.strideLength,
      step_length_m: s.stepLength,
      speed_m_per_s: s.speed,
      confidence: s.confidence,
    })),
    curves: g.curves.map(curveOut),
    warnings: g.warnings.map((w) => ({
      code: w.code,
      message: w.message,
      side: w.side,
      frame: w.frame === null ? null : w.frame + offset,
      time_s: w.frame === null ? null : (w.frame + offset) / fps,
      value: w.value,
      threshold: w.threshold,
    })),
    vertical: g.conventions.vertical,
  };
}

/** The gait measures of one loaded trial: the longest part when the trial was split at long gaps. */
function measure(ctx: RunContext, trial: Trial, role: "primary" | "reference"): GaitTrialResult {
  const an = gaitConfig(ctx);
  const { input, prepared } = trial;
  const parts = prepared.parts;
  const [s, e] = parts.reduce(
    (a, b) => (b[1] - b[0] > a[1] - a[0] ? b : a),
    parts[0] ?? [0, trial.seq.frames],
  );
  const offset = prepared.offset + s;
  if (parts.length > 1) {
    ctx.notes.push(
      `${input.written}: split at ${parts.length - 1} long gap(s); gait measures from its longest part, frames ${offset}–${offset + e - s - 1}`,
    );
  }
  const meta = input.predictions.metadata;
  const own = meta.skeleton;
  const skeleton =
    typeof own === "string" && (SKELETON_NAMES as readonly string[]).includes(own) ? own : undefined;
  let g: GaitAnalysis;
  try {
    // The vertical: the config's when given, else the input's declaration (a world frame must declare it).
    const vertical = verticalFor(meta, { verticalAxis: an.vertical_axis });
    g = analyzeGait(sliceSequence(trial.seq, s, e), {
      fps: meta.fps,
      skeleton,
      method: an.method,
      // The model's metric scale only when asked for: without the subject's size, no lengths by default.
      unit: an.model_scale ? ctx.unit : undefined,
      ...subjectScale(an, input.written),
      ...vertical,
      minCycleSeconds: an.min_cycle_seconds,
      maxCycleSeconds: an.max_cycle_seconds,
      minCurveConfidence: an.min_curve_confidence,
      minStrides: an.min_strides,
      minStrikeConfidence: an.min_strike_confidence,
      frameOffset: offset,
    });
  } catch (err) {
    throw withContext(err, `gait measures of ${input.written}`, input.absolute);
  }
  if (g.parameters.strides.length === 0) {
    ctx.notes.push(
      `${input.written}: no complete stride found (${g.events.heelStrikes.length} heel strike(s)); its parameters and curves are empty`,
    );
  }
  // The report's warnings (shown on the page) name the input; the trial keeps them with their numbers.
  for (const w of g.warnings) ctx.warnings.push(`${input.written}: ${w.message} [${w.code}]`);
  return trialOut(g, role, input.written, meta.fps, [offset, offset + e - s]);
}

const UNITS: Record<string, string> = {
  cadence_steps_per_min: "steps/min",
  stride_time_s: "s",
  step_time_s: "s",
  stance_pct: "% of stride",
  swing_pct: "% of stride",
  double_support_pct: "% of stride",
  stride_length_m: "m",
  step_length_m: "m",
  speed_m_per_s: "m/s",
};

function difference(
  name: string,
  side: "left" | "right" | "both",
  unit: string,
  p: number | null,
  r: number | null,
): GaitComparisonResult["parameters"][number] {
  const ok = p !== null && r !== null && Number.isFinite(p) && Number.isFinite(r);
  return {
    name,
    side,
    unit,
    primary: p,
    reference: r,
    difference: ok ? p - r : null,
    percent_difference: ok && r !== 0 ? (100 * (p - r)) / Math.abs(r) : null,
  };
}

function num(x: number, unit: string): string {
  const digits = unit === "s" || unit === "m" || unit === "m/s" ? 2 : 1;
  return `${x.toFixed(digits)}${unit === "°" ? "°" : ` ${unit}`}`;
}

function signed(x: number, unit: string): string {
  return `${x > 0 ? "+" : x < 0 ? "−" : "±"}${num(Math.abs(x), unit)}`;
}

function finiteCurve(c: GaitTrialResult["curves"][number] | undefined): Float64Array | null {
  if (c === undefined || c.strides === 0) return null;
  const out = new Float64Array(c.mean_deg.length);
  for (let i = 0; i < out.length; i++) {
    const v = c.mean_deg[i];
    if (v === null || !Number.isFinite(v)) return null;
    out[i] = v;
  }
  return out;
}

/** One reference compared with the primary: curves by DTW (degrees), parameters by difference, in words. */
export function compareGait(p: GaitTrialResult, r: GaitTrialResult): GaitComparisonResult {
  const curves: GaitComparisonResult["curves"] = [];
  const parameters: GaitComparisonResult["parameters"] = [];
  const statements: string[] = [];
  const curveOf = (t: GaitTrialResult, joint: string, side: Side) =>
    t.curves.find((c) => c.joint === joint && c.side === side);
  for (const side of SIDES) {
    const perJoint: { joint: string; a: Float64Array; b: Float64Array }[] = [];
    for (const joint of JOINTS) {
      const a = finiteCurve(curveOf(p, joint, side));
      const b = finiteCurve(curveOf(r, joint, side));
      if (a === null || b === null) continue;
      perJoint.push({ joint, a, b });
    }
    const rows: { joint: string; a: Float64Array; b: Float64Array; dims: number }[] = perJoint.map((x) => ({
      ...x,
      dims: 1,
    }));
    if (perJoint.length === JOINTS.length) {
      // The three joints together (one warping path for the side-by-side view of the movement).
      const n = perJoint[0]?.a.length ?? 0;
      const a = new Float64Array(3 * n);
      const b = new Float64Array(3 * n);
      for (let i = 0; i < n; i++)
        for (let k = 0; k < 3; k++) {
          a[3 * i + k] = perJoint[k]?.a[i] as number;
          b[3 * i + k] = perJoint[k]?.b[i] as number;
        }
      rows.push({ joint: "hip_knee_ankle", a, b, dims: 3 });
    }
    for (const row of rows) {
      const { distance, path } = dtwSeriesPath(row.a, row.b, row.dims);
      const n = row.a.length / row.dims;
      let sum = 0;
      let max = 0;
      for (let i = 0; i < n; i++) {
        let d2 = 0;
        for (let k = 0; k < row.dims; k++) d2 += (row.a[i * row.dims + k] - row.b[i * row.dims + k]) ** 2;
        const d = Math.sqrt(d2);
        sum += d;
        if (d > max) max = d;
      }
      const c = {
        joint: row.joint as GaitComparisonResult["curves"][number]["joint"],
        side,
        dtw_distance_deg: distance,
        dtw_mean_deg: path.length > 0 ? distance / path.length : Number.NaN,
        mean_abs_difference_deg: sum / n,
        max_abs_difference_deg: max,
        path,
      };
      curves.push(c);
      if (row.dims === 1) {
        statements.push(
          `${row.joint[0]?.toUpperCase()}${row.joint.slice(1)} (${side}): once the two mean gait cycles are aligned in time (DTW), they differ by ${num(c.dtw_mean_deg, "°")} on average; at equal % of the cycle by ${num(c.mean_abs_difference_deg, "°")} on average, at most ${num(c.max_abs_difference_deg, "°")}.`,
        );
      }
    }
  }
  const po = p.parameters.overall;
  const ro = r.parameters.overall;
  parameters.push(
    difference(
      "cadence_steps_per_min",
      "both",
      "steps/min",
      po.cadence_steps_per_min,
      ro.cadence_steps_per_min,
    ),
  );
  for (const side of SIDES) {
    for (const k of GAIT_SIDE_PARAMETERS) {
      parameters.push(difference(k, side, UNITS[k] as string, po[side][k].mean, ro[side][k].mean));
    }
  }
  for (const k of ["stride_time_s", "step_time_s", "stance_pct"] as const) {
    parameters.push(
      difference(
        `${k}_symmetry_index_pct`,
        "both",
        "%",
        po.asymmetry[k].symmetry_index_pct,
        ro.asymmetry[k].symmetry_index_pct,
      ),
    );
  }
  for (const side of SIDES)
    for (const joint of JOINTS) {
      const a = curveOf(p, joint, side);
      const b = curveOf(r, joint, side);
      parameters.push(difference(`${joint}_rom_deg`, side, "°", a?.rom_deg ?? null, b?.rom_deg ?? null));
      if (joint === "knee") {
        parameters.push(
          difference(
            "knee_swing_max_deg",
            side,
            "°",
            a?.swing_max?.value_deg ?? null,
            b?.swing_max?.value_deg ?? null,
          ),
        );
      }
    }
  // Plain sentences for the parameters a reader looks at first.
  const say = (d: GaitComparisonResult["parameters"][number], label: string) => {
    if (d.difference === null || d.primary === null || d.reference === null) return;
    const pct = d.percent_difference === null ? "" : `, ${signed(d.percent_difference, "%")}`;
    statements.unshift(
      d.unit === "% of stride"
        ? `${label}: ${num(d.primary, "%")} vs ${num(d.reference, "%")} of the stride in the reference (${signed(d.difference, "percentage points")}${pct}).`
        : `${label}: ${num(d.primary, d.unit)} vs ${num(d.reference, d.unit)} in the reference (${signed(d.difference, d.unit)}${pct}).`,
    );
  };
  const find = (name: string, side: string) => parameters.find((x) => x.name === name && x.side === side);
  const lead: [string, string, string][] = [
    ["knee_rom_deg", "right", "Knee range of motion (right)"],
    ["knee_rom_deg", "left", "Knee range of motion (left)"],
    ["speed_m_per_s", "left", "Walking speed (left strides)"],
    ["stance_pct", "right", "Stance (right)"],
    ["stance_pct", "left", "Stance (left)"],
    ["stride_time_s", "left", "Stride time (left)"],
    ["cadence_steps_per_min", "both", "Cadence"],
  ];
  for (const [name, side, label] of lead) {
    const d = find(name, side);
    if (d) say(d, label);
  }
  if (p.scale === null || r.scale === null) {
    statements.push(
      "Stride length and speed are not compared: no spatial scale for both trials (give height or leg_length, or model_scale: true).",
    );
  }
  return { reference: r.path, curves, parameters, statements };
}

/** The gait results of a run: the primary's measures, then each reference's and its comparison. */
export async function gaitResults(
  ctx: RunContext,
  primary: Trial,
): Promise<{ results: GaitResults; references: InputSummary[] }> {
  const an = gaitConfig(ctx);
  const trials: GaitTrialResult[] = [measure(ctx, primary, "primary")];
  const comparisons: GaitComparisonResult[] = [];
  const references: InputSummary[] = [];
  const refs = ctx.plan.inputs.filter((i) => i.role === "reference").map((i) => i.path);
  for (const path of refs) {
    checkAbort(ctx.options.signal);
    const t = await loadTrial(ctx, "reference", path);
    references.push(inputSummary(t.input));
    const m = measure(ctx, t, "reference");
    trials.push(m);
    comparisons.push(compareGait(trials[0] as GaitTrialResult, m));
  }
  const conventions = analyzeGaitConventions(trials[0] as GaitTrialResult, an);
  return {
    results: {
      kind: "gait",
      gait_schema_version: GAIT_RESULTS_VERSION,
      method: an.method,
      units: { ...GAIT_UNITS },
      conventions,
      trials,
      ...(comparisons.length > 0 ? { comparisons } : {}),
      ...(ctx.notes.length > 0 ? { notes: ctx.notes } : {}),
    },
    references,
  };
}

function analyzeGaitConventions(first: GaitTrialResult, an: GaitAnalysisConfig): Record<string, string> {
  return {
    ...ANGLE_CONVENTION,
    events:
      an.method === "zeni"
        ? "heel strike: the leading heel furthest forward of the pelvis along the walking direction; toe off: the trailing toe furthest behind (Zeni et al. 2008)"
        : "heel strike: end of the leading heel's descent; toe off: start of the trailing toe's rise (foot vertical velocity)",
    cycle: "0–100 % of the gait cycle: heel strike to the next heel strike of the same foot",
    cadence:
      "steps per minute: steps inside walking bouts over the bouts' duration (first to last heel strike)",
    asymmetry: "symmetry index = 100·(L − R)/(½(L + R)) %, > 0 when left is larger; ratio = L/R",
    variability: `SD (n − 1) and CV = 100·SD/|mean| per side only from ${an.min_strides} strides on (min_strides; fewer: null, with a warning); heel strikes below confidence ${an.min_strike_confidence} (min_strike_confidence) are listed as warnings`,
    vertical:
      an.vertical_axis === undefined
        ? "per input, as its document declares (metadata.poses3d_up, else y down for camera / hip-centred frames): trials[].vertical"
        : `vertical_axis ${an.vertical_axis} from the config (up along it from the data)`,
    scale:
      first.scale === null
        ? "no spatial scale (no height or leg_length given, model_scale false): stride length and speed are not reported"
        : "per trial: trials[].scale.assumption",
    comparison:
      "primary − reference for every parameter; curves compared by DTW of the mean curves (|difference| in degrees summed along the warping path; dtw_mean_deg = per aligned pair)",
  };
}
