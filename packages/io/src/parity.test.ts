// Parity with the original (Python NeuroPose) on the io-related ops of ../shared/fixtures/neuropose-parity:
// `migrate`, `validate_video_predictions`, the pydantic validation of extractor specs / segments / segmentation
// configs, and every VideoPredictions / Segmentation the fixtures embed.
import { expect, it } from "vitest";
import {
  isExpectedError as isError,
  loadCases,
  type PydanticErrorItem,
  paritySuite,
  thrown,
} from "../../../config/parity.js";
import {
  ExtractorSpecSchema,
  FutureSchemaError,
  MigrationError,
  MigrationNotFoundError,
  migrate,
  migrateAndValidate,
  SegmentationConfigSchema,
  SegmentationSchema,
  SegmentSchema,
  ValidationError,
  type ValidationIssue,
  validateWith,
} from "./index.js";

const ERROR_CLASSES: Record<string, new (...args: never[]) => Error> = {
  MigrationError,
  FutureSchemaError,
  MigrationNotFoundError,
  ValidationError,
};

/** Each pydantic error (loc, type) must appear among our issues (path, type). */
function expectIssues(ours: ValidationIssue[], theirs: PydanticErrorItem[]): void {
  for (const t of theirs) {
    expect(ours, `expected an issue ${t.type} at ${JSON.stringify(t.loc)}`).toContainEqual(
      expect.objectContaining({ path: t.loc, type: t.type }),
    );
  }
}

// Deliberate differences of this port (documented in README "Differences from the original"):
// - v3 is current here, so a v3 payload is not "from the future";
// - a JSON `true` is not a version (Python accepts it because bool is an int).
const NOW_CURRENT = new Set([
  "migrate/video_predictions/error/future_v3",
  "migrate/benchmark_result/error/future",
]);
const BOOL_QUIRK = "migrate/video_predictions/quirk/bool_true";
// v3 Provenance: the original's Python fields are optional, the runtime fields required.
const V3_PROVENANCE_OPTIONAL = new Set(["tensorflow_version", "numpy_version", "python_version"]);

