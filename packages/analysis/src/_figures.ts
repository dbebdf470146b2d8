// The signals the HTML page draws: each trial's segmentation signal (or a display signal) and each pair's 1-D view.
import { type AnalysisConfig, type ExtractorSpec, getSkeleton, type Segmentation } from "@neuropose/io";
import { extractSignal, type PoseSequence } from "@neuropose/kinematics";
import type { RunContext } from "./_context.js";
import type { Loaded } from "./_inputs.js";
import { movementOf } from "./_movement.js";
import type { SignalPanel, TrialFigure } from "./figures.js";

/** A joint as a reader knows it: its skeleton name with the index ("left_heel (29)"), else "joint 29". */
export function jointLabel(skeleton: string | null | undefined, joint: number | string): string {
  if (typeof joint === "string") return joint;
  try {
    const name = skeleton ? getSkeleton(skeleton).joints[joint] : undefined;
    return name ? `${name} (${joint})` : `joint ${joint}`;
  } catch {
    return `joint ${joint}`;
  }
}

function jointName(skeleton: string | null | undefined, joint: number | string): string {
  if (typeof joint === "string") return joint;
  try {
    return (skeleton ? getSkeleton(skeleton).joints[joint] : undefined) ?? `joint ${joint}`;
  } catch {
    return `joint ${joint}`;
  }
}

/** What an extractor's signal is, with its unit: "left_heel (29) x position, m". */
export function extractorCaption(
  e: ExtractorSpec,
  skeleton: string | null | undefined,
  unit: string,
): string {
  switch (e.kind) {
    case "joint_axis":
      return `${jointLabel(skeleton, e.joint)} ${"xyz"[e.axis as number] ?? e.axis} position${e.invert ? " (inverted)" : ""}, ${unit}`;
    case "joint_speed":
      return `${jointLabel(skeleton, e.joint)} speed, ${unit}/frame`;
    case "joint_pair_distance":
      return `distance ${e.joints.map((j) => jointLabel(skeleton, j)).join(" – ")}, ${unit}`;
    case "joint_angle":
      return `interior angle at ${jointLabel(skeleton, e.triplet[1])} (${e.triplet.map((j) => jointName(skeleton, j)).join("–")}), radians`;
    default:
      return (e as { kind: string }).kind;
  }
}

/**
 * How an angle triplet is shown: clinical flexion (0° = straight, 180° − the interior angle) when the middle joint
 * is a knee, hip or elbow, else the interior angle under its own name. `short` is what a clinician reads
 * ("left knee flexion"); `name` adds the definition and the unit.
 */
export function angleView(names: string[]): { short: string; name: string; flexion: boolean } {
  const mid = names[1] ?? "";
  const m = /(knee|kne|hip|elbow|elb)/i.exec(mid);
  if (m) {
    const joint = { kne: "knee", elb: "elbow" }[m[1]?.toLowerCase() as string] ?? m[1]?.toLowerCase();
    const side = /^(left|right|l|r)[_ ]?/i.exec(mid)?.[1] ?? "";
    const s = side.toLowerCase().startsWith("l")
      ? "left "
      : side.toLowerCase().startsWith("r")
        ? "right "
        : "";
    return {
      short: `${s}${joint} flexion`,
      name: `${s}${joint} flexion (0° = straight; 180° − interior angle ${names.join("–")}), degrees`,
      flexion: true,
    };
  }
  return {
    short: `interior angle at ${mid}`,
    name: `interior angle at ${mid} (${names.join("–")}), degrees`,
    flexion: false,
  };
}

/**
 * The clinical names of the compared angles ("left knee flexion", ...), in the order of `angle_triplets`; null
 * when the run does not compare angles. Joints written by index are named from `skeleton`.
 */
export function angleNames(
  work: AnalysisConfig,
  written: AnalysisConfig,
  skeleton: string | null | undefined,
): string[] | null {
  const an = work.analysis;
  if (an.kind !== "dtw" || an.representation !== "angles" || !an.angle_triplets) return null;
  return tripletNames(work, written, skeleton).map((n) => angleView(n).short);
}

