// Parity with the original Python NeuroPose (scipy.signal.find_peaks and analyzer/segment.py), case by
// case, from ../shared/fixtures/neuropose-parity/cases.json (see its README for formats and tolerances).
import * as io from "@neuropose/io";
import { expect, it } from "vitest";
import {
  compare,
  decode,
  type ErrorRule,
  EXACT,
  type ExpectedError,
  isExpectedError,
  opParitySuite,
  type ParityCase,
  type Tolerance,
} from "../../../config/parity.js";
import {
  findPeaks,
  type SegmentablePredictions,
  segmentByPeaks,
  segmentGaitCycles,
  segmentGaitCyclesBilateral,
  segmentPredictions,
  slicePredictions,
} from "./index.js";

const OPS = [
  "find_peaks",
  "segment_by_peaks",
  "segment_predictions",
  "segment_gait_cycles",
  "segment_gait_cycles_bilateral",
  "slice_predictions",
] as const;

/**
 * Cases whose fixture note says "does NOT match a stable argsort": scipy's distance filter visits equal-height
 * peaks in `np.argsort` order, which numpy 2.x computes with an unstable SIMD sort (x86-simd-sort on AVX-512
 * here). Our default is the documented stable order (among equal heights the right-most peak first); these
 * cases run with `tieOrder: "numpy_avx512"`, our emulation of numpy's order, and must match exactly too.
 */
function platformDependent(c: ParityCase): boolean {
  return c.note?.includes("does NOT match a stable argsort") ?? false;
}

/** Expected error code of our port for each Python error (class + message prefix), first match wins. */
const ERROR_CODES: ErrorRule[] = [
  { type: "KeyError", code: "E_JOINT_UNKNOWN" },
  { type: "ValidationError", code: "E_SCHEMA" },
  { type: "ValueError", message: "`distance` must be", code: "E_PEAK_DISTANCE" },
  { type: "ValueError", message: "`x` must be a 1-D array", code: "E_NOT_1D" },
  { type: "ValueError", message: "expected 1D array", code: "E_NOT_1D" },
  { type: "ValueError", message: "pad must be non-negative", code: "E_PAD_NEGATIVE" },
  { type: "ValueError", message: "cannot convert seconds to frames", code: "E_FPS_ZERO" },
  { type: "ValueError", message: /person_index=\d+ is out of range/, code: "E_PERSON_INDEX" },
  { type: "ValueError", message: "joint index", code: "E_JOINT_RANGE" },
  { type: "ValueError", message: "axis must be one of", code: "E_BAD_AXIS" },
  { type: "ValueError", message: /^segment \d+ end=\d+ exceeds frame count/, code: "E_SEGMENT_RANGE" },
];

/** Python's messages are reproduced word for word, except a few that embed Python reprs. */
function messageMatches(e: ExpectedError, got: Error): boolean {
  if (e.error_type === "ValidationError" || e.error_type === "KeyError") return true; // checked structurally
  return got.message === e.error;
}

/** pydantic `loc` of a tagged-union member starts with the tag; io reports paths inside the member. */
function locOf(err: { loc: (string | number)[]; input?: unknown }, kinds: readonly string[]): string {
  const loc = [...err.loc];
  if (loc.length > 0 && typeof loc[0] === "string" && kinds.includes(loc[0])) loc.shift();
  return loc.join(".");
}

const KINDS = ["joint_axis", "joint_pair_distance", "joint_speed", "joint_angle"];

type TieOrder = "stable" | "numpy_avx512";

