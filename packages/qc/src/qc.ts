// The QC of one session: quality gates over what the stages measured, a JSON summary (the W2T design's sections
// sync / pose / facemap / events / provenance), and one self-contained HTML page a person reads at a glance.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { commitTogether, openAtomicTarget } from "@neuropose/io";
import { CSS, esc, fmt, heatStrip, histogram, lineChart, timeline } from "./_svg.js";

/** An anomaly with the threshold it was judged against (same shape as a stage summary's flags). */
export interface QcFlag {
  code: string;
  severity: "info" | "warn" | "fail";
  message: string;
  value?: number;
  threshold?: number;
  subject?: string;
  /** The stage that raised it (filled in for flags taken from stage summaries). */
  stage?: string;
}

/** What the session build measured, fed to the QC (plain arrays; decimated here for display, never dropped). */
export interface QcInput {
  sessionId: string;
  createdAt: string;
  /** Each stage's summary: its status, time, flags and a link (relative to the QC page) to its JSON. */
  summaries: { stage: string; status: "ok" | "failed"; href: string; wall_s: number; flags: QcFlag[] }[];
  sync?: {
    cameras: {
      id: string;
      rate_hz: number;
      frame_count: number;
      pulse_count: number;
      /** Deviation of each inter-pulse interval from the median period, seconds. */
      interval_deviation_s: ArrayLike<number>;
      jitter_max_s: number;
      jitter_p95_s: number;
      jitter_budget_s: number;
      drift_ppm: number;
      /** Clock offset (camera vs reference) over session time, for the drift plot. */
      drift: { t_s: ArrayLike<number>; offset_ms: ArrayLike<number> };
      /** Session times at which frames are missing. */
      dropped_at_s: readonly number[];
      dropped: number;
      duplicates: number;
    }[];
  };
  pose?: {
    cameras: {
      id: string;
      /** Start of the first bin and bin width, seconds. */
      t0_s: number;
      bin_s: number;
      keypoints: {
        name: string;
        missing_fraction: ArrayLike<number>;
        median_confidence: ArrayLike<number>;
      }[];
    }[];
  };
  trials?: { rows: { trial: number; start_s: number; stop_s: number; outcome: string; type?: number }[] };
  facemap?: {
    cameras: {
      id: string;
      time_s: ArrayLike<number>;
      metrics: { name: string; values: ArrayLike<number> }[];
    }[];
  };
  provenance?: Record<string, string>;
}

/** Thresholds of the quality gates (the design's list), each stated on the page beside its result. */
export interface QcThresholds {
  maxDriftPpm: number;
  maxDroppedRatio: number;
  /** Median keypoint confidence below this is flagged. */
  minMedianConfidence: number;
}

export const DEFAULT_QC_THRESHOLDS: QcThresholds = {
  maxDriftPpm: 100,
  maxDroppedRatio: 0.01,
  minMedianConfidence: 0.5,
};

function median(values: ArrayLike<number>): number {
  const v = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
}

/**
 * The quality gates over what the stages measured: drift and dropped-frame ratio per camera, timestamps that go
 * backwards, pose confidence median per camera, overlapping trials; plus every flag the stages raised.
 *
 * @example
 * ```ts
 * import { qcChecks } from "@neuropose/qc";
 * const flags = qcChecks({ sessionId: "S1", createdAt: "2025-01-01T00:00:00Z", summaries: [],
 *   trials: { rows: [{ trial: 1, start_s: 0, stop_s: 5, outcome: "hit" }, { trial: 2, start_s: 4, stop_s: 8, outcome: "miss" }] } });
 * console.log(flags[0]?.code); // QC_TRIALS_OVERLAP
 * ```
 */
