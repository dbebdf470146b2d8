// The signals the HTML page draws: each trial's segmentation signal (or a display signal) and each pair's 1-D view.
import type { AnalysisConfig, Segmentation } from "@neuropose/io";
import { extractSignal, type PoseSequence } from "@neuropose/kinematics";
import type { RunContext } from "./_context.js";
import type { Loaded } from "./_inputs.js";
import type { SignalPanel, TrialFigure } from "./figures.js";

/**
 * The 1-D signal drawn for a trial or a pair. `config` has every joint as an index (computing); `written` is the
 * config as written (joint names, for labels).
 */
export function displaySignal(
  seq: PoseSequence,
  config: AnalysisConfig,
  written: AnalysisConfig = config,
): { name: string; values: Float64Array } | null {
  const seg = config.segmentation;
  try {
    const an = config.analysis;
    if (
      an.kind === "dtw" &&
      an.representation === "angles" &&
      an.angle_triplets &&
      an.angle_triplets.length > 0
    ) {
      // Pairs compared on joint angles are drawn on the first angle, in degrees.
      const t = an.angle_triplets[0] as [number, number, number];
      const values = extractSignal(seq, { kind: "joint_angle", triplet: t }).map((v) => (v * 180) / Math.PI);
      const w = (written.analysis.kind === "dtw" ? written.analysis.angle_triplets?.[0] : undefined) ?? t;
      const at = typeof w[1] === "string" ? w[1] : `joint ${w[1]}`;
      return { name: `angle at ${at} (${w.join("-")}), degrees`, values };
    }
    if (seg?.kind === "extractor") {
      return { name: `${seg.extractor.kind}`, values: extractSignal(seq, seg.extractor) };
    }
    if (seg?.kind === "gait_cycles" || seg?.kind === "gait_cycles_bilateral") {
      const joint = seg.kind === "gait_cycles" ? seg.joint : "rhee";
      const spec = { kind: "joint_axis", joint, axis: seg.axis, invert: seg.invert } as const;
      return { name: `${joint} ${seg.axis}`, values: extractSignal(seq, spec) };
    }
    if (config.analysis.kind === "stats") {
      return { name: config.analysis.extractor.kind, values: extractSignal(seq, config.analysis.extractor) };
    }
    if (config.analysis.kind === "dtw" && config.analysis.method === "dtw_relation") {
      // dtw_relation has both joints (the config schema requires them).
      const spec = {
        kind: "joint_pair_distance",
        joints: [config.analysis.joint_i, config.analysis.joint_j] as [number | string, number | string],
      } as const;
      const w =
        written.analysis.kind === "dtw" ? [written.analysis.joint_i, written.analysis.joint_j] : spec.joints;
      return { name: `distance ${w.join("-")}`, values: extractSignal(seq, spec) };
    }
    // Coordinates: the vertical coordinate of the joint that moves most vertically.
    let best = 0;
    let bestRange = -1;
    for (let j = 0; j < seq.joints; j++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let f = 0; f < seq.frames; f++) {
        const v = seq.data[(f * seq.joints + j) * 3 + 1];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (hi - lo > bestRange) {
        bestRange = hi - lo;
        best = j;
      }
    }
    return {
      name: `joint ${best} y`,
      values: extractSignal(seq, { kind: "joint_axis", joint: best, axis: 1 }),
    };
  } catch {
    return null;
  }
}

/** Add a trial's figure: one panel per segmentation signal, else the display signal. */
export function addTrialFigure(
  ctx: RunContext,
  role: TrialFigure["role"],
  l: Loaded,
  seq: PoseSequence,
  segs: Record<string, Segmentation>,
): void {
  const panels: SignalPanel[] = [];
  for (const [name, sg] of Object.entries(segs)) {
    try {
      const e = sg.config.extractor;
      const sk = l.predictions.metadata.skeleton;
      const values = extractSignal(
        seq,
        e,
        typeof sk === "string" && ctx.resolvedJoints ? { skeleton: sk } : {},
      );
      const what =
        e.kind === "joint_axis"
          ? `joint ${e.joint} ${"xyz"[e.axis]}${e.invert ? " (inverted)" : ""}`
          : e.kind;
      panels.push({
        name: `${name}: ${what}`,
        signal: Array.from(values),
        segmentation: name,
        segments: sg.segments,
      });
    } catch {
      // A signal that cannot be drawn does not stop the analysis.
    }
  }
  if (panels.length === 0) {
    const d = displaySignal(seq, ctx.work, ctx.resolved);
    if (d) panels.push({ name: d.name, signal: Array.from(d.values), segmentation: null, segments: [] });
  }
  if (panels.length > 0)
    ctx.figures.trials.push({ role, path: l.written, fps: l.predictions.metadata.fps, panels });
}

/** Add a compared pair's figure (both sides drawn on the display signal), when the signal can be drawn. */
export function addPairFigure(
  ctx: RunContext,
  pair: {
    label: string;
    reference: string;
    distance: number;
    a: PoseSequence;
    b: PoseSequence;
    path: [number, number][];
    timeNormalizedTo: number | null;
  },
): void {
  const da = displaySignal(pair.a, ctx.work, ctx.resolved);
  const db = displaySignal(pair.b, ctx.work, ctx.resolved);
  if (!da || !db) return;
  ctx.figures.pairs.push({
    label: pair.label,
    reference: pair.reference,
    distance: pair.distance,
    signalName: da.name,
    a: Array.from(da.values),
    b: Array.from(db.values),
    path: pair.path,
    timeNormalizedTo: pair.timeNormalizedTo,
  });
}
