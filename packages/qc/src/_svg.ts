// Small inline-SVG charts for the QC page. Hand-written on purpose: the page must open offline from a file://
// URL with no script at all (it is archived next to the NWB file), and these four chart shapes — line, histogram,
// heat strip, timeline — are short. Every chart has axis titles with units.
const W = 760;
const PAD = { l: 64, r: 16, t: 14, b: 40 };

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function fmt(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

function extent(values: Iterable<number>, pad = false): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) return [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  if (pad) {
    const d = (hi - lo) * 0.05;
    return [lo - d, hi + d];
  }
  return [lo, hi];
}

/** Round tick values (1, 2, 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return [lo];
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

function frame(
  h: number,
  xlo: number,
  xhi: number,
  ylo: number,
  yhi: number,
  xTitle: string,
  yTitle: string,
): string {
  const x = (v: number) => PAD.l + ((v - xlo) / (xhi - xlo || 1)) * (W - PAD.l - PAD.r);
  const y = (v: number) => h - PAD.b - ((v - ylo) / (yhi - ylo || 1)) * (h - PAD.t - PAD.b);
  let s = `<line x1="${PAD.l}" y1="${h - PAD.b}" x2="${W - PAD.r}" y2="${h - PAD.b}" class="axis"/>`;
  s += `<line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${h - PAD.b}" class="axis"/>`;
  for (const v of niceTicks(ylo, yhi, 4))
    s += `<text x="${PAD.l - 5}" y="${y(v).toFixed(1)}" class="tick" text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`;
  for (const u of niceTicks(xlo, xhi, 6))
    s += `<text x="${x(u).toFixed(1)}" y="${h - PAD.b + 14}" class="tick" text-anchor="middle">${fmt(u)}</text>`;
  s += `<text x="${(PAD.l + W - PAD.r) / 2}" y="${h - 6}" class="title" text-anchor="middle">${esc(xTitle)}</text>`;
  s += `<text transform="translate(14 ${(h - PAD.b + PAD.t) / 2}) rotate(-90)" class="title" text-anchor="middle">${esc(yTitle)}</text>`;
  return s;
}

export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** A line chart (one or more series; breaks at NaN), optional vertical markers (e.g. dropped frames). */
export function lineChart(
  series: readonly Series[],
  opts: {
    xTitle: string;
    yTitle: string;
    markers?: readonly number[];
    markerLabel?: string;
    h?: number;
    hline?: number;
  },
): string {
  const h = opts.h ?? 200;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) xs.push(s.x[i] as number);
    for (let i = 0; i < s.y.length; i++) ys.push(s.y[i] as number);
  }
  if (opts.hline !== undefined) ys.push(opts.hline);
  const [xlo, xhi] = extent(xs);
  const [ylo, yhi] = extent(ys, true);
  const x = (v: number) => PAD.l + ((v - xlo) / (xhi - xlo || 1)) * (W - PAD.l - PAD.r);
  const y = (v: number) => h - PAD.b - ((v - ylo) / (yhi - ylo || 1)) * (h - PAD.t - PAD.b);
  let body = frame(h, xlo, xhi, ylo, yhi, opts.xTitle, opts.yTitle);
  for (const m of opts.markers ?? [])
    body += `<line x1="${x(m).toFixed(1)}" y1="${PAD.t}" x2="${x(m).toFixed(1)}" y2="${h - PAD.b}" class="marker"><title>${esc(opts.markerLabel ?? "marker")} at ${fmt(m)}</title></line>`;
  if (opts.hline !== undefined)
    body += `<line x1="${PAD.l}" y1="${y(opts.hline).toFixed(1)}" x2="${W - PAD.r}" y2="${y(opts.hline).toFixed(1)}" class="limit"/>`;
  series.forEach((s, k) => {
    let d = "";
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const v = s.y[i] as number;
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${x(s.x[i] as number).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    }
    body += `<path d="${d}" class="s${k % 6}"><title>${esc(s.label)}</title></path>`;
  });
  const legend =
    series.length > 1
      ? `<div class="legend">${series.map((s, k) => `<span class="k s${k % 6}">${esc(s.label)}</span>`).join(" ")}</div>`
      : "";
  return `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="${esc(opts.yTitle)} over ${esc(opts.xTitle)}">${body}</svg>${legend}`;
}

/** A histogram of `values` in `bins` bins. */
export function histogram(
  values: ArrayLike<number>,
  opts: { xTitle: string; bins?: number; limit?: number },
): string {
  const h = 180;
  // Two passes over the values, no copy: an hour of 150 Hz frame intervals is 540k values per camera.
  let mn = Number.POSITIVE_INFINITY;
  let mx = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  const bounds = Number.isFinite(mn) ? [mn, mx] : [];
  const [lo, hi] = extent(opts.limit === undefined ? bounds : [...bounds, opts.limit, -opts.limit]);
  const n = opts.bins ?? 40;
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) counts[Math.min(n - 1, Math.floor(((v - lo) / (hi - lo)) * n))]++;
  }
  const cmax = Math.max(1, ...counts);
  const x = (v: number) => PAD.l + ((v - lo) / (hi - lo)) * (W - PAD.l - PAD.r);
  const y = (c: number) => h - PAD.b - (c / cmax) * (h - PAD.t - PAD.b);
  let body = frame(h, lo, hi, 0, cmax, opts.xTitle, "count");
  counts.forEach((c, i) => {
    const x0 = x(lo + ((hi - lo) * i) / n);
    const x1 = x(lo + ((hi - lo) * (i + 1)) / n);
    if (c > 0)
      body += `<rect x="${x0.toFixed(1)}" y="${y(c).toFixed(1)}" width="${Math.max(0.5, x1 - x0 - 0.5).toFixed(1)}" height="${(h - PAD.b - y(c)).toFixed(1)}" class="bar"><title>${c}</title></rect>`;
  });
  if (opts.limit !== undefined)
    for (const l of [-opts.limit, opts.limit])
      body += `<line x1="${x(l).toFixed(1)}" y1="${PAD.t}" x2="${x(l).toFixed(1)}" y2="${h - PAD.b}" class="limit"><title>budget ±${fmt(opts.limit)}</title></line>`;
  return `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="histogram of ${esc(opts.xTitle)}">${body}</svg>`;
}

