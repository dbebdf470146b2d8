// Multi-person identity: each frame's candidate poses are associated to the known tracks globally (one optimal
// assignment for the whole frame, Hungarian algorithm from the `munkres` package) on box IoU + keypoint similarity,
// gated by centre distance relative to body size; duplicates of one person are merged first, so one person never
// has two ids in a frame; lost tracks keep their id for `timeoutSeconds`, then are retired.
import { munkres } from "munkres";

/** One person's pose as the tracker sees it: a box, 2D keypoints (pixels) and their visibility. */
export interface TrackPose {
  /** x, y, width, height (pixels). */
  box: readonly [number, number, number, number];
  keypoints: readonly (readonly number[])[];
  visibility: readonly number[];
  /** Pose presence (0..1): the more confident of two duplicates is kept. */
  score: number;
  /** The id of the track whose ROI produced this candidate (undefined for a fresh detection). */
  fromTrack?: number | undefined;
}

/** Options of {@link PoseTracker}. */
export interface PoseTrackerOptions {
  maxPeople: number;
  /** Seconds a lost track keeps its id (default 2). */
  timeoutSeconds?: number;
  /** Largest centre distance, in body sizes, at which a pose may continue a track seen in the previous frame. */
  gate?: number;
  /** The same for a lost track (seen longer ago) and for the pose produced from a track's own ROI. */
  gateLost?: number;
}

interface Track {
  id: number;
  pose: TrackPose;
  lastTime: number;
  active: boolean;
}

const TORSO = [11, 12, 23, 24];

/** Body size: the square root of the box area (pixels); never 0. */
export function bodySize(p: TrackPose): number {
  return Math.max(1, Math.sqrt(Math.max(0, p.box[2]) * Math.max(0, p.box[3])));
}

function centre(p: TrackPose): [number, number] {
  return [p.box[0] + p.box[2] / 2, p.box[1] + p.box[3] / 2];
}

