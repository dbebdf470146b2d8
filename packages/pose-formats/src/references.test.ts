// Every pose fixture read by our readers equals what the Python ecosystem reads from it (pandas for DeepLabCut,
// h5py for SLEAP, json for OpenPose); the references are written by ../references/make_references.py.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { fixturePath, fixtureSuite } from "../../../config/fixtures.js";
import { readDlc, readOpenPose, readSleap } from "./index.js";
import type { HarmonisedPose } from "./types.js";

const REF_DIR = join(import.meta.dirname, "..", "references");
const refs = readdirSync(REF_DIR)
  .filter((n) => n.endsWith(".json"))
  .map((n) => ({
    file: n,
    doc: JSON.parse(readFileSync(join(REF_DIR, n), "utf8")) as Record<string, unknown>,
  }));

type Num = number | null;
const asNum = (v: Num) => (v === null ? Number.NaN : v);

/** Sums differ only by summation order: relative 1e-12 (pandas/numpy use pairwise summation). */
function closeSum(actual: number, expected: Num, what: string) {
  const e = asNum(expected);
  if (Number.isNaN(e)) return expect(actual, what).toBeNaN();
  expect(Math.abs(actual - e), `${what}: ${actual} vs ${e}`).toBeLessThanOrEqual(
    1e-12 * Math.max(1, Math.abs(e)),
  );
}

function sameValues(actual: ArrayLike<number>, expected: Num[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = asNum(expected[i] as Num);
    if (!(Object.is(a, e) || a === e)) bad.push(`[${i}] ${a} vs ${e}`);
  }
  expect(bad.slice(0, 5), `${what}: ${bad.length} values differ`).toEqual([]);
}

function nansum(xs: Iterable<number>): number {
  // numpy's nansum is pairwise; summing in float64 left to right differs in the last bits only
  let s = 0;
  for (const x of xs) if (!Number.isNaN(x)) s += x;
  return s;
}

/** Our harmonised pose seen as pandas' wide table: one column per (individual, bodypart, coord). */
function dlcColumn(p: HarmonisedPose, tuple: string[], levelNames: (string | null)[]): Float64Array {
  const n = tuple.length;
  const at = (name: string, fallback: number) =>
    levelNames.includes(name) ? levelNames.indexOf(name) : fallback;
  const coord = tuple[at("coords", n - 1)] as string;
  const bp = tuple[at("bodyparts", n - 2)] as string;
  const ind = n === 4 ? (tuple[at("individuals", 1)] as string) : undefined;
  const i = ind === undefined ? 0 : p.individuals.indexOf(ind);
  const k = p.keypoints.indexOf(bp);
  expect(i, `individual ${ind}`).toBeGreaterThanOrEqual(0);
  expect(k, `bodypart ${bp}`).toBeGreaterThanOrEqual(0);
  const out = new Float64Array(p.nFrames);
  for (let f = 0; f < p.nFrames; f++) {
    const q = (f * p.nIndividuals + i) * p.nKeypoints + k;
    out[f] =
      coord === "likelihood"
        ? (p.confidence[q] as number)
        : (p.coords[q * p.nDims + "xyz".indexOf(coord)] as number);
  }
  return out;
}

function checkDense(p: HarmonisedPose, ref: Record<string, unknown>) {
  const shape = ref.shape as number[];
  expect([p.nFrames, p.nIndividuals, p.nKeypoints, p.nDims]).toEqual(shape);
  const xs: number[] = [];
  const ys: number[] = [];
  let nanPts = 0;
  for (let q = 0; q < p.confidence.length; q++) {
    xs.push(p.coords[q * 2] as number);
    ys.push(p.coords[q * 2 + 1] as number);
    if (Number.isNaN(p.coords[q * 2] as number)) nanPts++;
  }
  closeSum(nansum(xs), ref.nansum_x as Num, "nansum x");
  closeSum(nansum(ys), ref.nansum_y as Num, "nansum y");
  closeSum(nansum(p.confidence), ref.nansum_conf as Num, "nansum confidence");
  expect(nanPts, "NaN points").toBe(ref.nan_points);
  expect(p.confidence.filter(Number.isNaN).length, "NaN confidences").toBe(ref.nan_conf);
  const perKp = ref.per_keypoint_nansum_x as Num[];
  perKp.forEach((s, k) => {
    const v: number[] = [];
    for (let fi = 0; fi < p.nFrames * p.nIndividuals; fi++)
      v.push(p.coords[(fi * p.nKeypoints + k) * 2] as number);
    closeSum(nansum(v), s, `nansum x of ${p.keypoints[k]}`);
  });
  const per = p.nIndividuals * p.nKeypoints;
  for (const [r, row] of Object.entries(ref.rows as Record<string, { xy: Num[]; conf: Num[] }>)) {
    const f = Number(r);
    sameValues(p.coords.subarray(f * per * 2, (f + 1) * per * 2), row.xy, `frame ${f} x/y`);
    sameValues(p.confidence.subarray(f * per, (f + 1) * per), row.conf, `frame ${f} confidence`);
  }
}

