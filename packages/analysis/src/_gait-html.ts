// The gait part of the analysis HTML page (analysis.kind "gait"): the summary sentence, the parameters table,
// one gait-curve figure per joint (mean ± SD band per side over 0–100 % of the gait cycle, degrees, flexion
// positive, toe off marked; references' means dashed), each reference's differences, and per reference and
// side a view of the DTW alignment: the two mean gait cycles as sagittal stick legs side by side, played along
// the warping path (slider, play button; a small inline script, no network). Everything is drawn from
// report.results, so the page is a view of the JSON record.
import type { AnalysisReport, GaitResults, GaitTrialResult } from "@neuropose/io";
import { esc as e } from "./_html-text.js";

const W = 760;
const H = 250;
const PAD = { l: 56, r: 110, t: 14, b: 34 };
const COLOR = { left: "#c8442c", right: "#2a8f4a" } as const;
const JOINT_LABEL = {
  hip: "Hip flexion (+) / extension (−)",
  knee: "Knee flexion (+) / extension (−)",
  ankle: "Ankle dorsiflexion (+) / plantarflexion (−)",
} as const;

const n1 = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits);

type StatV = { mean: number | null; sd: number | null; cv_pct: number | null; n: number };

function niceStep(span: number): number {
  for (const s of [5, 10, 20, 30, 45, 60]) if (span / s <= 8) return s;
  return 90;
}

