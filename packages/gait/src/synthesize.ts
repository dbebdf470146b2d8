import { type PoseSequence, poseSequence } from "@neuropose/kinematics";

export interface SynthWalkerOptions {
  /** Frames per second (default 30). */
  fps?: number;
  /** Duration, seconds (default 10). */
  seconds?: number;
  /** Stride time, seconds (default 1.0); rounded to whole frames so that events fall on frames. */
  strideSeconds?: number;
  /** Left-to-right step time as a fraction of the stride (default 0.5 = symmetric). */
  leftStepFraction?: number;
  /** Stance as a fraction of the stride, per side (default 0.6 each). */
  stance?: { left: number; right: number };
  /** Walking speed, metres per second (default 1.2). */
  speed?: number;
  /** Thigh and shank length, metres (default 0.45 each). */
  thigh?: number;
  shank?: number;
  /** Heading in the horizontal plane, radians (default π: walking towards −x). */
  heading?: number;
  /** Output unit (default "mm"). */
  unit?: "mm" | "m";
  /** Frame of the first left heel strike (default 15). */
  firstStrike?: number;
}

export interface SynthWalker {
  /** blazepose_33 joints, y down, hip-centred frame of the walker's own coordinates (not hip-centred: global). */
  sequence: PoseSequence;
  fps: number;
  unit: "mm" | "m";
  truth: {
    heelStrikes: { frame: number; side: "left" | "right" }[];
    toeOffs: { frame: number; side: "left" | "right" }[];
    strideFrames: number;
    cadence: number;
    strideLength: number;
    /** Knee flexion (degrees, 0 = straight) per frame, per side, from the generator's inverse kinematics. */
    kneeFlexion: [Float64Array, Float64Array];
  };
}

/**
 * A synthetic walker (blazepose_33, y down) with known gait events: constant pelvis speed, each foot flat on
 * the floor from its heel strike to its toe off and swinging at constant horizontal speed (with a sine
 * lift) to its next landing spot, knees by two-link inverse kinematics. Heel strikes and toe offs fall
 * exactly on frames, so detectors can be checked frame for frame; stride and step times, stance and
 * stride length are what the options say.
 *
 * @example
 * ```ts
 * import { synthesizeWalker } from "@neuropose/gait";
 * const w = synthesizeWalker({ seconds: 4, strideSeconds: 1, stance: { left: 0.6, right: 0.65 } });
 * console.log(w.sequence.frames, w.truth.heelStrikes.slice(0, 2)); // 120 [{ frame: 15, side: "left" }, { frame: 30, side: "right" }]
 * ```
 */
