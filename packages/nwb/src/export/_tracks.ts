// People across frames: one pass checks every frame and finds the tracks (ids, joints, visibility); a second
// fills per-track arrays for a window of rows (the whole recording, or one write window when streaming).
import type { FramePrediction } from "@neuropose/io";

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
  /** Track ids, ascending. */
  ids: number[];
}

/** Checks frames one by one (in file order) and collects what the tracks need; at most 20 issues. */
export class FrameScanner {
  private joints = -1;
  private anyIds = false;
  private anyVis = false;
  private readonly byId = new Set<number>();
  private maxPersons = 0;
  private firstWithoutIds: string | undefined;
  private n = 0;

  constructor(private readonly issues: string[]) {}

  /** True once enough issues were found to stop looking. */
  get full(): boolean {
    return this.issues.length >= 20;
  }

  add(key: string, fr: FramePrediction): void {
    this.n++;
    if (this.full) return;
    const issues = this.issues;
    const persons = fr.poses3d.length;
    if (fr.poses2d.length !== persons)
      issues.push(`frames.${key}.poses2d: ${fr.poses2d.length} people but poses3d has ${persons}`);
    if (fr.visibility !== undefined) this.anyVis = true;
    if (fr.person_ids !== undefined) this.anyIds = true;
    else if (persons > 0) this.firstWithoutIds ??= key;
    const seen = new Set<number>();
    for (let p = 0; p < persons; p++) {
      const p3 = fr.poses3d[p] ?? [];
      const p2 = fr.poses2d[p] ?? [];
      if (this.joints < 0) this.joints = p3.length;
      const joints = this.joints;
      if (p3.length !== joints || p2.length !== joints) {
        issues.push(
          `frames.${key}.poses3d[${p}]: ${p3.length} joints (poses2d: ${p2.length}); every person needs ${joints}`,
        );
        continue;
      }
      if (fr.person_ids !== undefined) {
        const id = fr.person_ids[p] ?? p;
        if (seen.has(id)) {
          issues.push(`frames.${key}.person_ids[${p}]: id ${id} appears twice in the frame`);
          continue;
        }
        seen.add(id);
        this.byId.add(id);
      }
      this.maxPersons = Math.max(this.maxPersons, p + 1);
      for (let j = 0; j < joints; j++) {
        const a = p3[j] as number[];
        const b = p2[j] as number[];
        if (a.length !== 3)
          issues.push(`frames.${key}.poses3d[${p}][${j}]: ${a.length} values, expected [x, y, z]`);
        if (b.length !== 2)
          issues.push(`frames.${key}.poses2d[${p}][${j}]: ${b.length} values, expected [x, y]`);
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
    return { n: this.n, joints: this.joints, useIds: this.anyIds, hasVis: this.anyVis, ids };
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