export function qcChecks(input: QcInput, thresholds: QcThresholds = DEFAULT_QC_THRESHOLDS): QcFlag[] {
  const flags: QcFlag[] = [];
  for (const s of input.summaries) for (const f of s.flags) flags.push({ ...f, stage: f.stage ?? s.stage });
  for (const c of input.sync?.cameras ?? []) {
    if (Math.abs(c.drift_ppm) > thresholds.maxDriftPpm)
      flags.push({
        code: "QC_DRIFT",
        severity: "fail",
        stage: "sync",
        subject: c.id,
        message: `camera ${c.id}: clock drift ${fmt(c.drift_ppm)} ppm exceeds ±${fmt(thresholds.maxDriftPpm)} ppm`,
        value: c.drift_ppm,
        threshold: thresholds.maxDriftPpm,
      });
    const ratio = c.frame_count > 0 ? c.dropped / (c.frame_count + c.dropped) : 0;
    if (ratio > thresholds.maxDroppedRatio)
      flags.push({
        code: "QC_DROPPED",
        severity: "fail",
        stage: "sync",
        subject: c.id,
        message: `camera ${c.id}: ${c.dropped} dropped frames (${fmt(ratio * 100)} %) exceed ${fmt(thresholds.maxDroppedRatio * 100)} %`,
        value: ratio,
        threshold: thresholds.maxDroppedRatio,
      });
  }
  for (const c of input.pose?.cameras ?? []) {
    const m = median(c.keypoints.flatMap((k) => Array.from(k.median_confidence)));
    if (Number.isFinite(m) && m < thresholds.minMedianConfidence)
      flags.push({
        code: "QC_POSE_CONFIDENCE",
        severity: "warn",
        stage: "pose",
        subject: c.id,
        message: `camera ${c.id}: median keypoint confidence ${fmt(m)} is below ${fmt(thresholds.minMedianConfidence)}`,
        value: m,
        threshold: thresholds.minMedianConfidence,
      });
  }
  const rows = [...(input.trials?.rows ?? [])].sort((a, b) => a.start_s - b.start_s);
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1] as (typeof rows)[number];
    const b = rows[i] as (typeof rows)[number];
    if (b.start_s < a.stop_s)
      flags.push({
        code: "QC_TRIALS_OVERLAP",
        severity: "warn",
        stage: "events",
        subject: `trial ${b.trial}`,
        message: `trial ${b.trial} starts at ${fmt(b.start_s)} s, before trial ${a.trial} ends (${fmt(a.stop_s)} s)`,
        value: b.start_s - a.stop_s,
        threshold: 0,
      });
  }
  return flags;
}

/** Min/max per bucket, so a decimated trace keeps its spikes (display only; the data files keep every sample). */
export function decimate(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  maxPoints = 1500,
): { x: number[]; y: number[] } {
  const n = Math.min(x.length, y.length);
  if (n <= maxPoints) return { x: Array.from(x).slice(0, n), y: Array.from(y).slice(0, n) };
  const buckets = Math.floor(maxPoints / 2);
  const ox: number[] = [];
  const oy: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const i0 = Math.floor((b * n) / buckets);
    const i1 = Math.floor(((b + 1) * n) / buckets);
    let lo = i0;
    let hi = i0;
    for (let i = i0; i < i1; i++) {
      const v = y[i] as number;
      if (!Number.isFinite(v)) continue;
      if (!(Number.isFinite(y[lo] as number) && (y[lo] as number) <= v)) lo = i;
      if (!(Number.isFinite(y[hi] as number) && (y[hi] as number) >= v)) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) {
      ox.push(x[i] as number);
      oy.push(y[i] as number);
    }
  }
  return { x: ox, y: oy };
}

const OUTCOME_COLORS: Record<string, string> = {
  hit: "#2e9a4a",
  miss: "#d0531c",
  correct_reject: "#2962b8",
  false_alarm: "#8e44ad",
  unknown: "#999999",
};

function flagTable(flags: readonly QcFlag[]): string {
  if (flags.length === 0) return `<p class="ok">No anomaly was flagged.</p>`;
  const rows = flags
    .map(
      (f) =>
        `<tr class="${f.severity}"><td>${esc(f.severity)}</td><td>${esc(f.stage ?? "")}</td><td>${esc(f.subject ?? "")}</td><td>${esc(f.message)}</td><td>${f.value === undefined ? "" : fmt(f.value)}</td><td>${f.threshold === undefined ? "" : fmt(f.threshold)}</td><td><code>${esc(f.code)}</code></td></tr>`,
    )
    .join("");
  return `<table class="flags"><tr><th>severity</th><th>stage</th><th>where</th><th>what</th><th>value</th><th>threshold</th><th>code</th></tr>${rows}</table>`;
}