function curveFigure(joint: keyof typeof JOINT_LABEL, trials: GaitTrialResult[]): string {
  const primary = trials[0] as GaitTrialResult;
  const mine = primary.curves.filter((c) => c.joint === joint);
  const refs = trials.slice(1).flatMap((t) => t.curves.filter((c) => c.joint === joint));
  let lo = Infinity;
  let hi = -Infinity;
  const take = (v: number | null) => {
    if (v !== null && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  };
  for (const c of mine)
    c.mean_deg.forEach((m, i) => {
      if (m === null) return;
      const s = c.sd_deg[i] ?? 0;
      take(m - s);
      take(m + s);
    });
  for (const c of refs) c.mean_deg.forEach(take);
  if (!Number.isFinite(lo)) [lo, hi] = [-10, 10];
  const step = niceStep(hi - lo);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  if (hi - lo < step) hi = lo + step;
  const xOf = (p: number) => PAD.l + ((W - PAD.l - PAD.r) * p) / 100;
  const yOf = (v: number) => PAD.t + ((H - PAD.t - PAD.b) * (hi - v)) / (hi - lo);
  let s = "";
  for (let v = lo; v <= hi + 1e-9; v += step) {
    s += `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${yOf(v).toFixed(1)}" y2="${yOf(v).toFixed(1)}" class="${v === 0 ? "zero" : "grid"}"/>`;
    s += `<text x="${PAD.l - 5}" y="${yOf(v).toFixed(1)}" class="tick" text-anchor="end" dominant-baseline="middle">${v}</text>`;
  }
  for (let p = 0; p <= 100; p += 10) {
    s += `<line x1="${xOf(p)}" x2="${xOf(p)}" y1="${H - PAD.b}" y2="${H - PAD.b + 4}" class="axis"/>`;
    if (p % 20 === 0)
      s += `<text x="${xOf(p)}" y="${H - PAD.b + 15}" class="tick" text-anchor="middle">${p}</text>`;
  }
  s += `<text x="${(PAD.l + W - PAD.r) / 2}" y="${H - 3}" class="tick" text-anchor="middle">% gait cycle (heel strike to heel strike)</text>`;
  s += `<text transform="translate(12 ${(PAD.t + H - PAD.b) / 2}) rotate(-90)" class="tick" text-anchor="middle">degrees</text>`;
  s += `<rect x="${PAD.l}" y="${PAD.t}" width="${W - PAD.l - PAD.r}" height="${H - PAD.t - PAD.b}" class="frame"/>`;
  const path = (vals: (number | null)[]) => {
    let d = "";
    let pen = false;
    vals.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${xOf(i).toFixed(1)} ${yOf(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  let legend = "";
  let ly = PAD.t + 8;
  for (const c of mine) {
    const col = COLOR[c.side];
    const up: string[] = [];
    const down: string[] = [];
    c.mean_deg.forEach((m, i) => {
      const sd = c.sd_deg[i];
      if (m === null || sd === null) return;
      up.push(`${xOf(i).toFixed(1)},${yOf(m + sd).toFixed(1)}`);
      down.unshift(`${xOf(i).toFixed(1)},${yOf(m - sd).toFixed(1)}`);
    });
    if (up.length > 1)
      s += `<polygon points="${up.join(" ")} ${down.join(" ")}" fill="${col}" class="band"/>`;
    s += `<path d="${path(c.mean_deg)}" stroke="${col}" class="mean"/>`;
    if (c.toe_off_pct !== null)
      s += `<line x1="${xOf(c.toe_off_pct).toFixed(1)}" x2="${xOf(c.toe_off_pct).toFixed(1)}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="${col}" class="toeoff"><title>${e(`${c.side} toe off at ${n1(c.toe_off_pct)} % of the cycle`)}</title></line>`;
    legend += `<line x1="${W - PAD.r + 8}" x2="${W - PAD.r + 26}" y1="${ly}" y2="${ly}" stroke="${col}" class="mean"/><text x="${W - PAD.r + 30}" y="${ly}" class="tick" dominant-baseline="middle">${e(`${c.side} (n=${c.strides})`)}</text>`;
    ly += 15;
  }
  for (const c of refs) s += `<path d="${path(c.mean_deg)}" stroke="${COLOR[c.side]}" class="ref"/>`;
  if (refs.length > 0) {
    legend += `<line x1="${W - PAD.r + 8}" x2="${W - PAD.r + 26}" y1="${ly}" y2="${ly}" stroke="#667" class="ref"/><text x="${W - PAD.r + 30}" y="${ly}" class="tick" dominant-baseline="middle">reference mean</text>`;
    ly += 15;
  }
  legend += `<line x1="${W - PAD.r + 8}" x2="${W - PAD.r + 26}" y1="${ly}" y2="${ly}" stroke="#667" class="toeoff"/><text x="${W - PAD.r + 30}" y="${ly}" class="tick" dominant-baseline="middle">toe off</text>`;
  const svg = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${e(JOINT_LABEL[joint])}">${s}${legend}</svg>`;
  const stats = mine
    .map(
      (c) =>
        `${c.side}: ROM ${n1(c.rom_deg)}° (per stride ${n1(c.rom_per_stride_deg.mean)} ± ${n1(c.rom_per_stride_deg.sd)}°), max ${n1(c.max?.value_deg)}° at ${n1(c.max?.pct, 0)} %, min ${n1(c.min?.value_deg)}° at ${n1(c.min?.pct, 0)} %${joint === "knee" ? `, loading-response peak ${n1(c.loading_max?.value_deg)}° at ${n1(c.loading_max?.pct, 0)} %, swing peak ${n1(c.swing_max?.value_deg)}° at ${n1(c.swing_max?.pct, 0)} %` : ""}`,
    )
    .join("; ");
  return `<figure class="gait-curve" data-joint="${joint}">${svg}<figcaption><b>${e(JOINT_LABEL[joint])}</b>, degrees, mean ± SD over strides per side (${e(primary.path)}). ${e(stats)}.</figcaption></figure>`;
}

const ROWS: [string, string, number][] = [
  ["stride_time_s", "Stride time (s)", 3],
  ["step_time_s", "Step time (s)", 3],
  ["stance_pct", "Stance (% stride)", 1],
  ["swing_pct", "Swing (% stride)", 1],
  ["double_support_pct", "Double support (% stride)", 1],
  ["stride_length_m", "Stride length (m)", 2],
  ["step_length_m", "Step length (m)", 2],
  ["speed_m_per_s", "Speed (m/s)", 2],
];

function statCell(s: StatV | undefined, digits: number): string {
  if (!s || s.mean === null) return "<td>–</td>";
  return `<td>${n1(s.mean, digits)}${s.sd === null ? "" : ` ± ${n1(s.sd, digits)}`}${s.cv_pct === null ? "" : ` <span class="cv">(CV ${n1(s.cv_pct)} %)</span>`}</td>`;
}

function parametersTable(t: GaitTrialResult): string {
  const o = t.parameters.overall;
  const side = (k: string, s: "left" | "right") => (o[s] as unknown as Record<string, StatV>)[k];
  const asym = o.asymmetry as Record<string, { symmetry_index_pct: number | null; ratio: number | null }>;
  let h = `<table class="gait-params"><tr><th class="l">parameter</th><th>left: mean ± SD</th><th>right: mean ± SD</th><th>symmetry index (%)</th><th>ratio L/R</th></tr>`;
  h += `<tr><td class="l">Cadence (steps/min)</td><td colspan="2" class="c">${n1(o.cadence_steps_per_min)} (${o.steps} steps in ${n1(o.walking_s)} s of walking)</td><td></td><td></td></tr>`;
  h += `<tr><td class="l">Strides</td><td>${o.left.strides}</td><td>${o.right.strides}</td><td></td><td></td></tr>`;
  for (const [k, label, d] of ROWS) {
    const a = asym[k];
    h += `<tr><td class="l">${e(label)}</td>${statCell(side(k, "left"), d)}${statCell(side(k, "right"), d)}<td>${n1(a?.symmetry_index_pct)}</td><td>${n1(a?.ratio, 3)}</td></tr>`;
  }
  return `${h}</table>`;
}

/** The gait summary paragraph of the page (`extra`: the page's missing-frame and warning sentences, escaped). */
export function gaitSummaryHtml(report: AnalysisReport, extra = ""): string {
  const r = report.results as GaitResults;
  const p = r.trials[0];
  if (!p) return `<p class="summary"><b>Summary.</b> No gait measures.${e(extra)}</p>`;
  const o = p.parameters.overall;
  const speed = [o.left.speed_m_per_s.mean, o.right.speed_m_per_s.mean].filter(
    (v): v is number => v !== null,
  );
  const sp =
    speed.length > 0
      ? ` Walking speed ${n1(speed.reduce((a, b) => a + b, 0) / speed.length, 2)} m/s (${e(p.scale?.assumption ?? "")}).`
      : " Stride length and speed are not given: no spatial scale (give height or leg_length in the config).";
  const refs = r.comparisons ?? [];
  const cmp =
    refs.length === 0
      ? ""
      : ` Compared with ${refs.length} reference trial(s): ${refs.map((c) => `<b>${e(c.reference)}</b> — ${e(c.statements.slice(0, 2).join(" "))}`).join("; ")}`;
  return `<p class="summary"><b>Summary.</b> Gait of <b>${e(p.path)}</b>: ${p.strides.length} stride(s) in ${p.bouts.length} walking bout(s); cadence <b>${n1(o.cadence_steps_per_min)} steps/min</b>; stance ${n1(o.left.stance_pct.mean)} % (left) and ${n1(o.right.stance_pct.mean)} % (right) of the stride; stride time ${n1(o.left.stride_time_s.mean, 2)} s (left) and ${n1(o.right.stride_time_s.mean, 2)} s (right).${sp}${cmp}${e(extra)}</p>`;
}

/** Thigh, shank and foot of a sagittal stick leg, as the page script draws it (keep in step with SCRIPT). */
function legSvg(cx: number, cls: string, label: string): string {
  return `<g class="leg ${cls}" data-cx="${cx}"><line class="trunk" x1="${cx}" y1="120" x2="${cx}" y2="20"/><circle cx="${cx}" cy="12" r="9" class="head"/><line class="thigh"/><line class="shank"/><line class="foot"/><circle class="hipj" cx="${cx}" cy="120" r="4"/><text x="${cx}" y="330" class="tick" text-anchor="middle">${e(label)}</text><text class="pct" x="${cx}" y="345" text-anchor="middle"></text></g>`;
}

const SCRIPT = `(function(){var D=JSON.parse(document.getElementById("gait-align-data").textContent);
var R=Math.PI/180;function pose(g,c,i){var cx=+g.getAttribute("data-cx"),hx=cx,hy=120,T=c.hip[i]*R,S=T-c.knee[i]*R,F=S+(90+c.ankle[i])*R;
var kx=hx+95*Math.sin(T),ky=hy+95*Math.cos(T),ax=kx+95*Math.sin(S),ay=ky+95*Math.cos(S),tx=ax+34*Math.sin(F),ty=ay+34*Math.cos(F),bx=ax-10*Math.sin(F),by=ay-10*Math.cos(F);
function set(cls,x1,y1,x2,y2){var l=g.querySelector("."+cls);l.setAttribute("x1",x1.toFixed(1));l.setAttribute("y1",y1.toFixed(1));l.setAttribute("x2",x2.toFixed(1));l.setAttribute("y2",y2.toFixed(1));}
set("thigh",hx,hy,kx,ky);set("shank",kx,ky,ax,ay);set("foot",bx,by,tx,ty);g.querySelector(".pct").textContent=i+" % of the cycle";}
D.forEach(function(d){var f=document.getElementById(d.id),s=f.querySelector("input"),b=f.querySelector("button"),gs=f.querySelectorAll("g.leg"),cur=f.querySelectorAll(".cursor"),timer=null;
function show(k){var p=d.path[k];pose(gs[0],d.p,p[0]);pose(gs[1],d.r,p[1]);cur[0].setAttribute("x1",d.x[p[0]]);cur[0].setAttribute("x2",d.x[p[0]]);cur[1].setAttribute("x1",d.x[p[1]]);cur[1].setAttribute("x2",d.x[p[1]]);f.querySelector(".step").textContent="step "+(k+1)+" of "+d.path.length+" of the warping path";}
s.addEventListener("input",function(){show(+s.value);});
b.addEventListener("click",function(){if(timer){clearInterval(timer);timer=null;b.textContent="Play";return;}b.textContent="Pause";timer=setInterval(function(){s.value=(+s.value+1)%d.path.length;show(+s.value);},40);});
show(0);});})();`;

function alignFigures(r: GaitResults): { html: string; data: unknown[] } {
  const out: string[] = [];
  const data: unknown[] = [];
  const primary = r.trials[0] as GaitTrialResult;
  (r.comparisons ?? []).forEach((c, ci) => {
    const ref = r.trials.find((t) => t.role === "reference" && t.path === c.reference) ?? r.trials[ci + 1];
    if (!ref) return;
    for (const side of ["left", "right"] as const) {
      const row = c.curves.find((x) => x.joint === "hip_knee_ankle" && x.side === side);
      if (!row) continue;
      const pick = (t: GaitTrialResult) => {
        const g = (j: string) =>
          (t.curves.find((x) => x.joint === j && x.side === side)?.mean_deg ?? []) as number[];
        return { hip: g("hip"), knee: g("knee"), ankle: g("ankle") };
      };
      const id = `gait-align-${ci}-${side}`;
      // Knee strip under the legs: both mean knee curves with a cursor each.
      const kp = pick(primary).knee;
      const kr = pick(ref).knee;
      const all = [...kp, ...kr].filter((v) => Number.isFinite(v));
      const lo = Math.min(...all);
      const hi = Math.max(...all, lo + 1);
      const x = Array.from({ length: 101 }, (_, i) => Number((40 + (680 * i) / 100).toFixed(1)));
      const y = (v: number) => (365 + (75 * (hi - v)) / (hi - lo)).toFixed(1);
      const line = (vals: number[]) => vals.map((v, i) => `${i === 0 ? "M" : "L"}${x[i]} ${y(v)}`).join("");
      const strip = `<path d="${line(kp)}" class="kp"/><path d="${line(kr)}" class="kr"/><line class="cursor cp" y1="360" y2="445"/><line class="cursor cr" y1="360" y2="445"/><text x="40" y="458" class="tick">knee flexion over 0–100 % of the cycle: primary (blue), reference (orange); the cursors follow the warping path</text>`;
      out.push(
        `<figure class="gait-align" id="${id}"><svg viewBox="0 0 760 462" role="img" aria-label="${e(`${side} leg: primary and reference gait cycles aligned by DTW`)}">${legSvg(230, "lp", `primary: ${primary.path}`)}${legSvg(530, "lr", `reference: ${ref.path}`)}<line x1="20" x2="740" y1="315" y2="315" class="grid"/>${strip}</svg><div class="ctl"><button type="button">Play</button> <input type="range" min="0" max="${row.path.length - 1}" value="0" aria-label="position on the warping path"> <span class="step"></span></div><figcaption><b>${e(side)} leg</b>, sagittal view (walking to the right; trunk held upright): the mean gait cycle of the primary (left figure) and of ${e(ref.path)} (right figure), each from its mean hip, knee and ankle curves, played along the DTW warping path of the three curves together (${n1(row.dtw_mean_deg)}° apart on average once aligned; ${n1(row.mean_abs_difference_deg)}° at equal % of the cycle). Where one figure waits while the other moves, that part of its cycle is slower.</figcaption></figure>`,
      );
      data.push({ id, path: row.path, p: pick(primary), r: pick(ref), x });
    }
  });
  return { html: out.join("\n"), data };
}

/** Styles of the gait sections (appended to the page's style sheet through a <style> element of their own). */
const GAIT_CSS = `.gait-curve .grid,.gait-align .grid{stroke:#e3e5ee;stroke-width:1}.gait-curve .zero{stroke:#99a;stroke-width:1}.gait-curve .frame{fill:none;stroke:#c8cbd8}
.gait-curve .band{fill-opacity:.16;stroke:none}.gait-curve .mean{fill:none;stroke-width:2}.gait-curve .ref{fill:none;stroke-width:1.3;stroke-dasharray:5 4}.gait-curve .toeoff{stroke-width:1;stroke-dasharray:2 3}
.gait-align .leg line{stroke-width:7;stroke-linecap:round}.gait-align .lp line,.gait-align .lp circle{stroke:#2456c8;fill:#2456c8}.gait-align .lr line,.gait-align .lr circle{stroke:#d9822b;fill:#d9822b}.gait-align .trunk{opacity:.45}.gait-align .head{fill-opacity:.25!important}
.gait-align .kp,.gait-align .kr{fill:none;stroke-width:1.8}.gait-align .kp{stroke:#2456c8}.gait-align .kr{stroke:#d9822b}.gait-align .cursor{stroke-width:1.5}.gait-align .cp{stroke:#2456c8}.gait-align .cr{stroke:#d9822b}
.gait-align .ctl{margin:4px 0}.gait-align input{width:60%;vertical-align:middle}.gait-align .step{font-size:12px;color:#445}.cv{color:#667;font-size:12px}td.c{text-align:center}`;

/** The gait sections of the page: parameters, curves, comparisons and the alignment views (with their script). */
export function gaitSectionsHtml(report: AnalysisReport): string {
  const r = report.results as GaitResults;
  const parts: string[] = [`<style>${GAIT_CSS}</style>`];
  const primary = r.trials[0];
  if (!primary) return parts.join("");
  for (const t of r.trials) {
    parts.push(`<h2>Gait parameters — ${e(t.role)}: ${e(t.path)}</h2>`);
    parts.push(
      `<p>${t.strides.length} stride(s), ${t.events.heel_strikes.length} heel strike(s) and ${t.events.toe_offs.length} toe off(s) in ${t.bouts.length} walking bout(s), frames ${t.frames[0]}–${t.frames[1] - 1} at ${n1(t.fps, 2)} fps. Scale: ${e(t.scale?.assumption ?? "none (lengths and speed not reported)")}.</p>`,
    );
    parts.push(parametersTable(t));
  }
  parts.push("<h2>Gait curves</h2>");
  parts.push(
    `<p>Sagittal joint angles over the gait cycle (0 % = heel strike, 100 % = the next heel strike of the same foot), degrees, flexion and dorsiflexion positive (${e(r.conventions.plane ?? "")}). Shaded: ± 1 SD over strides; dotted: toe off.${r.trials.length > 1 ? " Dashed: the references' mean curves." : ""}</p>`,
  );
  for (const joint of ["hip", "knee", "ankle"] as const) parts.push(curveFigure(joint, r.trials));
  const comps = r.comparisons ?? [];
  for (const c of comps) {
    parts.push(`<h2>Compared with ${e(c.reference)}</h2>`);
    parts.push(`<ul class="gait-statements">${c.statements.map((s) => `<li>${e(s)}</li>`).join("")}</ul>`);
    let t = `<table><tr><th class="l">parameter</th><th class="l">side</th><th>primary</th><th>reference</th><th>difference</th><th>difference (%)</th></tr>`;
    for (const d of c.parameters) {
      if (d.primary === null && d.reference === null) continue;
      const digits = d.unit === "s" ? 3 : d.unit === "m" || d.unit === "m/s" ? 2 : 1;
      t += `<tr><td class="l">${e(d.name)} (${e(d.unit)})</td><td class="l">${e(d.side)}</td><td>${n1(d.primary, digits)}</td><td>${n1(d.reference, digits)}</td><td>${n1(d.difference, digits)}</td><td>${n1(d.percent_difference)}</td></tr>`;
    }
    parts.push(`${t}</table>`);
    let k = `<table><tr><th class="l">curve</th><th class="l">side</th><th>DTW distance (°, summed)</th><th>mean once aligned (°)</th><th>mean at equal % (°)</th><th>max at equal % (°)</th></tr>`;
    for (const x of c.curves)
      k += `<tr><td class="l">${e(x.joint.replace(/_/g, " + "))}</td><td class="l">${e(x.side)}</td><td>${n1(x.dtw_distance_deg)}</td><td>${n1(x.dtw_mean_deg, 2)}</td><td>${n1(x.mean_abs_difference_deg, 2)}</td><td>${n1(x.max_abs_difference_deg)}</td></tr>`;
    parts.push(`${k}</table>`);
  }
  const align = alignFigures(r);
  if (align.data.length > 0) {
    parts.push("<h2>The movements side by side, along the DTW alignment</h2>");
    parts.push(align.html);
    // JSON inside a script element: "<" escaped so no string in it can close the element.
    parts.push(
      `<script type="application/json" id="gait-align-data">${JSON.stringify(align.data).replace(/</g, "\\u003c")}</script><script>${SCRIPT}</script>`,
    );
  }
  return parts.join("\n");
}
