// The viewer page's script: bundled with three.js into one IIFE at build time (scripts/build-client.mjs) and
// inlined into every page, so the page works from file:// offline.
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import type { ViewerData, ViewerPerson } from "../data.js";

const data: ViewerData = JSON.parse(
  (document.getElementById("np-data") as HTMLScriptElement).textContent ?? "{}",
);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function decode16(b64: string): Int16Array {
  const bin = atob(b64);
  const u8 = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
  return new Int16Array(u8.buffer);
}
function decode32(b64: string): Float32Array {
  const bin = atob(b64);
  const u8 = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
  return new Float32Array(u8.buffer);
}

interface Decoded {
  p3: Int16Array | null;
  p2: Int16Array | null;
  angles: Float32Array;
}
const decoded = new Map<number, Decoded>();
function person(): ViewerPerson {
  return data.persons[state.person];
}
function dec(): Decoded {
  let d = decoded.get(state.person);
  if (!d) {
    const p = person();
    d = {
      p3: p.p3 ? decode16(p.p3) : null,
      p2: p.p2 ? decode16(p.p2) : null,
      angles: decode32(p.angles),
    };
    decoded.set(state.person, d);
  }
  return d;
}

const state = { frame: 0, playing: false, speed: 1, person: 0, clock: 0 };
const J = data.skeleton.joints.length;
// [data axis, sign] of screen x, y, z (three.js: right-handed, y up) for the declared up: a rotation each (det
// +1), so the body is never drawn mirrored.
const SCREEN: [number, number][] = (
  {
    "-y": [
      [0, 1],
      [1, -1],
      [2, -1],
    ],
    "+y": [
      [0, 1],
      [1, 1],
      [2, 1],
    ],
    "+z": [
      [0, 1],
      [2, 1],
      [1, -1],
    ],
    "-z": [
      [0, 1],
      [2, -1],
      [1, 1],
    ],
    "+x": [
      [1, 1],
      [0, 1],
      [2, -1],
    ],
    "-x": [
      [1, 1],
      [0, -1],
      [2, 1],
    ],
  } as Record<string, [number, number][]>
)[data.up] as [number, number][];
const N = data.frames;
const MISSING = -32768;

// --- 3D ---------------------------------------------------------------------------------------------------
const canvas3d = $<HTMLCanvasElement>("np-3d");
const renderer = new THREE.WebGLRenderer({ canvas: canvas3d, antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(1);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0xf4f6f8);
const camera = new THREE.PerspectiveCamera(45, 1, 10, 100000);
camera.position.set(1400, 500, 2100);
const controls = new OrbitControls(camera, canvas3d);
const grid = new THREE.GridHelper(4000, 20, 0x999999, 0xdddddd);
scene.add(grid);
const bonePositions = new Float32Array(data.skeleton.edges.length * 6);
const boneGeom = new THREE.BufferGeometry();
boneGeom.setAttribute("position", new THREE.BufferAttribute(bonePositions, 3));
const boneColors = new Float32Array(data.skeleton.edges.length * 6);
data.skeleton.edges.forEach(([a, b], i) => {
  const side = (j: number) => data.skeleton.sides[j];
  const s = side(a) === side(b) ? side(a) : 0;
  const c = s === 1 ? [0.75, 0.22, 0.17] : s === 2 ? [0.14, 0.44, 0.64] : [0.3, 0.3, 0.3];
  boneColors.set([...c, ...c], i * 6);
});
boneGeom.setAttribute("color", new THREE.BufferAttribute(boneColors, 3));
const bones = new THREE.LineSegments(boneGeom, new THREE.LineBasicMaterial({ vertexColors: true }));
scene.add(bones);
const jointPositions = new Float32Array(J * 3);
const jointGeom = new THREE.BufferGeometry();
jointGeom.setAttribute("position", new THREE.BufferAttribute(jointPositions, 3));
const joints = new THREE.Points(jointGeom, new THREE.PointsMaterial({ color: 0x222222, size: 40 }));
scene.add(joints);
let center = [0, 0, 0];

function frameCenter(p3: Int16Array): number[] {
  // Median of each axis over a sample of frames: the scene's centre (the walker stays in view).
  const c = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const v: number[] = [];
    const step = Math.max(1, Math.floor(N / 200));
    for (let f = 0; f < N; f += step)
      for (let j = 0; j < J; j++) {
        const x = p3[(f * J + j) * 3 + a];
        if (x !== MISSING) v.push(x);
      }
    v.sort((x, y) => x - y);
    c[a] = v.length ? v[v.length >> 1] : 0;
  }
  return c;
}

function resize3d() {
  const w = canvas3d.clientWidth || 400;
  const h = canvas3d.clientHeight || 300;
  renderer.setSize(w, h, false);
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
}