/**
 * One self-contained HTML page for a session's QC (inline CSS and SVG; no script, no network): a verdict and
 * every anomaly flag with its threshold first, then one section per part — sync (jitter histogram, drift over
 * time, dropped frames marked), pose (missing fraction and confidence per keypoint over time), trials (timeline
 * coloured by outcome), facial motion energy — and links to each stage's summary.
 *
 * @example
 * ```ts
 * import { renderQcHtml } from "@neuropose/qc";
 * const html = renderQcHtml({ sessionId: "S1", createdAt: "2025-01-01T00:00:00Z", summaries: [] });
 * console.log(html.includes("QC of session S1")); // true
 * ```
 */
export function renderQcHtml(input: QcInput, thresholds: QcThresholds = DEFAULT_QC_THRESHOLDS): string {
  const flags = qcChecks(input, thresholds);
  const fails = flags.filter((f) => f.severity === "fail").length;
  const warns = flags.filter((f) => f.severity === "warn").length;
  const verdict =
    fails > 0
      ? `<span class="badge fail">FAIL</span> ${fails} check${fails > 1 ? "s" : ""} failed${warns ? `, ${warns} warning${warns > 1 ? "s" : ""}` : ""}`
      : warns > 0
        ? `<span class="badge warn">WARN</span> ${warns} warning${warns > 1 ? "s" : ""}, no failure`
        : `<span class="badge ok">PASS</span> every check passed`;
  const parts: string[] = [];
  parts.push(
    `<h1>QC of session ${esc(input.sessionId)}</h1><p>${verdict}. Generated ${esc(input.createdAt)}.</p>`,
  );
  parts.push(
    `<p>Gates: clock drift within ±${fmt(thresholds.maxDriftPpm)} ppm, dropped frames at most ${fmt(thresholds.maxDroppedRatio * 100)} %, median keypoint confidence at least ${fmt(thresholds.minMedianConfidence)}, timestamps increasing, trials not overlapping.</p>`,
  );
  parts.push(`<section id="flags"><h2>Anomaly flags</h2>${flagTable(flags)}</section>`);

  const sync = input.sync?.cameras ?? [];
  if (sync.length) {
    let s = `<section id="sync"><h2>Sync</h2><table><tr><th>camera</th><th>frames</th><th>pulses</th><th>rate (Hz)</th><th>jitter max (ms)</th><th>jitter p95 (ms)</th><th>drift (ppm)</th><th>dropped</th><th>duplicates</th></tr>`;
    for (const c of sync)
      s += `<tr><td>${esc(c.id)}</td><td>${c.frame_count}</td><td>${c.pulse_count}</td><td>${fmt(c.rate_hz)}</td><td>${fmt(c.jitter_max_s * 1000)}</td><td>${fmt(c.jitter_p95_s * 1000)}</td><td>${fmt(c.drift_ppm)}</td><td class="${c.dropped ? "bad" : ""}">${c.dropped}</td><td class="${c.duplicates ? "bad" : ""}">${c.duplicates}</td></tr>`;
    s += "</table>";
    for (const c of sync) {
      const dev = Float64Array.from(c.interval_deviation_s, (v) => v * 1000);
      s += `<h3>Camera ${esc(c.id)}</h3><figure>${histogram(dev, { xTitle: "inter-pulse interval − median period (ms)", limit: c.jitter_budget_s * 1000 })}<figcaption>Jitter of camera ${esc(c.id)}: deviation of each frame interval from the median period; dashed lines: the ±${fmt(c.jitter_budget_s * 1000)} ms budget.</figcaption></figure>`;
      const d = decimate(c.drift.t_s, c.drift.offset_ms);
      s += `<figure>${lineChart([{ label: `camera ${c.id}`, x: d.x, y: d.y }], { xTitle: "session time (s)", yTitle: "clock offset (ms)", markers: c.dropped_at_s, markerLabel: "dropped frame" })}<figcaption>Drift of camera ${esc(c.id)}: ${fmt(c.drift_ppm)} ppm; red dashed lines mark the ${c.dropped} dropped frame${c.dropped === 1 ? "" : "s"}.</figcaption></figure>`;
    }
    parts.push(`${s}</section>`);
  }

  const pose = input.pose?.cameras ?? [];
  if (pose.length) {
    let s = `<section id="pose"><h2>Pose</h2>`;
    for (const c of pose) {
      const n = c.keypoints[0]?.missing_fraction.length ?? 0;
      const x1 = c.t0_s + n * c.bin_s;
      s += `<h3>Camera ${esc(c.id)}</h3><figure>${heatStrip(
        c.keypoints.map((k) => ({ label: k.name, values: k.missing_fraction })),
        { xTitle: "session time (s)", x0: c.t0_s, x1, valueLabel: "missing fraction" },
      )}<figcaption>Missing fraction per keypoint in ${fmt(c.bin_s)} s bins (green: all present, red: all missing).</figcaption></figure>`;
      const series = c.keypoints.slice(0, 6).map((k) => ({
        label: k.name,
        x: Array.from({ length: k.median_confidence.length }, (_, i) => c.t0_s + (i + 0.5) * c.bin_s),
        y: k.median_confidence,
      }));
      s += `<figure>${lineChart(series, { xTitle: "session time (s)", yTitle: "median confidence (0–1)", hline: thresholds.minMedianConfidence })}<figcaption>Median confidence per bin${c.keypoints.length > 6 ? ` (first 6 of ${c.keypoints.length} keypoints)` : ""}; dashed: the ${fmt(thresholds.minMedianConfidence)} gate.</figcaption></figure>`;
    }
    parts.push(`${s}</section>`);
  }

  const trials = input.trials?.rows ?? [];
  if (trials.length) {
    const counts = new Map<string, number>();
    for (const t of trials) counts.set(t.outcome, (counts.get(t.outcome) ?? 0) + 1);
    parts.push(
      `<section id="trials"><h2>Trials</h2><p>${trials.length} trials: ${[...counts].map(([k, v]) => `${v} ${esc(k)}`).join(", ")}.</p><figure>${timeline(
        trials.map((t) => ({
          start: t.start_s,
          stop: t.stop_s,
          category: t.outcome,
          label: `trial ${t.trial}`,
        })),
        { xTitle: "session time (s)", colors: OUTCOME_COLORS },
      )}<figcaption>Trials on the session clock, coloured by outcome.</figcaption></figure></section>`,
    );
  }

  const face = input.facemap?.cameras ?? [];
  if (face.length) {
    let s = `<section id="facemap"><h2>Facial motion energy</h2>`;
    for (const c of face) {
      const series = c.metrics.map((m) => ({ label: m.name, ...decimate(c.time_s, m.values) }));
      s += `<figure>${lineChart(series, { xTitle: "session time (s)", yTitle: "motion energy (grey levels / px)" })}<figcaption>Camera ${esc(c.id)}: mean absolute frame difference per ROI.</figcaption></figure>`;
    }
    parts.push(`${s}</section>`);
  }

  if (input.summaries.length) {
    const rows = input.summaries
      .map(
        (s) =>
          `<tr><td>${esc(s.stage)}</td><td class="${s.status === "ok" ? "ok" : "bad"}">${esc(s.status)}</td><td>${fmt(s.wall_s)}</td><td>${s.flags.length}</td><td><a href="${esc(s.href)}">${esc(s.href)}</a></td></tr>`,
      )
      .join("");
    parts.push(
      `<section id="stages"><h2>Stages</h2><table><tr><th>stage</th><th>status</th><th>wall time (s)</th><th>flags</th><th>summary</th></tr>${rows}</table></section>`,
    );
  }
  if (input.provenance)
    parts.push(
      `<section id="provenance"><h2>Provenance</h2><table>${Object.entries(input.provenance)
        .map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`)
        .join("")}</table></section>`,
    );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>QC ${esc(input.sessionId)}</title><style>${CSS}</style></head><body>${parts.join("\n")}</body></html>\n`;
}

