import { gaitSectionsHtml, gaitSummaryHtml } from "./_gait-html.js";
import {
  type ComparisonView,
  comparedWhat,
  distanceDefinition,
  esc,
  fmt,
  fmt3,
  handlingText,
  listWords,
  pairingCounts,
  pairingText,
  perMatchedFrame,
  settingMeaning,
  shownUnit,
  trialsOf,
} from "./_html-text.js";
import { movementFigureHtml, movementScriptHtml } from "./_movement.js";
import type { PairFigure, SignalPanel } from "./figures.js";
import type { AnalysisRun } from "./run.js";

const W = 760;
const H = 184;
const PAD = { l: 56, r: 12, t: 12, b: 40 };

function extent(values: number[][]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const vs of values)
    for (const v of vs) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  return [lo, hi];
}

/** SVG path ("M x y L ...") of a series, broken at non-finite values. */
function line(values: number[], x: (i: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** An x axis: where its ticks sit (sample index) and what they read, and the axis title (with its unit). */
interface XAxis {
  ticks: { at: number; text: string }[];
  title: string;
}

/** Axes; y ticks (min, middle, max) on every band `yOfs` maps to (a pair figure draws two, one scale). */
function axes(
  lo: number,
  hi: number,
  yOfs: ((v: number) => number)[],
  xOf: (i: number) => number,
  x: XAxis,
): string {
  const ticks = [lo, (lo + hi) / 2, hi];
  let s = `<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" class="axis"/>`;
  s += `<line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${H - PAD.b}" class="axis"/>`;
  for (const yOf of yOfs)
    for (const t of ticks) {
      s += `<text x="${PAD.l - 4}" y="${yOf(t).toFixed(1)}" class="tick" text-anchor="end" dominant-baseline="middle">${fmt3(t)}</text>`;
    }
  for (const t of x.ticks) {
    s += `<text x="${xOf(t.at).toFixed(1)}" y="${H - PAD.b + 14}" class="tick" text-anchor="middle">${esc(t.text)}</text>`;
  }
  s += `<text x="${(PAD.l + (W - PAD.r)) / 2}" y="${H - 6}" class="tick xtitle" text-anchor="middle">${esc(x.title)}</text>`;
  return s;
}

/** Six evenly spaced ticks over samples 0..n−1, read by `text`. */
function evenTicks(n: number, text: (i: number) => string): { at: number; text: string }[] {
  const out = [];
  for (let k = 0; k <= 5; k++) {
    const at = Math.round(((n - 1) * k) / 5);
    out.push({ at, text: text(at) });
  }
  return out;
}

/** A trial's x axis: seconds from the start of the clip (sample i is frame firstFrame + i), else frames. */
function clipAxis(n: number, fps: number, firstFrame: number): XAxis {
  if (fps > 0) {
    return {
      ticks: evenTicks(n, (i) => ((firstFrame + i) / fps).toFixed(1)),
      title: "time from the start of the clip (s)",
    };
  }
  return { ticks: evenTicks(n, (i) => String(firstFrame + i)), title: "frame of the clip" };
}

function panelSvg(t: SignalPanel, fps: number, firstFrame: number): string {
  const n = Math.max(t.signal.length, 2);
  const [lo, hi] = extent([t.signal]);
  const xOf = (i: number) => PAD.l + ((W - PAD.l - PAD.r) * i) / (n - 1);
  const yOf = (v: number) => PAD.t + ((H - PAD.t - PAD.b) * (hi - v)) / (hi - lo);
  const at = (f: number) =>
    fps > 0
      ? `frame ${f + firstFrame} (${((f + firstFrame) / fps).toFixed(2)} s)`
      : `frame ${f + firstFrame}`;
  let bands = "";
  t.segments.forEach((s, i) => {
    const cls = i % 2 === 0 ? "seg-a" : "seg-b";
    const x0 = xOf(s.start);
    const x1 = xOf(Math.max(s.start, s.end - 1));
    bands += `<rect x="${x0.toFixed(1)}" y="${PAD.t}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${H - PAD.t - PAD.b}" class="${cls}"><title>${esc(`${t.segmentation}[${i}]: ${at(s.start)} to ${at(s.end - 1)}`)}</title></rect>`;
    bands += `<circle cx="${xOf(s.peak).toFixed(1)}" cy="${yOf(t.signal[s.peak] ?? lo).toFixed(1)}" r="3" class="peak ${cls}"/>`;
  });
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(t.name)}">${bands}${axes(lo, hi, [yOf], xOf, clipAxis(n, fps, firstFrame))}<path d="${line(t.signal, xOf, yOf)}" class="sig"/></svg>`;
}

function pairSvg(p: PairFigure, what: string): string {
  const na = Math.max(p.a.length, 2);
  const nb = Math.max(p.b.length, 2);
  const n = Math.max(na, nb);
  const [lo, hi] = extent([p.a, p.b]);
  const half = (H - PAD.t - PAD.b) / 2;
  const xOf = (i: number) => PAD.l + ((W - PAD.l - PAD.r) * i) / (n - 1);
  const yA = (v: number) => PAD.t + ((half - 6) * (hi - v)) / (hi - lo);
  const yB = (v: number) => PAD.t + half + 6 + ((half - 6) * (hi - v)) / (hi - lo);
  const step = Math.max(1, Math.ceil(p.path.length / 80));
  let links = "";
  for (let k = 0; k < p.path.length; k += step) {
    const [i, j] = p.path[k];
    const va = p.a[i];
    const vb = p.b[j];
    if (!Number.isFinite(va) || !Number.isFinite(vb)) continue;
    links += `<line x1="${xOf(i).toFixed(1)}" y1="${yA(va).toFixed(1)}" x2="${xOf(j).toFixed(1)}" y2="${yB(vb).toFixed(1)}" class="link"/>`;
  }
  const lbl = `<text x="${W - PAD.r}" y="${PAD.t + 10}" class="tick" text-anchor="end">primary (subject)</text><text x="${W - PAD.r}" y="${PAD.t + half + 16}" class="tick" text-anchor="end">reference</text>`;
  // Both sides on one time axis: % of the piece when they have one length (time-normalised or equal), else
  // frames from the piece's start.
  const x: XAxis =
    p.a.length === p.b.length
      ? {
          ticks: [0, 20, 40, 60, 80, 100].map((pc) => ({ at: ((n - 1) * pc) / 100, text: `${pc}%` })),
          title: `% of the ${what}`,
        }
      : { ticks: evenTicks(n, (i) => String(i)), title: `frames from the start of the ${what}` };
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`DTW alignment of ${p.label}`)}">${links}${axes(lo, hi, [yA, yB], xOf, x)}<path d="${line(p.a, xOf, yA)}" class="sig"/><path d="${line(p.b, xOf, yB)}" class="sig ref"/>${lbl}</svg>`;
}