function draw3d() {
  const d = dec();
  if (!d.p3) return;
  const f = state.frame;
  const q = person().q3;
  const raw = (j: number, a: number) => {
    const v = (d.p3 as Int16Array)[(f * J + j) * 3 + a];
    return v === MISSING ? Number.NaN : (v - center[a]) * q;
  };
  // Screen axis k (three.js: y up) from the data: the declared up on screen y, always a rotation (y-down data:
  // (x, −y, −z); z-up lab data: (x, z, −y)); the page drew y-down data as (x, −y, z), a mirror image, before.
  const at = (j: number, k: number) => {
    const [src, sign] = SCREEN[k] as [number, number];
    return sign * raw(j, src);
  };
  data.skeleton.edges.forEach(([a, b], i) => {
    for (let k = 0; k < 3; k++) {
      bonePositions[i * 6 + k] = at(a, k);
      bonePositions[i * 6 + 3 + k] = at(b, k);
    }
  });
  for (let j = 0; j < J; j++) for (let k = 0; k < 3; k++) jointPositions[j * 3 + k] = at(j, k);
  boneGeom.attributes.position.needsUpdate = true;
  jointGeom.attributes.position.needsUpdate = true;
  boneGeom.computeBoundingSphere();
  jointGeom.computeBoundingSphere();
}

// --- video and 2D overlay ------------------------------------------------------------------------------------
const video = document.getElementById("np-video") as HTMLVideoElement | null;
const overlay = document.getElementById("np-overlay") as HTMLCanvasElement | null;
function draw2d() {
  if (!overlay) return;
  const ctx = overlay.getContext("2d");
  if (!ctx) return;
  overlay.width = data.width;
  overlay.height = data.height;
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  const d = dec();
  if (!d.p2) return;
  const f = state.frame;
  const at = (j: number, a: number) => {
    const v = (d.p2 as Int16Array)[(f * J + j) * 2 + a];
    return v === MISSING ? Number.NaN : v / 4;
  };
  ctx.lineWidth = Math.max(2, data.width / 200);
  for (const [a, b] of data.skeleton.edges) {
    const s = data.skeleton.sides[a] === data.skeleton.sides[b] ? data.skeleton.sides[a] : 0;
    ctx.strokeStyle = s === 1 ? "#c0392b" : s === 2 ? "#2471a3" : "#eeeeee";
    const [x1, y1, x2, y2] = [at(a, 0), at(a, 1), at(b, 0), at(b, 1)];
    if (![x1, y1, x2, y2].every(Number.isFinite)) continue;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
  }
}

// --- plots ----------------------------------------------------------------------------------------------------
const plot = $<HTMLCanvasElement>("np-plot");
const ANGLES = ["hip", "knee", "ankle"];
const ranges = new Map<string, [number, number]>();
function drawPlot() {
  const w = plot.clientWidth || 800;
  const rowH = 90;
  const h = rowH * 3 + 30;
  if (plot.width !== w) plot.width = w;
  plot.height = h;
  const ctx = plot.getContext("2d");
  if (!ctx) return;
  ctx.clearRect(0, 0, w, h);
  const p = person();
  const d = dec();
  const left = 60;
  const X = (f: number) => left + ((w - left - 10) * f) / Math.max(1, N - 1);
  // Strides: alternate shading per side; events: ticks.
  for (const s of p.strides) {
    ctx.fillStyle = s.side === "left" ? "rgba(192,57,43,0.06)" : "rgba(36,113,163,0.06)";
    const y = s.side === "left" ? 0 : rowH * 1.5;
    ctx.fillRect(X(s.start), y, X(s.end) - X(s.start), rowH * 1.5);
  }
  ANGLES.forEach((name, r) => {
    const y0 = r * rowH + 5;
    const hh = rowH - 15;
    const key = `${state.person}:${r}`;
    let range = ranges.get(key);
    if (!range) {
      range = [Infinity, -Infinity];
      for (let f = 0; f < N; f++)
        for (let k = 0; k < 2; k++) {
          const v = d.angles[f * 6 + r * 2 + k];
          if (Number.isFinite(v)) {
            range[0] = Math.min(range[0], v);
            range[1] = Math.max(range[1], v);
          }
        }
      ranges.set(key, range);
    }
    let [lo, hi] = range;
    if (!(hi > lo)) {
      lo = -10;
      hi = 10;
    }
    const Y = (v: number) => y0 + hh - ((v - lo) / (hi - lo)) * hh;
    ctx.fillStyle = "#333";
    ctx.font = "11px sans-serif";
    ctx.fillText(`${name} (°)`, 4, y0 + 12);
    ctx.fillText(`${hi.toFixed(0)}`, 30, y0 + 10);
    ctx.fillText(`${lo.toFixed(0)}`, 30, y0 + hh);
    for (let side = 0; side < 2; side++) {
      ctx.strokeStyle = side === 0 ? "#c0392b" : "#2471a3";
      ctx.beginPath();
      // Display decimation: min and max per pixel column (every frame counted, nothing dropped).
      const cols = w - left - 10;
      const per = N / cols;
      let started = false;
      for (let c = 0; c < cols; c++) {
        const f0 = Math.floor(c * per);
        const f1 = Math.max(f0 + 1, Math.floor((c + 1) * per));
        let mn = Infinity;
        let mx = -Infinity;
        for (let f = f0; f < Math.min(N, f1); f++) {
          const v = d.angles[f * 6 + r * 2 + side];
          if (Number.isFinite(v)) {
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
          }
        }
        if (!Number.isFinite(mn)) {
          started = false;
          continue;
        }
        if (!started) ctx.moveTo(left + c, Y(mx));
        else ctx.lineTo(left + c, Y(mx));
        ctx.lineTo(left + c + 0.5, Y(mn));
        started = true;
      }
      ctx.stroke();
    }
  });
  // Events on the timeline.
  const ty = rowH * 3 + 8;
  for (const e of p.events) {
    ctx.fillStyle = e.side === "left" ? "#c0392b" : "#2471a3";
    const x = X(e.frame);
    if (e.kind === "hs") ctx.fillRect(x - 1, ty, 3, 10);
    else ctx.fillRect(x - 1, ty + 12, 3, 5);
  }
  ctx.fillStyle = "#333";
  ctx.fillText("heel strikes (tall) / toe offs (short)", left, h - 2);
  // Cursor.
  ctx.strokeStyle = "#111";
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(X(state.frame), 0);
  ctx.lineTo(X(state.frame), h);
  ctx.stroke();
  ctx.lineWidth = 1;
  (window as unknown as { __viewer: unknown }).__viewer = api;
  api.cursorX = X(state.frame);
}