function runOp(
  c: ParityCase,
  tieOrder: TieOrder = platformDependent(c) ? "numpy_avx512" : "stable",
): unknown {
  const a = decode<Record<string, unknown>>(c.args);
  // Predictions as loaded by a user: migrated (v2 -> current) and validated by @neuropose/io. Slicing gets the
  // raw v2 document instead, so that its output can be compared key for key with the original's v2 dumps.
  const preds = (
    a.predictions && c.op !== "slice_predictions"
      ? io.migrateAndValidate("video_predictions", a.predictions)
      : a.predictions
  ) as SegmentablePredictions;
  switch (c.op) {
    case "find_peaks":
      return findPeaks(a.values as number[], { ...(a.kwargs as Record<string, number>), tieOrder });
    case "segment_by_peaks":
      return segmentByPeaks(a.signal as number[], {
        minDistance: a.min_distance as number | null | undefined,
        minProminence: a.min_prominence as number | null | undefined,
        minHeight: a.min_height as number | null | undefined,
        pad: (a.pad as number | undefined) ?? 0,
        tieOrder,
      });
    case "segment_predictions":
      return segmentPredictions(preds, a.extractor as io.ExtractorSpecInput, {
        personIndex: (a.person_index as number | undefined) ?? 0,
        minDistanceSeconds: a.min_distance_seconds as number | null | undefined,
        minProminence: a.min_prominence as number | null | undefined,
        minHeight: a.min_height as number | null | undefined,
        padSeconds: (a.pad_seconds as number | undefined) ?? 0,
      });
    case "segment_gait_cycles":
      return segmentGaitCycles(preds, {
        joint: a.joint as string | undefined,
        axis: a.axis as string | undefined,
        invert: a.invert as boolean | undefined,
        minCycleSeconds: a.min_cycle_seconds as number | undefined,
        minProminence: a.min_prominence as number | null | undefined,
      });
    case "segment_gait_cycles_bilateral":
      return segmentGaitCyclesBilateral(preds, {
        axis: a.axis as string | undefined,
        invert: a.invert as boolean | undefined,
        minCycleSeconds: a.min_cycle_seconds as number | undefined,
        minProminence: a.min_prominence as number | null | undefined,
      });
    case "slice_predictions":
      return slicePredictions(
        a.predictions as { metadata: { frame_count: number }; frames: Record<string, unknown> },
        a.segments as io.Segment[],
      );
    default:
      throw new Error(`no runner for ${c.op}`);
  }
}

function tolerance(_c: ParityCase): (path: string) => Tolerance {
  // Peak heights and prominences are single subtractions of input values: relative 1e-9 is generous.
  return (path) => (/peak_heights|prominences/.test(path) ? { rel: 1e-9, abs: 0 } : EXACT);
}

opParitySuite({
  name: "parity with the original NeuroPose (segment ops)",
  ops: OPS,
  coverageTitle: "has cases of every segment op; the platform-dependent ones (from the notes) are peak cases",
  coverage(cases) {
    const flagged = cases.filter(platformDependent);
    for (const c of flagged) expect(["find_peaks", "segment_by_peaks"], c.id).toContain(c.op);
  },
  extra(cases) {
    it("the numpy_avx512 tie order also reproduces every find_peaks and segment_by_peaks case", () => {
      const peakCases = cases.filter(
        (c) => (c.op === "find_peaks" || c.op === "segment_by_peaks") && !isExpectedError(c.expected),
      );
      expect(peakCases.length).toBeGreaterThan(0);
      for (const c of peakCases) {
        expect(compare(runOp(c, "numpy_avx512"), decode(c.expected), tolerance(c)), c.id).toEqual([]);
      }
    });
  },
  run: (c) => runOp(c),
  tolerance,
  errorCodes: ERROR_CODES,
  isPortError: io.isNeuroPoseError,
  messageMatches,
  checkError(expected, err) {
    if (expected.error_type === "ValidationError" && expected.errors) {
      const issues = (err as io.ValidationError).issues;
      expect(issues.map((i) => i.path.join("."))).toEqual(expected.errors.map((e) => locOf(e, KINDS)));
    }
  },
  report: (ran, cases) =>
    `segment parity: ${ran} of ${cases.length} cases ran and passed (${cases.filter(platformDependent).length} of them with numpy's AVX-512 tie order)`,
});
