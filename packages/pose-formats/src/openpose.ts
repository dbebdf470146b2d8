// OpenPose JSON output (one `<name>_<frame:012d>_keypoints.json` per frame, `people[].pose_keypoints_2d` as
// flat x, y, c triples; (0, 0, 0) marks a part it did not find) → harmonised pose.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SKELETONS } from "@neuropose/io";
import { PoseFormatError } from "./errors.js";
import type { HarmonisedPose } from "./types.js";

/** OpenPose's COCO (18-part) body model, in output order. */
export const OPENPOSE_COCO_18: readonly string[] = Object.freeze([
  "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist", "RHip", "RKnee", "RAnkle",
  "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar",
]); // biome-ignore format: compact

const COCO_18_EDGES: [number, number][] = [
  [1, 2], [1, 5], [2, 3], [3, 4], [5, 6], [6, 7], [1, 8], [8, 9], [9, 10], [1, 11], [11, 12], [12, 13], [1, 0],
  [0, 14], [14, 16], [0, 15], [15, 17],
]; // biome-ignore format: compact

export const OPENPOSE_CONFIDENCE =
  "OpenPose part confidence: the part affinity / heatmap score of the detected part (0-1); NaN where OpenPose found no part (it writes 0, 0, 0).";

export interface ReadOpenPoseOptions {
  /** "BODY_25" or "COCO" (default: from the number of parts, 25 or 18). */
  model?: "BODY_25" | "COCO";
}

/**
 * Reads a folder of OpenPose per-frame JSON files (BODY_25 or COCO) into the harmonised form. Frames are ordered
 * by the frame number in the file names; people keep OpenPose's order in each frame (person_0, person_1, ...:
 * OpenPose does not track identities); parts written as (0, 0, 0) are NaN.
 *
 * @example
 * ```ts
 * import { readOpenPose } from "@neuropose/pose-formats";
 * const pose = await readOpenPose("output/keypoints");
 * console.log(pose.nFrames, pose.keypoints[1], pose.individuals); // 344 Neck [ 'person_0', 'person_1' ]
 * ```
 */