export function synthesizeWalker(options: SynthWalkerOptions = {}): SynthWalker {
  const fps = options.fps ?? 30;
  const n = Math.round((options.seconds ?? 10) * fps);
  const T = Math.max(4, Math.round((options.strideSeconds ?? 1) * fps));
  const phi = options.leftStepFraction ?? 0.5;
  const stance = options.stance ?? { left: 0.6, right: 0.6 };
  const v = (options.speed ?? 1.2) / fps; // metres per frame
  const L1 = options.thigh ?? 0.45;
  const L2 = options.shank ?? 0.45;
  const heading = options.heading ?? Math.PI;
  const scale = (options.unit ?? "mm") === "mm" ? 1000 : 1;
  const first = options.firstStrike ?? 15;
  const ankleH = 0.08;
  const footLen = 0.22;
  const heelBack = 0.05; // heel behind the ankle
  const hipHalf = 0.1;
  const c = 0.3 * v * T; // heel ahead of the pelvis at heel strike
  // Heel strikes per side (frames), extended before 0 and past the end so every frame is in a stride.
  const strikes: [number[], number[]] = [[], []];
  const offs: [number[], number[]] = [[], []];
  const stepR = Math.round(phi * T);
  for (let h = first - 3 * T; h < n + 3 * T; h += T) {
    strikes[0].push(h);
    strikes[1].push(h + stepR);
    offs[0].push(h + Math.round(stance.left * T));
    offs[1].push(h + stepR + Math.round(stance.right * T));
  }
  // Heel horizontal position along the walking direction (metres) and lift, per side per frame.
  const pos = [new Float64Array(n), new Float64Array(n)];
  const lift = [new Float64Array(n), new Float64Array(n)];
  for (let s = 0; s < 2; s++) {
    const hs = strikes[s];
    const to = offs[s];
    for (let k = 0; k + 1 < hs.length; k++) {
      const land = v * hs[k] + c;
      const nextLand = v * hs[k + 1] + c;
      for (let f = Math.max(0, hs[k]); f < Math.min(n, hs[k + 1]); f++) {
        if (f < to[k]) {
          pos[s][f] = land;
          lift[s][f] = 0;
        } else {
          const u = (f - to[k]) / (hs[k + 1] - to[k]);
          pos[s][f] = land + (nextLand - land) * u;
          lift[s][f] = 0.08 * Math.sin(Math.PI * u);
        }
      }
    }
  }
  // Pelvis height: the leg never fully straight.
  let maxReach = 0;
  for (let s = 0; s < 2; s++)
    for (let f = 0; f < n; f++) maxReach = Math.max(maxReach, Math.abs(pos[s][f] + heelBack - v * f));
  const hipH = ankleH + Math.sqrt((0.995 * (L1 + L2)) ** 2 - maxReach ** 2);
  const J = 33;
  const data = new Float64Array(n * J * 3);
  const ax = Math.cos(heading);
  const az = Math.sin(heading);
  // Lateral axis (left of the walker when facing the heading, y down): (−az, ax) rotated; sign is cosmetic.
  const lx = -az;
  const lz = ax;
  const put = (f: number, j: number, a: number, up: number, lat: number) => {
    const o = (f * J + j) * 3;
    data[o] = (a * ax + lat * lx) * scale;
    data[o + 1] = -up * scale; // y down
    data[o + 2] = (a * az + lat * lz) * scale;
  };
  const knee: [Float64Array, Float64Array] = [new Float64Array(n), new Float64Array(n)];
  const J_HIP = [23, 24];
  const J_KNEE = [25, 26];
  const J_ANKLE = [27, 28];
  const J_HEEL = [29, 30];
  const J_TOE = [31, 32];
  for (let f = 0; f < n; f++) {
    const p = v * f;
    for (let s = 0; s < 2; s++) {
      const lat = s === 0 ? hipHalf : -hipHalf;
      const heelA = pos[s][f];
      const up = lift[s][f];
      const ankleA = heelA + heelBack;
      const ankleU = ankleH + up;
      put(f, J_HIP[s], p, hipH, lat);
      put(f, J_HEEL[s], heelA, up, lat);
      put(f, J_TOE[s], heelA + footLen, up, lat);
      put(f, J_ANKLE[s], ankleA, ankleU, lat);
      // Two-link IK in the sagittal plane, knee in front.
      const da = ankleA - p;
      const du = ankleU - hipH;
      const d = Math.hypot(da, du);
      const cosG = (L1 * L1 + L2 * L2 - d * d) / (2 * L1 * L2);
      knee[s][f] = 180 - (Math.acos(Math.max(-1, Math.min(1, cosG))) * 180) / Math.PI;
      const alpha = Math.acos(Math.max(-1, Math.min(1, (L1 * L1 + d * d - L2 * L2) / (2 * L1 * d))));
      const base = Math.atan2(du, da); // direction hip → ankle
      const kAng = base + alpha; // rotate towards anterior/up: knee forward
      put(f, J_KNEE[s], p + L1 * Math.cos(kAng), hipH + L1 * Math.sin(kAng), lat);
      // Upper body: shoulders, elbows, wrists hanging, face.
      put(f, 11 + s, p, hipH + 0.5, lat * 1.8);
      put(f, 13 + s, p, hipH + 0.22, lat * 2);
      put(f, 15 + s, p, hipH - 0.02, lat * 2);
      for (const j of [17, 19, 21]) put(f, j + s, p + 0.02, hipH - 0.08, lat * 2);
      put(f, 7 + s, p, hipH + 0.65, lat * 0.7);
      put(f, 9 + s, p + 0.08, hipH + 0.6, lat * 0.3);
      for (const j of [1, 2, 3]) put(f, s === 0 ? j : j + 3, p + 0.08, hipH + 0.68, lat * (0.2 + j * 0.1));
    }
    put(f, 0, p + 0.1, hipH + 0.65, 0);
  }
  const hsList: { frame: number; side: "left" | "right" }[] = [];
  const toList: { frame: number; side: "left" | "right" }[] = [];
  for (let s = 0; s < 2; s++) {
    const side = s === 0 ? "left" : "right";
    for (const h of strikes[s]) if (h >= 0 && h < n) hsList.push({ frame: h, side });
    for (const t of offs[s]) if (t >= 0 && t < n) toList.push({ frame: t, side });
  }
  hsList.sort((a, b) => a.frame - b.frame);
  toList.sort((a, b) => a.frame - b.frame);
  return {
    sequence: poseSequence(n, J, data),
    fps,
    unit: options.unit ?? "mm",
    truth: {
      heelStrikes: hsList,
      toeOffs: toList,
      strideFrames: T,
      cadence: (120 * fps) / T,
      strideLength: v * T * scale,
      kneeFlexion: knee,
    },
  };
}
