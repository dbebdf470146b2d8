// People across frames: one pass checks every frame and finds the tracks (ids, joints, visibility); a second
// fills per-track arrays for a window of rows (the whole recording, or one write window when streaming).
import type { FramePrediction } from "@neuropose/io";
import type { TypedFrame } from "./_typed-frame.js";

/** What the checking pass learned about the frames. */
export interface FrameScan {
  /** Frames seen. */
  n: number;
  /** Joints per person (-1 when nobody was detected). */
  joints: number;
  /** True when frames track people by `person_ids`. */
  useIds: boolean;
  /** True when any frame has `visibility`. */
  hasVis: boolean;
  /** True when any frame has `view_quality` (neuropose-infer's per-person view-quality score). */
  hasViewQuality: boolean;
  /** Track ids, ascending. */
  ids: number[];
}

/** Checks frames one by one (in file order) and collects what the tracks need; at most 20 issues. */
export class FrameScanner {
  private joints = -1;
  private anyIds = false;
  private anyVis = false;
  private anyViewQuality = false;
  private readonly byId = new Set<number>();
  private maxPersons = 0;
  private firstWithoutIds: string | undefined;
  private n = 0;

  constructor(private readonly issues: string[]) {}

  /** True once enough issues were found to stop looking. */
  get full(): boolean {
    return this.issues.length >= 20;
  }

  add(key: string, fr: TypedFrame): void {
    this.n++;
    if (this.full) return;
    const issues = this.issues;
    const p3s = fr.poses3d;
    const p2s = fr.poses2d;
    const persons = p3s.length;
    if (p2s.length !== persons)
      issues.push(`frames.${key}.poses2d: ${p2s.length} people but poses3d has ${persons}`);
    if (fr.visibility.present) this.anyVis = true;
    if (fr.viewQuality.present) this.anyViewQuality = true;
    const hasIds = fr.personIds.present;
    if (hasIds) this.anyIds = true;
    else if (persons > 0) this.firstWithoutIds ??= key;
    const seen = new Set<number>();
    for (let p = 0; p < persons; p++) {
      const j3 = p3s.size(0, p);
      const j2 = p < p2s.length ? p2s.size(0, p) : 0;
      if (this.joints < 0) this.joints = j3;
      const joints = this.joints;
      if (j3 !== joints || j2 !== joints) {
        issues.push(
          `frames.${key}.poses3d[${p}]: ${j3} joints (poses2d: ${j2}); every person needs ${joints}`,
        );
        continue;
      }
      if (hasIds) {
        const id = fr.personIds.values[p] as number;
        if (seen.has(id)) {
          issues.push(`frames.${key}.person_ids[${p}]: id ${id} appears twice in the frame`);
          continue;
        }
        seen.add(id);
        this.byId.add(id);
      }
      this.maxPersons = Math.max(this.maxPersons, p + 1);
      const g3 = p3s.first(0, p);
      const g2 = p2s.first(0, p);
      for (let j = 0; j < joints; j++) {
        const a = p3s.size(1, g3 + j);
        const b = p2s.size(1, g2 + j);
        if (a !== 3) issues.push(`frames.${key}.poses3d[${p}][${j}]: ${a} values, expected [x, y, z]`);
        if (b !== 2) issues.push(`frames.${key}.poses2d[${p}][${j}]: ${b} values, expected [x, y]`);
      }
    }
  }

  finish(): FrameScan {
    if (this.anyIds && this.firstWithoutIds !== undefined && !this.full)
      this.issues.push(
        `frames.${this.firstWithoutIds}.person_ids: missing (other frames track people by id)`,
      );
    const ids = this.anyIds
      ? [...this.byId].sort((a, b) => a - b)
      : Array.from({ length: this.maxPersons }, (_, p) => p);
    return {
      n: this.n,
      joints: this.joints,
      useIds: this.anyIds,
      hasVis: this.anyVis,
      hasViewQuality: this.anyViewQuality,
      ids,
    };
  }
}

/** One person's values for a window of rows (frames). */
export interface Track {
  id: number;
  image: Float32Array[];
  world: Float32Array[];
  visibility: Float32Array[] | undefined;
  /** Person detection score per frame (boxes[p][4]); used as confidence when there is no visibility. */
  score: Float32Array;
  /** View-quality score per frame (NaN where absent), when any frame has one. */
  viewQuality: Float32Array | undefined;
  /** 1 where the person was seen in the frame. */
  seen: Uint8Array;
}

/** Which coordinate sets are kept. */
export interface Include {
  image2d: boolean;
  world3d: boolean;
}

/** NaN-filled tracks for `rows` frames, one per id of the scan. */
export function newTracks(scan: FrameScan, rows: number, include: Include): Map<number, Track> {
  const tracks = new Map<number, Track>();
  const j = Math.max(0, scan.joints);
  for (const id of scan.ids) {
    const nan = (w: number) => () => new Float32Array(rows * w).fill(Number.NaN);
    tracks.set(id, {
      id,
      image: include.image2d ? Array.from({ length: j }, nan(2)) : [],
      world: include.world3d ? Array.from({ length: j }, nan(3)) : [],
      visibility: scan.hasVis ? Array.from({ length: j }, nan(1)) : undefined,
      score: new Float32Array(rows).fill(Number.NaN),
      viewQuality: scan.hasViewQuality ? new Float32Array(rows).fill(Number.NaN) : undefined,
      seen: new Uint8Array(rows),
    });
  }
  return tracks;
}

/** Reset tracks to "nobody seen" (NaN) for reuse with the next window. */
export function clearTracks(tracks: Map<number, Track>): void {
  for (const t of tracks.values()) {
    for (const a of t.image) a.fill(Number.NaN);
    for (const a of t.world) a.fill(Number.NaN);
    for (const a of t.visibility ?? []) a.fill(Number.NaN);
    t.score.fill(Number.NaN);
    t.viewQuality?.fill(Number.NaN);
    t.seen.fill(0);
  }
}

/** Copy one (checked) frame into row `i` of the tracks. */
export function fillFrame(
  tracks: Map<number, Track>,
  i: number,
  fr: FramePrediction,
  scan: FrameScan,
  include: Include,
): void {
  const joints = scan.joints;
  const persons = fr.poses3d.length;
  for (let p = 0; p < persons; p++) {
    const p3 = fr.poses3d[p] as number[][];
    const p2 = fr.poses2d[p] as number[][];
    const id = scan.useIds ? (fr.person_ids?.[p] ?? p) : p;
    const t = tracks.get(id);
    if (!t || t.seen[i]) continue;
    t.seen[i] = 1;
    const box = fr.boxes[p];
    if (box && box.length >= 5) t.score[i] = box[4] as number;
    const vq = fr.view_quality?.[p];
    if (t.viewQuality && vq !== undefined) t.viewQuality[i] = vq;
    for (let j = 0; j < joints; j++) {
      const a = p3[j] as number[];
      const b = p2[j] as number[];
      if (include.world3d) {
        const w = t.world[j] as Float32Array;
        w[i * 3] = a[0] as number;
        w[i * 3 + 1] = a[1] as number;
        w[i * 3 + 2] = a[2] as number;
      }
      if (include.image2d) {
        const im = t.image[j] as Float32Array;
        im[i * 2] = b[0] as number;
        im[i * 2 + 1] = b[1] as number;
      }
      if (t.visibility) {
        const v = fr.visibility?.[p]?.[j];
        if (v !== undefined) (t.visibility[j] as Float32Array)[i] = v;
      }
    }
  }
}