export async function readOpenPose(
  folder: string,
  options: ReadOpenPoseOptions = {},
): Promise<HarmonisedPose> {
  if (!existsSync(folder))
    throw new PoseFormatError("E_POSE_NOT_FOUND", "folder not found", {
      path: folder,
      hint: "check the path",
    });
  if (!statSync(folder).isDirectory()) {
    throw new PoseFormatError(
      "E_POSE_FORMAT",
      "is a file; OpenPose writes a folder of per-frame JSON files",
      {
        path: folder,
        hint: "pass the folder given to OpenPose's --write_json",
      },
    );
  }
  const names = readdirSync(folder).filter((n) => n.endsWith(".json"));
  if (names.length === 0) {
    throw new PoseFormatError("E_POSE_EMPTY", "no .json files in the folder", {
      path: folder,
      hint: "pass the folder given to OpenPose's --write_json",
    });
  }
  const frameOf = (n: string) => {
    const m = /_(\d+)_keypoints\.json$/.exec(n) ?? /(\d+)\D*\.json$/.exec(n);
    return m ? Number(m[1]) : Number.NaN;
  };
  const numbered = names.every((n) => Number.isFinite(frameOf(n)));
  names.sort((a, b) => (numbered ? frameOf(a) - frameOf(b) : a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash("sha256");
  let bytes = 0;
  const frames: number[][][] = [];
  let version: string | undefined;
  let nParts = 0;
  for (const n of names) {
    const p = join(folder, n);
    const buf = readFileSync(p);
    hash.update(n).update("\0").update(buf);
    bytes += buf.length;
    let doc: unknown;
    try {
      doc = JSON.parse(buf.toString("utf8"));
    } catch (e) {
      throw new PoseFormatError("E_POSE_FORMAT", `invalid JSON: ${(e as Error).message}`, {
        path: p,
        hint: "the file is damaged or was cut short",
        cause: e,
      });
    }
    const people = (doc as { people?: unknown })?.people;
    if (!Array.isArray(people)) {
      throw new PoseFormatError("E_POSE_LAYOUT", "no people[] array", {
        path: p,
        place: "people",
        hint: "is this an OpenPose --write_json file?",
      });
    }
    const v = (doc as { version?: unknown }).version;
    if (version === undefined && v !== undefined) version = typeof v === "number" ? v.toFixed(1) : String(v);
    const persons = people.map((person, i) => {
      const k = (person as { pose_keypoints_2d?: unknown })?.pose_keypoints_2d;
      if (!Array.isArray(k) || k.length % 3 !== 0 || k.some((x) => typeof x !== "number")) {
        throw new PoseFormatError("E_POSE_LAYOUT", "pose_keypoints_2d is not a list of x, y, c numbers", {
          path: p,
          place: `people[${i}].pose_keypoints_2d`,
          hint: "the file is damaged, or OpenPose ran without the body model",
        });
      }
      if (k.length > 0) {
        if (nParts === 0) nParts = k.length / 3;
        else if (k.length / 3 !== nParts) {
          throw new PoseFormatError("E_POSE_LAYOUT", `${k.length / 3} parts; earlier frames have ${nParts}`, {
            path: p,
            place: `people[${i}].pose_keypoints_2d`,
            hint: "all frames must come from one OpenPose model",
          });
        }
      }
      return k as number[];
    });
    frames.push(persons);
  }
  const model = options.model ?? (nParts === 18 ? "COCO" : "BODY_25");
  const want = model === "COCO" ? 18 : 25;
  if (nParts !== 0 && nParts !== want) {
    throw new PoseFormatError("E_POSE_LAYOUT", `${nParts} parts per person; ${model} has ${want}`, {
      path: folder,
      hint: "pass the model OpenPose ran with (BODY_25 or COCO)",
    });
  }
  const keypoints = model === "COCO" ? [...OPENPOSE_COCO_18] : [...SKELETONS.openpose_body_25.joints];
  const edges: [number, number][] =
    model === "COCO"
      ? COCO_18_EDGES.map(([a, b]) => [a, b])
      : SKELETONS.openpose_body_25.edges.map(([a, b]) => [a, b]);
  const nKp = keypoints.length;
  const nFrames = frames.length;
  const nInd = Math.max(0, ...frames.map((f) => f.length));
  const coords = new Float64Array(nFrames * nInd * nKp * 2).fill(Number.NaN);
  const confidence = new Float64Array(nFrames * nInd * nKp).fill(Number.NaN);
  let missing = nFrames * nInd * nKp;
  let zeros = 0;
  frames.forEach((persons, f) => {
    persons.forEach((k, i) => {
      for (let j = 0; j < nKp && k.length; j++) {
        const x = k[j * 3] as number;
        const y = k[j * 3 + 1] as number;
        const c = k[j * 3 + 2] as number;
        if (x === 0 && y === 0 && c === 0) {
          zeros++;
          continue;
        }
        const p = (f * nInd + i) * nKp + j;
        coords[p * 2] = x;
        coords[p * 2 + 1] = y;
        confidence[p] = c;
        missing--;
      }
    });
  });
  return {
    schemaVersion: 1,
    format: "openpose-json",
    software: { name: "OpenPose", ...(version ? { version } : {}) },
    source: { path: folder, sha256: hash.digest("hex"), bytes, files: names.length },
    nFrames,
    nIndividuals: nInd,
    nKeypoints: nKp,
    nDims: 2,
    frameIndex: Float64Array.from(names, (n, i) => (numbered ? frameOf(n) : i)),
    keypoints,
    edges,
    individuals: Array.from({ length: nInd }, (_, i) => `person_${i}`),
    coords,
    confidence,
    confidenceDefinition: OPENPOSE_CONFIDENCE,
    warnings: [],
    stats: { missingPoints: missing, zeroAsMissing: zeros },
  };
}