/** Rows of cells coloured by value in [0, 1] (e.g. missing fraction per keypoint over time). */
export function heatStrip(
  rows: readonly { label: string; values: ArrayLike<number> }[],
  opts: { xTitle: string; x0: number; x1: number; valueLabel: string },
): string {
  const rowH = 16;
  const h = PAD.t + rows.length * rowH + PAD.b;
  const left = 120;
  const n = rows[0]?.values.length ?? 0;
  const cw = (W - left - PAD.r) / Math.max(1, n);
  let body = "";
  rows.forEach((r, i) => {
    const yy = PAD.t + i * rowH;
    body += `<text x="${left - 5}" y="${yy + rowH / 2}" class="tick" text-anchor="end" dominant-baseline="middle">${esc(r.label)}</text>`;
    for (let j = 0; j < r.values.length; j++) {
      const v = r.values[j] as number;
      const c = Number.isFinite(v) ? Math.max(0, Math.min(1, v)) : 1;
      const light = Math.round(96 - c * 56);
      body += `<rect x="${(left + j * cw).toFixed(1)}" y="${yy}" width="${(cw + 0.3).toFixed(1)}" height="${rowH - 1}" fill="hsl(${Math.round(120 - c * 120)} 70% ${light}%)"><title>${esc(r.label)}: ${esc(opts.valueLabel)} ${Number.isFinite(v) ? fmt(v) : "no data"}</title></rect>`;
    }
  });
  const yb = PAD.t + rows.length * rowH;
  for (const u of niceTicks(opts.x0, opts.x1, 6))
    body += `<text x="${(left + ((u - opts.x0) / (opts.x1 - opts.x0 || 1)) * (W - left - PAD.r)).toFixed(1)}" y="${yb + 14}" class="tick" text-anchor="middle">${fmt(u)}</text>`;
  body += `<text x="${(left + W - PAD.r) / 2}" y="${h - 6}" class="title" text-anchor="middle">${esc(opts.xTitle)}</text>`;
  return `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="${esc(opts.valueLabel)} per row over ${esc(opts.xTitle)}">${body}</svg>`;
}

/** Horizontal bars on a time axis, coloured by category (a trials timeline). */
export function timeline(
  items: readonly { start: number; stop: number; category: string; label: string }[],
  opts: { xTitle: string; colors: Record<string, string> },
): string {
  const h = 110;
  const [lo, hi] = extent(items.flatMap((t) => [t.start, t.stop]));
  const x = (v: number) => PAD.l + ((v - lo) / (hi - lo || 1)) * (W - PAD.l - PAD.r);
  let body = `<line x1="${PAD.l}" y1="${h - PAD.b}" x2="${W - PAD.r}" y2="${h - PAD.b}" class="axis"/>`;
  for (const t of items) {
    const color = opts.colors[t.category] ?? "#999";
    body += `<rect x="${x(t.start).toFixed(1)}" y="${PAD.t + 10}" width="${Math.max(1.5, x(t.stop) - x(t.start)).toFixed(1)}" height="40" fill="${color}" class="trial"><title>${esc(t.label)}: ${esc(t.category)}, ${fmt(t.start)}–${fmt(t.stop)} s</title></rect>`;
  }
  for (const u of niceTicks(lo, hi, 6))
    body += `<text x="${x(u).toFixed(1)}" y="${h - PAD.b + 14}" class="tick" text-anchor="middle">${fmt(u)}</text>`;
  body += `<text x="${(PAD.l + W - PAD.r) / 2}" y="${h - 6}" class="title" text-anchor="middle">${esc(opts.xTitle)}</text>`;
  const legend = `<div class="legend">${Object.entries(opts.colors)
    .filter(([c]) => items.some((t) => t.category === c))
    .map(([c, col]) => `<span class="k" style="--c:${col}">${esc(c)}</span>`)
    .join(" ")}</div>`;
  return `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="trials timeline">${body}</svg>${legend}`;
}

export const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:820px;padding:16px;color:#223}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #dde}h3{font-size:15px}
svg{width:100%;height:auto;background:#fcfcfe;border:1px solid #eef}.axis{stroke:#99a;stroke-width:1}
.tick{font-size:10px;fill:#556}.title{font-size:11px;fill:#334}.marker{stroke:#d33;stroke-width:1.2;stroke-dasharray:3 2}
.limit{stroke:#e80;stroke-width:1.2;stroke-dasharray:6 3}.bar{fill:#4a78c2}path{fill:none;stroke-width:1.4}
.s0{stroke:#2962b8;color:#2962b8}.s1{stroke:#d0531c;color:#d0531c}.s2{stroke:#2e9a4a;color:#2e9a4a}.s3{stroke:#8e44ad;color:#8e44ad}.s4{stroke:#b08900;color:#b08900}.s5{stroke:#555;color:#555}
.legend{font-size:12px;margin:2px 0 10px}.legend .k::before{content:"";display:inline-block;width:14px;height:3px;margin-right:4px;vertical-align:middle;background:var(--c,currentColor)}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #dde;padding:3px 7px;text-align:left}
.fail{background:#fde2e1}.warn{background:#fff4d6}.info{background:#eef5ff}.ok{color:#1f7a3a;font-weight:600}.bad{color:#b3261e;font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}`;
