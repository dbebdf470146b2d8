// Cross-view association of people and left/right side checks, frame by frame with identities kept over time.
// Each camera's 2D detector lists people in its own order, so detections are matched across views by geometry:
// a person already followed is reprojected into every view and claims the detection that lies on it; the rest
// are grouped by pairwise triangulation (two detections of one person triangulate to points that reproject onto
// both). Per side pair (left/right keypoints) every combination of per-view swaps is tried and the one that
// reprojects best is kept — single-view detectors such as BlazePose swap sides on back and oblique views.
// Hand-written: this is our science (the association rule is what the accuracy table measures) and runs per
// frame on few cameras, so exhaustive search over the views is cheap.
// One file of ~530 lines on purpose: the association, the side check and the identity keeping are one tracker's
// closures over the same per-frame state (cameras, side pairs, K, the followed people); split, each piece would take
// that state as a long parameter list and the rule the accuracy table measures would be read across files.
import { type Camera, projectPoint } from "./camera.js";
import {
  type TriangulatedFrame,
  type TriangulateOptions,
  triangulateFrame,
  triangulatePoint,
} from "./triangulate.js";

/** One person detected in one camera: K keypoints in pixels and their confidence. */
export interface Detection2D {
  /** K × 2 pixel coordinates [u0, v0, u1, v1, ...] (NaN where not detected). */
  uv: Float64Array;
  /** K confidences in 0..1. */
  confidence: Float64Array;
}

/** Options of {@link createMultiviewTracker} (the triangulation options apply to the final 3D). */
export interface AssociateOptions extends TriangulateOptions {
  /** Left/right keypoint index pairs checked per view (see {@link sidePairs}); none by default. */
  sidePairs?: readonly (readonly [number, number])[] | undefined;
  /** Side pairs decided together (indices into `sidePairs`), e.g. one per limb; default: all pairs together
   *  (single-view detectors usually confuse a whole side). See `pairSwapGainPx` for single pairs. */
  sideGroups?: readonly (readonly number[])[] | undefined;
  /** Two detections in two views are one person when their pairwise triangulation reprojects within this
   *  median error, pixels. Default 20. */
  maxPairErrorPx?: number | undefined;
  /** A followed person claims a view's detection within this median distance of its reprojection, pixels.
   *  Default 40. */
  maxTrackErrorPx?: number | undefined;
  /** A person needs at least this many triangulated keypoints to be reported. Default 8. */
  minKeypoints?: number | undefined;
  /** Frames a lost person's id is kept for re-identification. Default 30. */
  maxTrackGap?: number | undefined;
  /** A person found anew within this distance (metres, mean keypoint) of a lost one takes its id. Default 0.5. */
  maxTrackDistance?: number | undefined;
  /** Within a side group, one pair is swapped on its own (against its group) only when that lowers its summed
   *  reprojection error by more than this, pixels. Default Infinity (off): on the pose2sim trial per-pair
   *  decisions named the sides of neighbouring keypoints inconsistently and raised bone-length CV (see the
   *  README's accuracy section). */
  pairSwapGainPx?: number | undefined;
  /** Smallest improvement of the summed reprojection error (pixels) that justifies swapping sides. Default 2. */
  minSwapGainPx?: number | undefined;
}

/** One person of a frame, associated across views and triangulated. */
export interface AssociatedPerson extends TriangulatedFrame {
  /** Identity kept across frames (0, 1, 2, ... in order of first appearance). */
  id: number;
  /** Per camera: index of this person's detection in that camera's list, -1 when the camera does not see them. */
  detections: Int32Array;
  /** Per camera: bit j set when side pair j was swapped in that view. */
  swapped: Uint32Array;
}

/** Follows people across calibrated views frame by frame (see {@link createMultiviewTracker}). */
export interface MultiviewTracker {
  /** Associates, side-checks and triangulates one frame: `detections[i]` lists camera i's people. */
  step(detections: readonly (readonly Detection2D[])[]): AssociatedPerson[];
  /** Forgets every person (the next frame starts ids again at 0). */
  reset(): void;
}

/**
 * Left/right keypoint pairs of a skeleton from its joint names ("left_knee" ↔ "right_knee", "mouth_left" ↔
 * "mouth_right").
 *
 * @example
 * ```ts
 * import { sidePairs } from "@neuropose/multiview";
 * console.log(sidePairs(["nose", "left_knee", "right_knee", "mouth_left", "mouth_right"])); // [[1, 2], [3, 4]]
 * ```
 */
