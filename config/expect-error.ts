// Test helper: the error a call must fail with, checked to be of the given class and returned for the test's own
// assertions (code, path, hint, message). Import it relatively, e.g. `../../../config/expect-error.js`.
import { expect } from "vitest";

/**
 * Awaits `p` (a promise, or a function that throws or returns one) and returns what it threw, asserting that
 * it is a `type`; fails when nothing was thrown.
 */
export async function caught<E extends Error>(
  // biome-ignore lint/suspicious/noExplicitAny: any error class, whatever its constructor takes
  type: abstract new (...args: any[]) => E,
  p: Promise<unknown> | (() => unknown),
): Promise<E> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error(`expected a ${type.name}`);
}
