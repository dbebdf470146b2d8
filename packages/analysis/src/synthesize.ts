import { mulberry32, SKELETONS } from "@neuropose/io";

type Vec3 = [number, number, number];

/** Options of {@link synthesizeGaitPredictions}. */
export interface SynthesizeGaitOptions {
  /** PRNG seed: the same options always give the same document. Default 1. */
  seed?: number;
  /** Number of frames. Default 120. */
  frames?: number;
  /** Frame rate. Default 30. */
  fps?: number;
  /** Steps per minute (two steps make one gait cycle). Default 110. */
  cadence?: number;
  /** "berkeley_mhad_43" (mm, camera frame, y down; the original's) or "blazepose_33" (m, hip-centred). */
  skeleton?: "berkeley_mhad_43" | "blazepose_33";
  /** Phase of the gait cycle at frame 0, in cycles (0..1). Default 0. */
  phase?: number;
  /** Gaussian noise standard deviation in mm. Default 1. */
  noiseMm?: number;
  /** Scales every joint amplitude (1 = typical adult gait). Default 1. */
  amplitude?: number;
  /** Number of people per frame (person 1+ is a shifted copy walking beside). Default 1. */
  people?: number;
  /** Body size factor (limb lengths). Default 1. */
  scale?: number;
}

/** A VideoPredictions document (schema_version 3) as plain JSON. */
export interface SyntheticPredictions {
  schema_version: 3;
  metadata: {
    frame_count: number;
    fps: number;
    width: number;
    height: number;
    skeleton: "berkeley_mhad_43" | "blazepose_33";
    poses3d_unit: "mm" | "m";
    poses3d_frame: "camera" | "hip_centered";
  };
  frames: Record<string, { boxes: number[][]; poses3d: number[][][]; poses2d: number[][][] }>;
  segmentations: Record<string, never>;
  provenance: null;
}

function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const deg = Math.PI / 180;

/** Anatomical points (mm, camera frame: x forward along the walk, y down, z depth) of one person at one phase. */
function body(
  phase: number,
  t: number,
  opts: Required<SynthesizeGaitOptions>,
  person: number,
): Map<string, Vec3> {
  const s = opts.scale;
  const amp = opts.amplitude;
  const phi = 2 * Math.PI * phase;
  const pelvis: Vec3 = [
    -600 + ((1200 * s * Math.sqrt(amp) * opts.cadence) / 120) * t,
    20 * amp * Math.cos(2 * phi),
    4000 + 900 * person,
  ];
  const twist = 6 * deg * amp * Math.sin(phi);
  const pts = new Map<string, Vec3>();
  const stride = 1200 * s * Math.sqrt(amp); // mm per gait cycle
  const thigh = 450 * s;
  const shank = 430 * s;
  const groundY = 40 + 0.97 * (thigh + shank) + 70 * s;
  const side = (name: "l" | "r", sideCycles: number, zSign: number) => {
    const c = sideCycles - Math.floor(sideCycles); // 0 = heel strike, stance until 0.6, then swing
    const sphi = 2 * Math.PI * c;
    const hip = add(pelvis, [90 * zSign * Math.sin(twist), 40, 100 * zSign * s]);
    // Foot relative to the hip: planted during stance (moves back as the body passes), swung forward after.
    const footX =
      c < 0.6
        ? stride * (0.3 - c)
        : -0.3 * stride + 0.6 * stride * (1 - Math.cos((Math.PI * (c - 0.6)) / 0.4)) * 0.5;
    // Heel height: lowest at heel strike, rising steadily to mid-swing and back (a tent, so that one peak per
    // cycle stands out of the noise as it does in clean recordings; y is down).
    const lift = 120 * s * amp * (1 - Math.abs(1 - 2 * c));
    const heel: Vec3 = [hip[0] + footX - 40 * s, groundY - lift, hip[2]];
    const ankle = add(heel, [40 * s, -70 * s, 0]);
    const pitch = 20 * deg * amp * Math.sin(sphi - 0.6);
    const toe = add(heel, [200 * s * Math.cos(pitch), -200 * s * Math.sin(pitch), 0]);
    // Knee by two-link inverse kinematics in the sagittal plane, bending forward.
    const vx = ankle[0] - hip[0];
    const vy = ankle[1] - hip[1];
    const d = Math.min(Math.max(Math.hypot(vx, vy), Math.abs(thigh - shank) + 1), thigh + shank - 1);
    const bend = Math.acos((thigh * thigh + d * d - shank * shank) / (2 * thigh * d));
    const theta = Math.atan2(vy, vx) - bend;
    const knee = add(hip, [thigh * Math.cos(theta), thigh * Math.sin(theta), 0]);
    // Arms swing against the leg of the same side.
    const shoulder = add(pelvis, [-60 * zSign * Math.sin(twist), -520 * s, 180 * zSign * s]);
    const armA = -18 * Math.sin(sphi) * deg * amp;
    const elbow = add(shoulder, [280 * s * Math.sin(armA), 280 * s * Math.cos(armA), 0]);
    const foreA = armA + (15 + 10 * Math.sin(sphi)) * deg * amp * -1 + 20 * deg;
    const wrist = add(elbow, [250 * s * Math.sin(foreA), 250 * s * Math.cos(foreA), 0]);
    const hand = add(wrist, [60 * s * Math.sin(foreA), 60 * s * Math.cos(foreA), 0]);
    pts.set(`${name}hip`, hip);
    pts.set(`${name}knee`, knee);
    pts.set(`${name}ankle`, ankle);
    pts.set(`${name}heel`, heel);
    pts.set(`${name}toe`, toe);
    pts.set(`${name}shoulder`, shoulder);
    pts.set(`${name}elbow`, elbow);
    pts.set(`${name}wrist`, wrist);
    pts.set(`${name}hand`, hand);
  };
  side("l", phase, -1);
  side("r", phase + 0.5, 1);
  pts.set("pelvis", pelvis);
  pts.set("head", add(pelvis, [30, -780 * s, 0]));
  pts.set("neck", add(pelvis, [10, -560 * s, 0]));
  pts.set("chest", add(pelvis, [60, -400 * s, 0]));
  pts.set("back", add(pelvis, [-90, -400 * s, 0]));
  pts.set("belly", add(pelvis, [70, -180 * s, 0]));
  return pts;
}