export function sidePairs(joints: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  joints.forEach((name, i) => {
    if (!/(^|_)left(_|$)/.test(name)) return;
    const j = joints.indexOf(name.replace(/(^|_)left(_|$)/, "$1right$2"));
    if (j >= 0) out.push([i, j]);
  });
  return out;
}

interface Track {
  id: number;
  points: Float64Array;
  lastFrame: number;
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return Number.POSITIVE_INFINITY;
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? (xs[m] as number) : ((xs[m - 1] as number) + (xs[m] as number)) / 2;
};

/**
 * A tracker that associates each frame's per-camera detections into people (by reprojection, not detection
 * order), swaps a view's left/right keypoints where the swapped assignment reprojects better, triangulates
 * every person, and keeps each person's id across frames.
 *
 * @example
 * ```ts
 * import { createMultiviewTracker, projectPoint } from "@neuropose/multiview";
 * const cam = (x: number) => ({ name: `c${x}`, size: [640, 480] as [number, number], fx: 500, fy: 500, cx: 320, cy: 240, dist: [0, 0, 0, 0, 0] as [number, number, number, number, number], R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [x, 0, 4] as [number, number, number] });
 * const cams = [cam(0.5), cam(-0.5), cam(0)];
 * const body = Array.from({ length: 10 }, (_, k) => [0.05 * k, 0.1 * (k % 3), 0.02 * k]);
 * const detections = cams.map((c) => [{ uv: Float64Array.from(body.flatMap((X) => projectPoint(c, X))), confidence: new Float64Array(10).fill(1) }]);
 * const tracker = createMultiviewTracker(cams, { minKeypoints: 5 });
 * const [person] = tracker.step(detections);
 * console.log(person?.id, Array.from(person?.detections ?? [])); // 0 [0, 0, 0]
 * ```
 */