// --- table ----------------------------------------------------------------------------------------------------
function drawTable() {
  $("np-table").innerHTML = person().table;
}

// --- playback -------------------------------------------------------------------------------------------------
const slider = $<HTMLInputElement>("np-slider");
slider.max = String(N - 1);
function setFrame(f: number) {
  state.frame = Math.max(0, Math.min(N - 1, Math.round(f)));
  slider.value = String(state.frame);
  $("np-time").textContent = `frame ${state.frame} / ${N - 1} · ${(state.frame / data.fps).toFixed(2)} s`;
  draw3d();
  draw2d();
  drawPlot();
}
const api = {
  get frame() {
    return state.frame;
  },
  get playing() {
    return state.playing;
  },
  cursorX: 0,
  play,
  pause,
  setFrame,
};
function play() {
  state.playing = true;
  $("np-play").textContent = "pause";
  if (video) {
    video.playbackRate = state.speed;
    void video.play().catch(() => {});
  }
}
function pause() {
  state.playing = false;
  $("np-play").textContent = "play";
  video?.pause();
}
$("np-play").addEventListener("click", () => (state.playing ? pause() : play()));
$("np-back").addEventListener("click", () => {
  pause();
  seek(state.frame - 1);
});
$("np-fwd").addEventListener("click", () => {
  pause();
  seek(state.frame + 1);
});
function seek(f: number) {
  setFrame(f);
  if (video) video.currentTime = (state.frame + 0.5) / data.fps;
  state.clock = state.frame / data.fps;
}
slider.addEventListener("input", () => seek(Number(slider.value)));
$<HTMLSelectElement>("np-speed").addEventListener("change", (e) => {
  state.speed = Number((e.target as HTMLSelectElement).value);
  if (video) video.playbackRate = state.speed;
});
const picker = $<HTMLSelectElement>("np-person");
data.persons.forEach((p, i) => {
  const o = document.createElement("option");
  o.value = String(i);
  o.textContent = p.label;
  picker.appendChild(o);
});
picker.addEventListener("change", () => {
  state.person = Number(picker.value);
  const d = dec();
  if (d.p3) center = frameCenter(d.p3);
  drawTable();
  setFrame(state.frame);
});
let last = performance.now();
function tick(now: number) {
  const dt = (now - last) / 1000;
  last = now;
  if (state.playing) {
    if (video && !video.paused && Number.isFinite(video.currentTime) && video.readyState >= 2) {
      setFrame(video.currentTime * data.fps);
    } else if (!video || video.readyState < 2) {
      state.clock += dt * state.speed;
      if (state.clock * data.fps >= N - 1) state.clock = 0;
      setFrame(state.clock * data.fps);
    }
  }
  controls.update();
  resize3d();
  renderer.render(scene, camera);
  requestAnimationFrame(tick);
}
{
  const d = dec();
  if (d.p3) center = frameCenter(d.p3);
}
drawTable();
setFrame(0);
requestAnimationFrame(tick);
