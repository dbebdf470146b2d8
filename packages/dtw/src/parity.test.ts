// Parity with the original NeuroPose (Python) for the DTW ops of ../shared/fixtures/neuropose-parity:
// fastdtw (77 cases), dtw_all (71), dtw_per_joint (55), dtw_relation (31). The original ran fastdtw 0.3.4
// (radius 1, scipy euclidean), so the entry points are called with method "fastdtw". Distances must match to
// 1e-9 relative, paths exactly, and where the original raised we must raise the mapped NeuroPoseError code.
import { isNeuroPoseError } from "@neuropose/io";
import { extractJointAngles, fromNested, procrustesAlign } from "@neuropose/kinematics";
import { describe, expect, it } from "vitest";
import {
  type ParityCase as Case,
  decode,
  type ExpectedError,
  isExpectedError,
  loadCases,
  paritySuite,
  withinTolerance,
} from "../../../config/parity.js";
import type { DtwResult } from "./dtw.js";
import { fastdtw } from "./fastdtw.js";
import { applyNanPolicy, dtwAll, dtwPerJoint, dtwRelation, type PoseDtwOptions } from "./pose-dtw.js";

/** DTW distances: relative 1e-9 (README), with a 1e-12 absolute floor for distances of ~0. */
const DISTANCE_TOL = { rel: 1e-9, abs: 1e-12 };

/** The NeuroPoseError code our port raises where the original raised `e`. */
function expectedCode(e: ExpectedError, args: Record<string, unknown>): string {
  const m = e.error;
  if (e.error_type === "LinAlgError") return "E_SVD_NONFINITE";
  if (e.error_type === "IndexError") return "E_FASTDTW_UNREACHABLE";
  if (m.includes("must not contain infs or NaNs")) return "E_DTW_NONFINITE";
  if (m.includes("requires matching frame counts")) {
    // deliberate deviation: an unknown align name is rejected up front instead of acting as per_sequence
    return ["none", "procrustes_per_frame", "procrustes_per_sequence"].includes(args.align as string)
      ? "E_DTW_ALIGN_FRAMES"
      : "E_DTW_OPTION";
  }
  if (m.includes("disagree on joint count")) return "E_DTW_SHAPE";
  if (m.includes("second dimension of x and y")) return "E_DTW_SHAPE";
  if (m.includes("Input vector should be 1-D")) return "E_DTW_SHAPE";
  if (m.includes("expected 3D arrays")) return "E_POSE_SHAPE";
  if (m.includes("requires angle_triplets") || m.startsWith("unknown ")) return "E_DTW_OPTION";
  if (m.includes("dist cannot be a negative")) return "E_DTW_OPTION";
  if (m.includes("out of range") || m.includes("joint indices must be in")) return "E_JOINT_RANGE";
  if (m.includes("cannot fill column")) return "E_DTW_NAN_COLUMN";
  if (m.includes("removed every frame")) return "E_DTW_EMPTY";
  throw new Error(`unmapped Python error ${e.error_type}: ${m}`);
}

/**
 * Deliberate deviations: the original accepts some invalid option names; the port rejects them
 * (E_DTW_OPTION) and the expected numbers are checked with the option the original actually used.
 */
const DEVIATIONS: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
  "dtw_per_joint/quirk/unknown_representation_acts_as_angles": (a) => ({ ...a, representation: "angles" }),
  "dtw_all/quirk/unknown_align_equal_len": (a) => ({ ...a, align: "procrustes_per_sequence" }),
};

/**
 * Near-ties. Where the features come from `@neuropose/kinematics` (Procrustes alignment or joint angles) they
 * can differ from numpy's by an ulp here and there (e.g. Math.acos vs numpy 2.4's arccos; with numpy's own
 * angle values our fastdtw reproduces these paths exactly), which can flip a warping decision whose two
 * candidates cost the same to ~1e-15 (the fixtures flag some of these as near-ties). For such cases a path
 * difference is accepted only if the original's path, priced with our features, costs the same as ours to
 * 1e-12 relative: an equally optimal choice, not a different search. Plain coordinates without alignment are
 * the inputs themselves, so their paths must match exactly.
 */
function derivedFeatures(c: Case): boolean {
  return (c.args.align !== undefined && c.args.align !== "none") || c.args.representation === "angles";
}