const mid = (a: Vec3, b: Vec3, w = 0.5): Vec3 => [
  a[0] + (b[0] - a[0]) * w,
  a[1] + (b[1] - a[1]) * w,
  a[2] + (b[2] - a[2]) * w,
];

/**
 * Where each berkeley_mhad_43 marker sits on the synthetic body: a body point (`l`/`r` prefixed for the sided
 * ones), plus an offset in mm, or the middle of two points. `hipl`'s offset points outwards: mirrored in z on
 * the right.
 */
type Marker = readonly [point: string, offset?: Vec3] | { mid: readonly [string, string] };
const BERKELEY_TRUNK: Record<string, Marker> = {
  head: ["head"],
  lhead: ["head", [0, 10, -70]],
  rhead: ["head", [0, 10, 70]],
  rback: ["back", [0, -60, 90]],
  backl: ["back", [0, 120, 0]],
  backt: ["back", [0, -120, 0]],
  lback: ["back", [0, -60, -90]],
  lside: ["belly", [-60, -80, -150]],
  bell: ["belly"],
  chest: ["chest"],
  rside: ["belly", [-60, -80, 150]],
};
const BERKELEY_SIDED: Record<string, Marker> = {
  sho1: ["shoulder"],
  sho2: ["shoulder", [0, -40, 0]],
  arm: { mid: ["shoulder", "elbow"] },
  elb: ["elbow"],
  wri: ["wrist"],
  han1: ["hand"],
  han2: ["hand", [20, 10, 0]],
  han3: ["hand", [-20, 10, 0]],
  hipb: ["hip", [-60, 0, 0]],
  hipf: ["hip", [60, 0, 0]],
  hipl: ["hip", [0, 0, -60]],
  leg: { mid: ["hip", "knee"] },
  kne: ["knee"],
  ank: ["ankle"],
  hee: ["heel"],
  foo: ["toe"],
};

function berkeleyJoint(name: string, p: Map<string, Vec3>): Vec3 {
  const trunk = BERKELEY_TRUNK[name];
  const lr = name.startsWith("l") ? "l" : "r";
  const marker = trunk ?? BERKELEY_SIDED[name.slice(1)];
  if (!marker) throw new Error(`no synthetic point for joint ${name}`);
  const g = (k: string) => p.get(trunk ? k : `${lr}${k}`) as Vec3;
  if ("mid" in marker) return mid(g(marker.mid[0]), g(marker.mid[1]));
  const [point, offset] = marker;
  if (!offset) return g(point);
  return add(g(point), name === "rhipl" ? [offset[0], offset[1], -offset[2]] : offset);
}