/** Each angle triplet's joint names (as written, else from the skeleton). */
function tripletNames(
  work: AnalysisConfig,
  written: AnalysisConfig,
  skeleton: string | null | undefined,
): string[][] {
  const an = work.analysis;
  if (an.kind !== "dtw" || !an.angle_triplets) return [];
  return an.angle_triplets.map((t, k) => {
    const w = (written.analysis.kind === "dtw" ? written.analysis.angle_triplets?.[k] : undefined) ?? t;
    return w.map((j, c) => (typeof j === "string" ? j : jointName(skeleton, t[c] as number)));
  });
}

/** The side of a piece label ("right_heel_strikes[2]" → "right"), null when it has none. */
export function sideOf(label: string): "left" | "right" | null {
  return /^(left|l)[_a-z]*\[|^left_/i.test(label)
    ? "left"
    : /^(right|r)[_a-z]*\[|^right_|^rhee/i.test(label)
      ? "right"
      : null;
}

/**
 * The 1-D signal drawn for a trial or a pair. `config` has every joint as an index (computing); `written` is the
 * config as written (joint names, for labels).
 */
export function displaySignal(
  seq: PoseSequence,
  config: AnalysisConfig,
  written: AnalysisConfig = config,
  view: { side?: "left" | "right" | null; skeleton?: string | null; unit?: string } = {},
): { name: string; values: Float64Array } | null {
  const seg = config.segmentation;
  const unit = view.unit ?? "";
  try {
    const an = config.analysis;
    if (
      an.kind === "dtw" &&
      an.representation === "angles" &&
      an.angle_triplets &&
      an.angle_triplets.length > 0
    ) {
      // Pairs compared on joint angles are drawn on one angle in degrees: the first of the stride's side (a
      // right stride on the right knee), else the first; as flexion where the middle joint is a knee/hip/elbow.
      const names = tripletNames(config, written, view.skeleton);
      let k = 0;
      const side = view.side;
      if (side) {
        const hit = names.findIndex((n) => new RegExp(`^(${side}|${side[0]})`, "i").test(n[1] ?? ""));
        if (hit >= 0) k = hit;
      }
      const t = an.angle_triplets[k] as [number, number, number];
      const shown = angleView(names[k] as string[]);
      const values = extractSignal(seq, { kind: "joint_angle", triplet: t }).map((v) =>
        shown.flexion ? 180 - (v * 180) / Math.PI : (v * 180) / Math.PI,
      );
      return { name: shown.name, values };
    }
    if (seg?.kind === "extractor") {
      return { name: `${seg.extractor.kind}`, values: extractSignal(seq, seg.extractor) };
    }
    if (seg?.kind === "gait_cycles" || seg?.kind === "gait_cycles_bilateral") {
      const joint = seg.kind === "gait_cycles" ? seg.joint : "rhee";
      const spec = { kind: "joint_axis", joint, axis: seg.axis, invert: seg.invert } as const;
      return { name: `${joint} ${seg.axis} position, ${unit}`, values: extractSignal(seq, spec) };
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
      name: `${jointLabel(view.skeleton, best)} y position, ${unit}`,
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
  firstFrame = 0,
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
      const what = extractorCaption(e, sk, ctx.unit ?? l.predictions.metadata.poses3d_unit);
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
    const d = displaySignal(seq, ctx.work, ctx.resolved, {
      skeleton: l.predictions.metadata.skeleton,
      unit: ctx.unit ?? l.predictions.metadata.poses3d_unit,
    });
    if (d) panels.push({ name: d.name, signal: Array.from(d.values), segmentation: null, segments: [] });
  }
  if (panels.length > 0)
    ctx.figures.trials.push({ role, path: l.written, fps: l.predictions.metadata.fps, firstFrame, panels });
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
    skeleton: string | null;
  },
): void {
  const view = { side: sideOf(pair.label), skeleton: pair.skeleton, unit: ctx.unit ?? "" };
  const da = displaySignal(pair.a, ctx.work, ctx.resolved, view);
  const db = displaySignal(pair.b, ctx.work, ctx.resolved, view);
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
    ...movementField(pair.a, pair.b, pair.skeleton),
  });
}

function movementField(a: PoseSequence, b: PoseSequence, skeleton: string | null) {
  const movement = movementOf(a, b, skeleton);
  return movement ? { movement } : {};
}