/** The QC summary document (the design's sections), written beside the page. */
export interface QcSummary {
  schema_version: 1;
  session_id: string;
  created_at: string;
  verdict: "pass" | "warn" | "fail";
  thresholds: QcThresholds;
  flags: QcFlag[];
  sync: {
    camera: string;
    frames: number;
    pulses: number;
    drift_ppm: number;
    jitter_p95_s: number;
    dropped: number;
    duplicates: number;
  }[];
  pose: { camera: string; keypoints: number; median_confidence: number; missing_fraction: number }[];
  events: { trials: number; outcomes: Record<string, number> };
  facemap: { camera: string; metrics: string[] }[];
  provenance: Record<string, string>;
}

/**
 * The QC summary (verdict, flags, per-section statistics).
 *
 * @example
 * ```ts
 * import { qcSummary } from "@neuropose/qc";
 * console.log(qcSummary({ sessionId: "S1", createdAt: "2025-01-01T00:00:00Z", summaries: [] }).verdict); // pass
 * ```
 */
export function qcSummary(input: QcInput, thresholds: QcThresholds = DEFAULT_QC_THRESHOLDS): QcSummary {
  const flags = qcChecks(input, thresholds);
  const outcomes: Record<string, number> = {};
  for (const t of input.trials?.rows ?? []) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
  return {
    schema_version: 1,
    session_id: input.sessionId,
    created_at: input.createdAt,
    verdict: flags.some((f) => f.severity === "fail")
      ? "fail"
      : flags.some((f) => f.severity === "warn")
        ? "warn"
        : "pass",
    thresholds,
    flags,
    sync: (input.sync?.cameras ?? []).map((c) => ({
      camera: c.id,
      frames: c.frame_count,
      pulses: c.pulse_count,
      drift_ppm: c.drift_ppm,
      jitter_p95_s: c.jitter_p95_s,
      dropped: c.dropped,
      duplicates: c.duplicates,
    })),
    pose: (input.pose?.cameras ?? []).map((c) => ({
      camera: c.id,
      keypoints: c.keypoints.length,
      median_confidence: median(c.keypoints.flatMap((k) => Array.from(k.median_confidence))),
      missing_fraction: median(c.keypoints.flatMap((k) => Array.from(k.missing_fraction))),
    })),
    events: { trials: input.trials?.rows.length ?? 0, outcomes },
    facemap: (input.facemap?.cameras ?? []).map((c) => ({
      camera: c.id,
      metrics: c.metrics.map((m) => m.name),
    })),
    provenance: input.provenance ?? {},
  };
}

/**
 * Write `index.html` and `qc_summary.json` into `dir`, together (both or neither). Returns their paths.
 *
 * @example
 * ```ts
 * import { writeQcReport } from "@neuropose/qc";
 * const { html } = await writeQcReport("/tmp/neuropose-example-qc", { sessionId: "S1", createdAt: "2025-01-01T00:00:00Z", summaries: [] });
 * console.log(html); // /tmp/neuropose-example-qc/index.html
 * ```
 */
export async function writeQcReport(
  dir: string,
  input: QcInput,
  thresholds: QcThresholds = DEFAULT_QC_THRESHOLDS,
): Promise<{ html: string; summary: string }> {
  const html = await openAtomicTarget(join(dir, "index.html"));
  const json = await openAtomicTarget(join(dir, "qc_summary.json"));
  try {
    await writeFile(html.tmp, renderQcHtml(input, thresholds));
    await writeFile(
      json.tmp,
      `${JSON.stringify(qcSummary(input, thresholds), (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2)}\n`,
    );
  } catch (err) {
    await html.abort();
    await json.abort();
    throw err;
  }
  await commitTogether([html, json]);
  return { html: html.path, summary: json.path };
}
