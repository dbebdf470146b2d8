// `neuropose-infer VIDEO --bone-model`: one bone-length model per person for a single camera's 3D (BlazePose world
// landmarks), through @neuropose/kinematics' constrainBoneLengths. The model needs the whole clip (lengths are
// medians over its confident frames), so it runs as processVideo's wholeClip step (frames held in memory, written after); the
// document records the filter, its parameters and each bone's length CV before and after in provenance.filters.
import { basename } from "node:path";
import type { Logger } from "@neuropose/cli-kit";
import { type ProcessVideoResult, processVideo } from "@neuropose/infer";
import type { FilterProvenance, FramePrediction, VideoPredictions } from "@neuropose/io";
import {
  BLAZEPOSE_LIMB_BONES,
  constrainBoneLengths,
  inferSkeleton,
  poseSequence,
} from "@neuropose/kinematics";

/** Bones of the single-camera model: kinematics' blazepose_33 limbs, plus wrist → pinky, index, thumb (hands move with their wrist). */
export const SINGLE_CAMERA_BONES: readonly (readonly [number, number])[] = Object.freeze([
  ...BLAZEPOSE_LIMB_BONES,
  [15, 17],
  [15, 19],
  [15, 21],
  [16, 18],
  [16, 20],
  [16, 22],
]);

/** Default of `--bone-min-confidence`: both ends' visibility × presence at least this define a bone's length. */
export const BONE_MIN_CONFIDENCE = 0.5;

/** One person's bone model: lengths and each bone's length CV (%) before and after. */
export interface BonePersonSummary {
  person_id: number;
  frames: number;
  /** Per bone ("left_hip-left_knee"): the model's length in poses3d_unit, and CV (population SD / mean, %) over the frames. */
  length: Record<string, number | null>;
  cv_before_pct: Record<string, number | null>;
  cv_after_pct: Record<string, number | null>;
}

const pct = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e4 : null);

/**
 * Constrain a single camera's 3D poses to one bone-length model per person (`person_ids`, else the person's
 * index in the frame): each bone's length is its median over the frames where both ends have visibility ×
 * presence ≥ `minConfidence`, and every frame is pulled onto it (kinematics' `constrainBoneLengths`: joint
 * directions kept, children moved with their parents). Only poses3d of the bones' child joints change (knees,
 * ankles, heels, toes, elbows, wrists, hands); the face, shoulders, hips and every 2D keypoint stay as
 * inferred. Bone-length CV is then ~0 by construction: the output says what the skeleton should be, not what
 * the camera saw. Returns the document with the filter recorded in `provenance.filters`, and per person the
 * lengths and CVs.
 *
 * @example
 * ```ts
 * import { applyBoneModel } from "@neuropose/neuropose-infer";
 * const pose = (k: number) => Array.from({ length: 33 }, (_, j) => [j, j === 25 ? 10 * k : 0, 0]);
 * const frames = Object.fromEntries([1, 2, 3].map((k, f) => [`frame_00000${f}`, { boxes: [], poses3d: [pose(k)], poses2d: [] }]));
 * const doc = { schema_version: 3, metadata: { frame_count: 3, fps: 30, width: 64, height: 48, skeleton: "blazepose_33", poses3d_unit: "mm", poses3d_frame: "hip_centered" }, frames, segmentations: {}, provenance: null };
 * const { people } = applyBoneModel(doc, { minConfidence: 0.5 });
 * console.log(people[0].cv_before_pct["left_hip-left_knee"] > 10, people[0].cv_after_pct["left_hip-left_knee"]); // true 0
 * ```
 */
