import { gaitSectionsHtml, gaitSummaryHtml } from "./_gait-html.js";
import { movementFigureHtml, movementScriptHtml } from "./_movement.js";
import type { PairFigure, SignalPanel } from "./figures.js";
import type { AnalysisRun } from "./run.js";

const W = 760;
const H = 170;
const PAD = { l: 56, r: 12, t: 12, b: 26 };

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(x: unknown): string {
  if (typeof x !== "number") return esc(x);
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3);
  return x.toPrecision(5).replace(/\.?0+$/, "");
}

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

function axes(
  lo: number,
  hi: number,
  frames: number,
  yOf: (v: number) => number,
  xOf: (i: number) => number,
): string {
  const ticks = [lo, (lo + hi) / 2, hi];
  let s = `<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" class="axis"/>`;
  s += `<line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${H - PAD.b}" class="axis"/>`;
  for (const t of ticks) {
    s += `<text x="${PAD.l - 4}" y="${yOf(t).toFixed(1)}" class="tick" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`;
  }
  const steps = 5;
  for (let k = 0; k <= steps; k++) {
    const f = Math.round(((frames - 1) * k) / steps);
    s += `<text x="${xOf(f).toFixed(1)}" y="${H - 8}" class="tick" text-anchor="middle">${f}</text>`;
  }
  return s;
}

function panelSvg(t: SignalPanel): string {
  const n = Math.max(t.signal.length, 2);
  const [lo, hi] = extent([t.signal]);
  const xOf = (i: number) => PAD.l + ((W - PAD.l - PAD.r) * i) / (n - 1);
  const yOf = (v: number) => PAD.t + ((H - PAD.t - PAD.b) * (hi - v)) / (hi - lo);
  let bands = "";
  t.segments.forEach((s, i) => {
    const cls = i % 2 === 0 ? "seg-a" : "seg-b";
    const x0 = xOf(s.start);
    const x1 = xOf(Math.max(s.start, s.end - 1));
    bands += `<rect x="${x0.toFixed(1)}" y="${PAD.t}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${H - PAD.t - PAD.b}" class="${cls}"><title>${esc(`${t.segmentation}[${i}]: frames ${s.start}–${s.end - 1}, peak ${s.peak}`)}</title></rect>`;
    bands += `<circle cx="${xOf(s.peak).toFixed(1)}" cy="${yOf(t.signal[s.peak] ?? lo).toFixed(1)}" r="3" class="peak ${cls}"/>`;
  });
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(t.name)}">${bands}${axes(lo, hi, n, yOf, xOf)}<path d="${line(t.signal, xOf, yOf)}" class="sig"/></svg>`;
}

