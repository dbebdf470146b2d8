// Python's number semantics that the ported gait code mirrors (internal: not part of the package's API).

/**
 * Python's `round()` of a binary64 value to an integer: ties go to the even neighbour (2.5 → 2, 3.5 → 4),
 * applied to the exact binary value (0.14 * 25 = 3.5000000000000004 → 4).
 *
 * [roundHalfEven(0.5), roundHalfEven(1.5), roundHalfEven(2.5), roundHalfEven(-2.5)]; // [0, 2, 2, -2]
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f; // exact for |x| < 2^52
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Python's repr of a float (`0.0`, `29.97`, `nan`, `inf`), for messages that mirror the original's.
 *
 * pyFloat(0); // "0.0"
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}
