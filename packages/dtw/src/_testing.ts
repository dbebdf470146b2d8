// Test helper (not part of the public API).

/** The `code` of what `f` throws (undefined for an error without one), or "no error" when it returns. */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return "no error";
}
