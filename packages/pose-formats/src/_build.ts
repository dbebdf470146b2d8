// Shared assembly of the harmonised form from DLC-style columns (individual, bodypart, coord) and a row-major
// matrix of values. Internal.
import { createHash } from "node:crypto";
import { PoseFormatError } from "./errors.js";
import type { HarmonisedPose, PoseFormat, PoseSoftware, PoseSourceFile } from "./types.js";

export interface ColumnKey {
  individual: string;
  bodypart: string;
  coord: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function fileSource(path: string, bytes: Uint8Array): PoseSourceFile {
  return { path, sha256: sha256Hex(bytes), bytes: bytes.length, files: 1 };
}

export const DLC_CONFIDENCE =
  "DeepLabCut likelihood: the network's score map value at the predicted location (0-1; NaN when the point is missing).";

export interface BuildInput {
  format: PoseFormat;
  software: PoseSoftware;
  source: PoseSourceFile;
  frameIndex: Float64Array;
  columns: ColumnKey[];
  /** Row-major, `nRows × columns.length`. */
  values: Float64Array;
  zeroIsMissing: boolean;
  /** Where the column header lives, for errors ("header", "/df/axis0"). */
  headerPlace: string;
  confidenceDefinition?: string;
  warnings?: string[];
}

/** Harmonised pose from DLC-like columns. Individuals and keypoints keep their order of first appearance. */
export function buildFromColumns(inp: BuildInput): HarmonisedPose {
  const { columns, values, frameIndex } = inp;
  const nFrames = frameIndex.length;
  const nCols = columns.length;
  const warnings = [...(inp.warnings ?? [])];
  const individuals: string[] = [];
  const keypoints: string[] = [];
  const indOf = new Map<string, number>();
  const kpOf = new Map<string, number>();
  let hasZ = false;
  let hasLikelihood = false;
  const ignored = new Set<string>();
  for (const c of columns) {
    if (!indOf.has(c.individual)) {
      indOf.set(c.individual, individuals.length);
      individuals.push(c.individual);
    }
    if (!kpOf.has(c.bodypart)) {
      kpOf.set(c.bodypart, keypoints.length);
      keypoints.push(c.bodypart);
    }
    if (c.coord === "z") hasZ = true;
    if (c.coord === "likelihood") hasLikelihood = true;
  }
  if (nCols === 0 || keypoints.length === 0) {
    throw new PoseFormatError("E_POSE_HEADER", "no keypoint columns", {
      path: inp.source.path,
      place: inp.headerPlace,
      hint: "a DLC table needs bodyparts × coords (x, y, likelihood) columns",
    });
  }
  const nInd = individuals.length;
  const nKp = keypoints.length;
  const nDims: 2 | 3 = hasZ ? 3 : 2;
  // column index per (individual, keypoint, slot) where slot 0..nDims-1 = x, y[, z] and nDims = likelihood
  const slots = nDims + 1;
  const colOf = new Int32Array(nInd * nKp * slots).fill(-1);
  const present = new Uint8Array(nInd * nKp);
  for (let c = 0; c < nCols; c++) {
    const k = columns[c] as ColumnKey;
    const slot =
      k.coord === "x" ? 0 : k.coord === "y" ? 1 : k.coord === "z" ? 2 : k.coord === "likelihood" ? nDims : -1;
    if (slot < 0) {
      ignored.add(k.coord);
      continue;
    }
    const ik = (indOf.get(k.individual) as number) * nKp + (kpOf.get(k.bodypart) as number);
    if (colOf[ik * slots + slot] !== -1) {
      throw new PoseFormatError(
        "E_POSE_HEADER",
        `column ${k.individual}/${k.bodypart}/${k.coord} appears twice`,
        {
          path: inp.source.path,
          place: `${inp.headerPlace}, column ${c + 1}`,
          hint: "each (individual, bodypart, coord) must appear once",
        },
      );
    }
    colOf[ik * slots + slot] = c;
    present[ik] = 1;
  }
  for (let ik = 0; ik < nInd * nKp; ik++) {
    if (!present[ik]) continue;
    for (let s = 0; s < nDims; s++) {
      if (colOf[ik * slots + s] === -1) {
        const ind = individuals[Math.floor(ik / nKp)];
        const kp = keypoints[ik % nKp];
        throw new PoseFormatError(
          "E_POSE_HEADER",
          `keypoint ${ind === "" ? "" : `${ind}/`}${kp} has no ${"xyz"[s]} column`,
          {
            path: inp.source.path,
            place: inp.headerPlace,
            hint: "the CSV/table is missing a column; re-export it from DeepLabCut",
          },
        );
      }
    }
  }
  if (ignored.size) warnings.push(`columns with coords ${[...ignored].join(", ")} were ignored`);
  const coords = new Float64Array(nFrames * nInd * nKp * nDims).fill(Number.NaN);
  const confidence = new Float64Array(nFrames * nInd * nKp).fill(Number.NaN);
  let missing = 0;
  let zeros = 0;
  for (let f = 0; f < nFrames; f++) {
    const row = f * nCols;
    for (let ik = 0; ik < nInd * nKp; ik++) {
      const p = f * nInd * nKp + ik;
      if (!present[ik]) {
        missing++;
        continue;
      }
      const base = ik * slots;
      const lc = colOf[base + nDims] as number;
      const conf = lc >= 0 ? (values[row + lc] as number) : Number.NaN;
      let allZero = lc < 0 || conf === 0;
      let anyNaN = false;
      for (let d = 0; d < nDims; d++) {
        const v = values[row + (colOf[base + d] as number)] as number;
        if (v !== 0) allZero = false;
        if (Number.isNaN(v)) anyNaN = true;
        coords[p * nDims + d] = v;
      }
      if (inp.zeroIsMissing && allZero) {
        zeros++;
        missing++;
        for (let d = 0; d < nDims; d++) coords[p * nDims + d] = Number.NaN;
        continue;
      }
      confidence[p] = conf;
      if (anyNaN) {
        missing++;
        for (let d = 0; d < nDims; d++) coords[p * nDims + d] = Number.NaN;
      }
    }
  }
  if (zeros) warnings.push(`${zeros} points stored as (0, 0, 0) were read as missing (NaN)`);
  const single = nInd === 1 && individuals[0] === "";
  return {
    schemaVersion: 1,
    format: inp.format,
    software: inp.software,
    source: inp.source,
    nFrames,
    nIndividuals: nInd,
    nKeypoints: nKp,
    nDims,
    frameIndex,
    keypoints,
    edges: [],
    individuals: single ? ["individual_0"] : individuals,
    coords,
    confidence,
    confidenceDefinition:
      inp.confidenceDefinition ??
      (hasLikelihood ? DLC_CONFIDENCE : "No confidence in the file: all values are NaN."),
    warnings,
    stats: { missingPoints: missing, zeroAsMissing: zeros },
  };
}
