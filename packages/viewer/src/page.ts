import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { analyzeGait, declaredUp, type GaitAnalysis, verticalFor } from "@neuropose/gait";
import { inferSkeleton, poseSequence } from "@neuropose/kinematics";
import type { ViewerData, ViewerPerson } from "./data.js";

/** The part of a predictions document the viewer reads (any io `VideoPredictions` satisfies it). */
export interface ViewerPredictions {
  metadata: {
    fps: number;
    width?: number;
    height?: number;
    skeleton?: string | null;
    poses3d_unit?: string;
    /** The frame and its "up" (see @neuropose/gait's `declaredUp`): the 3D view and the gait measures use them. */
    poses3d_frame?: string;
    poses3d_up?: string;
  };
  frames: Record<string, { poses3d: number[][][]; poses2d?: number[][][] }>;
}

export interface ViewerOptions {
  title?: string;
  /** The video: a URL relative to the page (or a data: URL). Omit for no video. */
  videoSrc?: string | undefined;
  /** Notes shown under the title (e.g. how the video is referenced). */
  notes?: string[];
  /** Subject height in metres for stride length / speed in the table. */
  height?: number | undefined;
}

const MISSING = -32768;

function b64(a: Int16Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function fmt(v: number | null | undefined, d = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(d);
}

/**
 * The gait parameters as an HTML table (overall, per side, with SD and asymmetry).
 *
 * @example
 * ```ts
 * import { analyzeGait, synthesizeWalker } from "@neuropose/gait";
 * import { gaitTableHtml } from "@neuropose/viewer";
 * const w = synthesizeWalker({ seconds: 6 });
 * const html = gaitTableHtml(analyzeGait(w.sequence, { fps: 30, skeleton: "blazepose_33" }));
 * console.log(html.includes("cadence <b>120.0</b>")); // true
 * ```
 */
export function gaitTableHtml(g: GaitAnalysis): string {
  const p = g.parameters.overall;
  const rows: [string, keyof typeof p.left, number, keyof typeof p.asymmetry | null][] = [
    ["stride time (s)", "strideTime", 3, "strideTime"],
    ["step time (s)", "stepTime", 3, "stepTime"],
    ["stance (% of stride)", "stancePct", 1, "stancePct"],
    ["swing (% of stride)", "swingPct", 1, "swingPct"],
    ["double support (% of stride)", "doubleSupportPct", 1, "doubleSupportPct"],
    ["step length (m)", "stepLength", 3, "stepLength"],
    ["stride length (m)", "strideLength", 3, "strideLength"],
    ["walking speed (m/s)", "speed", 3, null],
  ];
  const cell = (s: { mean: number | null; sd: number | null; cv: number | null }, d: number) =>
    `${fmt(s.mean, d)}${s.sd !== null ? ` ± ${fmt(s.sd, d)}` : ""}${s.cv !== null ? ` <small>(CV ${fmt(s.cv, 1)} %)</small>` : ""}`;
  let html = `<p>cadence <b>${fmt(p.cadence, 1)}</b> steps/min · ${p.steps} steps in ${g.events.bouts.length} walking bout(s), ${fmt(p.walkingSeconds, 1)} s · strides left ${p.left.strides}, right ${p.right.strides} · events: ${g.events.method}</p>`;
  html += `<table><thead><tr><th></th><th>left (mean ± SD)</th><th>right (mean ± SD)</th><th>symmetry index %</th><th>ratio L/R</th></tr></thead><tbody>`;
  for (const [label, key, d, ak] of rows) {
    const a = ak ? p.asymmetry[ak] : null;
    html += `<tr><td>${label}</td><td>${cell(p.left[key] as never, d)}</td><td>${cell(p.right[key] as never, d)}</td><td>${fmt(a?.symmetryIndex, 1)}</td><td>${fmt(a?.ratio, 3)}</td></tr>`;
  }
  html += "</tbody></table>";
  html += `<p class="note">${esc(g.conventions.scale)}. ${esc(g.conventions.asymmetry)}. Knee: ${esc(g.conventions.knee)}.</p>`;
  if (g.warnings.length > 0) {
    html += `<h4 class="warn">Warnings (${g.warnings.length})</h4><ul class="warn">${g.warnings.map((w) => `<li>${esc(w.message)} <small>[${w.code}]</small></li>`).join("")}</ul>`;
  }
  return html;
}

/**
 * Build the data of a viewer page from predictions: per person, 3D and 2D joints (display precision: 1 mm,
 * ¼ pixel), sagittal hip/knee/ankle angles per frame, gait events, strides and the parameters table
 * (`@neuropose/gait`). Frames where the person is absent are kept as missing; nothing is dropped.
 *
 * @example
 * ```ts
 * import { buildViewerData } from "@neuropose/viewer";
 * const d = buildViewerData({ metadata: { fps: 30, skeleton: "blazepose_33" }, frames: {} }, {});
 * console.log(d.frames, d.persons.length); // 0 0
 * ```
 */
export function buildViewerData(preds: ViewerPredictions, options: ViewerOptions = {}): ViewerData {
  const names = Object.keys(preds.frames);
  const N = names.length;
  let maxPersons = 0;
  let J = 0;
  for (const n of names) {
    const f = preds.frames[n];
    maxPersons = Math.max(maxPersons, f.poses3d.length);
    if (J === 0 && f.poses3d[0]) J = f.poses3d[0].length;
  }
  const skel = inferSkeleton(preds.metadata.skeleton ?? undefined, J || undefined);
  const sides = skel.joints.map((j) =>
    /^(left|l[a-z]|L[A-Z])/.test(j) ? 1 : /^(right|r[a-z]|R[A-Z])/.test(j) ? 2 : 0,
  );
  const unitMm = preds.metadata.poses3d_unit === "m" ? 1000 : 1;
  const persons: ViewerPerson[] = [];
  for (let p = 0; p < maxPersons; p++) {
    const p3 = new Int16Array(N * J * 3).fill(MISSING);
    const p2 = new Int16Array(N * J * 2).fill(MISSING);
    const seqData = new Float64Array(N * J * 3).fill(Number.NaN);
    let maxAbs = 0;
    names.forEach((n, _f) => {
      const pose = preds.frames[n].poses3d[p];
      if (!pose) return;
      for (let j = 0; j < J; j++)
        for (let a = 0; a < 3; a++) {
          // NaN (a keypoint fewer than two cameras saw) must not make the scale NaN
          const v = Math.abs(pose[j][a] * unitMm);
          if (v > maxAbs) maxAbs = v;
        }
    });
    // Quantisation step: 1 mm unless the scene is larger than ±32 m.
    const q3 = Math.max(1, maxAbs / 32000);
    let has2d = false;
    names.forEach((n, f) => {
      const fr = preds.frames[n];
      const pose = fr.poses3d[p];
      if (pose) {
        for (let j = 0; j < J; j++) {
          for (let a = 0; a < 3; a++) {
            const v = pose[j][a];
            seqData[(f * J + j) * 3 + a] = v;
            if (Number.isFinite(v)) p3[(f * J + j) * 3 + a] = Math.round((v * unitMm) / q3);
          }
        }
      }
      const pose2 = fr.poses2d?.[p];
      if (pose2) {
        has2d = true;
        for (let j = 0; j < J; j++)
          for (let a = 0; a < 2; a++) {
            const v = pose2[j]?.[a];
            if (Number.isFinite(v))
              p2[(f * J + j) * 2 + a] = Math.max(-32767, Math.min(32767, Math.round(v * 4)));
          }
      }
    });
    const angles = new Float32Array(N * 6).fill(Number.NaN);
    let events: ViewerPerson["events"] = [];
    let strides: ViewerPerson["strides"] = [];
    let table = "<p>no gait measures</p>";
    try {
      const g = analyzeGait(poseSequence(N, J, seqData), {
        ...verticalFor(preds.metadata, {}),
        fps: preds.metadata.fps,
        skeleton: skel.name,
        unit:
          preds.metadata.poses3d_unit === "m" || preds.metadata.poses3d_unit === "mm"
            ? preds.metadata.poses3d_unit
            : undefined,
        height: options.height,
      });
      for (let f = 0; f < N; f++) {
        angles[f * 6] = g.angles.hip[0][f];
        angles[f * 6 + 1] = g.angles.hip[1][f];
        angles[f * 6 + 2] = g.angles.knee[0][f];
        angles[f * 6 + 3] = g.angles.knee[1][f];
        angles[f * 6 + 4] = g.angles.ankle[0][f];
        angles[f * 6 + 5] = g.angles.ankle[1][f];
      }
      events = [
        ...g.events.heelStrikes.map((e) => ({ kind: "hs" as const, frame: e.frame, side: e.side })),
        ...g.events.toeOffs.map((e) => ({ kind: "to" as const, frame: e.frame, side: e.side })),
      ];
      strides = g.parameters.strides.map((s) => ({ side: s.side, start: s.start, end: s.end }));
      table = gaitTableHtml(g);
    } catch (e) {
      table = `<p>gait measures not available: ${esc(e instanceof Error ? e.message : String(e))}</p>`;
    }
    persons.push({
      label: `person ${p}`,
      p3: b64(p3),
      q3,
      // 2D joints only serve the video overlay.
      p2: has2d && options.videoSrc !== undefined ? b64(p2) : null,
      angles: b64(angles),
      events,
      strides,
      table,
    });
  }
  // The 3D view puts the document's declared "up" on top; undeclared: y down, as monocular models write.
  let up: ViewerData["up"] = "-y";
  const notes = [...(options.notes ?? [])];
  try {
    const declared = declaredUp(preds.metadata);
    if (declared !== null) up = declared;
    else if (preds.metadata.poses3d_frame === "world")
      notes.push(
        "the poses are in a lab (world) frame that does not declare which way is up (metadata.poses3d_up): the 3D view assumes y down",
      );
  } catch (e) {
    notes.push(e instanceof Error ? e.message : String(e));
  }
  return {
    title: options.title ?? "NeuroPose viewer",
    up,
    fps: preds.metadata.fps,
    frames: N,
    width: preds.metadata.width ?? 640,
    height: preds.metadata.height ?? 480,
    skeleton: { name: skel.name, joints: [...skel.joints], edges: skel.edges.map(([a, b]) => [a, b]), sides },
    persons,
    notes,
  };
}

let clientCache: string | undefined;
function clientScript(): string {
  if (clientCache === undefined) {
    const candidates = [
      new URL("./client.js", import.meta.url),
      new URL("../dist/client.js", import.meta.url),
    ];
    for (const c of candidates) {
      try {
        clientCache = readFileSync(fileURLToPath(c), "utf8");
        break;
      } catch {
        // next
      }
    }
    if (clientCache === undefined)
      throw new Error("viewer client bundle missing: run pnpm --filter @neuropose/viewer build");
  }
  return clientCache;
}

/**
 * One self-contained HTML page (three.js and the data inlined; works from file:// offline): the video with the
 * 2D skeleton drawn on it (when `videoSrc` is given), the 3D skeleton rotating freely, hip/knee/ankle angle
 * plots with a cursor following playback, gait events and strides, play/pause/step/speed, a person picker and
 * the gait parameters table.
 *
 * @example
 * ```ts
 * import { renderViewerPage } from "@neuropose/viewer";
 * const html = renderViewerPage({ metadata: { fps: 30, skeleton: "blazepose_33" }, frames: {} });
 * console.log(html.startsWith("<!doctype html>")); // true
 * ```
 */
export function renderViewerPage(preds: ViewerPredictions, options: ViewerOptions = {}): string {
  const data = buildViewerData(preds, options);
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  const video = options.videoSrc
    ? `<div class="vid"><video id="np-video" src="${esc(options.videoSrc)}" muted playsinline preload="auto"></video><canvas id="np-overlay"></canvas></div>`
    : `<div class="vid none">no video given (neuropose view … --video clip.mp4 draws the 2D skeleton on it)</div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(data.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:12px;color:#222}
.top{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.views{display:flex;gap:12px;margin-top:8px;flex-wrap:wrap}
.vid{position:relative;width:420px;height:420px;background:#111;display:flex;align-items:center;justify-content:center}
.vid.none{color:#bbb;font-size:13px;padding:12px;box-sizing:border-box;text-align:center}
.vid video,.vid canvas{position:absolute;inset:0;width:100%;height:100%;object-fit:contain}
#np-3d{width:560px;height:420px;border:1px solid #ccc}
#np-plot{width:100%;height:300px;display:block;margin-top:8px}
.controls{margin-top:8px;display:flex;gap:8px;align-items:center}
#np-slider{flex:1}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child{text-align:left}
.note{font-size:12px;color:#555}
.warn{color:#a33}ul.warn{font-size:13px;margin:4px 0}
</style></head><body>
<div class="top"><h2 style="margin:0">${esc(data.title)}</h2><label>person <select id="np-person"></select></label>
<span class="note">${data.frames} frames at ${data.fps} fps · ${esc(data.skeleton.name)} · drag the 3D view to rotate, wheel to zoom</span></div>
${data.notes.map((n) => `<p class="note">${esc(n)}</p>`).join("")}
<div class="views">${video}<canvas id="np-3d"></canvas></div>
<div class="controls"><button id="np-back">◀ frame</button><button id="np-play">play</button><button id="np-fwd">frame ▶</button>
<label>speed <select id="np-speed"><option>0.25</option><option>0.5</option><option selected>1</option><option>2</option></select></label>
<input id="np-slider" type="range" min="0" value="0"><span id="np-time"></span></div>
<canvas id="np-plot"></canvas>
<p class="note">Sagittal angles, degrees (red: left, blue: right): hip flexion +, knee flexion + (0° = straight), ankle dorsiflexion +. Shaded: strides (top: left, bottom: right).</p>
<h3>Gait parameters</h3><div id="np-table"></div>
<script type="application/json" id="np-data">${json}</script>
<script>${clientScript()}</script>
</body></html>
`;
}
