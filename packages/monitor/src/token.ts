import { createHash, timingSafeEqual } from "node:crypto";

/**
 * True when `given` equals `expected`, compared in constant time (both are hashed first, so neither the
 * content nor the length of the token leaks through timing).
 *
 * @example
 * ```ts
 * import { tokenMatches } from "@neuropose/monitor";
 * console.log(tokenMatches("s3cret", "s3cret"), tokenMatches("s3cret", "guess")); // true false
 * ```
 */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash("sha256").update(expected, "utf8").digest();
  const b = createHash("sha256").update(given, "utf8").digest();
  return timingSafeEqual(a, b);
}

/**
 * True for an address only this machine can reach (127.0.0.0/8, ::1, localhost).
 *
 * @example
 * ```ts
 * import { isLoopback } from "@neuropose/monitor";
 * console.log(isLoopback("127.0.0.1"), isLoopback("0.0.0.0")); // true false
 * ```
 */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
