import { readFileSync } from "node:fs";
import { isNeuroPoseError } from "@neuropose/io";
import { expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { fastdtw } from "./fastdtw.js";

interface Case {
  id: string;
  op: string;
  args: Record<string, unknown>;
  expected: unknown;
  note?: string;
}

/** Parses the fixture's number encoding ("NaN", "Infinity" strings) recursively. */
function num(v: unknown): unknown {
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (Array.isArray(v)) return v.map(num);
  return v;
}

function closeRel(a: number, b: number, tol = 1e-9): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

fixtureSuite(
  "parity with the original NeuroPose (fastdtw / dtw_*)",
  ["neuropose-parity", "cases.json"],
  () => {
    const all = JSON.parse(readFileSync(fixturePath("neuropose-parity", "cases.json"), "utf8")) as Case[];
    const cases = all.filter((c) => c.op === "fastdtw");
    it("runs every fastdtw case", () => {
      let ok = 0;
      let bitExact = 0;
      const fails: string[] = [];
      for (const c of cases) {
        const a = c.args;
        const exp = c.expected as { distance?: unknown; path?: unknown; error_type?: string; error?: string };
        let got: { distance: number; path: Array<[number, number]> } | undefined;
        let err: unknown;
        try {
          got = fastdtw(num(a.x) as number[], num(a.y) as number[], {
            radius: (a.radius as number | undefined) ?? 1,
            dist: "dist" in a ? (a.dist as null | number | "euclidean") : "euclidean",
          });
        } catch (e) {
          err = e;
        }
        if (exp.error_type) {
          if (err && isNeuroPoseError(err)) ok++;
          else
            fails.push(`${c.id}: expected ${exp.error_type}, got ${err ?? JSON.stringify(got).slice(0, 80)}`);
          continue;
        }
        if (err || !got) {
          fails.push(`${c.id}: threw ${err}`);
          continue;
        }
        const ed = num(exp.distance) as number;
        const pathOk = JSON.stringify(got.path) === JSON.stringify(exp.path);
        if (Object.is(ed, got.distance)) bitExact++;
        else if (process.env.DTW_DEBUG) console.log("not bit-exact", c.id, got.distance, ed);
        if (closeRel(got.distance, ed) && pathOk) ok++;
        else
          fails.push(
            `${c.id}: distance ${got.distance} vs ${ed}, path ${pathOk ? "ok" : "differs"} ${c.note ?? ""}`,
          );
      }
      console.log(`fastdtw: ${ok}/${cases.length} pass, ${bitExact} bit-exact distances`);
      expect(fails).toEqual([]);
      expect(ok).toBe(77);
    });
  },
);