/** Intersection over union of two boxes. */
export function boxIou(a: TrackPose["box"], b: TrackPose["box"]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** Intersection over the smaller box (1 when one box lies inside the other). */
function overlapSmall(a: TrackPose["box"], b: TrackPose["box"]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const small = Math.min(a[2] * a[3], b[2] * b[3]);
  return small > 0 ? inter / small : 0;
}

/**
 * Keypoint similarity in [0, 1] (COCO's OKS form): the mean over keypoints visible in both poses of
 * exp(-d² / (2 (0.1·s)²)), d the keypoint distance and s the body size of `a`. 0 when none is visible in both.
 */
export function keypointSimilarity(a: TrackPose, b: TrackPose, minVisibility = 0.3): number {
  const s = 0.1 * bodySize(a);
  const k = 1 / (2 * s * s);
  let sum = 0;
  let n = 0;
  const J = Math.min(a.keypoints.length, b.keypoints.length);
  for (let j = 0; j < J; j++) {
    if ((a.visibility[j] ?? 1) < minVisibility || (b.visibility[j] ?? 1) < minVisibility) continue;
    const pa = a.keypoints[j]!;
    const pb = b.keypoints[j]!;
    const d2 = (pa[0]! - pb[0]!) ** 2 + (pa[1]! - pb[1]!) ** 2;
    sum += Math.exp(-d2 * k);
    n++;
  }
  return n > 0 ? sum / n : 0;
}

/** Mean distance of the torso keypoints (shoulders, hips) of two poses, in body sizes of `a`. */
function torsoDistance(a: TrackPose, b: TrackPose): number {
  let sum = 0;
  let n = 0;
  for (const j of TORSO) {
    const pa = a.keypoints[j];
    const pb = b.keypoints[j];
    if (!pa || !pb) continue;
    sum += Math.hypot(pa[0]! - pb[0]!, pa[1]! - pb[1]!);
    n++;
  }
  return n > 0 ? sum / n / bodySize(a) : Number.POSITIVE_INFINITY;
}

/**
 * Two candidate poses of one frame are the same person when their boxes mostly overlap or their torsos
 * coincide (a second ROI that slid onto a person already found).
 */
export function samePerson(a: TrackPose, b: TrackPose): boolean {
  return (
    boxIou(a.box, b.box) > 0.5 ||
    overlapSmall(a.box, b.box) > 0.8 ||
    torsoDistance(a, b) < 0.15 ||
    keypointSimilarity(a, b) > 0.5
  );
}

const INFEASIBLE = 1e6;

/**
 * Stable person ids across frames. `update` takes every candidate pose of a frame and returns, for each kept
 * candidate, its id; duplicates are dropped, so ids are unique within a frame.
 */
export class PoseTracker {
  private tracks: Track[] = [];
  private nextId = 0;
  private readonly timeout: number;
  private readonly gate: number;
  private readonly gateLost: number;
  constructor(private readonly options: PoseTrackerOptions) {
    this.timeout = options.timeoutSeconds ?? 2;
    this.gate = options.gate ?? 0.6;
    this.gateLost = options.gateLost ?? 1.0;
  }

  /** Ids of the tracks followed in the last frame. */
  get activeIds(): number[] {
    return this.tracks.filter((t) => t.active).map((t) => t.id);
  }

  /** Ids of every track not yet retired (followed or lost). */
  get knownIds(): number[] {
    return this.tracks.map((t) => t.id);
  }

  reset(): void {
    this.tracks = [];
    this.nextId = 0;
  }

  /** Drops duplicate candidates (one person, two poses): the one with the higher score is kept. */
  dedupe<T extends TrackPose>(candidates: readonly T[]): T[] {
    const order = candidates.map((_, i) => i).sort((i, j) => candidates[j]!.score - candidates[i]!.score);
    const kept: T[] = [];
    for (const i of order) {
      const c = candidates[i]!;
      if (!kept.some((k) => samePerson(k, c))) kept.push(c);
    }
    return kept;
  }

  private cost(t: Track, c: TrackPose, time: number): number {
    const s = bodySize(t.pose);
    const [tx, ty] = centre(t.pose);
    const [cx, cy] = centre(c);
    const d = Math.hypot(tx - cx, ty - cy) / s;
    // a track seen in the previous frame may move little; a lost one (or the pose found from the track's own
    // ROI) a little more, never across the picture
    const gate = t.active && c.fromTrack !== t.id ? this.gate : this.gateLost;
    const sizeRatio = bodySize(c) / s;
    if (d > gate || sizeRatio > 2 || sizeRatio < 0.5) return INFEASIBLE;
    const sim = 0.5 * boxIou(t.pose.box, c.box) + 0.5 * keypointSimilarity(t.pose, c);
    const age = Math.max(0, time - t.lastTime);
    return 1 - sim + 0.25 * d + (t.active ? 0 : 0.2 + 0.1 * Math.min(age, this.timeout));
  }

  /**
   * Associates this frame's candidates (already deduplicated, see {@link dedupe}) to tracks and returns the id of
   * each candidate kept (undefined for one dropped because `maxPeople` are already present).
   */
  update(candidates: readonly TrackPose[], time: number): (number | undefined)[] {
    // retire tracks lost for longer than the timeout
    this.tracks = this.tracks.filter((t) => t.active || time - t.lastTime <= this.timeout);
    const ids: (number | undefined)[] = candidates.map(() => undefined);
    if (this.tracks.length > 0 && candidates.length > 0) {
      const m = this.tracks.map((t) => candidates.map((c) => this.cost(t, c, time)));
      for (const [r, c] of munkres(m)) {
        if ((m[r]![c] as number) >= INFEASIBLE) continue;
        ids[c] = this.tracks[r]!.id;
      }
    }
    // never more than maxPeople: drop the weakest matches (lost tracks matched together with active ones)
    const matched = ids.map((id, i) => [id, i] as const).filter(([id]) => id !== undefined);
    if (matched.length > this.options.maxPeople) {
      const costOf = (i: number) => {
        const r = this.tracks.findIndex((t) => t.id === ids[i]);
        return this.cost(this.tracks[r]!, candidates[i]!, time);
      };
      matched.sort((a, b) => costOf(a[1]) - costOf(b[1]));
      for (const [, i] of matched.slice(this.options.maxPeople)) ids[i] = undefined;
    }
    let present = ids.filter((v) => v !== undefined).length;
    // new people, most confident first, up to maxPeople in the frame
    const fresh = candidates
      .map((c, i) => [c, i] as const)
      .filter(([, i]) => ids[i] === undefined)
      .sort((a, b) => b[0].score - a[0].score);
    for (const [c, i] of fresh) {
      if (present >= this.options.maxPeople) break;
      const t: Track = { id: this.nextId++, pose: c, lastTime: time, active: true };
      this.tracks.push(t);
      ids[i] = t.id;
      present++;
    }
    const byId = new Map(this.tracks.map((t) => [t.id, t]));
    for (const [i, id] of ids.entries()) {
      if (id === undefined) continue;
      const t = byId.get(id)!;
      t.pose = candidates[i]!;
      t.lastTime = time;
    }
    const seen = new Set(ids);
    for (const t of this.tracks) t.active = seen.has(t.id);
    return ids;
  }
}
