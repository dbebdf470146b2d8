// Numeric building blocks shared by every schema. JSON has no NaN / Infinity: NeuroPose writes them as the
// strings "NaN", "Infinity", "-Infinity" (see json.ts), and parseJson turns the bare tokens Python writes into
// numbers. So every float field accepts a number (finite or not) or one of those three strings.
import { z } from "zod";

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

/** Marker put in `.meta()` of float schemas so JSON-Schema generation can describe them. */
export const FLOAT_META = { neuroposeFloat: true } as const;

/**
 * A float as stored on disk: any JSON number, the JavaScript NaN / +-Infinity (from parseJson), or the strings
 * "NaN" / "Infinity" / "-Infinity", always yielding a number.
 */
export function float() {
  return z
    .union(
      [
        z.number(),
        z.nan(),
        z.literal([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
        // A literal union, not z.enum: z.enum's declared type is an object keyed by the names, and TypeScript
        // emits the key "-Infinity" as the computed key `[-Infinity]` in .d.ts files, which consumers compiling
        // with skipLibCheck:false reject (TS1170). The release rehearsal type-checks this.
        z.literal(["NaN", "Infinity", "-Infinity"]).transform((s) => NON_FINITE[s] as number),
      ],
      { error: "expected number" },
    )
    .meta(FLOAT_META);
}

/** A finite number >= 0 (pydantic `Field(ge=0)` on a float; NaN and infinities rejected). */
export function nonNegative() {
  return z.number({ error: "expected number" }).gte(0, { error: "must be >= 0" });
}

/** An integer >= 0. */
export function count() {
  return z.int({ error: "expected integer" }).gte(0, { error: "must be >= 0" });
}

/** A float in [0, 1] (NaN allowed: a value the model did not produce). */
export function unitInterval() {
  return float().refine((v) => Number.isNaN(v) || (v >= 0 && v <= 1), {
    error: "must be in [0, 1]",
    params: { pydantic: "less_than_equal" },
  });
}

/**
 * The `schema_version` field of a versioned document: the current version, filled in when absent (older files
 * are migrated to it before they are validated).
 */
export function schemaVersion<V extends number>(current: V) {
  return z.literal(current).default(current).describe("Format version; older files are migrated on read.");
}