for (const { file, doc } of refs) {
  const fixture = doc.fixture as string;
  fixtureSuite(`reference ${file}`, fixture.split("/"), () => {
    if (file.startsWith("dlc__")) {
      it(`readDlc equals ${doc.reader as string}`, async () => {
        const raw = await readDlc(fixturePath(fixture), { zeroIsMissing: false });
        const shape = doc.shape as [number, number];
        const cols = doc.columns as string[][];
        const levels = doc.level_names as (string | null)[];
        expect(raw.nFrames).toBe(shape[0]);
        expect(raw.frameIndex[0]).toBe(doc.index_first);
        expect(raw.frameIndex[raw.nFrames - 1]).toBe(doc.index_last);
        const sums = doc.col_nansum as Num[];
        const nans = doc.col_nan as number[];
        const rows = doc.rows as Record<string, Num[]>;
        const wide = cols.map((c) => dlcColumn(raw, c, levels));
        expect(raw.nIndividuals * raw.nKeypoints * (raw.nDims + 1)).toBeGreaterThanOrEqual(cols.length);
        wide.forEach((col, j) => {
          closeSum(nansum(col), sums[j] as Num, `column ${(cols[j] as string[]).join("/")} sum`);
          expect(col.filter(Number.isNaN).length, `column ${(cols[j] as string[]).join("/")} NaN`).toBe(
            nans[j],
          );
        });
        const exact = (doc.rows_round_trip ?? rows) as Record<string, Num[]>;
        for (const [r, vals] of Object.entries(exact)) {
          // HDF5: bit-identical to read_hdf. CSV: bit-identical to read_csv(float_precision="round_trip"), i.e. the
          // number the writer printed, and within one ulp of read_csv's default (not correctly rounded) parser.
          sameValues(
            wide.map((c) => c[Number(r)] as number),
            vals,
            `row ${r}`,
          );
          (rows[r] as Num[]).forEach((e, j) => {
            const a = wide[j]?.[Number(r)] as number;
            if (e === null) expect(a).toBeNaN();
            else expect(Math.abs(a - e)).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(e));
          });
        }
        // default reading: (0, 0, 0) triples become NaN, and only those
        const harmonised = await readDlc(fixturePath(fixture));
        expect(harmonised.stats.zeroAsMissing).toBe(doc.zero_triples);
      });
    } else if (file.startsWith("sleap__")) {
      it(`readSleap equals ${doc.reader as string}`, async () => {
        const p = await readSleap(fixturePath(fixture));
        expect(p.keypoints).toEqual(doc.nodes);
        expect(p.edges).toEqual(doc.edges);
        if ((doc.individuals as string[]).length) expect(p.individuals).toEqual(doc.individuals);
        if (doc.instances)
          expect({ user: p.stats.instances?.user, predicted: p.stats.instances?.predicted }).toEqual(
            doc.instances,
          );
        if (doc.sleap_version) expect(p.software.version).toBe(doc.sleap_version);
        checkDense(p, doc);
      });
    } else if (file.startsWith("openpose__")) {
      it(`readOpenPose equals ${doc.reader as string}`, async () => {
        const p = await readOpenPose(fixturePath(fixture));
        expect(p.source.files).toBe(doc.files);
        expect(p.frameIndex[0]).toBe(doc.first_frame);
        expect(p.frameIndex[p.nFrames - 1]).toBe(doc.last_frame);
        expect(p.software.version).toBe(doc.version);
        expect(p.stats.zeroAsMissing).toBe(doc.zero_parts);
        checkDense(p, doc);
      });
    }
  });
}