export function createMultiviewTracker(
  cameras: readonly Camera[],
  options: AssociateOptions = {},
): MultiviewTracker {
  const n = cameras.length;
  const pairs = options.sidePairs ?? [];
  const groups = options.sideGroups ?? [pairs.map((_, j) => j)];
  const minConf = options.minConfidence ?? 0.3;
  const maxPair = options.maxPairErrorPx ?? 20;
  const maxTrack = options.maxTrackErrorPx ?? 40;
  const minKeypoints = options.minKeypoints ?? 8;
  const maxGap = options.maxTrackGap ?? 30;
  const maxDist = options.maxTrackDistance ?? 0.5;
  const minGain = options.minSwapGainPx ?? 2;
  const pairGain = options.pairSwapGainPx ?? Number.POSITIVE_INFINITY;
  const maxErr = options.maxReprojectionPx ?? 15;
  let K = 0;
  let partnerOf = new Int32Array(0);
  let tracks: Track[] = [];
  let nextId = 0;
  let frame = 0;

  const ensureK = (k: number) => {
    if (k === K) return;
    K = k;
    partnerOf = new Int32Array(k).fill(-1);
    for (const [a, b] of pairs) {
      if (a < k && b < k) {
        partnerOf[a] = b;
        partnerOf[b] = a;
      }
    }
  };

  // Median over keypoints of cost(k, k), or of cost(k, partner) where a side pair fits better the other way
  // round; infinite with fewer than minKeypoints keypoints.
  const sideTolerantMedian = (cost: (k: number, other: number) => number): number => {
    const errs: number[] = [];
    for (let k = 0; k < K; k++) {
      const q = partnerOf[k] as number;
      let e = cost(k, k);
      if (q >= 0) {
        const s = cost(k, q);
        if (!(e <= s)) e = s;
      }
      if (Number.isFinite(e)) errs.push(e);
    }
    return errs.length >= Math.min(minKeypoints, K) ? median(errs) : Number.POSITIVE_INFINITY;
  };

  // Median over keypoints of the two-view triangulation's reprojection error (a side pair counts in whichever
  // assignment fits better, so a view with swapped sides is still recognised as the same person).
  const pairCost = (va: number, a: Detection2D, vb: number, b: Detection2D): number => {
    const cams = [cameras[va] as Camera, cameras[vb] as Camera];
    const one = (ka: number, kb: number): number => {
      if (!((a.confidence[ka] as number) >= minConf && (b.confidence[kb] as number) >= minConf))
        return Number.NaN;
      const p = triangulatePoint(
        cams,
        [a.uv[2 * ka] as number, b.uv[2 * kb] as number],
        [a.uv[2 * ka + 1] as number, b.uv[2 * kb + 1] as number],
        [1, 1],
        { minConfidence: 0, maxReprojectionPx: Number.POSITIVE_INFINITY, refineSteps: 1 },
      );
      return p.errorPx;
    };
    return sideTolerantMedian(one);
  };

  // Median distance between a followed person's reprojection and a detection (side pairs either way).
  const trackCost = (view: number, points: Float64Array, d: Detection2D): number => {
    const cam = cameras[view] as Camera;
    const proj = new Float64Array(2 * K);
    for (let k = 0; k < K; k++) {
      const X = [points[3 * k] as number, points[3 * k + 1] as number, points[3 * k + 2] as number];
      if (!Number.isFinite(X[0])) proj[2 * k] = proj[2 * k + 1] = Number.NaN;
      else {
        const [u, v] = projectPoint(cam, X);
        proj[2 * k] = u;
        proj[2 * k + 1] = v;
      }
    }
    const dist = (kp: number, kd: number) =>
      (d.confidence[kd] as number) >= minConf
        ? Math.hypot(
            (proj[2 * kp] as number) - (d.uv[2 * kd] as number),
            (proj[2 * kp + 1] as number) - (d.uv[2 * kd + 1] as number),
          )
        : Number.NaN;
    return sideTolerantMedian(dist);
  };

  // Per side pair, the per-view swaps (over the member views) whose triangulation reprojects best; ties go to
  // the labelling nearest the person's previous 3D (else to fewer swaps). Returns per view the swap bits.
  const sideCheck = (members: (Detection2D | undefined)[], prior: Float64Array | undefined): Uint32Array => {
    const swapped = new Uint32Array(n);
    const views = members.flatMap((m, i) => (m ? [i] : []));
    const m = views.length;
    if (m < 2 || m > 10) return swapped;
    const u = new Float64Array(n);
    const v = new Float64Array(n);
    const c = new Float64Array(n);
    const topts = { minConfidence: minConf, maxReprojectionPx: maxErr, refineSteps: 0 };
    const full = (1 << m) - 1;
    // Per pair and per combination of swaps (bit b = member view b swapped): the summed capped reprojection
    // error, and the distance of the two triangulated points from the person's previous 3D (NaN without one).
    const pairCosts = pairs.map(([l, r]) => {
      const costs = new Float64Array(full + 1);
      const near = new Float64Array(full + 1).fill(Number.NaN);
      if (l >= K || r >= K) return { costs, near };
      for (let mask = 0; mask <= full; mask++) {
        const pts: [number, number, number][] = [];
        for (const [side, self, other] of [
          [0, l, r],
          [1, r, l],
        ] as const) {
          u.fill(Number.NaN);
          v.fill(Number.NaN);
          c.fill(0);
          views.forEach((view, b) => {
            const d = members[view] as Detection2D;
            const k = mask & (1 << b) ? other : self;
            u[view] = d.uv[2 * k] as number;
            v[view] = d.uv[2 * k + 1] as number;
            c[view] = d.confidence[k] as number;
          });
          pts[side] = triangulatePoint(cameras, u, v, c, topts).X;
        }
        let cost = 0;
        views.forEach((view, b) => {
          const d = members[view] as Detection2D;
          const cam = cameras[view] as Camera;
          for (const [side, self, other] of [
            [0, l, r],
            [1, r, l],
          ] as const) {
            const k = mask & (1 << b) ? other : self;
            if (!((d.confidence[k] as number) >= minConf)) continue;
            const X = pts[side] as [number, number, number];
            if (!Number.isFinite(X[0])) {
              cost += maxErr;
              continue;
            }
            const [pu, pv] = projectPoint(cam, X);
            const e = Math.hypot(pu - (d.uv[2 * k] as number), pv - (d.uv[2 * k + 1] as number));
            cost += Number.isFinite(e) ? Math.min(e, maxErr) : maxErr;
          }
        });
        costs[mask] = cost;
        if (prior) near[mask] = dist3(pts[0] as number[], prior, l) + dist3(pts[1] as number[], prior, r);
      }
      return { costs, near };
    });
    for (const group of groups) {
      // The group's swaps: the combination that reprojects best over all its pairs, unless one with fewer swaps
      // costs at most minGain more per pair; of it and its complement (the same geometry with the sides named
      // the other way round), the one nearer the previous 3D, else the one with fewer swaps.
      const total = new Float64Array(full + 1);
      const near = new Float64Array(full + 1);
      for (const j of group)
        for (let mask = 0; mask <= full; mask++) {
          total[mask] += (pairCosts[j] as { costs: Float64Array }).costs[mask] as number;
          const d = (pairCosts[j] as { near: Float64Array }).near[mask] as number;
          if (Number.isFinite(d)) near[mask] += d;
        }
      const gm = pickMask(total, near, m, minGain * group.length, prior !== undefined);
      // Each pair may still differ from its group where that reprojects clearly better (a single keypoint
      // confused), keeping the group's naming of the sides (of a combination and its complement, the one
      // closer to the group's).
      for (const j of group) {
        const costs = (pairCosts[j] as { costs: Float64Array }).costs;
        let best = gm;
        for (let mask = 0; mask <= full; mask++) {
          if (!((costs[mask] as number) < (costs[best] as number) - pairGain)) continue;
          best = popcount(mask ^ gm) <= popcount(full ^ mask ^ gm) ? mask : full ^ mask;
        }
        views.forEach((view, b) => {
          if (best & (1 << b)) swapped[view] = ((swapped[view] as number) | (1 << j)) >>> 0;
        });
      }
    }
    return swapped;
  };

  const applySwaps = (d: Detection2D, bits: number): Detection2D => {
    if (!bits) return d;
    const uv = Float64Array.from(d.uv);
    const confidence = Float64Array.from(d.confidence);
    pairs.forEach(([l, r], j) => {
      if (!(bits & (1 << j)) || l >= K || r >= K) return;
      for (const [a, b] of [
        [l, r],
        [r, l],
      ] as const) {
        uv[2 * a] = d.uv[2 * b] as number;
        uv[2 * a + 1] = d.uv[2 * b + 1] as number;
        confidence[a] = d.confidence[b] as number;
      }
    });
    return { uv, confidence };
  };

  const step = (detections: readonly (readonly Detection2D[])[]): AssociatedPerson[] => {
    if (detections.length !== n)
      throw new RangeError(`expected detections of ${n} cameras, got ${detections.length}`);
    const first = detections.flat()[0];
    ensureK(first ? first.confidence.length : K);
    const taken = detections.map((list) => new Uint8Array(list.length));
    tracks = tracks.filter((t) => frame - t.lastFrame <= maxGap);
    // 1. Followed people claim the detections that lie on their reprojection (cheapest first).
    const claims: { t: number; view: number; d: number; cost: number }[] = [];
    tracks.forEach((tr, t) => {
      for (let view = 0; view < n; view++)
        (detections[view] as readonly Detection2D[]).forEach((det, d) => {
          const cost = trackCost(view, tr.points, det);
          if (cost <= maxTrack) claims.push({ t, view, d, cost });
        });
    });
    claims.sort((a, b) => a.cost - b.cost);
    const seeds: { track: number; members: Int32Array }[] = tracks.map((_, t) => ({
      track: t,
      members: new Int32Array(n).fill(-1),
    }));
    for (const cl of claims) {
      const s = seeds[cl.t] as { members: Int32Array };
      if (s.members[cl.view] !== -1 || (taken[cl.view] as Uint8Array)[cl.d]) continue;
      s.members[cl.view] = cl.d;
      (taken[cl.view] as Uint8Array)[cl.d] = 1;
    }
    // 2. Unclaimed detections (most confident first) found new groups; every group with a view missing takes
    // the detection of that view that triangulates with it best.
    const groups = seeds.filter((s) => s.members.some((d) => d >= 0));
    const loose: { view: number; d: number; score: number }[] = [];
    detections.forEach((list, view) => {
      list.forEach((det, d) => {
        if (!(taken[view] as Uint8Array)[d])
          loose.push({ view, d, score: det.confidence.reduce((s, x) => s + x, 0) });
      });
    });
    loose.sort((a, b) => b.score - a.score);
    const order: { track: number; members: Int32Array }[] = [...groups];
    for (const l of loose) {
      if ((taken[l.view] as Uint8Array)[l.d]) continue;
      const members = new Int32Array(n).fill(-1);
      members[l.view] = l.d;
      (taken[l.view] as Uint8Array)[l.d] = 1;
      order.push({ track: -1, members });
    }
    for (const g of order) {
      const anchorView = g.members.findIndex((d) => d >= 0);
      if (anchorView < 0) continue; // a lone detection that joined another group
      const anchor = (detections[anchorView] as readonly Detection2D[])[
        g.members[anchorView] as number
      ] as Detection2D;
      for (let view = 0; view < n; view++) {
        if (g.members[view] !== -1) continue;
        let best = -1;
        let bestCost = maxPair;
        (detections[view] as readonly Detection2D[]).forEach((det, d) => {
          if ((taken[view] as Uint8Array)[d] && !isLoneSeed(order, view, d)) return;
          const cost = pairCost(anchorView, anchor, view, det);
          if (cost < bestCost) {
            bestCost = cost;
            best = d;
          }
        });
        if (best >= 0) {
          // A lone detection that founded its own group joins this one instead.
          releaseLoneSeed(order, view, best);
          g.members[view] = best;
          (taken[view] as Uint8Array)[best] = 1;
        }
      }
    }
    // 3. Side check, triangulation, identities.
    const people: AssociatedPerson[] = [];
    const usedTracks = new Set<number>();
    for (const g of order) {
      if (g.members.filter((d) => d >= 0).length < 2) continue;
      const members = Array.from(g.members, (d, view) =>
        d >= 0 ? (detections[view] as readonly Detection2D[])[d] : undefined,
      );
      const prior = g.track >= 0 ? (tracks[g.track] as Track).points : undefined;
      const swapped = sideCheck(members, prior);
      const uv: Float64Array[] = [];
      const conf: Float64Array[] = [];
      members.forEach((m, view) => {
        if (m) {
          const s = applySwaps(m, swapped[view] as number);
          uv.push(s.uv);
          conf.push(s.confidence);
        } else {
          uv.push(new Float64Array(2 * K).fill(Number.NaN));
          conf.push(new Float64Array(K));
        }
      });
      const tri = triangulateFrame(cameras, uv, conf, options);
      let found = 0;
      for (let k = 0; k < K; k++) if (Number.isFinite(tri.points[3 * k])) found++;
      if (found < Math.min(minKeypoints, K)) continue;
      let track = g.track;
      if (track < 0) {
        let bestD = maxDist;
        tracks.forEach((tr, t) => {
          if (tr.lastFrame === frame || usedTracks.has(t) || order.some((o) => o.track === t && hasTwo(o)))
            return;
          const d = meanDistance(tri.points, tr.points);
          if (d < bestD) {
            bestD = d;
            track = t;
          }
        });
      }
      let id: number;
      if (track >= 0) {
        const tr = tracks[track] as Track;
        tr.points = tri.points;
        tr.lastFrame = frame;
        usedTracks.add(track);
        id = tr.id;
      } else {
        id = nextId++;
        tracks.push({ id, points: tri.points, lastFrame: frame });
        usedTracks.add(tracks.length - 1);
      }
      people.push({ ...tri, id, detections: g.members, swapped });
    }
    frame++;
    return people.sort((a, b) => a.id - b.id);
  };

  return {
    step,
    reset() {
      tracks = [];
      nextId = 0;
      frame = 0;
    },
  };
}