function heatmap(labels: string[], m: number[][]): string {
  const n = labels.length;
  const cell = Math.max(6, Math.min(28, Math.floor(560 / Math.max(n, 1))));
  const [lo, hi] = extent(m);
  let s = "";
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = m[i][j];
      const t = Number.isFinite(v) ? (v - lo) / (hi - lo) : 0;
      const c = Math.round(255 - 200 * t);
      s += `<rect x="${j * cell}" y="${i * cell}" width="${cell}" height="${cell}" fill="rgb(${c},${c},255)"><title>${esc(`${labels[i]} vs ${labels[j]}: ${fmt(v)}`)}</title></rect>`;
    }
  return `<svg viewBox="0 0 ${n * cell} ${n * cell}" width="${n * cell}" role="img" aria-label="distance matrix">${s}</svg>`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:820px;color:#1d2330;padding:0 12px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde;padding-bottom:4px}h3{font-size:14px;margin:14px 0 4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #dde;padding:3px 8px;text-align:right}th{background:#f3f4f8}td.l,th.l{text-align:left}
svg{width:100%;height:auto;background:#fcfcfe;border:1px solid #eef}.axis{stroke:#99a;stroke-width:1}.tick{font-size:10px;fill:#667}
.sig{fill:none;stroke:#2456c8;stroke-width:1.6}.sig.ref{stroke:#c8442c}.link{stroke:#8a8fa3;stroke-width:.6;opacity:.6}
.seg-a{fill:#2456c8;fill-opacity:.08}.seg-b{fill:#20a070;fill-opacity:.08}.peak{fill-opacity:.9}circle.seg-a{fill:#2456c8}circle.seg-b{fill:#20a070}
.summary{background:#eef4ff;border:1px solid #c9d8f5;padding:10px 14px;font-size:15px}.note{background:#fff8e6;border-left:3px solid #e0a020;padding:6px 10px;margin:6px 0}.note.warn{border-left-color:#c8442c;background:#fdeeee}code{background:#f3f4f8;padding:0 3px}figure{margin:12px 0}figcaption{font-size:13px;color:#445}.muted{color:#667;font-size:13px}`;

const MIN_FOR_TAILS = 20;
const MAX_PAIR_FIGURES = 200;

/** The plain-language paragraph at the top: what was compared, what the number means, how it compares. */
function plainSummary(run: AnalysisRun): string {
  const { report } = run;
  const r = report.results as Record<string, unknown>;
  const trials = trialsOf(report);
  const { factor, unit } = shownUnit(report);
  const what = comparedWhat(report);
  const missing = trials
    .filter((t) => t.missing_frames.absent_frames > 0)
    .map((t) => `${t.path}: ${handlingText(t).handling}`);
  const converted = trials
    .filter((t) => t.missing_frames.unit_converted_from)
    .map((t) => `${t.path} (${t.missing_frames.unit_converted_from} to ${t.unit})`);
  const missingText =
    trials.length === 0
      ? ""
      : missing.length > 0
        ? ` Frames without the subject: ${missing.join("; ")} (see Inputs).`
        : " The subject was detected in every frame of every trial.";
  const unitText = converted.length > 0 ? ` Poses converted between units: ${converted.join(", ")}.` : "";
  const nWarn = ((report as { warnings?: string[] }).warnings ?? []).length;
  const warnText =
    nWarn > 0 ? ` ${nWarn} warning(s) below concern implausible or low-confidence cycles.` : "";
  if (r.kind === "gait") return gaitSummaryHtml(report, `${missingText}${unitText}${warnText}`);
  const segmented = Boolean((report.config as { segmentation?: unknown }).segmentation);
  if (r.kind === "dtw") {
    const comps = (r.comparisons as ComparisonView[] | undefined) ?? [];
    const counts = comps.map((c) => `${c.distances.length} with ${c.reference}`);
    const overallRaw = (r.overall_summary as { mean?: number } | undefined)?.mean ?? comps[0]?.summary.mean;
    const overall = overallRaw === undefined ? undefined : overallRaw * factor;
    const range = r.reference_range as { min: number; max: number } | undefined;
    const per = perMatchedFrame(report, comps);
    let verdict = "";
    if (range && overall !== undefined) {
      const lo = range.min * factor;
      const hi = range.max * factor;
      verdict =
        overall > hi
          ? ` This is <b>above</b> the range between the references themselves (${fmt3(lo)}–${fmt3(hi)} ${unit}): the subject's movement differs from the references more than they differ from each other.`
          : overall < lo
            ? ` This is below the range between the references themselves (${fmt3(lo)}–${fmt3(hi)} ${unit}): the subject is as close to the references as they are to each other, or closer.`
            : ` This is <b>within</b> the range between the references themselves (${fmt3(lo)}–${fmt3(hi)} ${unit}): no more different from them than they are from each other.`;
    } else if (comps.length < 2) {
      verdict =
        " With a single reference there is no reference range to judge this number against; add references to get one.";
    }
    const how = segmented
      ? `cycle by cycle (pairs of cycles compared: ${counts.join(", ")}; how cycles were paired${(report.config as { analysis?: { pairing?: string } }).analysis?.pairing === "all" ? "" : ", and why some were not,"} is under Distances)`
      : "as whole trials";
    const piece = segmented ? "cycle" : "trial";
    const perText = Number.isFinite(per)
      ? ` — about ${fmt3(per)} ${unit} per matched frame${unit === "degrees" ? ", all compared angles together" : ""}`
      : "";
    return `<p class="summary"><b>Summary.</b> The movement of <b>${esc(report.primary?.path ?? "the subject")}</b> (the subject) was compared with ${comps.length} reference trial(s) (${esc(comps.map((c) => c.reference).join(", "))}) ${esc(how)}, on ${esc(what)}, using dynamic time warping (DTW). The main number is the <b>DTW distance, in ${esc(unit)}</b>: the ${esc(unit === "degrees" ? "angle" : "position")} differences between the two movements, added up over all frames of the ${piece} once they are aligned in time (a sum, not a per-frame value); 0 means identical movement and larger numbers mean less similar movement. It has no universal normal value. Mean distance to the references: <b>${fmt3(overall ?? Number.NaN)} ${esc(unit)}</b> (summed over a ${piece}'s matched frames${esc(perText)}).${verdict}${esc(missingText)}${esc(unitText)}${esc(warnText)}</p>`;
  }
  if (r.kind === "stats") {
    return `<p class="summary"><b>Summary.</b> Statistics (mean, standard deviation, minimum, maximum, range) of one signal of <b>${esc(report.primary?.path ?? "the subject")}</b>, per segment.${esc(missingText)}${esc(unitText)}${esc(warnText)}</p>`;
  }
  if (r.kind === "cohort") {
    const cr = r.cohort_range as
      | { min: number; q1: number; q3: number; max: number; pairs: number }
      | undefined;
    const rangeText = cr
      ? ` Across the cohort's ${cr.pairs} pairs the distances run from ${fmt3(cr.min * factor)} to ${fmt3(cr.max * factor)} ${unit}; the middle half lies between ${fmt3(cr.q1 * factor)} and ${fmt3(cr.q3 * factor)} ${unit} (interquartile range): a trial whose mean distance to the others is above ${fmt3(cr.q3 * factor)} is less similar to the cohort than most.`
      : "";
    return `<p class="summary"><b>Summary.</b> Every trial of the cohort was compared with every other on ${esc(what)} using dynamic time warping (DTW); each cell is a DTW distance in ${esc(unit)} (the differences added up over the time-aligned frames; 0 = identical, larger = less similar).${esc(rangeText)}${esc(missingText)}${esc(unitText)}${esc(warnText)}</p>`;
  }
  return `<p class="summary"><b>Summary.</b> ${esc(report.primary?.path ?? "")} was loaded and segmented; no comparison was configured.${esc(missingText)}${esc(unitText)}${esc(warnText)}</p>`;
}

/** The inputs table: per input, detection, missing-frame handling and unit (conversion stated where it applies). */
function inputsTable(report: AnalysisRun["report"], fps: Map<string, number>): string {
  const prov = report.analysis_provenance;
  if (!prov) return "";
  const trials = trialsOf(report);
  const rows = prov.inputs.map((i) => {
    const t = trials.find((x) => x.role === i.role && x.path === i.path);
    const h = t ? handlingText(t, fps.get(t.path)) : null;
    return `<tr><td class="l">${esc(i.role === "primary" ? "primary (subject)" : i.role)}</td><td class="l">${esc(i.path)}</td><td class="l">${esc(h?.detected ?? "")}</td><td class="l">${esc(h?.handling ?? "")}</td><td class="l">${esc(h?.unit ?? "")}</td><td class="l"><code>${esc(i.sha256.slice(0, 12))}…</code></td></tr>`;
  });
  return `<h3>Inputs</h3><table><tr><th class="l">role</th><th class="l">file</th><th class="l">subject detected in</th><th class="l">frames without the subject</th><th class="l">pose unit</th><th class="l">SHA-256</th></tr>${rows.join("")}</table>`;
}

/**
 * A single self-contained HTML page (inline CSS and SVG, no scripts, no network) for a clinician: the settings,
 * any notes (e.g. time-normalised cycles), the distance or statistics table, each trial's signal with the
 * detected cycles, and one figure per analysed pair showing the DTW alignment (primary above, reference
 * below, grey lines join aligned frames).
 *
 * @example
 * ```ts
 * import { parseAnalysisConfig, renderReportHtml, runAnalysis, synthesizeGaitPredictions } from "@neuropose/analysis";
 * import { stringifyJson } from "@neuropose/io";
 * const config = parseAnalysisConfig({ inputs: { primary: "a.json" }, analysis: { kind: "none" }, output: { report: "r.json" } });
 * const trial = stringifyJson(synthesizeGaitPredictions({ seed: 1 }));
 * const run = await runAnalysis(config, { readInput: async () => trial });
 * const html = renderReportHtml(run, { title: "Subject 07 vs reference" });
 * html.startsWith("<!doctype html>"); // true
 * ```
 */
export function renderReportHtml(run: AnalysisRun, options: { title?: string } = {}): string {
  const { report, figures } = run;
  const cfg = report.config as Record<string, Record<string, unknown>>;
  const an = cfg.analysis ?? {};
  const title = options.title ?? `NeuroPose analysis — ${String(an.kind ?? "")}`;
  const { factor, unit, json } = shownUnit(report);
  const inJson =
    factor === 1 ? "" : ` (report.json records the same distances in ${json}; × 180/π gives these degrees)`;
  const parts: string[] = [];
  parts.push(`<h1>${esc(title)}</h1>`);
  parts.push(plainSummary(run));
  const settings: [string, unknown][] = [["analysis", an.kind]];
  if (an.kind === "dtw") {
    settings.push(["compared", comparedWhat(report)]);
    settings.push(
      ["method", an.method],
      ["algorithm", an.algorithm],
      ["align", an.align],
      ["representation", an.representation],
      ["NaN policy", an.nan_policy],
    );
    if (an.algorithm === "fastdtw") settings.push(["radius", an.radius]);
  }
  const seg = cfg.segmentation as Record<string, unknown> | null;
  settings.push([
    "segmentation",
    seg ? `${seg.kind}${seg.method ? ` (${seg.method})` : ""}` : "none (full trial)",
  ]);
  settings.push(["person index", (cfg.preprocessing as Record<string, unknown> | undefined)?.person_index]);
  parts.push(
    `<table>${settings.map(([k, v]) => `<tr><th class="l">${esc(k)}</th><td class="l">${esc(v ?? "")}</td><td class="l muted">${esc(settingMeaning(k, v))}</td></tr>`).join("")}</table>`,
  );
  const fps = new Map(figures.trials.map((t) => [t.path, t.fps]));
  parts.push(inputsTable(report, fps));

  const results = report.results as Record<string, unknown>;
  const notes = (results.notes as string[] | undefined) ?? [];
  const warnings = (report as { warnings?: string[] }).warnings ?? [];
  if (warnings.length > 0) {
    parts.push(`<h3>Warnings (${warnings.length})</h3>`);
    for (const w of warnings) parts.push(`<p class="note warn">${esc(w)}</p>`);
  }
  if (notes.length > 0) parts.push("<h3>Notes</h3>");
  for (const n of notes) parts.push(`<p class="note">${esc(n)}</p>`);

  if (results.kind === "dtw") {
    const comparisons = (results.comparisons as ComparisonView[] | undefined) ?? [
      {
        reference: report.reference?.path ?? "reference",
        distances: results.distances as number[],
        paths: results.paths as [number, number][][],
        segment_labels: results.segment_labels as string[],
        summary: results.summary as Record<string, number>,
        time_normalized: results.time_normalized as { label: string }[] | undefined,
      },
    ];
    parts.push(`<h2>Distances: DTW, ${esc(unit)} (0 = identical, lower = more similar)</h2>`);
    parts.push(`<p>${esc(distanceDefinition(report, comparisons))}${esc(inJson)}</p>`);
    parts.push(`<p>${esc(pairingText(report, comparisons))}</p>`);
    const labels = [...new Set(comparisons.flatMap((c) => c.segment_labels))];
    let t = `<table><tr><th class="l">pair</th>${comparisons.map((c) => `<th>${esc(c.reference)}</th>`).join("")}</tr>`;
    for (const l of labels) {
      t += `<tr><td class="l">${esc(l)}</td>${comparisons
        .map((c) => {
          const k = c.segment_labels.indexOf(l);
          return `<td>${k < 0 ? "–" : fmt3((c.distances[k] as number) * factor)}</td>`;
        })
        .join("")}</tr>`;
    }
    const counts = pairingCounts(report, comparisons);
    if (counts.some((k) => k.subject !== null)) {
      t += `<tr><th class="l">cycles detected (subject / reference)</th>${counts.map((k) => `<th>${k.subject ?? "–"} / ${k.reference_cycles ?? "–"}</th>`).join("")}</tr>`;
    }
    t += `<tr><th class="l">pairs compared</th>${counts.map((k) => `<th>${k.pairs}</th>`).join("")}</tr>`;
    for (const s of ["mean", "p50", "p95", "p99"]) {
      // Tail percentiles from a handful of values are not estimates of anything: shown from 20 values on.
      if ((s === "p95" || s === "p99") && !comparisons.some((c) => c.distances.length >= MIN_FOR_TAILS))
        continue;
      const name = s === "mean" ? "mean (this reference)" : s === "p50" ? "median" : s;
      t += `<tr><th class="l">${name}</th>${comparisons
        .map((c) => {
          const few = (s === "p95" || s === "p99") && c.distances.length < MIN_FOR_TAILS;
          return `<th>${few || !(s in c.summary) ? "–" : fmt3((c.summary[s] as number) * factor)}</th>`;
        })
        .join("")}</tr>`;
    }
    parts.push(`${t}</table>`);
    const overall = results.overall_summary as Record<string, number> | undefined;
    if (overall && "mean" in overall && comparisons.length > 1) {
      parts.push(
        `<p><b>Overall</b> (mean of the ${comparisons.length} per-reference means): ${fmt3((overall.mean as number) * factor)} ${esc(unit)}.</p>`,
      );
    }
    const range = results.reference_range as
      | { min: number; max: number; pairs: { a: string; b: string; mean: number }[] }
      | undefined;
    if (range) {
      parts.push(
        `<p><b>Reference range</b>: the references differ from each other by ${fmt3(range.min * factor)}–${fmt3(range.max * factor)} ${esc(unit)} (each reference compared with each other reference exactly as the subject was compared with them — same angles, cycles paired the same way — and each pair's mean distance taken: ${range.pairs.map((p) => `${esc(p.a)} vs ${esc(p.b)} ${fmt3(p.mean * factor)}`).join(", ")}). A subject whose mean distance lies within this range differs from the references about as much as they differ from each other.</p>`,
      );
    }
  } else if (results.kind === "stats") {
    const stats = results.statistics as Record<string, number>[];
    const labels = results.segment_labels as string[];
    parts.push("<h2>Statistics</h2>");
    parts.push(
      `<table><tr><th class="l">segment</th><th>mean</th><th>std</th><th>min</th><th>max</th><th>range</th></tr>${stats
        .map(
          (s, i) =>
            `<tr><td class="l">${esc(labels[i])}</td>${["mean", "std", "min", "max", "range"].map((k) => `<td>${fmt(s[k])}</td>`).join("")}</tr>`,
        )
        .join("")}</table>`,
    );
  } else if (results.kind === "gait") {
    parts.push(gaitSectionsHtml(report));
  } else if (results.kind === "cohort") {
    const labels = results.labels as string[];
    const m = (results.matrix as number[][]).map((row) => row.map((v) => v * factor));
    const cr = results.cohort_range as
      | { q1: number; q3: number; min: number; max: number; median: number; pairs: number }
      | undefined;
    parts.push(`<h2>Pairwise distance matrix: DTW, ${esc(unit)} (0 = identical, lower = more similar)</h2>`);
    parts.push(`<p>${esc(distanceDefinition(report, []))}${esc(inJson)}</p>`);
    if (cr) {
      parts.push(
        `<p><b>Cohort range</b> (${cr.pairs} pairs): min ${fmt3(cr.min * factor)}, lower quartile ${fmt3(cr.q1 * factor)}, median ${fmt3(cr.median * factor)}, upper quartile ${fmt3(cr.q3 * factor)}, max ${fmt3(cr.max * factor)} ${esc(unit)}.</p>`,
      );
    }
    parts.push(
      `<figure class="matrix">${heatmap(labels, m)}<figcaption>Darker = more different.</figcaption></figure>`,
    );
    const meanToOthers = m.map((row, i) => {
      const o = row.filter((_, j) => j !== i);
      return o.length > 0 ? o.reduce((a, b) => a + b, 0) / o.length : Number.NaN;
    });
    parts.push(
      `<table><tr><th></th>${labels.map((_, j) => `<th>${j}</th>`).join("")}<th>mean to the others</th></tr>${m
        .map(
          (row, i) =>
            `<tr><th class="l">${i}: ${esc(labels[i])}</th>${row.map((v) => `<td>${fmt3(v)}</td>`).join("")}<th>${fmt3(meanToOthers[i] as number)}${cr && (meanToOthers[i] as number) > cr.q3 * factor ? " (above the upper quartile)" : ""}</th></tr>`,
        )
        .join("")}</table>`,
    );
  }

  const trials = trialsOf(report);
  if (trials.some((t) => Object.keys(t.cycles).length > 0)) {
    parts.push("<h2>Detected cycles: duration and confidence</h2>");
    const minC = (report.config as { checks?: { min_confidence?: number } }).checks?.min_confidence ?? 0.5;
    parts.push(
      `<p>Each cycle's confidence (0–1) is <b>confidence = segmentation score × keypoint score</b>. The segmentation score says how regular the cycle is: for strides (heel strike to heel strike) how close its duration is to the trial's typical stride, 1 − |duration − median| / median; for peak-based cycles that times how clear the cycle's peak is. The keypoint score says how well the joints used in that cycle (the heel that marks the strides and the joints of the compared angles) were seen: their mean visibility × presence as the pose model reported it, over the cycle's frames, a frame filled by interpolation counting 0. Below ${esc(String(minC))} the cycle is flagged under Warnings${lowCycles(trials, minC) === 0 ? ` (no cycle of this run is below ${esc(String(minC))}, so none is flagged)` : ""}.</p>`,
    );
    let t = `<table><tr><th class="l">trial</th><th class="l">cycles</th><th>#</th><th>duration (s)</th><th>segmentation score</th><th>keypoint score</th><th>confidence</th></tr>`;
    for (const tr of trials) {
      for (const [name, c] of Object.entries(tr.cycles)) {
        c.seconds.forEach((sec, i) => {
          const cell = (v: number | undefined) => `<td>${v === undefined ? "–" : fmt3(v)}</td>`;
          t += `<tr><td class="l">${esc(tr.path)}</td><td class="l">${esc(name)}</td><td>${i}</td>${cell(sec)}${cell(c.segmentation_score?.[i])}${cell(c.keypoint_score?.[i])}${cell(c.confidence[i])}</tr>`;
        });
      }
    }
    parts.push(`${t}</table>`);
  }

  if (figures.trials.length > 0) {
    parts.push("<h2>Signals and detected cycles</h2>");
    for (const t of figures.trials) {
      parts.push(`<h3>${esc(t.role === "primary" ? "primary (subject)" : t.role)}: ${esc(t.path)}</h3>`);
      const first = t.firstFrame ?? 0;
      for (const p of t.panels) {
        const counts = p.segmentation
          ? `; ${p.segments.length} cycle(s) shaded, a dot ${p.segments.every((g) => g.peak === g.start) ? "where each cycle starts (heel strike, found from the heel's position relative to the pelvis along the walking direction, so a dot need not sit at a peak of this raw trace)" : "at each cycle's peak as the segmentation defines it"}`
          : "";
        const trimmed = first > 0 ? `; the first ${first} frames (no subject) are not drawn` : "";
        parts.push(
          `<figure class="trial">${panelSvg(p, t.fps, first)}<figcaption>${esc(p.name)} (y axis) against time from the start of the clip (x axis, s; ${fmt(t.fps)} frames per second)${esc(counts)}${esc(trimmed)}</figcaption></figure>`,
        );
      }
    }
  }
  if (figures.pairs.length > 0) {
    parts.push("<h2>DTW alignment of each pair</h2>");
    const what = (report.config as { segmentation?: unknown }).segmentation ? "cycle" : "trial";
    // A page of hundreds of figures is neither read nor rendered quickly (pairing: all gives cycles × cycles):
    // the first MAX_PAIR_FIGURES are drawn, and the page says so.
    const shown = figures.pairs.slice(0, MAX_PAIR_FIGURES);
    const compared = (report.results as { angle_names?: string[] }).angle_names ?? [];
    if (compared.length > 1) {
      parts.push(
        `<p class="note">Each figure draws one angle, the first compared angle of the cycle's side (a right stride on the right leg); the pair's distance combines all ${compared.length} compared angles (${esc(listWords(compared))}), so a difference in an angle not drawn here still counts.</p>`,
      );
    }
    if (shown.length < figures.pairs.length) {
      parts.push(
        `<p class="note">The first ${shown.length} of ${figures.pairs.length} pairs are drawn; the distances of all pairs are in the table above and in report.json.</p>`,
      );
    }
    for (const p of shown) {
      const tn = p.timeNormalizedTo === null ? "" : `; both resampled to ${p.timeNormalizedTo} frames`;
      parts.push(
        `<figure class="pair" data-label="${esc(p.label)}" data-reference="${esc(p.reference)}">${pairSvg(p, what)}<figcaption><b>${esc(p.label)}</b> vs ${esc(p.reference)} — DTW distance ${fmt3(p.distance * factor)} ${esc(unit)}; drawn: ${esc(p.signalName)} (primary above, reference below, grey lines join the frames DTW matched)${esc(tn)}</figcaption></figure>`,
      );
      parts.push(movementFigureHtml(p, figures.pairs.indexOf(p)));
    }
    parts.push(movementScriptHtml(shown));
  }
  const prov = report.analysis_provenance;
  parts.push(
    `<p style="color:#667;font-size:12px">Written by ${esc(prov?.tool ?? "@neuropose/analysis")} ${esc(prov?.version ?? "")}. The JSON report is the record; this page is a view of it.</p>`,
  );
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>${parts.join("\n")}</body></html>\n`;
}

/** How many cycles of all trials fall below the confidence threshold (the ones the Warnings list flags). */
function lowCycles(trials: { cycles: Record<string, { confidence: number[] }> }[], minC: number): number {
  let n = 0;
  for (const t of trials)
    for (const c of Object.values(t.cycles)) for (const v of c.confidence) if (v < minC) n++;
  return n;
}