type Mat = { rows: number; cols: number; data: Float64Array };

/** Our feature matrices (a, b) for result `unit` of a dtw_all / dtw_per_joint / dtw_relation case. */
function unitFeatures(c: Case, unit: number): [Mat, Mat] {
  let a = fromNested(decode(c.args.a) as number[][][]);
  const b = fromNested(decode(c.args.b) as number[][][]);
  if (c.args.align === "procrustes_per_frame") a = procrustesAlign(a, b, { mode: "per_frame" }).aligned;
  else if (c.args.align !== undefined && c.args.align !== "none") {
    a = procrustesAlign(a, b, { mode: "per_sequence" }).aligned;
  }
  const policy = (c.args.nan_policy as "drop" | undefined) ?? "propagate";
  const J = a.joints;
  const feats = (p: typeof a): Mat => {
    if (c.op === "dtw_relation") {
      const i = c.args.joint_i as number;
      const j = c.args.joint_j as number;
      const data = new Float64Array(p.frames * 3);
      for (let f = 0; f < p.frames; f++) {
        for (let k = 0; k < 3; k++)
          data[f * 3 + k] = (p.data[(f * J + j) * 3 + k] as number) - (p.data[(f * J + i) * 3 + k] as number);
      }
      return { rows: p.frames, cols: 3, data };
    }
    const m: Mat =
      c.args.representation === "angles"
        ? extractJointAngles(p, c.args.angle_triplets as Array<[number, number, number]>)
        : { rows: p.frames, cols: J * 3, data: p.data };
    if (c.op === "dtw_all") return m;
    const w = c.args.representation === "angles" ? 1 : 3;
    const data = new Float64Array(m.rows * w);
    for (let f = 0; f < m.rows; f++)
      for (let k = 0; k < w; k++) data[f * w + k] = m.data[f * m.cols + unit * w + k] as number;
    return { rows: m.rows, cols: w, data };
  };
  return [applyNanPolicy(feats(a), policy), applyNanPolicy(feats(b), policy)];
}

function pathCost(path: Array<[number, number]>, fa: Mat, fb: Mat): number {
  let s = 0;
  for (const [i, j] of path) {
    let q = 0;
    for (let k = 0; k < fa.cols; k++)
      q += ((fa.data[i * fa.cols + k] as number) - (fb.data[j * fb.cols + k] as number)) ** 2;
    s += Math.sqrt(q);
  }
  return s;
}

function options(args: Record<string, unknown>): PoseDtwOptions {
  return {
    method: "fastdtw",
    path: true,
    align: args.align as PoseDtwOptions["align"],
    representation: args.representation as PoseDtwOptions["representation"],
    angleTriplets: args.angle_triplets as PoseDtwOptions["angleTriplets"],
    nanPolicy: args.nan_policy as PoseDtwOptions["nanPolicy"],
  };
}

function call(c: Case, args: Record<string, unknown>, exact = false): DtwResult | DtwResult[] {
  const a = decode(args.a) as number[][][];
  const b = decode(args.b) as number[][][];
  const o = exact ? { ...options(args), method: "exact" as const } : options(args);
  switch (c.op) {
    case "fastdtw":
      return fastdtw(decode(args.x) as number[], decode(args.y) as number[], {
        radius: (args.radius as number | undefined) ?? 1,
        dist: "dist" in args ? (args.dist as null | number | "euclidean") : "euclidean",
      });
    case "dtw_all":
      return dtwAll(a, b, o);
    case "dtw_per_joint":
      return dtwPerJoint(a, b, o);
    case "dtw_relation":
      return dtwRelation(a, b, args.joint_i as number, args.joint_j as number, o);
    default:
      throw new Error(c.op);
  }
}

const stats = { distances: 0, bitExact: 0, tieFlips: [] as string[] };

