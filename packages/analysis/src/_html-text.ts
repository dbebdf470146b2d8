// The words of the HTML page: what was compared (clinical angle names), the one unit distances are shown in
// (degrees for angles), what the DTW distance is exactly, how cycles were paired (and why some were not), each
// input's handling (missing frames, unit conversion), and the plain-language summary at the top.
import type { MissingFramesRecord } from "./_missing.js";
import type { AnalysisRun } from "./run.js";

type Report = AnalysisRun["report"];

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function fmt(x: unknown): string {
  if (typeof x !== "number") return esc(x);
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3);
  return x.toPrecision(5).replace(/\.?0+$/, "");
}

/** A distance or angle shown to a reader: 3 significant digits are all a clinician reads. */
export function fmt3(x: number): string {
  if (!Number.isFinite(x)) return fmt(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  return x
    .toPrecision(3)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
}

/** The view of report.trials[] the page reads. */
export interface TrialRecordView {
  role: string;
  path: string;
  unit: string;
  missing_frames: MissingFramesRecord;
  cycles: Record<
    string,
    { seconds: number[]; confidence: number[]; segmentation_score?: number[]; keypoint_score?: number[] }
  >;
}

/** One comparison as the page reads it. */
export interface ComparisonView {
  reference: string;
  distances: number[];
  paths?: [number, number][][];
  segment_labels: string[];
  summary: Record<string, number>;
  time_normalized?: { label: string }[];
}

export function trialsOf(report: Report): TrialRecordView[] {
  return ((report as { trials?: TrialRecordView[] }).trials ?? []) as TrialRecordView[];
}

/**
 * The one unit of every distance on the page: degrees when angles are compared (report.json records radians;
 * DTW sums differences linearly, so degrees = radians × 180/π exactly), else the poses' unit.
 */
export function shownUnit(report: Report): { factor: number; unit: string; json: string } {
  const r = report.results as { distance_unit?: string };
  const an = (report.config as { analysis?: { representation?: string } }).analysis;
  const du = r.distance_unit ?? (an?.representation === "angles" ? "rad" : trialsOf(report)[0]?.unit);
  if (du === "rad") return { factor: 180 / Math.PI, unit: "degrees", json: "radians" };
  return { factor: 1, unit: du ?? "pose units", json: du ?? "pose units" };
}

/** What was compared, in a clinician's words ("left knee flexion and right knee flexion"). */
export function comparedWhat(report: Report): string {
  const r = report.results as { angle_names?: string[] };
  const an = (
    report.config as {
      analysis?: {
        representation?: string;
        angle_triplets?: unknown[][];
        method?: string;
        joint_i?: unknown;
        joint_j?: unknown;
      };
    }
  ).analysis;
  if (an?.representation === "angles") {
    const names = r.angle_names ?? (an.angle_triplets ?? []).map((t) => `the angle ${t.join("–")}`);
    return `${listWords(names)} (joint angles)`;
  }
  if (an?.method === "dtw_relation") return `the distance between joints ${an.joint_i} and ${an.joint_j}`;
  return "the 3D positions of all joints";
}

export function listWords(w: string[]): string {
  if (w.length <= 1) return w.join("");
  return `${w.slice(0, -1).join(", ")} and ${w[w.length - 1]}`;
}

/** What the DTW distance is, exactly, in the page's unit. */
export function distanceDefinition(report: Report, comps: ComparisonView[]): string {
  const { unit } = shownUnit(report);
  const an = (report.config as { analysis?: { representation?: string } }).analysis;
  const frame =
    an?.representation === "angles"
      ? "the difference between the two matched frames' angles (all compared angles together: the square root of the sum of their squared differences)"
      : "the distance between the two matched frames' joint positions";
  const lens = comps.flatMap((c) => (c.paths ?? []).map((p) => p.length)).filter((n) => n > 0);
  const span =
    lens.length > 0
      ? ` Here the matched frames number ${Math.min(...lens)}–${Math.max(...lens)} per pair.`
      : "";
  const tn = comps.reduce((n, c) => n + (c.time_normalized?.length ?? 0), 0);
  const pairs = comps.reduce((n, c) => n + c.distances.length, 0);
  const resampled =
    tn > 0
      ? ` Before that, in ${tn} of the ${pairs} pair(s) the two pieces had different lengths and both were resampled to the longer one's frame count (time-normalised), so that they could be aligned.`
      : "";
  return `The DTW distance (${unit}) is computed per pair: the two curves are first aligned in time by dynamic time warping (each frame of one matched with one or more frames of the other), then ${frame} is added up over all matched frames. It is therefore a sum, not an average: longer pieces give larger sums.${span}${resampled}`;
}

/** Mean over the pairs of distance ÷ matched frames, in the page's unit (NaN without paths). */
export function perMatchedFrame(report: Report, comps: ComparisonView[]): number {
  const { factor } = shownUnit(report);
  const v: number[] = [];
  for (const c of comps)
    c.distances.forEach((d, k) => {
      const n = c.paths?.[k]?.length ?? 0;
      if (n > 0 && Number.isFinite(d)) v.push((d * factor) / n);
    });
  return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
}

/** Number of cycles of a trial (all its segmentations). */
function cycleCount(t: TrialRecordView | undefined): number | null {
  if (!t) return null;
  return Object.values(t.cycles).reduce((n, c) => n + c.seconds.length, 0);
}

/**
 * Per reference: pairs compared, the cycles on each side, and how many were left without a partner — the counts
 * every sentence of the page uses, so that they agree.
 */
export function pairingCounts(
  report: Report,
  comps: ComparisonView[],
): { reference: string; pairs: number; subject: number | null; reference_cycles: number | null }[] {
  const trials = trialsOf(report);
  const primary = trials.find((t) => t.role === "primary");
  return comps.map((c) => ({
    reference: c.reference,
    pairs: c.distances.length,
    subject: cycleCount(primary),
    reference_cycles: cycleCount(trials.find((t) => t.role === "reference" && t.path === c.reference)),
  }));
}

/** One sentence on how cycles were paired and why some were not compared. */
export function pairingText(report: Report, comps: ComparisonView[]): string {
  const segmented = Boolean((report.config as { segmentation?: unknown }).segmentation);
  if (!segmented) {
    const parted = comps.some((c) => c.segment_labels.some((l) => l.includes("part[")));
    return parted
      ? "Without cycle detection the trials were compared whole; a trial split at a long gap in detection had each of its parts compared with each part of the other trial."
      : "Without cycle detection the trials were compared whole, one pair per reference.";
  }
  const counts = pairingCounts(report, comps);
  const pairing = (report.config as { analysis?: { pairing?: string } }).analysis?.pairing;
  if (pairing === "all") {
    const rows = counts.map(
      (k) =>
        `${k.reference}: ${k.pairs} pair(s) (subject ${k.subject ?? "?"} cycles, reference ${k.reference_cycles ?? "?"})`,
    );
    return `Every cycle of the subject was compared with every cycle of the same side in each reference (pairing: all), so no cycle is left out; each reference's mean is over all those pairs. Pairs per reference — ${rows.join("; ")}.`;
  }
  const rows = counts.map((k) => {
    const left: string[] = [];
    if (k.subject !== null && k.subject > k.pairs)
      left.push(`${k.subject - k.pairs} of the subject's ${k.subject}`);
    if (k.reference_cycles !== null && k.reference_cycles > k.pairs)
      left.push(`${k.reference_cycles - k.pairs} of the reference's ${k.reference_cycles}`);
    return `${k.reference}: ${k.pairs} pair(s)${left.length > 0 ? ` (${left.join(" and ")} cycles had no partner)` : ""}`;
  });
  const unpaired = counts.some((k) => (k.subject ?? 0) > k.pairs || (k.reference_cycles ?? 0) > k.pairs);
  const hint = unpaired
    ? " To compare every cycle with every cycle of the same side, set analysis.pairing: all."
    : "";
  return `Cycles are paired in order, side by side: the subject's 1st left cycle with the reference's 1st left cycle, the 2nd with the 2nd, and so on (the same for the right side); when one trial has more cycles of a side than the other, its extra cycles have no partner and are not compared. Pairs per reference — ${rows.join("; ")}.${hint}`;
}

/** Per input: how its missing frames and its unit were handled, in words (every input, not only references). */
export function handlingText(
  t: TrialRecordView,
  fps?: number,
): { detected: string; handling: string; unit: string } {
  const m = t.missing_frames;
  const pct = m.frames > 0 ? (100 * (m.frames - m.absent_frames)) / m.frames : 100;
  const detected = `${m.frames - m.absent_frames} of ${m.frames} frames (${pct.toFixed(pct === 100 ? 0 : 1)} %)`;
  const bits: string[] = [];
  const sec = (f: number) => (fps && fps > 0 ? ` (${(f / fps).toFixed(1)} s)` : "");
  if (m.trimmed_start > 0)
    bits.push(`first ${m.trimmed_start} frames${sec(m.trimmed_start)} without the subject left out`);
  if (m.trimmed_end > 0) bits.push(`last ${m.trimmed_end} frames${sec(m.trimmed_end)} left out`);
  const interp = m.interpolated.reduce((a, [x, y]) => a + y - x, 0);
  if (interp > 0)
    bits.push(`${interp} frames in ${m.interpolated.length} short gap(s) filled by interpolation`);
  if (m.long_gaps.length > 0)
    bits.push(
      `split at ${m.long_gaps.length} long gap(s) (${m.long_gaps.map(([a, b]) => `frames ${a}–${b - 1}`).join(", ")}) into ${m.parts.length} parts`,
    );
  const unit = m.unit_converted_from
    ? `recorded in ${m.unit_converted_from}, converted to ${t.unit}`
    : `${t.unit} (as recorded)`;
  return { detected, handling: bits.length > 0 ? bits.join("; ") : "none needed", unit };
}

/** What a setting's value means, for a reader who has not seen the configuration language (empty when obvious). */
export function settingMeaning(key: string, value: unknown): string {
  const v = String(value ?? "");
  const words: Record<string, string> = {
    dtw_all: "all compared signals aligned together, one distance per pair",
    dtw_per_joint: "each joint aligned on its own, one distance per joint",
    dtw_relation: "the distance between two joints over time is compared",
    exact: "exact dynamic time warping (no approximation)",
    fastdtw: "FastDTW, an approximation of dynamic time warping",
    none: key === "align" ? "no spatial alignment before comparing" : "",
    procrustes_per_sequence:
      "each piece's poses translated, rotated and scaled onto the other's before comparing",
    angles: "joint angles computed from the 3D keypoints (independent of position and size)",
    coordinates: "3D keypoint positions",
    stride_zeni_v1:
      "strides from heel strike to heel strike, heel strikes found where the heel is furthest ahead of the pelvis (Zeni et al. 2008)",
    valley_to_valley_v1: "cycles bounded by the valleys of one joint's signal",
  };
  if (key === "person index")
    return "which detected person in each frame is the subject (0 = the first tracked person)";
  if (key === "NaN policy") return "what is done with frames or joints that are missing after preprocessing";
  if (key === "segmentation") {
    const m = /\((\w+)\)/.exec(v)?.[1];
    return m && words[m] ? words[m] : "";
  }
  return words[v] ?? "";
}