function pairSvg(p: PairFigure): string {
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
  const lbl = `<text x="${W - PAD.r}" y="${PAD.t + 10}" class="tick" text-anchor="end">primary</text><text x="${W - PAD.r}" y="${PAD.t + half + 16}" class="tick" text-anchor="end">reference</text>`;
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`DTW alignment of ${p.label}`)}">${links}${axes(lo, hi, n, yB, xOf)}<path d="${line(p.a, xOf, yA)}" class="sig"/><path d="${line(p.b, xOf, yB)}" class="sig ref"/>${lbl}</svg>`;
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
.summary{background:#eef4ff;border:1px solid #c9d8f5;padding:10px 14px;font-size:15px}.note{background:#fff8e6;border-left:3px solid #e0a020;padding:6px 10px;margin:6px 0}.note.warn{border-left-color:#c8442c;background:#fdeeee}code{background:#f3f4f8;padding:0 3px}figure{margin:12px 0}figcaption{font-size:13px;color:#445}`;

const MIN_FOR_TAILS = 20;

interface TrialRecordView {
  role: string;
  path: string;
  unit: string;
  missing_frames: {
    frames: number;
    absent_frames: number;
    trimmed_start: number;
    trimmed_end: number;
    interpolated: [number, number][];
    long_gaps: [number, number][];
  };
  cycles: Record<string, { seconds: number[]; confidence: number[] }>;
}

/** The unit of a DTW distance: summed along the warping path, in the compared representation's unit. */
function distanceUnit(report: AnalysisRun["report"]): string {
  const an = (report.config as { analysis?: { representation?: string } }).analysis;
  if (an?.representation === "angles") return "radians, summed over aligned frames";
  const unit = (report as { trials?: { unit: string }[] }).trials?.[0]?.unit ?? "pose units";
  return `${unit}, summed over aligned frames`;
}

/** The plain-language paragraph at the top: what was compared, what the number means, how it compares. */
function plainSummary(run: AnalysisRun): string {
  const { report } = run;
  const r = report.results as Record<string, unknown>;
  const cfg = report.config as {
    analysis?: { representation?: string; angle_triplets?: unknown[][]; align?: string };
  };
  const trials = (report as { trials?: TrialRecordView[] }).trials ?? [];
  const unit = distanceUnit(report);
  const what =
    cfg.analysis?.representation === "angles"
      ? `${(cfg.analysis.angle_triplets ?? []).length} joint angle(s) (${(cfg.analysis.angle_triplets ?? []).map((t) => t.join("–")).join("; ")})`
      : "3D joint positions";
  const missing = trials
    .filter((t) => t.missing_frames.absent_frames > 0)
    .map(
      (t) =>
        `${t.path}: subject not detected in ${t.missing_frames.absent_frames} of ${t.missing_frames.frames} frames (${t.missing_frames.trimmed_start} trimmed at the start, ${t.missing_frames.trimmed_end} at the end, ${t.missing_frames.interpolated.reduce((a, [x, y]) => a + y - x, 0)} interpolated${t.missing_frames.long_gaps.length > 0 ? `, split at ${t.missing_frames.long_gaps.length} long gap(s)` : ""})`,
    );
  const missingText =
    trials.length === 0
      ? ""
      : missing.length > 0
        ? ` Missing detections: ${missing.join("; ")}.`
        : " The subject was detected in every frame of every trial.";
  const nWarn = ((report as { warnings?: string[] }).warnings ?? []).length;
  const warnText =
    nWarn > 0 ? ` ${nWarn} warning(s) below concern implausible or low-confidence cycles.` : "";
  if (r.kind === "gait") return gaitSummaryHtml(report, `${missingText}${warnText}`);
  if (r.kind === "dtw") {
    const comps =
      (r.comparisons as { reference: string; distances: number[]; summary: { mean?: number } }[]) ?? [];
    const counts = comps.map((c) => c.distances.length);
    const lo = Math.min(...counts, Number.POSITIVE_INFINITY);
    const hi = Math.max(...counts, 0);
    const pairs = comps.length === 0 ? "0" : lo === hi ? String(hi) : `${lo}–${hi}`;
    const overall = (r.overall_summary as { mean?: number } | undefined)?.mean ?? comps[0]?.summary.mean;
    const range = r.reference_range as { min: number; max: number } | undefined;
    let verdict = "";
    if (range && overall !== undefined) {
      verdict =
        overall > range.max
          ? ` This is <b>above</b> the range between the references themselves (${fmt(range.min)}–${fmt(range.max)}): the subject's movement differs from the references more than they differ from each other.`
          : overall < range.min
            ? ` This is below the range between the references themselves (${fmt(range.min)}–${fmt(range.max)}): the subject is as close to the references as they are to each other, or closer.`
            : ` This is <b>within</b> the range between the references themselves (${fmt(range.min)}–${fmt(range.max)}): no more different from them than they are from each other.`;
    } else if (comps.length < 2) {
      verdict =
        " With a single reference there is no reference range to judge this number against; add references to get one.";
    }
    return `<p class="summary"><b>Summary.</b> The movement of <b>${esc(report.primary?.path ?? "the subject")}</b> was compared with ${comps.length} reference trial(s) (${esc(comps.map((c) => c.reference).join(", "))}), cycle by cycle (${pairs} pair(s) per reference), on ${esc(what)}, using dynamic time warping (DTW)${cfg.analysis?.align && cfg.analysis.align !== "none" && cfg.analysis.representation !== "angles" ? " after removing differences in position, orientation and size (Procrustes alignment)" : ""}. The main number is the <b>DTW distance</b> (${esc(unit)}): how far apart the two curves are once aligned in time; 0 means identical movement and larger numbers mean less similar movement. It has no universal normal value. Mean distance to the references: <b>${fmt(overall)}</b>.${verdict}${esc(missingText)}${esc(warnText)}</p>`;
  }
  if (r.kind === "stats") {
    return `<p class="summary"><b>Summary.</b> Statistics (mean, standard deviation, minimum, maximum, range) of one signal of <b>${esc(report.primary?.path ?? "the subject")}</b>, per segment.${esc(missingText)}${esc(warnText)}</p>`;
  }
  if (r.kind === "cohort") {
    return `<p class="summary"><b>Summary.</b> Every trial of the cohort was compared with every other on ${esc(what)} using dynamic time warping (DTW); each cell is a DTW distance (${esc(unit)}; 0 = identical, larger = less similar).${esc(missingText)}${esc(warnText)}</p>`;
  }
  return `<p class="summary"><b>Summary.</b> ${esc(report.primary?.path ?? "")} was loaded and segmented; no comparison was configured.${esc(missingText)}${esc(warnText)}</p>`;
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
  const parts: string[] = [];
  parts.push(`<h1>${esc(title)}</h1>`);
  parts.push(plainSummary(run));
  const settings: [string, unknown][] = [["analysis", an.kind]];
  if (an.kind === "dtw") {
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
  settings.push(["segmentation", seg ? seg.kind : "none (full trial)"]);
  settings.push(["person index", (cfg.preprocessing as Record<string, unknown> | undefined)?.person_index]);
  parts.push(
    `<table>${settings.map(([k, v]) => `<tr><th class="l">${esc(k)}</th><td class="l">${esc(v ?? "")}</td></tr>`).join("")}</table>`,
  );

  const prov = report.analysis_provenance;
  if (prov) {
    parts.push(
      `<h3>Inputs</h3><table><tr><th class="l">role</th><th class="l">file</th><th class="l">SHA-256</th></tr>${prov.inputs
        .map(
          (i) =>
            `<tr><td class="l">${esc(i.role)}</td><td class="l">${esc(i.path)}</td><td class="l"><code>${esc(i.sha256.slice(0, 16))}…</code></td></tr>`,
        )
        .join("")}</table>`,
    );
  }

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
    const comparisons = (results.comparisons as
      | {
          reference: string;
          distances: number[];
          segment_labels: string[];
          summary: Record<string, number>;
        }[]
      | undefined) ?? [
      {
        reference: report.reference?.path ?? "reference",
        distances: results.distances as number[],
        segment_labels: results.segment_labels as string[],
        summary: results.summary as Record<string, number>,
      },
    ];
    const unit = distanceUnit(report);
    parts.push(`<h2>Distances: DTW, ${esc(unit)} (0 = identical, lower = more similar)</h2>`);
    const labels = [...new Set(comparisons.flatMap((c) => c.segment_labels))];
    let t = `<table><tr><th class="l">segment</th>${comparisons.map((c) => `<th>${esc(c.reference)}</th>`).join("")}</tr>`;
    for (const l of labels) {
      t += `<tr><td class="l">${esc(l)}</td>${comparisons
        .map((c) => {
          const k = c.segment_labels.indexOf(l);
          return `<td>${k < 0 ? "–" : fmt(c.distances[k])}</td>`;
        })
        .join("")}</tr>`;
    }
    for (const s of ["mean", "p50", "p95", "p99"]) {
      // Tail percentiles from a handful of values are not estimates of anything: shown from 20 values on.
      if ((s === "p95" || s === "p99") && !comparisons.some((c) => c.distances.length >= MIN_FOR_TAILS))
        continue;
      const name = s === "mean" ? "mean (this reference)" : s === "p50" ? "median" : s;
      t += `<tr><th class="l">${name}</th>${comparisons
        .map((c) => {
          const few = (s === "p95" || s === "p99") && c.distances.length < MIN_FOR_TAILS;
          return `<th>${few || !(s in c.summary) ? "–" : fmt(c.summary[s])}</th>`;
        })
        .join("")}</tr>`;
    }
    parts.push(`${t}</table>`);
    const overall = results.overall_summary as Record<string, number> | undefined;
    if (overall && "mean" in overall && comparisons.length > 1) {
      parts.push(
        `<p><b>Overall</b> (mean of the ${comparisons.length} per-reference means): ${fmt(overall.mean)} ${esc(unit)}.</p>`,
      );
    }
    const range = results.reference_range as { min: number; max: number; pairs: unknown[] } | undefined;
    if (range) {
      parts.push(
        `<p><b>Reference range</b>: the references differ from each other by ${fmt(range.min)}–${fmt(range.max)} ${esc(unit)} (mean distance of each of the ${range.pairs.length} reference pair(s), same segments).</p>`,
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
    const m = results.matrix as number[][];
    parts.push("<h2>Pairwise distance matrix</h2>");
    parts.push(
      `<figure class="matrix">${heatmap(labels, m)}<figcaption>Darker = more different.</figcaption></figure>`,
    );
    parts.push(
      `<table><tr><th></th>${labels.map((_, j) => `<th>${j}</th>`).join("")}</tr>${m
        .map(
          (row, i) =>
            `<tr><th class="l">${i}: ${esc(labels[i])}</th>${row.map((v) => `<td>${fmt(v)}</td>`).join("")}</tr>`,
        )
        .join("")}</table>`,
    );
  }

  const trials = (report as { trials?: TrialRecordView[] }).trials ?? [];
  if (trials.some((t) => Object.keys(t.cycles).length > 0)) {
    parts.push("<h2>Detected cycles: duration and confidence</h2>");
    parts.push(
      `<p>Confidence (0–1) combines how clear the cycle's peak is and how close its duration is to the trial's typical cycle (stride segmentation: the duration alone); below ${esc(String((report.config as { checks?: { min_confidence?: number } }).checks?.min_confidence ?? 0.5))} the cycle is flagged.</p>`,
    );
    let t = `<table><tr><th class="l">trial</th><th class="l">cycles</th><th>#</th><th>duration (s)</th><th>confidence</th></tr>`;
    for (const tr of trials) {
      for (const [name, c] of Object.entries(tr.cycles)) {
        c.seconds.forEach((sec, i) => {
          t += `<tr><td class="l">${esc(tr.path)}</td><td class="l">${esc(name)}</td><td>${i}</td><td>${fmt(sec)}</td><td>${fmt(c.confidence[i])}</td></tr>`;
        });
      }
    }
    parts.push(`${t}</table>`);
  }

  if (figures.trials.length > 0) {
    parts.push("<h2>Signals and detected cycles</h2>");
    for (const t of figures.trials) {
      parts.push(`<h3>${esc(t.role)}: ${esc(t.path)}</h3>`);
      for (const p of t.panels) {
        const counts = p.segmentation
          ? `; ${p.segments.length} segment(s) shaded, a dot at each segment's peak frame as the segmentation defines it`
          : "";
        parts.push(
          `<figure class="trial">${panelSvg(p)}<figcaption>${esc(p.name)} (y axis) per frame (x axis, ${fmt(t.fps)} fps)${esc(counts)}</figcaption></figure>`,
        );
      }
    }
  }
  if (figures.pairs.length > 0) {
    parts.push("<h2>DTW alignment of each pair</h2>");
    for (const p of figures.pairs) {
      const tn = p.timeNormalizedTo === null ? "" : `; both time-normalised to ${p.timeNormalizedTo} frames`;
      parts.push(
        `<figure class="pair" data-label="${esc(p.label)}" data-reference="${esc(p.reference)}">${pairSvg(p)}<figcaption><b>${esc(p.label)}</b> vs ${esc(p.reference)} — DTW distance ${fmt(p.distance)} ${esc(distanceUnit(report))}; drawn: ${esc(p.signalName)}${esc(tn)}</figcaption></figure>`,
      );
      parts.push(movementFigureHtml(p, figures.pairs.indexOf(p)));
    }
    parts.push(movementScriptHtml(figures.pairs));
  }
  parts.push(
    `<p style="color:#667;font-size:12px">Written by ${esc(prov?.tool ?? "@neuropose/analysis")} ${esc(prov?.version ?? "")}. The JSON report is the record; this page is a view of it.</p>`,
  );
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>${parts.join("\n")}</body></html>\n`;
}