function blazeJoint(name: string, p: Map<string, Vec3>): Vec3 {
  const g = (k: string) => p.get(k) as Vec3;
  const side = name.startsWith("left") ? "l" : "r";
  const zs = side === "l" ? -1 : 1;
  const face = (dx: number, dy: number, dz: number) => add(g("head"), [dx, dy, dz]);
  switch (name) {
    case "nose":
      return face(90, 20, 0);
    case "mouth_left":
    case "mouth_right":
      return face(85, 60, 25 * zs);
    case "left_ear":
    case "right_ear":
      return face(0, 0, 75 * zs);
  }
  if (name.includes("eye"))
    return face(80, -20, (name.endsWith("inner") ? 15 : name.endsWith("outer") ? 45 : 30) * zs);
  const part = name.replace(/^(left|right)_/, "");
  const map: Record<string, string> = {
    shoulder: "shoulder",
    elbow: "elbow",
    wrist: "wrist",
    hip: "hip",
    knee: "knee",
    ankle: "ankle",
    heel: "heel",
    foot_index: "toe",
  };
  if (map[part]) return g(`${side}${map[part]}`);
  if (part === "pinky") return add(g(`${side}hand`), [0, 10, 20 * zs]);
  if (part === "index") return add(g(`${side}hand`), [20, 10, 0]);
  if (part === "thumb") return add(g(`${side}hand`), [10, -10, -15 * zs]);
  throw new Error(`no synthetic point for joint ${name}`);
}

/**
 * A deterministic, gait-like VideoPredictions document: a person walking across a side-view camera with
 * hip/knee/ankle flexion, opposite arm swing, pelvic bob and trunk twist, plus seeded Gaussian noise. Used by
 * the tests, the examples and the `neuropose demo`; never a substitute for real recordings.
 *
 * @example
 * ```ts
 * import { synthesizeGaitPredictions } from "@neuropose/analysis";
 * const preds = synthesizeGaitPredictions({ seed: 1, frames: 90, fps: 30, cadence: 110 });
 * Object.keys(preds.frames).length; // 90
 * preds.frames.frame_000000.poses3d[0].length; // 43 joints (berkeley_mhad_43)
 * ```
 */
export function synthesizeGaitPredictions(options: SynthesizeGaitOptions = {}): SyntheticPredictions {
  const opts: Required<SynthesizeGaitOptions> = {
    seed: 1,
    frames: 120,
    fps: 30,
    cadence: 110,
    skeleton: "berkeley_mhad_43",
    phase: 0,
    noiseMm: 1,
    amplitude: 1,
    people: 1,
    scale: 1,
    ...options,
  };
  if (!Number.isInteger(opts.frames) || opts.frames < 0)
    throw new RangeError("frames must be an integer >= 0");
  if (!(opts.fps > 0)) throw new RangeError("fps must be > 0");
  const skeleton = SKELETONS[opts.skeleton];
  const noise = gaussian(mulberry32(opts.seed * 2654435761 + 12345));
  const strideHz = opts.cadence / 120;
  const width = 1920;
  const height = 1080;
  const focal = 1400;
  const frames: SyntheticPredictions["frames"] = {};
  for (let f = 0; f < opts.frames; f++) {
    const t = f / opts.fps;
    const boxes: number[][] = [];
    const poses3d: number[][][] = [];
    const poses2d: number[][][] = [];
    for (let person = 0; person < opts.people; person++) {
      const pts = body(opts.phase + strideHz * t + person * 0.37, t, opts, person);
      const mm = skeleton.joints.map((name) => {
        const v = opts.skeleton === "berkeley_mhad_43" ? berkeleyJoint(name, pts) : blazeJoint(name, pts);
        return [v[0] + opts.noiseMm * noise(), v[1] + opts.noiseMm * noise(), v[2] + opts.noiseMm * noise()];
      });
      const uv = mm.map(([x, y, z]) => [
        Math.round(width / 2 + (focal * x) / z),
        Math.round(height / 2 + (focal * y) / z),
      ]);
      const us = uv.map((p) => p[0]);
      const vs = uv.map((p) => p[1]);
      const x0 = Math.min(...us);
      const y0 = Math.min(...vs);
      boxes.push([x0, y0, Math.max(...us) - x0, Math.max(...vs) - y0, 0.9]);
      poses2d.push(uv);
      if (opts.skeleton === "berkeley_mhad_43") {
        poses3d.push(mm.map((v) => v.map((c) => Number(c.toFixed(1)))));
      } else {
        const pelvis = mid(pts.get("lhip") as Vec3, pts.get("rhip") as Vec3);
        poses3d.push(mm.map((v) => v.map((c, i) => Number(((c - pelvis[i]) / 1000).toFixed(4)))));
      }
    }
    frames[`frame_${String(f).padStart(6, "0")}`] = { boxes, poses3d, poses2d };
  }
  return {
    schema_version: 3,
    metadata: {
      frame_count: opts.frames,
      fps: opts.fps,
      width,
      height,
      skeleton: opts.skeleton,
      poses3d_unit: opts.skeleton === "berkeley_mhad_43" ? "mm" : "m",
      poses3d_frame: opts.skeleton === "berkeley_mhad_43" ? "camera" : "hip_centered",
    },
    frames,
    segmentations: {},
    provenance: null,
  };
}
