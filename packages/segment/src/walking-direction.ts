// The walking direction of stride_zeni_v1, shared with @neuropose/gait: the moving average of the unit
// horizontal foot vectors (toe − heel) of both feet, and gap filling of per-frame signals. Hand-written loops
// over typed arrays (our speed: an hour of 30 fps pose in a few milliseconds).
import { roundHalfEven } from "./_python.js";

/**
 * Linear interpolation over NaN runs, in place (edges: the nearest finite value); an all-NaN series stays NaN.
 *
 * @example
 * ```ts
 * import { fillGaps } from "@neuropose/segment";
 * Array.from(fillGaps(Float64Array.from([NaN, 1, NaN, 3, NaN]))); // [1, 1, 2, 3, 3]
 * ```
 */
export function fillGaps(x: Float64Array): Float64Array {
  const n = x.length;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) continue;
    if (prev < 0) {
      for (let k = 0; k < i; k++) x[k] = x[i];
    } else if (i - prev > 1) {
      for (let k = prev + 1; k < i; k++) x[k] = x[prev] + ((x[i] - x[prev]) * (k - prev)) / (i - prev);
    }
    prev = i;
  }
  if (prev >= 0) for (let k = prev + 1; k < n; k++) x[k] = x[prev];
  return x;
}

/** Per-frame walking direction (unit, horizontal) and its steadiness; see {@link walkingDirection}. */
export interface WalkingDirection {
  dirX: Float64Array;
  dirZ: Float64Array;
  /** In [0, 1]: 1 = every foot vector in the window points the same way; 0 where the window has none. */
  steadiness: Float64Array;
}

/**
 * Walking direction per frame: the moving average over ±round(windowSeconds·fps/2) frames (half to even, at
 * least 1) of per-frame sums of unit horizontal foot vectors (`ux`, `uz`, with `uw` the number of vectors summed
 * in that frame, 0..2), normalised; frames whose window holds no vector get the neighbours' direction (linear
 * fill). Steadiness is |sum| / count: 1 when all feet point the same way through the window.
 *
 * @example
 * ```ts
 * import { walkingDirection } from "@neuropose/segment";
 * const n = 4;
 * const w = walkingDirection(new Float64Array(n).fill(2), new Float64Array(n), new Float64Array(n).fill(2), 30, 1);
 * [w.dirX[0], w.dirZ[0], w.steadiness[0]]; // [1, 0, 1]
 * ```
 */
export function walkingDirection(
  ux: Float64Array,
  uz: Float64Array,
  uw: Float64Array,
  fps: number,
  windowSeconds = 1.0,
): WalkingDirection {
  const n = ux.length;
  const half = Math.max(1, roundHalfEven((windowSeconds * fps) / 2));
  const dirX = new Float64Array(n);
  const dirZ = new Float64Array(n);
  const steadiness = new Float64Array(n);
  let cx = 0;
  let cz = 0;
  let cw = 0;
  let lo = 0;
  let hi = -1;
  for (let f = 0; f < n; f++) {
    const wantHi = Math.min(n - 1, f + half);
    const wantLo = Math.max(0, f - half);
    while (hi < wantHi) {
      hi++;
      cx += ux[hi];
      cz += uz[hi];
      cw += uw[hi];
    }
    while (lo < wantLo) {
      cx -= ux[lo];
      cz -= uz[lo];
      cw -= uw[lo];
      lo++;
    }
    const len = Math.sqrt(cx * cx + cz * cz);
    if (cw > 0 && len > 0) {
      dirX[f] = cx / len;
      dirZ[f] = cz / len;
      steadiness[f] = Math.min(1, len / cw);
    } else {
      dirX[f] = Number.NaN;
      dirZ[f] = Number.NaN;
    }
  }
  fillGaps(dirX);
  fillGaps(dirZ);
  return { dirX, dirZ, steadiness };
}