paritySuite("parity with the original NeuroPose (io)", () => {
  const cases = loadCases();
  const byOp = (op: string) => cases.filter((c) => c.op === op);

  it("has the io ops", () => {
    expect(byOp("migrate")).toHaveLength(21);
    expect(byOp("validate_video_predictions")).toHaveLength(11);
  });

  it.each(byOp("migrate").map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const schema = c.args.schema as
      | "video_predictions"
      | "benchmark_result"
      | "analysis_report"
      | "job_results";
    if (NOW_CURRENT.has(c.id)) {
      expect(migrate(schema, c.args.payload)).toEqual(c.args.payload);
      return;
    }
    if (c.id === BOOL_QUIRK) {
      expect(thrown(() => migrate(schema, c.args.payload))).toBeInstanceOf(MigrationError);
      return;
    }
    if (isError(c.expected)) {
      const err = thrown(() => migrate(schema, c.args.payload));
      const cls = ERROR_CLASSES[c.expected.error_type];
      expect(cls, c.expected.error_type).toBeDefined();
      expect(err).toBeInstanceOf(cls as new () => Error);
      if (c.expected.error_type === "FutureSchemaError") {
        expect((err as Error).message).toMatch(
          /declares schema_version \d+, which is newer than this build's CURRENT_VERSION \(\d\)\. Upgrade NeuroPose\.$/,
        );
      } else if (c.expected.error_type === "MigrationNotFoundError") {
        expect((err as Error).message).toBe(c.expected.error);
      } else {
        expect((err as Error).message).toMatch(
          /payload has invalid schema_version .+; must be an integer >= 1$/,
        );
      }
      return;
    }
    // The original stops at v2; we go on to v3. Our v1->v2 must equal theirs, i.e. both reach the same v3.
    const before = structuredClone(c.args.payload);
    const ours = migrate(schema, c.args.payload);
    expect(ours).toEqual(migrate(schema, c.expected));
    expect(c.args.payload).toEqual(before); // the input is not mutated
  });

  it.each(byOp("validate_video_predictions").map((c) => [c.id, c] as const))("%s", (_id, c) => {
    if (isError(c.expected)) {
      const err = thrown(() => migrateAndValidate("video_predictions", c.args.payload, { source: "p.json" }));
      const cls = ERROR_CLASSES[c.expected.error_type];
      expect(err).toBeInstanceOf(cls as new () => Error);
      if (err instanceof ValidationError) {
        const theirs = (c.expected.errors ?? []).filter(
          (e) => !(e.loc[0] === "provenance" && V3_PROVENANCE_OPTIONAL.has(String(e.loc[1]))),
        );
        expect(theirs.length).toBeGreaterThan(0);
        expectIssues(err.issues, theirs);
        expect(err.message.startsWith("p.json: ")).toBe(true);
        if (c.id.endsWith("bad_provenance")) {
          // What v3 adds: the runtime version (copied from tensorflow_version, absent here).
          expect(err.issues.map((i) => i.jsonPath).sort()).toEqual([
            "provenance.model_filename",
            "provenance.neuropose_version",
            "provenance.runtime_version",
          ]);
        } else {
          expect(err.issues).toHaveLength(theirs.length);
        }
      }
      return;
    }
    const ours = migrateAndValidate("video_predictions", c.args.payload);
    expect(ours.schema_version).toBe(3);
    expect(ours).toEqual(migrateAndValidate("video_predictions", c.expected));
  });

  it("validates extractor specs like the original (extract_signal cases)", () => {
    let checked = 0;
    for (const c of byOp("extract_signal")) {
      const spec = c.args.spec as { kind?: string };
      if (isError(c.expected) && c.expected.error_type === "ValidationError") {
        const err = thrown(() => validateWith(ExtractorSpecSchema, spec));
        expect(err, c.id).toBeInstanceOf(ValidationError);
        // pydantic puts the union tag first in loc; our paths are relative to the spec object.
        const theirs = (c.expected.errors ?? []).map((e) => ({
          type: e.type,
          loc: e.loc[0] === spec.kind ? e.loc.slice(1) : e.loc,
        }));
        expectIssues((err as ValidationError).issues, theirs);
        checked++;
      } else {
        expect(() => validateWith(ExtractorSpecSchema, spec), c.id).not.toThrow();
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("validates segmentation configs and segments like the original", () => {
    let checked = 0;
    for (const c of [...byOp("segment_predictions"), ...byOp("slice_predictions")]) {
      if (!isError(c.expected) || c.expected.error_type !== "ValidationError") continue;
      const title = c.expected.error.split("\n")[0] ?? "";
      let err: unknown;
      if (title.endsWith("for SegmentationConfig")) {
        const { predictions: _p, ...config } = c.args;
        err = thrown(() => validateWith(SegmentationConfigSchema, config));
      } else if (title.endsWith("for Segment")) {
        const segs = c.args.segments as unknown[];
        err = segs.map((s) => thrown(() => validateWith(SegmentSchema, s))).find((e) => e !== undefined);
      } else {
        const spec = c.args.extractor as { kind?: string };
        err = thrown(() => validateWith(ExtractorSpecSchema, spec));
        const theirs = (c.expected.errors ?? []).map((e) => ({
          type: e.type,
          loc: e.loc[0] === spec.kind ? e.loc.slice(1) : e.loc,
        }));
        expect(err).toBeInstanceOf(ValidationError);
        expectIssues((err as ValidationError).issues, theirs);
        checked++;
        continue;
      }
      expect(err, c.id).toBeInstanceOf(ValidationError);
      expectIssues((err as ValidationError).issues, c.expected.errors ?? []);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("loads every VideoPredictions and Segmentation the fixtures embed", () => {
    let preds = 0;
    let segs = 0;
    for (const c of cases) {
      const p = c.args.predictions;
      if (p) {
        const v = migrateAndValidate("video_predictions", p);
        expect(v.metadata.skeleton).toBe("berkeley_mhad_43");
        preds++;
      }
      if (isError(c.expected)) continue;
      if (c.op === "slice_predictions") {
        for (const out of c.expected as unknown[]) migrateAndValidate("video_predictions", out);
      }
      if (c.op === "segment_predictions" || c.op === "segment_gait_cycles") {
        validateWith(SegmentationSchema, c.expected);
        segs++;
      }
      if (c.op === "segment_gait_cycles_bilateral") {
        for (const s of Object.values(c.expected as Record<string, unknown>))
          validateWith(SegmentationSchema, s);
        segs++;
      }
    }
    expect(preds).toBeGreaterThan(100);
    expect(segs).toBeGreaterThan(90);
  });
});