function isLoneSeed(order: { track: number; members: Int32Array }[], view: number, d: number): boolean {
  return order.some(
    (o) => o.track === -1 && o.members[view] === d && o.members.filter((x) => x >= 0).length === 1,
  );
}

function releaseLoneSeed(order: { track: number; members: Int32Array }[], view: number, d: number): void {
  for (const o of order)
    if (o.track === -1 && o.members[view] === d && o.members.filter((x) => x >= 0).length === 1)
      o.members[view] = -1;
}

function hasTwo(o: { members: Int32Array }): boolean {
  return o.members.filter((d) => d >= 0).length >= 2;
}

/** The combination of swaps of a group (see sideCheck): few swaps unless more reproject clearly better. */
function pickMask(
  cost: Float64Array,
  near: Float64Array,
  m: number,
  gain: number,
  havePrior: boolean,
): number {
  const full = (1 << m) - 1;
  let min = Number.POSITIVE_INFINITY;
  for (const c of cost) min = Math.min(min, c);
  let best = 0;
  let bestFlips = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask <= full; mask++) {
    const flips = Math.min(popcount(mask), m - popcount(mask));
    if ((cost[mask] as number) <= min + gain && flips < bestFlips) {
      bestFlips = flips;
      best = mask;
    }
  }
  const other = full ^ best;
  if (havePrior) return (near[other] as number) < (near[best] as number) ? other : best;
  return popcount(other) < popcount(best) ? other : best;
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y; y &= y - 1) c++;
  return c;
}

function dist3(X: readonly number[], points: Float64Array, k: number): number {
  return Math.hypot(
    (X[0] as number) - (points[3 * k] as number),
    (X[1] as number) - (points[3 * k + 1] as number),
    (X[2] as number) - (points[3 * k + 2] as number),
  );
}

function meanDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  let c = 0;
  for (let k = 0; 3 * k < a.length; k++) {
    const d = dist3([a[3 * k] as number, a[3 * k + 1] as number, a[3 * k + 2] as number], b, k);
    if (Number.isFinite(d)) {
      s += d;
      c++;
    }
  }
  return c ? s / c : Number.POSITIVE_INFINITY;
}