export function applyBoneModel(
  doc: VideoPredictions,
  options: { minConfidence: number },
): { predictions: VideoPredictions; people: BonePersonSummary[]; filter: FilterProvenance } {
  const keys = Object.keys(doc.frames).sort();
  // a copy of each frame and its poses3d list (the model replaces whole poses; nothing inside them is mutated)
  const frames: Record<string, FramePrediction> = Object.fromEntries(
    keys.map((k) => {
      const f = doc.frames[k] as FramePrediction;
      return [k, { ...f, poses3d: [...f.poses3d] }];
    }),
  );
  const first = keys.map((k) => frames[k]?.poses3d[0]).find((p) => p !== undefined);
  const J = first?.length ?? 33;
  const skeleton = inferSkeleton(doc.metadata.skeleton, J);
  const bones = SINGLE_CAMERA_BONES.filter(([a, b]) => a < J && b < J);
  const names = bones.map(([a, b]) => `${skeleton.joints[a]}-${skeleton.joints[b]}`);
  // Where each person is: (frame key, index in that frame), by id.
  const where = new Map<number, [string, number][]>();
  for (const k of keys) {
    const f = frames[k] as FramePrediction;
    f.poses3d.forEach((_, p) => {
      const id = f.person_ids?.[p] ?? p;
      const list = where.get(id) ?? [];
      list.push([k, p]);
      where.set(id, list);
    });
  }
  const people: BonePersonSummary[] = [];
  for (const [id, at] of [...where.entries()].sort((a, b) => a[0] - b[0])) {
    const seq = poseSequence(at.length, J);
    const conf = new Float64Array(at.length * J);
    at.forEach(([k, p], i) => {
      const f = frames[k] as FramePrediction;
      const pose = f.poses3d[p] as number[][];
      for (let j = 0; j < J; j++) {
        for (let a = 0; a < 3; a++) seq.data[(i * J + j) * 3 + a] = Number(pose[j]?.[a]);
        const v = Number(f.visibility?.[p]?.[j] ?? 1);
        const pr = Number(f.presence?.[p]?.[j] ?? 1);
        conf[i * J + j] = (Number.isFinite(v) ? v : 0) * (Number.isFinite(pr) ? pr : 0);
      }
    });
    const r = constrainBoneLengths(seq, { bones, confidence: conf, minConfidence: options.minConfidence });
    at.forEach(([k, p], i) => {
      const f = frames[k] as FramePrediction;
      f.poses3d[p] = Array.from({ length: J }, (_, j) =>
        Array.from(r.sequence.data.subarray((i * J + j) * 3, (i * J + j) * 3 + 3)),
      );
    });
    const per = (v: Float64Array, map: (x: number) => number | null) =>
      Object.fromEntries(names.map((n, b) => [n, map(v[b] as number)]));
    people.push({
      person_id: id,
      frames: at.length,
      length: per(r.lengths, (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null)),
      cv_before_pct: per(r.cvBefore, pct),
      cv_after_pct: per(r.cvAfter, pct),
    });
  }
  const filter: FilterProvenance = {
    filter: "bone_length_model",
    applied_to: "poses3d",
    bones: bones.length,
    bone_names: names,
    min_confidence: options.minConfidence,
    length_statistic: "median over frames where both ends have visibility × presence ≥ min_confidence",
    people,
  };
  const provenance = doc.provenance
    ? { ...doc.provenance, filters: [...(doc.provenance.filters ?? []), filter] }
    : doc.provenance;
  return { predictions: { ...doc, frames, provenance }, people, filter };
}

/** The median over people of each bone's CV (%), for the log line. */
function medianCv(people: BonePersonSummary[], key: "cv_before_pct" | "cv_after_pct"): string {
  const all = people.flatMap((p) => Object.values(p[key]).filter((x): x is number => x !== null));
  if (all.length === 0) return "—";
  all.sort((a, b) => a - b);
  const m = all.length >> 1;
  const med = all.length % 2 ? (all[m] as number) : ((all[m - 1] as number) + (all[m] as number)) / 2;
  return `${med.toFixed(2)} % (max ${(all.at(-1) as number).toFixed(2)} %)`;
}

/**
 * One video through the model, then the bone model over the whole clip, then its outputs: processVideo's
 * `wholeClip` step, so the predictions file, the other sinks and the NWB file all get the constrained document
 * under processVideo's all-or-nothing commit. Logs the bone-length CV before and after.
 */
export async function processVideoWithBoneModel(
  options: Parameters<typeof processVideo>[0] & { minConfidence: number; logger: Logger },
): Promise<ProcessVideoResult> {
  const { minConfidence, logger, ...rest } = options;
  let people: BonePersonSummary[] = [];
  const r = await processVideo({
    ...rest,
    logger,
    wholeClip: (doc) => {
      const applied = applyBoneModel(doc, { minConfidence });
      people = applied.people;
      return applied.predictions;
    },
  });
  logger.info(
    `${basename(r.info.path)}: bone-length model (${people.length} person(s)): bone-length CV per bone, median over bones, ${medianCv(people, "cv_before_pct")} → ${medianCv(people, "cv_after_pct")} (0 by construction)`,
  );
  return r;
}