function compare(got: DtwResult | DtwResult[], exp: unknown, c?: Case): string | null {
  const g = Array.isArray(got) ? got : [got];
  const e = (Array.isArray(exp) ? exp : [exp]) as Array<{ distance: unknown; path: unknown }>;
  if (g.length !== e.length) return `${g.length} results, expected ${e.length}`;
  for (let k = 0; k < g.length; k++) {
    const gd = (g[k] as DtwResult).distance;
    const ed = decode((e[k] as { distance: unknown }).distance) as number;
    if (!withinTolerance(gd, ed, DISTANCE_TOL)) return `[${k}] distance ${gd} vs ${ed}`;
    stats.distances++;
    if (Object.is(gd, ed)) stats.bitExact++;
    const ePath = (e[k] as { path: Array<[number, number]> }).path;
    const gPath = (g[k] as DtwResult).path ?? [];
    if (JSON.stringify(gPath) !== JSON.stringify(ePath)) {
      if (!c || !derivedFeatures(c)) return `[${k}] path differs`;
      const [fa, fb] = unitFeatures(c, k);
      const mine = pathCost(gPath, fa, fb);
      const theirs = pathCost(ePath, fa, fb);
      if (Math.abs(mine - theirs) > 1e-12 * mine) return `[${k}] path differs and is not a near-tie`;
      stats.tieFlips.push(`${c.id}[${k}]`);
    }
  }
  return null;
}

// Whatever cases the fixture holds for these ops are checked (a regenerated fixture needs no code change).
const OPS = ["fastdtw", "dtw_all", "dtw_per_joint", "dtw_relation"] as const;

paritySuite("parity with the original NeuroPose (fastdtw, dtw_all, dtw_per_joint, dtw_relation)", () => {
  const all = loadCases(OPS);
  for (const op of OPS) {
    describe(op, () => {
      const cases = all.filter((c) => c.op === op);
      it("passes every case of the fixture", () => {
        stats.distances = 0;
        stats.bitExact = 0;
        stats.tieFlips = [];
        let passed = 0;
        let raised = 0;
        const fails: string[] = [];
        for (const c of cases) {
          const exp = c.expected;
          const deviation = DEVIATIONS[c.id];
          if (deviation) {
            // the port rejects the invalid option ...
            let code = "no error";
            try {
              call(c, c.args);
            } catch (e) {
              code = (e as { code?: string }).code ?? String(e);
            }
            // ... and reproduces the original's numbers with the option it really used (with the same
            // equal-cost near-tie check as every other aligned case)
            const used = { ...c, args: deviation(c.args) };
            const diff =
              code === "E_DTW_OPTION" ? compare(call(used, used.args), c.expected, used) : `raised ${code}`;
            if (diff) fails.push(`${c.id}: ${diff}`);
            else passed++;
            continue;
          }
          if (isExpectedError(exp)) {
            const want = expectedCode(exp, c.args);
            try {
              const r = call(c, c.args);
              fails.push(
                `${c.id}: expected ${exp.error_type} (${want}), got ${JSON.stringify(r).slice(0, 60)}`,
              );
            } catch (e) {
              if (isNeuroPoseError(e) && e.code === want) {
                passed++;
                raised++;
              } else fails.push(`${c.id}: expected ${want}, got ${(e as { code?: string }).code} ${e}`);
            }
            continue;
          }
          try {
            const diff = compare(call(c, c.args), c.expected, c);
            if (diff) fails.push(`${c.id}: ${diff} ${c.note ?? ""}`);
            else passed++;
          } catch (e) {
            fails.push(`${c.id}: threw ${e}`);
          }
        }
        console.log(
          `parity ${op}: ${passed}/${cases.length} cases pass (${raised} expected errors raised); ` +
            `${stats.bitExact}/${stats.distances} distances bit-identical; ` +
            `near-tie path flips: ${stats.tieFlips.join(", ") || "none"}`,
        );
        expect(fails).toEqual([]);
        expect(cases.length, `the fixture has no ${op} case`).toBeGreaterThan(0);
        expect(passed).toBe(cases.length);
      });

      if (op !== "fastdtw") {
        it("exact DTW is never above fastdtw (fastdtw's path is one candidate of the exact search)", () => {
          let checked = 0;
          for (const c of cases) {
            if (isExpectedError(c.expected) || DEVIATIONS[c.id]) continue;
            const fast = [call(c, c.args)].flat();
            const exact = [call(c, c.args, true)].flat();
            for (let k = 0; k < fast.length; k++) {
              const f = (fast[k] as DtwResult).distance;
              const x = (exact[k] as DtwResult).distance;
              expect(x).toBeLessThanOrEqual(f * (1 + 1e-12) + 1e-12);
              checked++;
            }
          }
          expect(checked).toBeGreaterThan(0);
        });
      }
    });
  }
});
