// A per-subject skeleton model: each bone's length estimated once from the frames where both of its joints were
// triangulated confidently (median), then each frame's 3D pulled onto those lengths with the least movement,
// the less certain joint (larger reprojection error) moving more. Hand-written: our science (which frames count
// as confident, how the correction is shared), a few multiply-adds per bone.

/** Options of {@link estimateBoneLengths}. */
export interface BoneLengthOptions {
  /** A joint counts when its reprojection error is at most this, pixels. Default 10. */
  maxErrorPx?: number | undefined;
  /** ... and at least this many views triangulated it. Default 2. */
  minViews?: number | undefined;
  /** A bone needs at least this many confident frames, else its length is NaN (not constrained). Default 10. */
  minFrames?: number | undefined;
}

/** One frame of one person: K × 3 points (NaN where not triangulated), K errors (pixels), K view masks. */
export interface PersonFrame {
  points: Float64Array;
  errorPx: ArrayLike<number>;
  views: ArrayLike<number>;
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y; y &= y - 1) c++;
  return c;
}

function length(p: Float64Array, a: number, b: number): number {
  return Math.hypot(
    (p[3 * a] as number) - (p[3 * b] as number),
    (p[3 * a + 1] as number) - (p[3 * b + 1] as number),
    (p[3 * a + 2] as number) - (p[3 * b + 2] as number),
  );
}

/**
 * Each bone's length for one person: the median over the frames where both joints were triangulated
 * confidently (error ≤ `maxErrorPx`, ≥ `minViews` views); NaN for a bone with fewer than `minFrames` such frames.
 *
 * @example
 * ```ts
 * import { estimateBoneLengths } from "@neuropose/multiview";
 * const frame = (d: number) => ({ points: new Float64Array([0, 0, 0, d, 0, 0]), errorPx: [1, 1], views: [7, 7] });
 * const lengths = estimateBoneLengths([0.40, 0.42, 0.41].map(frame), [[0, 1]], { minFrames: 3 });
 * console.log(lengths[0]); // 0.41
 * ```
 */
export function estimateBoneLengths(
  frames: readonly PersonFrame[],
  bones: readonly (readonly [number, number])[],
  options: BoneLengthOptions = {},
): Float64Array {
  const maxErr = options.maxErrorPx ?? 10;
  const minViews = options.minViews ?? 2;
  const minFrames = options.minFrames ?? 10;
  const ok = (f: PersonFrame, k: number) =>
    (f.errorPx[k] as number) <= maxErr && popcount(f.views[k] as number) >= minViews;
  return Float64Array.from(bones, ([a, b]) => {
    const xs: number[] = [];
    for (const f of frames) {
      if (!ok(f, a) || !ok(f, b)) continue;
      const d = length(f.points, a, b);
      if (Number.isFinite(d)) xs.push(d);
    }
    if (xs.length < minFrames) return Number.NaN;
    xs.sort((x, y) => x - y);
    const m = xs.length >> 1;
    return xs.length % 2 ? (xs[m] as number) : ((xs[m - 1] as number) + (xs[m] as number)) / 2;
  });
}

/**
 * One frame's 3D pulled onto the person's bone lengths: each bone in turn (a few sweeps over the skeleton)
 * is set to its length by moving its two joints along the bone, each by a share proportional to its squared
 * reprojection error (the better-seen joint moves less). Joints not triangulated and bones of unknown length
 * are left alone. Returns a new array.
 *
 * @example
 * ```ts
 * import { constrainBones } from "@neuropose/multiview";
 * const p = constrainBones(new Float64Array([0, 0, 0, 0.5, 0, 0]), [1, 1], [[0, 1]], Float64Array.of(0.4));
 * console.log(Array.from(p).map((v) => +v.toFixed(3))); // [0.05, 0, 0, 0.45, 0, 0]
 * ```
 */
export function constrainBones(
  points: Float64Array,
  errorPx: ArrayLike<number>,
  bones: readonly (readonly [number, number])[],
  lengths: Float64Array,
  sweeps = 10,
): Float64Array {
  const p = Float64Array.from(points);
  const w = (k: number) => {
    const e = errorPx[k] as number;
    return Number.isFinite(e) ? Math.max(e, 0.5) ** 2 : 1;
  };
  for (let s = 0; s < sweeps; s++)
    bones.forEach(([a, b], j) => {
      const L = lengths[j] as number;
      if (!Number.isFinite(L)) return;
      const d = length(p, a, b);
      if (!(d > 1e-9)) return;
      const wa = w(a);
      const wb = w(b);
      const f = (d - L) / d;
      for (let i = 0; i < 3; i++) {
        const delta = ((p[3 * b + i] as number) - (p[3 * a + i] as number)) * f;
        p[3 * a + i] = (p[3 * a + i] as number) + (delta * wa) / (wa + wb);
        p[3 * b + i] = (p[3 * b + i] as number) - (delta * wb) / (wa + wb);
      }
    });
  return p;
}
