// The movements of a DTW pair side by side, played along the warping path (issue 18): each side's skeleton as
// the camera sees it (x right, y down: the first two pose coordinates), one panel per side, with a slider and a
// play button. The data (normalised 2D joints, the skeleton's edges, the path) is embedded in the page; a small
// inline script draws it (no network).
import { inferSkeleton, type PoseSequence } from "@neuropose/kinematics";
import { esc } from "./_html-text.js";
import type { PairFigure } from "./figures.js";

/** Pairs with longer pieces get no movement view (the page stays small); the 1-D alignment figure remains. */
export const MOVEMENT_MAX_FRAMES = 600;

/** One side of a pair as drawn: frames × joints × (x, y), scaled into [−1, 1] around its centre; null = missing. */
export interface MovementView {
  frames: number;
  joints: number;
  xy: (number | null)[];
}

/** The movement data of a pair (null when a piece is too long or the skeleton is unknown). */
export function movementOf(
  a: PoseSequence,
  b: PoseSequence,
  skeleton: string | null,
): PairFigure["movement"] | null {
  if (a.frames > MOVEMENT_MAX_FRAMES || b.frames > MOVEMENT_MAX_FRAMES || a.frames === 0 || b.frames === 0)
    return null;
  let edges: [number, number][];
  try {
    const s = inferSkeleton(skeleton ?? undefined, a.joints);
    if (s.joints.length !== a.joints || a.joints !== b.joints) return null;
    edges = s.edges.map((e) => [e[0], e[1]]);
  } catch {
    return null;
  }
  return { a: view(a), b: view(b), edges };
}

function view(seq: PoseSequence): MovementView {
  const { frames, joints, data } = seq;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < frames * joints; k++) {
    const x = data[3 * k] as number;
    const y = data[3 * k + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const half = Math.max(x1 - x0, y1 - y0, 1e-9) / 2;
  const xy: (number | null)[] = [];
  for (let k = 0; k < frames * joints; k++) {
    const x = data[3 * k] as number;
    const y = data[3 * k + 1] as number;
    const ok = Number.isFinite(x) && Number.isFinite(y);
    xy.push(
      ok ? Math.round(((x - cx) / half) * 1000) / 1000 : null,
      ok ? Math.round(((y - cy) / half) * 1000) / 1000 : null,
    );
  }
  return { frames, joints, xy };
}

const SCRIPT = `(function(){var D=JSON.parse(document.getElementById("pair-movement-data").textContent);
D.forEach(function(d){var f=document.getElementById(d.id),svg=f.querySelector("svg"),NS=svg.namespaceURI,s=f.querySelector("input"),b=f.querySelector("button"),timer=null,sides=[];
[[d.a,190],[d.b,570]].forEach(function(v){var g=document.createElementNS(NS,"g");g.setAttribute("class",v[1]<380?"mv-a":"mv-b");svg.appendChild(g);
var ls=d.edges.map(function(){var l=document.createElementNS(NS,"line");g.appendChild(l);return l;});sides.push({v:v[0],cx:v[1],ls:ls});});
function draw(side,i){var v=side.v,o=i*v.joints*2;side.ls.forEach(function(l,e){var p=d.edges[e][0],q=d.edges[e][1],x1=v.xy[o+2*p],y1=v.xy[o+2*p+1],x2=v.xy[o+2*q],y2=v.xy[o+2*q+1];
if(x1===null||x2===null){l.setAttribute("visibility","hidden");return;}l.setAttribute("visibility","visible");l.setAttribute("x1",(side.cx+130*x1).toFixed(1));l.setAttribute("y1",(150+130*y1).toFixed(1));l.setAttribute("x2",(side.cx+130*x2).toFixed(1));l.setAttribute("y2",(150+130*y2).toFixed(1));});}
function show(k){var p=d.path[k];draw(sides[0],p[0]);draw(sides[1],p[1]);f.querySelector(".step").textContent="step "+(k+1)+" of "+d.path.length+": primary frame "+p[0]+", reference frame "+p[1];}
s.addEventListener("input",function(){show(+s.value);});
b.addEventListener("click",function(){if(timer){clearInterval(timer);timer=null;b.textContent="Play";return;}b.textContent="Pause";timer=setInterval(function(){s.value=(+s.value+1)%d.path.length;show(+s.value);},50);});
show(0);});})();`;

/** The movement figure of pair `k` (empty when the pair has no movement data). */
export function movementFigureHtml(p: PairFigure, k: number): string {
  if (!p.movement || p.path.length === 0) return "";
  return `<figure class="pair-movement" id="pair-movement-${k}"><svg viewBox="0 0 760 300" role="img" aria-label="${esc(`movements of ${p.label}, side by side`)}"><text x="190" y="292" class="tick" text-anchor="middle">primary</text><text x="570" y="292" class="tick" text-anchor="middle">${esc(p.reference)}</text><line x1="380" x2="380" y1="10" y2="290" class="axis"/></svg><div class="ctl"><button type="button">Play</button> <input type="range" min="0" max="${p.path.length - 1}" value="0" aria-label="position on the warping path"> <span class="step"></span></div><figcaption><b>${esc(p.label)}</b>: the two movements side by side as the camera sees them (each scaled to its panel), played along the DTW warping path: where one side pauses while the other moves, DTW matched several of its frames to one.</figcaption></figure>`;
}

/** The data and script of every movement figure (empty when there is none). */
export function movementScriptHtml(pairs: readonly PairFigure[]): string {
  const data = pairs.flatMap((p, k) =>
    p.movement && p.path.length > 0
      ? [
          {
            id: `pair-movement-${k}`,
            a: p.movement.a,
            b: p.movement.b,
            edges: p.movement.edges,
            path: p.path,
          },
        ]
      : [],
  );
  if (data.length === 0) return "";
  const css = `<style>.pair-movement line{stroke-width:2.2;stroke-linecap:round}.pair-movement .mv-a line{stroke:#2456c8}.pair-movement .mv-b line{stroke:#d9822b}.pair-movement .ctl{margin:4px 0}.pair-movement input{width:60%;vertical-align:middle}.pair-movement .step{font-size:12px;color:#445}</style>`;
  // JSON inside a script element: "<" escaped so no string in it can close the element.
  return `${css}<script type="application/json" id="pair-movement-data">${JSON.stringify(data).replace(/</g, "\\u003c")}</script><script>${SCRIPT}</script>`;
}
